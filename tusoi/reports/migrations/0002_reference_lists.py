"""The three official reference lists, as far as their texts have been verified.

Sources (copied from the project's reference notes so the repository stands alone):
- Article 2 duties: Điều 2, Điều lệ Đảng Cộng sản Việt Nam; qpvn.vn "Lời thề trước Đảng";
  Hướng dẫn 01-HD/TW (2021). Complete (4 duties).
- 27 manifestations: Nghị quyết 04-NQ/TW, Hội nghị Trung ương 4 khóa XII (30/10/2016); items
  from danviet.vn "Nhận diện quá trình tự suy thoái ..." (2023). Only the three group headings and
  items 1.1-1.3 were verified; a committee pastes the rest.
- 19 prohibitions: Quy định 37-QĐ/TW (25/10/2021). No item text verified; a committee pastes it.
"""

from django.db import migrations

ARTICLE2 = {
    "code": "article2-duties",
    "title": "Nhiệm vụ của đảng viên (Điều 2, Điều lệ Đảng)",
    "source": "Điều 2, Điều lệ Đảng Cộng sản Việt Nam; Hướng dẫn 01-HD/TW (2021)",
    "expected_items": 4,
    "items": [
        (
            "D1",
            "",
            "Tuyệt đối trung thành với mục đích lý tưởng cách mạng của Đảng, chấp hành nghiêm "
            "chỉnh Cương lĩnh chính trị, Điều lệ Đảng, nghị quyết, chỉ thị của Đảng, pháp luật "
            "của Nhà nước; hoàn thành tốt nhiệm vụ được giao; phục tùng tuyệt đối sự phân công "
            "và điều động của Đảng.",
        ),
        (
            "D2",
            "",
            "Không ngừng học tập, rèn luyện, nâng cao trình độ kiến thức, năng lực công tác, "
            "phẩm chất chính trị, đạo đức cách mạng, có lối sống lành mạnh; đấu tranh chống chủ "
            "nghĩa cá nhân, cơ hội, cục bộ, quan liêu, tham nhũng, lãng phí và các biểu hiện "
            "tiêu cực khác.",
        ),
        (
            "D3",
            "",
            "Liên hệ chặt chẽ với nhân dân, tôn trọng và phát huy quyền làm chủ của nhân dân; "
            "chăm lo đời sống vật chất, tinh thần và bảo vệ quyền lợi chính đáng của nhân dân; "
            "tích cực tham gia công tác quần chúng, công tác xã hội nơi làm việc và nơi ở; "
            "tuyên truyền vận động gia đình và nhân dân thực hiện đường lối, chính sách của "
            "Đảng, pháp luật của Nhà nước.",
        ),
        (
            "D4",
            "",
            "Tham gia xây dựng, bảo vệ đường lối, chính sách và tổ chức của Đảng; phục tùng kỷ "
            "luật, giữ gìn đoàn kết thống nhất trong Đảng; thường xuyên tự phê bình và phê bình, "
            "trung thực với Đảng; làm công tác phát triển đảng viên; sinh hoạt đảng và đóng đảng "
            "phí đúng quy định.",
        ),
    ],
}

GROUP1 = "1. Suy thoái về tư tưởng chính trị"
# The other two group headings, kept for the committee that completes the list.
GROUPS = {
    "1": GROUP1,
    "2": "2. Suy thoái về đạo đức, lối sống",
    "3": '3. Biểu hiện "tự diễn biến", "tự chuyển hóa" trong nội bộ',
}

MANIFESTATIONS = {
    "code": "manifestations-27",
    "title": (
        "27 biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, "
        '"tự diễn biến", "tự chuyển hóa" (Nghị quyết 04-NQ/TW)'
    ),
    "source": "Nghị quyết 04-NQ/TW, Hội nghị Trung ương 4 khóa XII (30/10/2016)",
    "expected_items": 27,
    "items": [
        (
            "1.1",
            GROUP1,
            "Phai nhạt lý tưởng cách mạng; dao động, giảm sút niềm tin vào mục tiêu độc lập dân "
            "tộc và chủ nghĩa xã hội; hoài nghi, thiếu tin tưởng vào chủ nghĩa Mác - Lênin, tư "
            "tưởng Hồ Chí Minh.",
        ),
        (
            "1.2",
            GROUP1,
            "Xa rời tôn chỉ, mục đích của Đảng; không kiên định con đường đi lên chủ nghĩa xã "
            "hội; phụ hoạ theo những nhận thức lệch lạc, quan điểm sai trái.",
        ),
        (
            "1.3",
            GROUP1,
            "Nhận thức sai lệch về ý nghĩa, tầm quan trọng của lý luận và học tập lý luận chính "
            "trị; lười học tập chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh, chủ trương, đường "
            "lối, nghị quyết của Đảng, chính sách, pháp luật của Nhà nước.",
        ),
    ],
}

PROHIBITIONS = {
    "code": "prohibitions-19",
    "title": "Những điều đảng viên không được làm (Quy định 37-QĐ/TW)",
    "source": "Quy định 37-QĐ/TW ngày 25/10/2021 của Ban Chấp hành Trung ương",
    "expected_items": 19,
    "items": [],
}

LISTS = [ARTICLE2, MANIFESTATIONS, PROHIBITIONS]


def load(apps, schema_editor):
    import unicodedata

    ReferenceList = apps.get_model("reports", "ReferenceList")
    ReferenceItem = apps.get_model("reports", "ReferenceItem")
    for data in LISTS:
        ref, _created = ReferenceList.objects.update_or_create(
            code=data["code"],
            defaults={
                "title": data["title"],
                "source": data["source"],
                "expected_items": data["expected_items"],
            },
        )
        for position, (code, group, text) in enumerate(data["items"], start=1):
            ReferenceItem.objects.update_or_create(
                reference_list=ref,
                code=code,
                defaults={
                    "group": group,
                    "text": unicodedata.normalize("NFC", text),
                    "position": position,
                },
            )


def unload(apps, schema_editor):
    ReferenceList = apps.get_model("reports", "ReferenceList")
    ReferenceList.objects.filter(code__in=[d["code"] for d in LISTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
