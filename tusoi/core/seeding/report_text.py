"""Invented Vietnamese text for the demo's self-review reports: each section is a few sentences
drawn from pools of phrases written for this demo, with the member's own job, years in the Party
and place filled in, so no two reports read alike. Builds report content exactly in the shape
`reports.services.content_clean` produces (see SelfReview.content)."""

import datetime
import random
from dataclasses import dataclass
from typing import Any

from tusoi.core.text import clean_multiline

# Audiences whose template is the short one (reports.defaults._simple).
SHORT_AUDIENCES = {"retired", "non_state_worker", "free_labourer"}

WHERE = {
    "member": "ở cơ quan",
    "leader": "ở cơ quan, đơn vị",
    "retired": "ở khu dân cư",
    "non_state_worker": "ở công ty",
    "free_labourer": "trong công việc làm ăn",
}

# Pools: section key -> group -> sentences. "all" suits everyone; the other groups are the
# audience's own ("work" = members and leaders at a workplace).
POOLS: dict[str, dict[str, list[str]]] = {
    "loi-the": {
        "all": [
            "Từ ngày được kết nạp vào Đảng năm {admitted_year}, tôi luôn nhớ lời thề đứng trước "
            "cờ Đảng và cố gắng giữ trọn lời thề ấy.",
            "Tôi đã là đảng viên được {years} năm; mỗi lần sinh hoạt chi bộ tôi lại tự hỏi mình "
            "đã làm đúng lời thề hay chưa.",
            "Tôi chấp hành nghiêm chủ trương của Đảng, chính sách, pháp luật của Nhà nước, không "
            "dao động trước những thông tin xấu độc.",
            "Tôi đi sinh hoạt chi bộ đầy đủ, khi vắng đều báo cáo trước với đồng chí bí thư.",
            "Tôi đóng đảng phí đúng hạn, đúng mức quy định.",
            "Trong gia đình, tôi nhắc nhở con cháu sống lương thiện, chấp hành pháp luật.",
            "Khi trên mạng xã hội có thông tin trái chiều, tôi không chia sẻ, bình luận khi chưa "
            "kiểm chứng và nhắc người thân cùng làm như vậy.",
            "Tôi giữ lối sống giản dị, không để người thân lợi dụng danh nghĩa đảng viên của mình.",
            "Có lúc bận việc, tôi chưa dành đủ thời gian học tập nghị quyết, nhưng tôi luôn tự "
            "nhắc mình về lời thề khi vào Đảng.",
            "Tôi giữ mối liên hệ với chi bộ và tổ dân phố nơi cư trú, tham gia các buổi họp của "
            "khu dân cư.",
        ],
        "work": [
            "Trong công việc {job} {where}, tôi hoàn thành nhiệm vụ được giao và không né tránh "
            "việc khó.",
            "Khi đơn vị thiếu người, tôi nhận thêm việc và làm đến nơi đến chốn.",
            "Tôi giữ nghiêm kỷ luật phát ngôn, không tiết lộ thông tin nội bộ của cơ quan và của "
            "chi bộ.",
            "Tôi không nhận quà biếu để làm lệch việc công, giải quyết hồ sơ của người dân đúng "
            "thời hạn.",
        ],
        "retired": [
            "Tôi nghỉ hưu đã nhiều năm nhưng vẫn đi sinh hoạt chi bộ đều đặn.",
            "Tôi tham gia hội người cao tuổi và tổ hòa giải của khu phố.",
            "Tôi nhắc các cháu trong dòng họ chấp hành pháp luật, giữ gìn nếp nhà.",
        ],
        "non_state_worker": [
            "Ở công ty, tôi chấp hành nội quy lao động, làm đủ ca và giữ an toàn lao động.",
            "Khi tăng ca không đi sinh hoạt được, tôi báo trước với bí thư chi bộ.",
            "Tôi tham gia công đoàn và vận động anh chị em công nhân chấp hành pháp luật.",
        ],
        "free_labourer": [
            "Tôi làm ăn đúng pháp luật, giữ chữ tín với khách hàng.",
            "Khi đi làm ăn xa, tôi báo với chi bộ và giữ liên lạc qua điện thoại.",
            "Tôi góp công, góp sức làm đường và sửa nhà văn hóa của thôn.",
        ],
    },
    "loi-hua": {
        "all": [
            "Khi được bổ nhiệm {position}, tôi đã hứa trước tập thể sẽ xây dựng đơn vị đoàn kết, "
            "hoàn thành nhiệm vụ được giao.",
            "Đến nay đơn vị đã hoàn thành các chỉ tiêu chính của năm, không có cán bộ vi phạm kỷ "
            "luật.",
            "Tôi đã thực hiện lời hứa công khai lịch tiếp dân và trả lời đơn thư đúng hạn.",
            "Lời hứa đẩy mạnh cải cách thủ tục hành chính mới làm được một phần, vẫn còn một số "
            "hồ sơ trễ hạn.",
            "Tôi chưa giữ được lời hứa mỗi tháng xuống cơ sở một lần vì lịch họp dày.",
            "Tôi giữ lời hứa không để người thân can thiệp vào công việc của cơ quan.",
            "Tôi đã hứa bố trí cán bộ đúng người, đúng việc; năm qua đơn vị đã sắp xếp lại hai "
            "vị trí cho phù hợp năng lực.",
        ],
    },
    "uu-diem": {
        "all": [
            "Tôi có lập trường tư tưởng vững vàng, tin tưởng vào đường lối đổi mới của Đảng.",
            "Tôi sống giản dị, chan hòa với bà con lối xóm.",
            "Tôi tích cực ủng hộ đồng bào bị thiên tai, bão lũ.",
            "Tôi thẳng thắn góp ý trong sinh hoạt chi bộ và nhận phê bình với thái độ cầu thị.",
            "Tôi chấp hành tốt những điều đảng viên không được làm.",
            "Gia đình tôi nhiều năm liền đạt danh hiệu gia đình văn hóa.",
        ],
        "work": [
            "Tôi hoàn thành tốt nhiệm vụ {job}, năm qua được đánh giá hoàn thành tốt nhiệm vụ.",
            "Tôi có tinh thần trách nhiệm, làm việc đến nơi đến chốn, không để việc tồn đọng.",
            "Tôi đoàn kết với đồng nghiệp, sẵn sàng giúp đỡ người mới vào làm.",
            "Tôi chịu khó học hỏi, đã tự học thêm để làm việc trên phần mềm mới của cơ quan.",
        ],
        "retired": [
            "Tôi đi sinh hoạt đều, tham gia vận động bà con giữ vệ sinh đường làng ngõ xóm.",
            "Tôi được tổ dân phố tin tưởng giao hòa giải các vụ va chạm nhỏ giữa các gia đình.",
        ],
        "non_state_worker": [
            "Tôi làm đủ ca, không vi phạm nội quy, được tổ sản xuất khen thưởng.",
            "Tôi giúp đỡ các công nhân mới vào làm quen việc.",
        ],
        "free_labourer": [
            "Tôi làm ăn chân chính, đóng thuế đầy đủ.",
            "Tôi giúp đỡ hàng xóm khi có việc, tham gia ngày công làm đường của thôn.",
        ],
    },
    "han-che": {
        "all": [
            "Có lúc tôi còn ngại va chạm, chưa mạnh dạn đấu tranh với những biểu hiện sai trái.",
            "Việc học tập nghị quyết của tôi còn hình thức, chủ yếu đọc tài liệu tóm tắt.",
            "Tôi đôi khi đi sinh hoạt chi bộ muộn vì việc gia đình.",
            "Tôi dùng mạng xã hội nhiều, có lúc chia sẻ thông tin khi chưa kiểm chứng kỹ.",
            "Tôi phát biểu ít trong sinh hoạt chi bộ, chưa đóng góp nhiều ý kiến xây dựng.",
            "Tôi còn nể nang khi góp ý cho đồng chí, đồng nghiệp.",
        ],
        "work": [
            "Một số việc được giao tôi còn hoàn thành chậm so với kế hoạch.",
            "Tôi chưa thường xuyên giữ mối liên hệ với chi bộ nơi cư trú.",
            "Tôi chưa chủ động đề xuất cách làm mới trong công việc {job}.",
        ],
        "retired": [
            "Sức khỏe yếu nên có buổi tôi không đi sinh hoạt được.",
            "Tôi ít đọc báo Đảng, chủ yếu nghe thời sự trên ti vi.",
        ],
        "non_state_worker": [
            "Do làm ca đêm, tôi vắng sinh hoạt chi bộ ba buổi trong năm.",
            "Tôi chưa vận động được thêm công nhân tham gia công đoàn.",
        ],
        "free_labourer": [
            "Khi đi làm ăn xa, tôi có tháng quên báo cáo với chi bộ.",
            "Tôi chưa tham gia đầy đủ các buổi họp của thôn.",
        ],
    },
    "nguyen-nhan": {
        "all": [
            "Nguyên nhân chủ quan là tôi chưa sắp xếp thời gian hợp lý giữa công việc và gia đình.",
            "Do bản thân còn ngại khó, chưa thật sự quyết tâm tự rèn luyện.",
            "Tôi chưa nhận thức đầy đủ trách nhiệm nêu gương của người đảng viên.",
            "Về khách quan, khối lượng công việc năm qua tăng nhiều trong khi đơn vị thiếu người.",
            "Một phần do sức khỏe của bản thân và người nhà không thuận lợi.",
            "Tôi còn tâm lý an phận, nghĩ rằng việc góp ý là việc của cấp ủy.",
        ],
    },
    "giai-phap": {
        "all": [
            "Mỗi tuần tôi dành ít nhất hai buổi tối đọc và ghi chép nghị quyết, văn bản mới.",
            "Tôi lập kế hoạch công việc theo tuần để không còn việc chậm tiến độ.",
            "Tôi đi sinh hoạt chi bộ đúng giờ và chuẩn bị ý kiến trước mỗi buổi.",
            "Tôi sẽ góp ý thẳng thắn với đồng chí, đồng nghiệp trên tinh thần xây dựng.",
            "Tôi kiểm chứng thông tin trước khi chia sẻ trên mạng xã hội.",
            "Tôi tham gia đầy đủ các buổi họp của tổ dân phố và báo cáo với chi bộ nơi cư trú.",
        ],
    },
    "giai-phap-lanh-dao": {
        "all": [
            "Tôi chỉ đạo rà soát quy chế làm việc, phân công rõ người, rõ việc, rõ thời hạn.",
            "Tôi giao ban hằng tuần để kiểm tra tiến độ các việc còn tồn đọng.",
            "Tôi công khai kết quả giải quyết hồ sơ tại trụ sở và trên trang thông tin của đơn vị.",
            "Tôi nêu gương chấp hành giờ giấc và tiết kiệm chi tiêu công.",
            "Tôi lắng nghe ý kiến của cán bộ trẻ và giao việc để các đồng chí được thử thách.",
        ],
    },
}
GENERIC = [
    "Tôi đã suy nghĩ kỹ về nội dung này và tự nhận thấy mình cần cố gắng hơn.",
    "Tôi sẽ trao đổi thêm với chi bộ để làm rõ nội dung này.",
    "Tôi xin nêu ngắn gọn những việc chính mà bản thân đã làm và chưa làm được.",
]

CHECK_NOTES = [
    "Đôi khi còn nể nang khi góp ý.",
    "Có lúc còn ngại học tập nghị quyết.",
    "Đã nhắc người thân không chia sẻ tin chưa kiểm chứng.",
    "Sẽ khắc phục trong năm nay.",
    "Chi bộ đã góp ý năm trước, tôi đang sửa.",
]

COMMITMENTS = [
    (
        "Đọc và ghi chép các nghị quyết mới của Đảng",
        "Có sổ ghi chép, trình bày lại trong buổi sinh hoạt chi bộ",
    ),
    (
        "Đi sinh hoạt chi bộ đúng giờ, không vắng khi không có lý do",
        "Sổ theo dõi sinh hoạt của chi bộ",
    ),
    ("Hoàn thành dứt điểm các việc còn tồn đọng", "Không còn việc quá hạn trong báo cáo tháng"),
    ("Kiểm chứng thông tin trước khi chia sẻ trên mạng xã hội", "Không có bài chia sẻ sai sự thật"),
    (
        "Tham gia đầy đủ các buổi họp của tổ dân phố nơi cư trú",
        "Nhận xét của chi bộ nơi cư trú cuối năm",
    ),
    (
        "Góp ý thẳng thắn trong mỗi buổi sinh hoạt chi bộ",
        "Biên bản sinh hoạt ghi nhận ý kiến của tôi",
    ),
    ("Sử dụng thành thạo phần mềm quản lý văn bản", "Xử lý văn bản trên phần mềm, không dùng giấy"),
    ("Báo cáo với chi bộ mỗi khi đi làm ăn xa", "Bí thư chi bộ nắm được nơi tôi làm việc"),
    (
        "Nhắc nhở con cháu chấp hành pháp luật, giữ nếp nhà",
        "Gia đình giữ danh hiệu gia đình văn hóa",
    ),
]
# Days from writing to a commitment's date: the short ones are overdue by now in some reports.
COMMITMENT_DAYS = (7, 14, 30, 45, 60, 90, 90, 120, 180, 270)

PROGRESS_NOTES = {
    "in_progress": [
        "Đã làm được một phần, đang tiếp tục.",
        "Đã đọc xong hai nghị quyết, đang ghi chép.",
        "Tháng này đã đi sinh hoạt đầy đủ.",
    ],
    "done": [
        "Đã hoàn thành, chi bộ đã ghi nhận.",
        "Đã làm xong, có sổ ghi chép kèm theo.",
    ],
}

RETURN_REASONS = [
    "Phần hạn chế, khuyết điểm còn chung chung; đồng chí nêu cụ thể việc nào chưa làm được.",
    "Đồng chí bổ sung nguyên nhân chủ quan và đối chiếu với góp ý của chi bộ năm trước.",
    "Kế hoạch khắc phục chưa có thời hạn cụ thể, đề nghị ghi rõ ngày hoàn thành.",
    "Nội dung giống bản kiểm điểm cuối năm; đồng chí viết lại bằng lời của mình.",
]
# What the writer adds after a return (to the section named first).
FIXES = [
    ("han-che", "Cụ thể, trong quý vừa qua tôi để chậm hai văn bản phải trả lời người dân."),
    ("nguyen-nhan", "Nguyên nhân chính là do tôi, chưa thật sự nghiêm khắc với bản thân."),
    ("han-che", "Năm trước chi bộ đã góp ý việc tôi đi sinh hoạt muộn, đến nay chưa sửa hẳn."),
]

PROXY_REASONS = [
    "Đồng chí tuổi cao, mắt kém, không tự viết được; bí thư ghi theo lời kể và đọc lại cho "
    "đồng chí nghe.",
    "Đồng chí đau yếu, không cầm bút được; chi bộ ghi giúp theo lời đồng chí.",
]


@dataclass(frozen=True)
class Writer:
    """What the text needs to know about the member."""

    audience: str
    job: str
    position: str
    admitted_year: int
    years: int


def _group(audience: str) -> str:
    return audience if audience in SHORT_AUDIENCES else "work"


def _fill(sentence: str, writer: Writer) -> str:
    position = writer.position.split(",")[-1].strip().lower() or "cán bộ quản lý"
    return sentence.format(
        admitted_year=writer.admitted_year,
        years=writer.years,
        job=writer.job.lower() or "chuyên môn",
        position=position,
        where=WHERE.get(writer.audience, "ở cơ quan"),
    )


def section_text(
    rng: random.Random,
    key: str,
    writer: Writer,
    min_chars: int,
    max_chars: int,
    *,
    short: bool = False,
) -> str:
    """A few sentences for one section, long enough for its minimum, within its maximum."""
    pools = POOLS.get(key)
    pool = (pools.get("all", []) + pools.get(_group(writer.audience), [])) if pools else GENERIC
    pool = pool or GENERIC
    order = rng.sample(pool, len(pool))
    wanted = rng.randint(1, 2) if short else rng.randint(2, 4)
    parts: list[str] = []
    for sentence in order:
        text = " ".join(parts)
        if len(parts) >= wanted and len(text) >= min_chars + 20:
            break
        parts.append(_fill(sentence, writer))
    while len(" ".join(parts)) < min_chars:  # a tiny pool: repeat in other words
        parts.append(_fill(rng.choice(GENERIC), writer))
    return clean_multiline(" ".join(parts))[:max_chars]


def build_content(
    rng: random.Random,
    *,
    writer: Writer,
    sections: list[Any],
    items: dict[int, list[Any]],
    written_on: datetime.date,
    complete: bool,
) -> dict[str, Any]:
    """Content for a report: complete (every required part filled, as a submitted report must
    be) or a draft left part-way."""
    content: dict[str, Any] = {"sections": {}, "checklist": {}, "commitments": []}
    text_sections = [s for s in sections if s.kind == "text"]
    # A draft stops somewhere: the first few text sections written, maybe the last half-done.
    stop = len(text_sections) if complete else rng.randint(1, max(1, len(text_sections) - 1))
    for index, section in enumerate(text_sections):
        if index >= stop:
            break
        short = not complete and index == stop - 1
        content["sections"][section.key] = section_text(
            rng,
            section.key,
            writer,
            0 if short else section.min_chars,
            section.max_chars,
            short=short,
        )
    for section in sections:
        if section.kind == "checklist":
            answers: dict[str, dict[str, str]] = {}
            listed = items.get(section.reference_list_id, [])
            answered = listed if complete else listed[: rng.randint(0, len(listed))]
            for item in answered:
                if section.key == "dieu-2":  # duties: done, mostly fully
                    answer = "yes" if rng.random() < 0.8 else "partly"
                else:  # manifestations, prohibitions: mostly not found in oneself
                    answer = "no" if rng.random() < 0.85 else "partly"
                note = rng.choice(CHECK_NOTES) if answer == "partly" and rng.random() < 0.7 else ""
                answers[item.code] = {"answer": answer, "note": note}
            if answers:
                content["checklist"][section.key] = answers
        elif section.kind == "commitments":
            count = rng.randint(1, 3) if complete else rng.randint(0, 1)
            for number, (what, measure) in enumerate(rng.sample(COMMITMENTS, count), start=1):
                due = written_on + datetime.timedelta(days=rng.choice(COMMITMENT_DAYS))
                content["commitments"].append(
                    {
                        "key": f"c{number}",
                        "what": what,
                        "due_on": due.isoformat(),
                        "measure": measure,
                    }
                )
    return content


def fixed_content(rng: random.Random, content: dict[str, Any]) -> dict[str, Any]:
    """The content after the writer answered a return: one section completed."""
    fixed = {
        "sections": dict(content["sections"]),
        "checklist": content["checklist"],
        "commitments": content["commitments"],
    }
    key, sentence = rng.choice(FIXES)
    if key not in fixed["sections"]:
        key = next(iter(fixed["sections"]), key)
    fixed["sections"][key] = clean_multiline(f"{fixed['sections'].get(key, '')} {sentence}")
    return fixed
