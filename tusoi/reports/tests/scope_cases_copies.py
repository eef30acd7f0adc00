"""Scope cases of copy detection (pages and API), and the helpers its tests share: varied
Vietnamese paragraphs and reports written, submitted and checked through the real services.

Member A (cell A) copies member B (cell B, the sibling branch). Cell A's secretary reads A's
check and compares it with the template's sample text; cell B's secretary gets 404. The
committee of branch A follows the flag counts; branch B's gets 404. Only the issuing committee
(the province's, here its administrator) re-checks the campaign."""

import random

from tusoi.accounts.models import User
from tusoi.orgs.permissions import Role
from tusoi.reports.models import SelfReview
from tusoi.reports.selectors import template_effective_sections
from tusoi.reports.services import report_open, report_save, report_submit
from tusoi.testing.factories import UserFactory
from tusoi.testing.scope import ScopeCase

from .conftest import make_open_campaign

# Ordinary Vietnamese words, including open oa/oe/uy syllables whose tone placement has two
# styles ("hòa/hoà", "khỏe/khoẻ", "thủy/thuỷ").
_WORDS = (
    "chi bộ đảng viên công việc nhiệm vụ trách nhiệm gương mẫu học tập nghị quyết khu phố "
    "tổ dân phố gia đình con cháu hàng xóm đoàn kết thống nhất tiết kiệm giản dị trung thực "
    "thẳng thắn phê bình góp ý lắng nghe nhân dân cơ quan đơn vị đồng nghiệp lãnh đạo kỷ luật "
    "nội quy thời gian họp sinh hoạt đóng đảng phí vận động tuyên truyền pháp luật mạng xã hội "
    "thông tin kiểm chứng bình luận chia sẻ hòa bình hòa giải thủy lợi sức khỏe khỏe mạnh tòa "
    "án họa sĩ lũy kế quý báu tàu thủy hỏa hoạn xóa đói giảm nghèo đường làng ngõ xóm nhà văn "
    "hóa cây xanh vệ sinh môi trường an ninh trật tự phòng chống tội phạm ma túy người cao tuổi "
    "thanh niên phụ nữ cựu chiến binh hội nông dân khuyến học trường lớp học sinh giáo viên bệnh "
    "viện trạm y tế tiêm chủng bảo hiểm lương hưu chợ phiên ruộng vườn chăn nuôi mùa màng bão lũ "
    "cứu trợ quyên góp ủng hộ đền ơn đáp nghĩa thương binh liệt sĩ mẹ anh hùng tháng năm mùa xuân "
    "buổi sáng buổi tối cuối tuần hằng tháng hằng quý cuối năm đầu năm kế hoạch mục tiêu chỉ tiêu "
    "kết quả hạn chế khuyết điểm nguyên nhân khách quan chủ quan giải pháp khắc phục sửa chữa "
    "rèn luyện tu dưỡng đạo đức lối sống tác phong lề lối làm việc thủ tục hành chính hồ sơ "
    "giấy tờ đúng hạn trễ hạn công khai minh bạch tiếp dân đơn thư khiếu nại tố cáo bàn bạc "
    "thống kê báo cáo sổ sách kiểm tra giám sát đôn đốc nhắc nhở động viên khen thưởng"
)
WORDS = _WORDS.split()


def paragraphs(seed: int, n: int, words: int = 60) -> list[str]:
    """`n` paragraphs of `words` words each, drawn at random: two seeds share no passage."""
    rng = random.Random(seed)
    out = []
    for _i in range(n):
        chosen = [rng.choice(WORDS) for _w in range(words)]
        out.append(" ".join(chosen).capitalize() + ".")
    return out


def content_of(report: SelfReview, paras: list[str]) -> dict:
    """Content whose text is exactly `paras`: spread over the template's text sections (each
    long enough), the last paragraph as the one commitment; checklists answered "no"."""
    from tusoi.reports.selectors import checklist_items

    sections = template_effective_sections(report.template)
    texts = [s for s in sections if s.kind == "text" and s.required]
    body, last = paras[:-1], paras[-1]
    # In order: each section takes paragraphs until it is long enough; the last takes the rest.
    chunks: dict[str, list[str]] = {s.key: [] for s in texts}
    current = 0
    for para in body:
        section = texts[current]
        chunks[section.key].append(para)
        long_enough = len("\n".join(chunks[section.key])) >= section.min_chars + 20
        if long_enough and current < len(texts) - 1:
            current += 1
    items = checklist_items(sections)
    return {
        "sections": {key: "\n".join(p) for key, p in chunks.items() if p},
        "checklist": {
            s.key: {i.code: {"answer": "no", "note": ""} for i in items[s.reference_list_id]}
            for s in sections
            if s.kind == "checklist"
        },
        "commitments": [{"key": "c1", "what": last, "due_on": "2030-12-31", "measure": ""}],
    }


def writer_of(member) -> User:
    return User.objects.filter(member=member).first() or UserFactory(member=member)


def write_report(member, campaign, paras: list[str], *, submit: bool = True) -> SelfReview:
    """The member's report with exactly `paras` as text, submitted (so checked) unless not."""
    writer = writer_of(member)
    report = report_open(member=member, campaign=campaign, actor=writer)
    report = report_save(
        report=report, actor=writer, content=content_of(report, paras), base_version=report.version
    )
    if submit:
        report = report_submit(report=report, actor=writer, base_version=report.version)
    return report


def copied_pair(t):
    """Member B's original (cell B) and member A's copy of most of it (cell A), both submitted
    in a new open campaign of the province; returns member A's report."""
    campaign = make_open_campaign(t.province)
    original = paragraphs(1, 10)
    write_report(t.member_b, campaign, original)
    return write_report(t.member_a, campaign, original[:8] + paragraphs(2, 2))


def _campaign_of_pair(t):
    return copied_pair(t).campaign


SECRETARY_A = {
    "role": Role.SECRETARY,
    "grant_on": lambda t: t.cell_a,
    "sibling_on": lambda t: t.cell_b,
}

CASES = [
    ScopeCase(
        "reports:copy_compare",
        kwargs=lambda t: {"pk": copied_pair(t).pk},
        data=lambda t: {"with": "template"},
        **SECRETARY_A,
    ),
    ScopeCase(
        "reports:copy_compare",
        kwargs=lambda t: {"pk": copied_pair(t).pk},
        data=lambda t: {"with": "template"},
        role=Role.SUPERVISOR,
        label="supervisor",
    ),
    ScopeCase(
        "reports:copy_recheck",
        kwargs=lambda t: {"campaign_pk": make_open_campaign(t.branch_a, title="Đợt của phường").pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "reports:copy_recheck",
        kwargs=lambda t: {"campaign_pk": make_open_campaign(t.branch_a, title="Đợt của phường").pk},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {},
        ok_status=302,
        label="start",
    ),
    ScopeCase(
        "api:reports_copy_check",
        kwargs=lambda t: {"id": copied_pair(t).pk},
        **SECRETARY_A,
    ),
    ScopeCase(
        "api:reports_copy_flags",
        kwargs=lambda t: {"campaign_id": _campaign_of_pair(t).pk, "org_id": t.branch_a.pk},
        role=Role.COMMITTEE,
    ),
]
