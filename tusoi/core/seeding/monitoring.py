"""The demo campaign's difficulties and proposals and its progress reports upward (issue 6), for
the demo scale only (`seed_run` calls `demo_monitoring_ensure` last, once the reports and
meetings exist).

Difficulties: each upper-grassroots committee (the wards, the commune, the agencies' committee)
raises two to four, about a third of the grassroots committees one or two and about a quarter
of the cells one, in every category (members working far from home, elderly or frail members,
workers with no time, large cells, unclear procedure, other); about four in ten of them also
make a proposal. They are dated over the campaign so far.

Progress reports: the first ward's committee (the demo login `phuong`) generated an interim
review with the figures as of three days ago, wrote its four parts and sent it to the province;
the province (the login `tinhuy`) has a draft interim review as of today with its first part
written, so the province's page shows one committee that sent its review and two that did not.
Everything goes through the monitoring services (audited, like a person's work). Idempotent:
each part is written once per campaign."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from tusoi.campaigns.models import Campaign
from tusoi.core.seeding.generator import person_name
from tusoi.monitoring.models_progress import (
    Difficulty,
    DifficultyCategory,
    DifficultyKind,
    ProgressReport,
    ProgressReportKind,
)
from tusoi.monitoring.progress_document import number
from tusoi.monitoring.selectors_progress import snapshot_from
from tusoi.monitoring.services_progress import (
    difficulty_create,
    progress_report_create,
    progress_report_submit,
    progress_report_update,
)
from tusoi.monitoring.tallies import tallies_build
from tusoi.orgs.models import Organization
from tusoi.orgs.tree import successor

C = DifficultyCategory
# What cells and committees write, by category; filled in: {n} a few members, {k} the phases
# of a split meeting, {big} the members of a large cell.
DIFFICULTY_TEXTS: dict[str, list[str]] = {
    C.WORKING_AWAY: [
        "Chi bộ có {n} đảng viên đi làm ăn xa (Bình Dương, Đồng Nai), chưa thể về dự sinh hoạt "
        "chuyên đề; chi bộ đã gửi mẫu báo cáo qua Zalo nhưng mới nhận lại được một bản.",
        "{n} đảng viên trẻ làm việc ở khu công nghiệp ngoài tỉnh, liên lạc khó; báo cáo gửi về "
        "chậm so với kế hoạch.",
        "Một số đảng viên đi xuất khẩu lao động ngắn hạn tại Hàn Quốc, Nhật Bản; chưa rõ cách "
        "xác nhận báo cáo khi đảng viên không ký trực tiếp được.",
        "Đảng viên đi làm ăn xa chưa đăng ký sinh hoạt tạm thời nơi cư trú mới, chi bộ không "
        "nắm được tình hình tư tưởng để nhận xét.",
    ],
    C.ELDERLY_FRAIL: [
        "Chi bộ có {n} đảng viên trên 80 tuổi, sức khỏe yếu, mắt kém, không tự viết được báo cáo; "
        "chi ủy phải đến nhà ghi giúp theo lời đảng viên.",
        "Nhiều đảng viên cao tuổi được miễn sinh hoạt nhưng vẫn muốn tham gia viết báo cáo; đề "
        "nghị hướng dẫn cách ghi nhận.",
        "Đảng viên lớn tuổi lúng túng với mẫu báo cáo dài, nhiều mục đánh dấu; cần mẫu rút gọn "
        "cho đảng viên hưu trí.",
        "{n} đồng chí đảng viên lão thành đang điều trị dài ngày tại bệnh viện, chưa thể dự buổi "
        "sinh hoạt chuyên đề.",
    ],
    C.NO_TIME: [
        "Đảng viên là công nhân làm ca, tăng ca liên tục, chỉ sinh hoạt được buổi tối hoặc Chủ "
        "nhật; chi bộ phải chia thành {k} đợt.",
        "Đảng viên làm việc tại doanh nghiệp ngoài nhà nước khó xin nghỉ để dự sinh hoạt chuyên "
        "đề trong giờ hành chính.",
        "Thời điểm triển khai trùng mùa vụ thu hoạch, đảng viên là nông dân ít thời gian viết "
        "báo cáo.",
        "Đảng viên buôn bán nhỏ, lao động tự do phải mưu sinh hằng ngày, thời gian tham gia các "
        "buổi sinh hoạt còn hạn chế.",
    ],
    C.LARGE_CELL: [
        "Chi bộ đông đảng viên ({big} đồng chí), nếu mỗi đảng viên đọc báo cáo và góp ý thì một "
        "buổi không đủ thời gian; phải tổ chức phân kỳ.",
        "Chi bộ khu dân cư có hơn 100 đảng viên, hội trường không đủ chỗ; đề nghị hướng dẫn "
        "sinh hoạt theo tổ đảng.",
        "Số lượng báo cáo lớn, chi ủy không đủ thời gian đọc và nhận xét từng báo cáo trước buổi "
        "sinh hoạt.",
    ],
    C.UNCLEAR_PROCEDURE: [
        "Chưa rõ chủ trì có phải kết luận ưu điểm, khuyết điểm của từng đảng viên tại buổi sinh "
        "hoạt chuyên đề hay không.",
        "Hướng dẫn chưa nêu rõ đảng viên được miễn sinh hoạt có phải viết báo cáo không.",
        "Chi bộ lúng túng khi đảng viên chuyển sinh hoạt trong đợt: báo cáo nộp ở chi bộ cũ hay "
        "chi bộ mới.",
        "Chưa thống nhất cách ghi biên bản khi buổi sinh hoạt chia làm {k} đợt.",
    ],
    C.OTHER: [
        "Một số báo cáo còn sao chép, rập khuôn theo bản kiểm điểm cuối năm, chưa tự soi, tự sửa "
        "thực chất.",
        "Đường truyền Internet ở thôn vùng cao yếu, đảng viên khó nộp báo cáo trực tuyến.",
        "Kinh phí tổ chức các hoạt động hưởng ứng của chi bộ còn hạn hẹp.",
        "Cấp ủy viên phụ trách chi bộ thay đổi giữa đợt, việc theo dõi chưa liên tục.",
    ],
}
PROPOSALS = [
    "Đề nghị cấp trên ban hành mẫu báo cáo rút gọn cho đảng viên cao tuổi, hưu trí.",
    "Đề nghị cho phép đảng viên đi làm ăn xa nộp báo cáo qua phần mềm và xác nhận sau.",
    "Đề nghị hướng dẫn cụ thể việc chủ trì kết luận đối với từng đảng viên.",
    "Đề nghị kéo dài thời hạn nộp báo cáo thêm 15 ngày đối với các chi bộ đông đảng viên.",
    "Đề nghị tổ chức tập huấn cho bí thư chi bộ về cách nhận xét, góp ý báo cáo.",
    "Đề nghị Đảng ủy cử cán bộ dự sinh hoạt chuyên đề ở các chi bộ còn lúng túng.",
    "Đề nghị biểu dương kịp thời các chi bộ, đảng viên tiêu biểu trong đợt sinh hoạt.",
    "Đề nghị hỗ trợ kinh phí cho các chi bộ khu dân cư tổ chức hoạt động hưởng ứng.",
]
# The categories as the narrative of a report names them (stored text: always Vietnamese).
CATEGORY_WORDS = {
    C.WORKING_AWAY: "đảng viên đi làm ăn xa",
    C.ELDERLY_FRAIL: "đảng viên cao tuổi, sức khỏe yếu",
    C.NO_TIME: "đảng viên là người lao động không có thời gian",
    C.LARGE_CELL: "chi bộ đông đảng viên",
    C.UNCLEAR_PROCEDURE: "quy trình, hướng dẫn chưa rõ",
    C.OTHER: "các khó khăn khác",
}
# Cells raise mostly what they live with; committees also the procedure.
CELL_WEIGHTS = [
    (C.WORKING_AWAY, 5),
    (C.ELDERLY_FRAIL, 4),
    (C.NO_TIME, 4),
    (C.LARGE_CELL, 2),
    (C.UNCLEAR_PROCEDURE, 2),
    (C.OTHER, 1),
]
COMMITTEE_WEIGHTS = [
    (C.WORKING_AWAY, 3),
    (C.ELDERLY_FRAIL, 2),
    (C.NO_TIME, 2),
    (C.LARGE_CELL, 2),
    (C.UNCLEAR_PROCEDURE, 4),
    (C.OTHER, 2),
]


def demo_monitoring_ensure(*, root: Organization, seed: int, campaign_title: str) -> None:
    """Seed the difficulties, proposals and progress reports once; a second run finds them and
    does nothing."""
    campaign = Campaign.objects.filter(organization=root, title=campaign_title).first()
    if campaign is None:
        return
    rng = random.Random(seed * 11 + 6)
    with transaction.atomic():
        if not Difficulty.objects.filter(campaign=campaign).exists():
            _difficulties(rng, campaign, root)
        if not ProgressReport.objects.filter(campaign=campaign).exists():
            # The bulk seed wrote reports and meetings without the events that keep the
            # per-cell tallies; count them afresh before a report reads the dashboard.
            tallies_build(campaign, rebuild=True)
            _progress_reports(rng, campaign, root)


# Difficulties and proposals ----------------------------------------------------------------------


def _difficulties(rng: random.Random, campaign: Campaign, root: Organization) -> None:
    orgs = list(
        Organization.objects.filter(path__gte=root.path, path__lt=successor(root.path))
        .select_related("kind")
        .order_by("path")
    )
    today = timezone.localdate()
    span = max(0, (today - campaign.starts_on).days)
    unused = {category: list(texts) for category, texts in DIFFICULTY_TEXTS.items()}
    for org in orgs:
        if org.depth == root.depth:
            continue
        if org.depth == root.depth + 1:
            count, weights = rng.randint(2, 4), COMMITTEE_WEIGHTS
        elif not org.kind.is_cell:
            count, weights = (rng.randint(1, 2) if rng.random() < 0.35 else 0), COMMITTEE_WEIGHTS
        else:
            count, weights = (1 if rng.random() < 0.25 else 0), CELL_WEIGHTS
        categories = [c for c, _w in weights]
        for _index in range(count):
            category = rng.choices(categories, weights=[w for _c, w in weights])[0]
            # Every category appears: the first texts of each are used before any repeats.
            pool = unused[category] or DIFFICULTY_TEXTS[category]
            text = pool.pop(rng.randrange(len(pool))) if unused[category] else rng.choice(pool)
            _raise(rng, campaign, org, today, span, DifficultyKind.DIFFICULTY, category, text)
        if count and rng.random() < 0.4:
            text = rng.choice(PROPOSALS)
            _raise(rng, campaign, org, today, span, DifficultyKind.PROPOSAL, "", text)
    # A small demo may draw no cell of some category: raise one of each where missing.
    raised = set(Difficulty.objects.filter(campaign=campaign).values_list("category", flat=True))
    cells = [o for o in orgs if o.kind.is_cell]
    for category in C.values:
        if category not in raised and cells:
            text = rng.choice(DIFFICULTY_TEXTS[category])
            _raise(
                rng, campaign, rng.choice(cells), today, span, DifficultyKind.DIFFICULTY,
                category, text,
            )  # fmt: skip


def _raise(
    rng: random.Random,
    campaign: Campaign,
    org: Organization,
    today: datetime.date,
    span: int,
    kind: str,
    category: str,
    text: str,
) -> None:
    difficulty = difficulty_create(
        actor=None,
        campaign=campaign,
        organization=org,
        kind=kind,
        category=category,
        text=text.format(n=rng.randint(3, 12), k=rng.randint(2, 3), big=rng.randint(85, 160)),
    )
    day = today - datetime.timedelta(days=rng.randint(0, span))
    moment = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randint(7, 20), rng.randint(0, 59)))
    )
    Difficulty.objects.filter(pk=difficulty.pk).update(created_at=min(moment, timezone.now()))


# Progress reports ---------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{part * 100 / whole:.1f}".replace(".", ",") + "%"


def _ward_parts(report: ProgressReport) -> dict[str, str]:
    data = snapshot_from(report.figures)
    totals = data.totals
    day = report.cut_off.strftime("%d/%m/%Y")
    behind = sorted(data.children, key=lambda c: c.figures.pct_reports or 0)[:2]
    behind_names = ", ".join(c.name for c in behind) or "một số chi bộ"
    most = CATEGORY_WORDS[max(data.categories, key=lambda c: c.count).category]
    share = _pct(totals.reports_counted, totals.members_in_scope)
    reports, members = number(totals.reports_counted), number(totals.members_in_scope)
    leader_reports, leaders = number(totals.leader_reports_counted), number(totals.leaders_in_scope)
    registered, cells = number(totals.cells_registered), number(totals.cells)
    held = number(totals.cells_held)
    return {
        "number_symbol": "15-BC/ĐU",
        "situation": (
            "Thực hiện Hướng dẫn số 06-HD/TU của Ban Thường vụ Tỉnh ủy, Ban Thường vụ Đảng ủy đã "
            "ban hành Kế hoạch số 02-KH/ĐU triển khai đợt sinh hoạt chính trị; tổ chức hội nghị "
            "quán triệt đến bí thư các chi bộ, đảng bộ trực thuộc.\n"
            "Các đồng chí Ủy viên Ban Thường vụ, cấp ủy viên được phân công theo dõi, dự sinh "
            "hoạt chuyên đề tại các chi bộ; Văn phòng Đảng ủy tổng hợp tiến độ hằng tuần."
        ),
        "results": (
            f"Tính đến ngày {day}, có {reports}/{members} đảng viên thuộc diện đã nộp báo cáo "
            f"tự rà soát ({share}); {leader_reports}/{leaders} cán bộ lãnh đạo, quản lý đã nộp "
            f"báo cáo.\n{registered}/{cells} chi bộ đã đăng ký lịch sinh hoạt chuyên đề, {held} "
            "chi bộ đã tổ chức. Nhìn chung các buổi sinh hoạt diễn ra nghiêm túc, đảng viên thẳng "
            "thắn góp ý cho nhau và cho cấp ủy."
        ),
        "shortcomings": (
            f"Tiến độ nộp báo cáo ở {behind_names} còn chậm. Khó khăn được phản ánh nhiều nhất "
            f"là: {most}.\n"
            "Nguyên nhân: một bộ phận đảng viên đi làm ăn xa, đảng viên cao tuổi khó tự viết báo "
            "cáo; một số chi ủy chưa chủ động đôn đốc."
        ),
        "directions": (
            "Đôn đốc các chi bộ chưa đăng ký, chưa tổ chức sinh hoạt chuyên đề hoàn thành trước "
            "thời hạn; chi ủy hỗ trợ đảng viên cao tuổi ghi báo cáo.\n"
            "Tổ chức tổng kết đợt sinh hoạt, biểu dương chi bộ, đảng viên tiêu biểu."
        ),
    }


def _progress_reports(rng: random.Random, campaign: Campaign, root: Organization) -> None:
    today = timezone.localdate()
    ward = Organization.objects.filter(code=f"{root.code}-001").first()
    if ward is not None:
        cut_off = max(campaign.starts_on, today - datetime.timedelta(days=3))
        report = progress_report_create(
            actor=None,
            campaign=campaign,
            organization=ward,
            kind=ProgressReportKind.INTERIM,
            cut_off=cut_off,
        )
        signer = person_name(rng, "female", 1972)[0]
        report = progress_report_update(
            actor=None,
            report=report,
            expected_version=report.version,
            signer_role="T/M Ban Thường vụ",
            signer_title="Phó Bí thư Thường trực",
            signer_name=signer,
            recipients=(
                f"Ban Thường vụ {root.name} (để báo cáo)\nTổ công tác số 1 của {root.name}\n"
                "Các chi bộ, đảng bộ trực thuộc\nLưu Văn phòng Đảng ủy"
            ),
            **_ward_parts(report),
        )
        progress_report_submit(actor=None, report=report, expected_version=report.version)

    draft = progress_report_create(
        actor=None,
        campaign=campaign,
        organization=root,
        kind=ProgressReportKind.INTERIM,
        cut_off=today,
    )
    progress_report_update(
        actor=None,
        report=draft,
        expected_version=draft.version,
        situation=(
            "Ban Thường vụ Tỉnh ủy đã ban hành Hướng dẫn số 06-HD/TU, tổ chức hội nghị trực "
            "tuyến quán triệt đến các đảng ủy cấp trên cơ sở; thành lập 3 tổ công tác theo dõi, "
            "đôn đốc việc triển khai đợt sinh hoạt chính trị."
        ),
        signer_role="T/M Ban Thường vụ",
        signer_title="Bí thư",
        recipients=(
            "Ban Bí thư Trung ương Đảng (để báo cáo)\nCác đồng chí Tỉnh ủy viên\n"
            "Lưu Văn phòng Tỉnh ủy"
        ),
    )
