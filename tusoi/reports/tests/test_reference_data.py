import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tusoi.audit.models import AuditEvent
from tusoi.orgs.permissions import Role
from tusoi.reports.models import ReferenceList
from tusoi.reports.services import reference_list_paste, reference_paste_parse

pytestmark = pytest.mark.django_db


def _list(code):
    return ReferenceList.objects.get(code=code)


def test_migration_loads_the_four_article2_duties():
    ref = _list("article2-duties")
    assert ref.expected_items == 4
    assert list(ref.items.values_list("code", flat=True)) == ["D1", "D2", "D3", "D4"]
    assert ref.items.get(code="D4").text.endswith("đóng đảng phí đúng quy định.")


def test_migration_loads_only_the_verified_manifestations():
    ref = _list("manifestations-27")
    assert ref.expected_items == 27
    assert list(ref.items.values_list("code", flat=True)) == ["1.1", "1.2", "1.3"]
    assert ref.items.get(code="1.1").group == "1. Suy thoái về tư tưởng chính trị"


def test_migration_loads_the_prohibitions_list_without_items():
    ref = _list("prohibitions-19")
    assert ref.expected_items == 19
    assert ref.items.count() == 0


def test_migrated_text_is_nfc():
    for text in _list("article2-duties").items.values_list("text", flat=True):
        assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    ("line", "code", "text"),
    [
        ("1.4. Sống ích kỷ", "1.4", "Sống ích kỷ"),
        ("4) Không trung thực", "4", "Không trung thực"),
        ("Điều 7. Nói sai sự thật", "7", "Nói sai sự thật"),
        ("- 5. Làm trái quy định", "5", "Làm trái quy định"),
        ("  2.10 :  Có   nhiều\u00a0khoảng trắng ", "2.10", "Có nhiều khoảng trắng"),
    ],
)
def test_paste_parses_numbered_lines(line, code, text):
    [item] = reference_paste_parse(line)
    assert (item.code, item.text) == (code, text)


def test_paste_normalises_to_nfc():
    decomposed = unicodedata.normalize("NFD", "3) Tham nhũng, lãng phí")
    [item] = reference_paste_parse(decomposed)
    assert item.text == unicodedata.normalize("NFC", "Tham nhũng, lãng phí")


def test_paste_names_every_line_without_a_number():
    with pytest.raises(ValidationError) as info:
        reference_paste_parse("1. Một\n\nkhông có số\n3. Ba\ncũng không")
    messages = info.value.message_dict["text"]
    assert len(messages) == 2
    assert "3" in messages[0] and "không có số" in messages[0]
    assert "5" in messages[1]


def test_paste_refuses_duplicate_numbers():
    with pytest.raises(ValidationError) as info:
        reference_paste_parse("1. Một\n2. Hai\n1. Lại một")
    [message] = info.value.message_dict["text"]
    assert "3" in message and "1" in message


def test_paste_adds_and_updates_by_number_and_keeps_order():
    ref = _list("manifestations-27")
    result = reference_list_paste(
        actor=None,
        reference_list=ref,
        text="1.10. Mười\n1.4. Bốn\n1.1. Văn bản đã sửa",
    )
    assert result.added == ["1.10", "1.4"]
    assert result.updated == ["1.1"]
    codes = list(ref.items.order_by("position").values_list("code", flat=True))
    assert codes == ["1.1", "1.2", "1.3", "1.4", "1.10"]
    assert ref.items.get(code="1.1").text == "Văn bản đã sửa"
    assert ref.items.get(code="1.4").group == "1. Suy thoái về tư tưởng chính trị"
    assert AuditEvent.objects.filter(
        action="update", target_type="reports.referencelist", target_id=ref.pk
    ).exists()


def test_bad_paste_saves_nothing():
    ref = _list("prohibitions-19")
    with pytest.raises(ValidationError):
        reference_list_paste(actor=None, reference_list=ref, text="1. Một\nhai")
    assert ref.items.count() == 0


def test_root_committee_may_paste(tree, make_user):
    user = make_user(tree.province, Role.COMMITTEE)
    result = reference_list_paste(
        actor=user, reference_list=_list("prohibitions-19"), text="1. Điều thứ nhất"
    )
    assert result.added == ["1"]


def test_branch_committee_may_not_paste(tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    with pytest.raises(PermissionDenied):
        reference_list_paste(
            actor=user, reference_list=_list("prohibitions-19"), text="1. Điều thứ nhất"
        )
