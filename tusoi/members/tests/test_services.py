"""The member registry's rules: validation, clean text, no silent overwrite, dated history,
merging and dismissing duplicates, and an audit event for every change."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from tusoi.audit.models import AuditEvent
from tusoi.members.models import ChangeKind, Member, MemberStatus
from tusoi.members.selectors import member_duplicate_pairs, members_visible_to, periods_as_of
from tusoi.members.services import (
    StaleEdit,
    member_change_status,
    member_duplicate_dismiss,
    member_merge,
    member_update,
    member_validate,
    today,
)
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import UserFactory, make_member

D = datetime.date
VALID = {
    "card_number": "99000001",
    "full_name": "Phạm Thị Hoa",
    "birth_date": D(1985, 4, 2),
    "gender": "female",
    "admitted_on": D(2010, 5, 19),
    "official_on": D(2011, 5, 19),
}


def _errors(**changes) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        member_validate({**VALID, **changes})
    return caught.value.message_dict


def _status_on(member: Member, day: datetime.date):
    period = periods_as_of(day).get(member=member)
    return period.status, period.cell


@pytest.mark.django_db
class TestValidate:
    def test_valid_fields_pass(self):
        assert member_validate(VALID)["full_name"] == "Phạm Thị Hoa"

    def test_birth_date_in_the_future_is_refused(self):
        assert "birth_date" in _errors(birth_date=today() + datetime.timedelta(days=1))

    def test_admission_before_eighteen_is_refused(self):
        errors = _errors(birth_date=D(2000, 6, 1), admitted_on=D(2018, 5, 31), official_on=None)
        assert list(errors) == ["admitted_on"]

    def test_admission_on_eighteenth_birthday_is_accepted(self):
        member_validate(
            {
                **VALID,
                "birth_date": D(2000, 6, 1),
                "admitted_on": D(2018, 6, 1),
                "official_on": None,
            }
        )

    def test_official_date_before_admission_is_refused(self):
        assert "official_on" in _errors(official_on=D(2009, 1, 1))

    def test_card_number_of_another_member_is_refused(self, tree):
        errors = _errors(card_number=tree.member_a.card_number)
        assert "card_number" in errors

    def test_own_card_number_is_not_a_duplicate(self, tree):
        data = {**VALID, "card_number": tree.member_a.card_number}
        member_validate(data, exclude_pk=tree.member_a.pk)

    @pytest.mark.parametrize("bad", ["12345", "00108001234X", "0010800123456"])
    def test_malformed_citizen_id_is_refused(self, bad):
        assert "citizen_id" in _errors(citizen_id=bad)

    def test_citizen_id_of_another_member_is_refused(self, tree):
        Member.objects.filter(pk=tree.member_b.pk).update(citizen_id="001080012345")
        assert "citizen_id" in _errors(citizen_id="001080012345")

    def test_every_bad_field_is_named_at_once(self):
        errors = _errors(
            full_name="  ", birth_date=today() + datetime.timedelta(days=3), citizen_id="12"
        )
        assert {"full_name", "birth_date", "citizen_id"} <= set(errors)


def test_text_is_stored_as_nfc_with_spaces_cleaned(tree):
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Thị\u00a0Ánh ")
    member = make_member(tree.cell_a, decomposed, job="Giáo\u00a0viên", phone=" 0912 345 678 ")
    member.refresh_from_db()
    assert member.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    assert member.job == "Giáo viên"
    assert member.phone == "0912 345 678"
    assert member.search_name == "nguyen thi anh"


def test_card_number_spaces_are_dropped(tree):
    member = make_member(tree.cell_a, "Võ Văn Tám", card_number=" 12 345 678 ")
    assert member.card_number == "12345678"


def test_update_saves_and_raises_the_version(tree):
    member = member_update(actor=None, member=tree.member_a, expected_version=1, phone="0912345678")
    assert member.phone == "0912345678"
    assert member.version == 2


def test_stale_edit_is_refused_and_keeps_the_newer_save(tree):
    member_update(actor=None, member=tree.member_a, expected_version=1, phone="0911111111")
    with pytest.raises(StaleEdit):
        member_update(actor=None, member=tree.member_a, expected_version=1, phone="0922222222")
    tree.member_a.refresh_from_db()
    assert tree.member_a.phone == "0911111111"
    assert tree.member_a.version == 2


def test_invalid_update_saves_nothing(tree):
    with pytest.raises(ValidationError):
        member_update(
            actor=None,
            member=tree.member_a,
            expected_version=1,
            phone="0933333333",
            citizen_id="123",
        )
    tree.member_a.refresh_from_db()
    assert tree.member_a.phone == ""
    assert tree.member_a.version == 1


class TestChangeStatus:
    def test_exemption_changes_status_from_its_date(self, tree):
        m = member_change_status(
            actor=None,
            member=tree.member_a,
            change=ChangeKind.EXEMPTED,
            on=D(2023, 3, 1),
            reason="Ốm dài ngày",
        )
        assert m.status == MemberStatus.EXEMPT
        assert m.status_since == D(2023, 3, 1)
        assert _status_on(m, D(2023, 2, 28)) == (MemberStatus.ACTIVE, tree.cell_a)
        assert _status_on(m, D(2023, 3, 1)) == (MemberStatus.EXEMPT, tree.cell_a)
        m = member_change_status(
            actor=None, member=m, change=ChangeKind.EXEMPTION_ENDED, on=D(2024, 1, 1)
        )
        assert _status_on(m, D(2023, 12, 31)) == (MemberStatus.EXEMPT, tree.cell_a)
        assert _status_on(m, D(2024, 1, 1)) == (MemberStatus.ACTIVE, tree.cell_a)

    def test_temporary_transfer_in_and_return(self, tree):
        m = member_change_status(
            actor=None,
            member=tree.member_a,
            change=ChangeKind.TRANSFERRED_IN,
            on=D(2023, 3, 1),
            to_cell=tree.cell_b,
        )
        assert (m.cell, m.home_cell) == (tree.cell_b, tree.cell_a)
        m = member_change_status(actor=None, member=m, change=ChangeKind.RETURNED, on=D(2023, 6, 1))
        assert (m.cell, m.home_cell, m.status) == (tree.cell_a, None, MemberStatus.ACTIVE)
        assert _status_on(m, D(2023, 2, 1)) == (MemberStatus.ACTIVE, tree.cell_a)
        assert _status_on(m, D(2023, 4, 1)) == (MemberStatus.ACTIVE, tree.cell_b)
        assert _status_on(m, D(2023, 6, 1)) == (MemberStatus.ACTIVE, tree.cell_a)

    def test_transfer_out_and_return(self, tree):
        m = member_change_status(
            actor=None, member=tree.member_a, change=ChangeKind.TRANSFERRED_OUT, on=D(2023, 3, 1)
        )
        m = member_change_status(actor=None, member=m, change=ChangeKind.RETURNED, on=D(2023, 9, 1))
        assert _status_on(m, D(2023, 5, 1)) == (MemberStatus.TRANSFERRED_OUT, tree.cell_a)
        assert _status_on(m, D(2023, 9, 2)) == (MemberStatus.ACTIVE, tree.cell_a)

    def test_move_changes_cell_from_its_date(self, tree):
        m = member_change_status(
            actor=None,
            member=tree.member_a,
            change=ChangeKind.MOVED,
            on=D(2023, 5, 10),
            to_cell=tree.cell_a2,
        )
        assert m.cell == tree.cell_a2
        assert _status_on(m, D(2023, 5, 9)) == (MemberStatus.ACTIVE, tree.cell_a)
        assert _status_on(m, D(2023, 5, 10)) == (MemberStatus.ACTIVE, tree.cell_a2)
        assert m.periods.count() == 2

    def test_leaving_closes_the_history(self, tree):
        m = member_change_status(
            actor=None, member=tree.member_a, change=ChangeKind.LEFT, on=D(2024, 2, 1)
        )
        assert m.status == MemberStatus.LEFT
        assert _status_on(m, D(2024, 2, 1))[0] == MemberStatus.LEFT

    def test_change_that_does_not_apply_is_refused(self, tree):
        with pytest.raises(ValidationError) as caught:
            member_change_status(
                actor=None,
                member=tree.member_a,
                change=ChangeKind.EXEMPTION_ENDED,
                on=D(2023, 1, 1),
            )
        assert "change" in caught.value.message_dict
        assert tree.member_a.periods.count() == 1

    def test_date_before_current_status_is_refused(self, tree):
        with pytest.raises(ValidationError) as caught:
            member_change_status(
                actor=None, member=tree.member_a, change=ChangeKind.EXEMPTED, on=D(2019, 12, 31)
            )
        assert "on" in caught.value.message_dict

    def test_move_needs_a_cell(self, tree):
        with pytest.raises(ValidationError) as caught:
            member_change_status(
                actor=None,
                member=tree.member_a,
                change=ChangeKind.MOVED,
                on=D(2023, 1, 1),
                to_cell=tree.branch_a,
            )
        assert "to_cell" in caught.value.message_dict
        tree.member_a.refresh_from_db()
        assert tree.member_a.cell == tree.cell_a


def _duplicate_of(member: Member, cell, **fields) -> Member:
    return make_member(cell, member.full_name, birth_date=member.birth_date, **fields)


class TestMerge:
    def test_merge_fills_blanks_closes_duplicate_and_moves_account(self, tree):
        keep = tree.member_a
        drop = _duplicate_of(
            keep,
            tree.cell_a2,
            citizen_id="001080012345",
            phone="0987654321",
            job="Giáo viên",
            is_leader=True,
        )
        account = UserFactory(member=drop)
        merged = member_merge(actor=None, keep=keep, drop=drop)
        drop.refresh_from_db()
        account.refresh_from_db()
        assert (merged.citizen_id, merged.phone, merged.job) == (
            "001080012345",
            "0987654321",
            "Giáo viên",
        )
        assert merged.is_leader
        assert drop.merged_into == merged
        assert drop.status == MemberStatus.LEFT
        assert drop.citizen_id == ""
        assert account.member == merged
        last = drop.periods.order_by("-valid_from", "-id").first()
        assert (last.change, last.status) == (ChangeKind.MERGED, MemberStatus.LEFT)
        assert drop.periods.filter(valid_to__isnull=True).count() == 1

    def test_merged_duplicate_disappears_from_registry_and_pairs(self, tree, make_user):
        drop = _duplicate_of(tree.member_a, tree.cell_a2)
        user = make_user(tree.branch_a, Role.COMMITTEE)
        assert len(member_duplicate_pairs(user)) == 1
        member_merge(actor=user, keep=tree.member_a, drop=drop)
        assert not members_visible_to(user).filter(pk=drop.pk).exists()
        assert member_duplicate_pairs(user) == []

    def test_merge_keeps_the_survivors_own_values(self, tree):
        Member.objects.filter(pk=tree.member_a.pk).update(phone="0900000000")
        drop = _duplicate_of(tree.member_a, tree.cell_a2, phone="0987654321")
        merged = member_merge(actor=None, keep=tree.member_a, drop=drop)
        assert merged.phone == "0900000000"

    def test_record_cannot_be_merged_with_itself(self, tree):
        with pytest.raises(ValidationError):
            member_merge(actor=None, keep=tree.member_a, drop=tree.member_a)


def test_dismissal_hides_the_pair(tree, make_user):
    other = _duplicate_of(tree.member_a, tree.cell_a2)
    user = make_user(tree.branch_a, Role.COMMITTEE)
    [pair] = member_duplicate_pairs(user)
    assert {pair.a, pair.b} == {tree.member_a, other}
    member_duplicate_dismiss(actor=user, a=other, b=tree.member_a)
    assert member_duplicate_pairs(user) == []
    assert Member.objects.filter(pk__in=[tree.member_a.pk, other.pk], merged_into=None).count() == 2


def test_dismissing_a_record_with_itself_is_refused(tree):
    with pytest.raises(ValidationError):
        member_duplicate_dismiss(actor=None, a=tree.member_a, b=tree.member_a)


def _events(member: Member) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="members.member", target_id=member.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_every_change_writes_an_audit_event(tree, make_user):
    actor = make_user(tree.branch_a, Role.COMMITTEE)
    member = make_member(tree.cell_a, "Đỗ Văn Sáu")
    assert _events(member) == [AuditEvent.Action.CREATE]
    member = member_update(actor=actor, member=member, expected_version=1, phone="0912345678")
    update = AuditEvent.objects.filter(target_id=member.pk, action="update").get()
    assert update.actor == actor
    assert update.changes == {"phone": ["", "0912345678"]}
    member = member_change_status(
        actor=actor, member=member, change=ChangeKind.EXEMPTED, on=D(2023, 3, 1)
    )
    drop = _duplicate_of(member, tree.cell_a2)
    member_duplicate_dismiss(actor=actor, a=member, b=drop)
    member_merge(actor=actor, keep=member, drop=drop)
    assert _events(member) == [
        AuditEvent.Action.CREATE,
        AuditEvent.Action.UPDATE,
        AuditEvent.Action.STATUS,
        AuditEvent.Action.DISMISS,
        AuditEvent.Action.MERGE,
    ]
    assert _events(drop) == [AuditEvent.Action.CREATE, AuditEvent.Action.MERGE]


def test_update_without_changes_writes_no_event(tree):
    before = AuditEvent.objects.count()
    member = member_update(
        actor=None, member=tree.member_a, expected_version=1, full_name=tree.member_a.full_name
    )
    assert member.version == 1
    assert AuditEvent.objects.count() == before
