"""The default report templates a campaign starts with (DOMAIN.md "The self-review report";
seed 003: a province template, and simpler variants for retired members, workers in non-state
enterprises and free labourers). This is editable content stored in the database once created,
so it is written in Vietnamese here rather than translated from English."""

from dataclasses import dataclass

from tusoi.reports.models import Audience, TemplateSection

ARTICLE2 = "article2-duties"
MANIFESTATIONS = "manifestations-27"
PROHIBITIONS = "prohibitions-19"

TEXT = TemplateSection.Kind.TEXT
CHECKLIST = TemplateSection.Kind.CHECKLIST
COMMITMENTS = TemplateSection.Kind.COMMITMENTS


@dataclass(frozen=True)
class SectionSpec:
    key: str
    kind: str
    heading: str
    guidance: str
    required: bool = True
    min_chars: int = 0
    max_chars: int = 20000
    list_code: str | None = None


TITLES = {
    Audience.MEMBER: "Báo cáo tự rà soát, soi rọi của đảng viên",
    Audience.LEADER: "Báo cáo tự rà soát, soi rọi của cán bộ lãnh đạo, quản lý",
    Audience.RETIRED: "Báo cáo tự rà soát (mẫu gọn cho đảng viên đã nghỉ hưu)",
    Audience.NON_STATE_WORKER: (
        "Báo cáo tự rà soát (mẫu gọn cho đảng viên làm việc ở doanh nghiệp ngoài nhà nước)"
    ),
    Audience.FREE_LABOURER: "Báo cáo tự rà soát (mẫu gọn cho đảng viên lao động tự do)",
}

INTRODUCTIONS = {
    Audience.MEMBER: (
        "Đồng chí tự viết bằng lời của mình, nói đúng việc mình đã làm và chưa làm được. "
        "Không sao chép báo cáo của người khác, không chép lại bản kiểm điểm cuối năm."
    ),
    Audience.LEADER: (
        "Ngoài các nội dung của đảng viên, cán bộ lãnh đạo, quản lý tự soi cả việc giữ lời hứa "
        "khi được bổ nhiệm, ứng cử, bầu cử và trách nhiệm của mình với cơ quan, đơn vị."
    ),
    Audience.RETIRED: (
        "Mẫu này ngắn gọn. Đồng chí viết như kể lại, vài câu cho mỗi mục là đủ. Nếu khó viết, "
        "đồng chí nhờ bí thư chi bộ ghi giúp rồi đọc lại và xác nhận."
    ),
    Audience.NON_STATE_WORKER: (
        "Mẫu này ngắn gọn, có thể viết trên điện thoại. Đồng chí nêu việc làm cụ thể ở nơi làm "
        "việc và nơi cư trú, vài câu cho mỗi mục là đủ."
    ),
    Audience.FREE_LABOURER: (
        "Mẫu này ngắn gọn, có thể viết trên điện thoại hoặc viết tay rồi nhờ chi bộ nhập giúp. "
        "Đồng chí nêu việc làm cụ thể của mình, vài câu cho mỗi mục là đủ."
    ),
}

OATH = SectionSpec(
    "loi-the",
    TEXT,
    "Việc giữ trọn lời thề đảng viên",
    "Nhớ lại lời thề khi đứng trước cờ Đảng trong lễ kết nạp. Đến nay đồng chí đã giữ lời thề "
    "ấy thế nào trong công việc, trong sinh hoạt chi bộ và trong đời sống hằng ngày? "
    "Nêu việc làm cụ thể.",
    min_chars=200,
)
ARTICLE2_CHECK = SectionSpec(
    "dieu-2",
    CHECKLIST,
    "Thực hiện nhiệm vụ đảng viên theo Điều 2 Điều lệ Đảng",
    "Với mỗi nhiệm vụ, đồng chí tự đánh giá mức độ đã thực hiện và ghi chú ngắn nếu cần.",
    list_code=ARTICLE2,
)
PROMISES = SectionSpec(
    "loi-hua",
    TEXT,
    "Việc thực hiện lời hứa khi được bổ nhiệm, ứng cử, bầu cử",
    "Nhắc lại những điều đồng chí đã hứa khi được bổ nhiệm hoặc khi ứng cử, được bầu (đại biểu "
    "Hội đồng nhân dân, Quốc hội, cấp ủy…). Điều nào đã làm được, điều nào chưa, vì sao.",
    min_chars=200,
)
STRENGTHS = SectionSpec(
    "uu-diem",
    TEXT,
    "Ưu điểm",
    "Những mặt đồng chí đã làm tốt: tư tưởng chính trị, đạo đức, lối sống, ý thức tổ chức kỷ "
    "luật, kết quả thực hiện nhiệm vụ được giao.",
    min_chars=100,
)
SHORTCOMINGS = SectionSpec(
    "han-che",
    TEXT,
    "Hạn chế, khuyết điểm",
    "Thẳng thắn nêu những điều chưa làm được hoặc làm chưa tốt, kể cả những điều đã được chi bộ "
    "góp ý trước đây.",
    min_chars=100,
)
CAUSES = SectionSpec(
    "nguyen-nhan",
    TEXT,
    "Nguyên nhân của hạn chế, khuyết điểm",
    "Phân biệt nguyên nhân chủ quan (do bản thân) và nguyên nhân khách quan. Chú trọng nguyên "
    "nhân chủ quan.",
    min_chars=50,
)
REMEDIES = SectionSpec(
    "giai-phap",
    TEXT,
    "Giải pháp tự thân",
    "Những việc chính đồng chí sẽ tự làm để phát huy ưu điểm, khắc phục hạn chế.",
    min_chars=50,
)
LEADER_REMEDIES = SectionSpec(
    "giai-phap-lanh-dao",
    TEXT,
    "Giải pháp trong lãnh đạo, quản lý",
    "Những việc đồng chí sẽ làm với tư cách người đứng đầu hoặc cán bộ quản lý để cơ quan, "
    "đơn vị khắc phục hạn chế chung và nêu gương cho cán bộ, đảng viên.",
    min_chars=50,
)
MANIFESTATIONS_CHECK = SectionSpec(
    "bieu-hien-27",
    CHECKLIST,
    'Tự liên hệ với 27 biểu hiện suy thoái, "tự diễn biến", "tự chuyển hóa"',
    "Với mỗi biểu hiện, đồng chí tự xem mình có hay không, nếu có thì ở mức nào và ghi chú.",
    list_code=MANIFESTATIONS,
)
PROHIBITIONS_CHECK = SectionSpec(
    "dieu-cam-19",
    CHECKLIST,
    "Tự liên hệ với những điều đảng viên không được làm",
    "Đồng chí tự đối chiếu với từng điều; ghi chú nếu có vi phạm hoặc có nguy cơ vi phạm.",
    list_code=PROHIBITIONS,
)
PLAN = SectionSpec(
    "ke-hoach",
    COMMITMENTS,
    "Kế hoạch sửa chữa, khắc phục",
    "Ghi từng việc cụ thể sẽ làm, thời hạn hoàn thành và cách biết là đã làm được. Chi bộ sẽ "
    "cùng đồng chí theo dõi sau đợt sinh hoạt.",
)

FULL = [
    OATH,
    ARTICLE2_CHECK,
    STRENGTHS,
    SHORTCOMINGS,
    CAUSES,
    REMEDIES,
    MANIFESTATIONS_CHECK,
    PROHIBITIONS_CHECK,
    PLAN,
]
LEADER = [
    OATH,
    ARTICLE2_CHECK,
    PROMISES,
    STRENGTHS,
    SHORTCOMINGS,
    CAUSES,
    REMEDIES,
    LEADER_REMEDIES,
    MANIFESTATIONS_CHECK,
    PROHIBITIONS_CHECK,
    PLAN,
]


def _simple(where: str, example: str) -> list[SectionSpec]:
    """The shorter variant: fewer, plainer sections with small minimum lengths."""
    return [
        SectionSpec(
            "loi-the",
            TEXT,
            "Tôi đã giữ lời thề đảng viên thế nào",
            f"Kể ngắn gọn việc đồng chí giữ lời thề {where}. Ví dụ: {example}",
            min_chars=50,
            max_chars=5000,
        ),
        ARTICLE2_CHECK,
        SectionSpec(
            "uu-diem",
            TEXT,
            "Việc tôi đã làm tốt",
            "Vài câu về những việc đồng chí làm tốt, việc giúp đỡ gia đình, hàng xóm, tổ chức.",
            min_chars=30,
            max_chars=3000,
        ),
        SectionSpec(
            "han-che",
            TEXT,
            "Việc tôi chưa làm tốt và vì sao",
            "Vài câu về những việc chưa làm được hoặc làm chưa tốt, và lý do.",
            min_chars=30,
            max_chars=3000,
        ),
        MANIFESTATIONS_CHECK,
        PROHIBITIONS_CHECK,
        SectionSpec(
            "ke-hoach",
            COMMITMENTS,
            "Việc tôi sẽ sửa",
            "Một vài việc cụ thể đồng chí sẽ làm và làm xong trước ngày nào.",
        ),
    ]


SECTIONS: dict[str, list[SectionSpec]] = {
    Audience.MEMBER: FULL,
    Audience.LEADER: LEADER,
    Audience.RETIRED: _simple(
        "ở nơi cư trú, trong gia đình và trong sinh hoạt chi bộ",
        "đi sinh hoạt đều, đóng đảng phí đúng hạn, gương mẫu ở khu dân cư, nhắc nhở con cháu.",
    ),
    Audience.NON_STATE_WORKER: _simple(
        "ở doanh nghiệp nơi làm việc và ở nơi cư trú",
        "chấp hành nội quy lao động, làm tròn việc được giao, tham gia công đoàn, giữ liên lạc "
        "với chi bộ khi tăng ca hoặc đi công tác.",
    ),
    Audience.FREE_LABOURER: _simple(
        "trong công việc tự làm và ở nơi cư trú",
        "làm ăn đúng pháp luật, giữ chữ tín, báo cho chi bộ khi đi làm ăn xa, "
        "tham gia việc chung của khu dân cư.",
    ),
}
