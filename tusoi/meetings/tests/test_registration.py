"""Registering, changing and cancelling a cell's thematic meeting, supervisors' notes, and the
committee's reads (cell states, calendar, supervisors, assignments). Both engines."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tusoi.accounts.models import RoleGrant
from tusoi.audit.models import AuditEvent
from tusoi.meetings.models import Meeting, MeetingChange, MeetingPhase, MeetingStatus, VisitNote
from tusoi.meetings.selectors.registration import (
    CellState,
    assigned_supervisors,
    calendar_phases,
    campaign_cell_states,
    meeting_changes,
    meetings_readable_by,
    meetings_recordable_by,
    meetings_visible_to,
    my_assignments,
)
from tusoi.meetings.services.registration import (
    meeting_cancel,
    meeting_change,
    meeting_register,
    visit_note_add,
)
from tusoi.members.models import Member, MemberStatus
from tusoi.members.services import StaleEdit
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import make_member, make_org

from .conftest import day, make_open_campaign, phase, register, secretary_of

pytestmark = pytest.mark.django_db


def _messages(excinfo) -> str:
    return " | ".join(excinfo.value.messages)


@pytest.fixture
def big_cell(tree):
    """Cell A with three more members (four in all), one exempt member and one who left."""
    extra = [
        make_member(tree.cell_a, name) for name in ("Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang")
    ]
    exempt = make_member(tree.cell_a, "Đỗ Văn Hải")
    Member.objects.filter(pk=exempt.pk).update(status=MemberStatus.EXEMPT)
    return [tree.member_a, *extra], exempt


# Registering -----------------------------------------------------------------------------------


def test_register_one_phase_creates_the_meeting_and_audits_it(tree, campaign, secretary):
    meeting = meeting_register(
        actor=secretary,
        campaign=campaign,
        cell=tree.cell_a,
        phases=[phase(day(5), at=datetime.time(14, 0), place="Nhà văn hóa khu phố 1")],
    )
    assert meeting.status == MeetingStatus.REGISTERED
    assert not meeting.is_phased
    assert meeting.registered_by == secretary
    only = meeting.phases.get()
    assert (only.number, only.on, only.at, only.place) == (
        1,
        day(5),
        datetime.time(14, 0),
        "Nhà văn hóa khu phố 1",
    )
    assert not only.members.exists()  # a single phase covers everyone
    event = AuditEvent.objects.get(target_type="meetings.meeting", target_id=meeting.pk)
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == secretary
    assert event.organization == tree.cell_a


def test_register_online_only_is_accepted(tree, campaign, secretary):
    meeting = register(
        campaign,
        tree.cell_a,
        actor=secretary,
        phases=[phase(day(3), place="", link="https://meet.example.vn/chi-bo-1")],
    )
    assert meeting.phases.get().online_link == "https://meet.example.vn/chi-bo-1"


def test_phased_meeting_covers_every_member_once(tree, campaign, secretary, big_cell):
    members, exempt = big_cell
    meeting = register(
        campaign,
        tree.cell_a,
        actor=secretary,
        phases=[
            phase(day(3), members=members[:2]),
            phase(day(10), members=members[2:]),
        ],
    )
    assert meeting.is_phased
    phases = list(meeting.phases.order_by("number"))
    assert {m.pk for m in phases[0].members.all()} == {m.pk for m in members[:2]}
    assert {m.pk for m in phases[1].members.all()} == {m.pk for m in members[2:]}
    # The exempt member need not be covered (DOMAIN.md: left out of the targets).
    assert not MeetingPhase.members.through.objects.filter(member_id=exempt.pk).exists()


def test_phased_meeting_leaving_a_member_out_names_the_member(tree, campaign, secretary, big_cell):
    members, _exempt = big_cell
    with pytest.raises(ValidationError) as excinfo:
        register(
            campaign,
            tree.cell_a,
            actor=secretary,
            phases=[phase(day(3), members=members[:2]), phase(day(10), members=members[2:3])],
        )
    text = _messages(excinfo)
    assert "Vũ Thị Giang" in text
    assert "Phạm Thị Dung" not in text
    assert not Meeting.objects.exists()
    assert not MeetingPhase.objects.exists()


def test_phased_meeting_listing_a_member_twice_names_member_and_phases(
    tree, campaign, secretary, big_cell
):
    members, _exempt = big_cell
    with pytest.raises(ValidationError) as excinfo:
        register(
            campaign,
            tree.cell_a,
            actor=secretary,
            phases=[phase(day(3), members=members[:3]), phase(day(10), members=members[2:])],
        )
    text = _messages(excinfo)
    assert "Hoàng Văn Em" in text
    assert "1" in text and "2" in text
    assert not Meeting.objects.exists()


def test_date_outside_the_campaign_names_the_phase_and_the_period(
    tree, campaign, secretary, big_cell
):
    members, _exempt = big_cell
    late = campaign.ends_on + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        register(
            campaign,
            tree.cell_a,
            actor=secretary,
            phases=[phase(day(3), members=members[:2]), phase(late, members=members[2:])],
        )
    text = _messages(excinfo)
    assert late.strftime("%d/%m/%Y") in text
    assert campaign.ends_on.strftime("%d/%m/%Y") in text
    assert "2" in text.split(late.strftime("%d/%m/%Y"))[0]  # the phase number comes first
    assert not Meeting.objects.exists()


def test_date_before_the_campaign_is_refused(tree, campaign, secretary):
    early = campaign.starts_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        register(campaign, tree.cell_a, actor=secretary, phases=[phase(early)])
    assert early.strftime("%d/%m/%Y") in _messages(excinfo)


def test_member_of_another_cell_is_refused(tree, campaign, secretary, big_cell):
    members, _exempt = big_cell
    with pytest.raises(ValidationError) as excinfo:
        register(
            campaign,
            tree.cell_a,
            actor=secretary,
            phases=[
                phase(day(3), members=[*members[:2], tree.member_b]),
                phase(day(10), members=members[2:]),
            ],
        )
    text = _messages(excinfo)
    assert str(tree.member_b.pk) in text
    assert "Lê Văn Cường" not in text  # not named: outside the secretary's scope


def test_a_phase_without_place_or_link_is_refused(tree, campaign, secretary):
    with pytest.raises(ValidationError):
        register(campaign, tree.cell_a, actor=secretary, phases=[phase(day(3), place="")])
    with pytest.raises(ValidationError):
        register(
            campaign,
            tree.cell_a,
            actor=secretary,
            phases=[phase(day(3), place="", link="javascript:alert(1)")],
        )
    assert not Meeting.objects.exists()


def test_only_the_cell_secretary_registers(tree, campaign, committee, make_user):
    with pytest.raises(PermissionDenied):
        register(campaign, tree.cell_a, actor=committee)
    other = secretary_of(tree.cell_a2)
    with pytest.raises(PermissionDenied):
        register(campaign, tree.cell_a, actor=other)
    assert not Meeting.objects.exists()


def test_a_second_registration_is_refused(tree, campaign, secretary):
    register(campaign, tree.cell_a, actor=secretary)
    with pytest.raises(ValidationError):
        register(campaign, tree.cell_a, actor=secretary)
    assert Meeting.objects.count() == 1


def test_closed_campaign_refuses_registration(tree, campaign, secretary):
    campaign.status = "closed"
    campaign.save()
    with pytest.raises(ValidationError):
        register(campaign, tree.cell_a, actor=secretary)


# Changing ---------------------------------------------------------------------------------------


def test_moving_a_date_needs_a_reason_and_keeps_the_history(tree, campaign, secretary):
    meeting = register(campaign, tree.cell_a, actor=secretary, phases=[phase(day(5))])
    with pytest.raises(ValidationError) as excinfo:
        meeting_change(
            actor=secretary,
            meeting=meeting,
            base_version=meeting.version,
            phases=[phase(day(12))],
            reason="",
        )
    assert "reason" in excinfo.value.message_dict
    assert meeting.phases.get().on == day(5)

    changed = meeting_change(
        actor=secretary,
        meeting=meeting,
        base_version=meeting.version,
        phases=[phase(day(12), place="Hội trường UBND phường")],
        reason="Trùng lịch tiêm chủng của phường",
    )
    assert changed.version == meeting.version + 1
    stored = changed.phases.get()
    assert (stored.on, stored.place) == (day(12), "Hội trường UBND phường")
    change = MeetingChange.objects.get(meeting=meeting)
    assert change.reason == "Trùng lịch tiêm chủng của phường"
    assert change.by == secretary
    assert change.phase_number == 1
    entry = change.changes["phases"][0]
    assert entry["fields"]["on"] == [day(5).isoformat(), day(12).isoformat()]
    assert entry["fields"]["place"] == ["Hội trường khu phố 1", "Hội trường UBND phường"]
    rows = meeting_changes(changed)
    assert rows[0].reason == "Trùng lịch tiêm chủng của phường"
    assert rows[0].phases[0].fields[0].before == day(5).strftime("%d/%m/%Y")
    assert AuditEvent.objects.filter(target_id=meeting.pk, action=AuditEvent.Action.UPDATE).exists()


def test_changing_only_the_place_needs_no_reason(tree, campaign, secretary):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    phase_pk = meeting.phases.get().pk
    changed = meeting_change(
        actor=secretary,
        meeting=meeting,
        base_version=meeting.version,
        phases=[phase(day(7), place="Phòng họp tổ dân phố")],
    )
    assert changed.phases.get().pk == phase_pk  # the phase row (and its record) is kept
    assert MeetingChange.objects.get(meeting=meeting).reason == ""


def test_an_unchanged_form_records_nothing(tree, campaign, secretary):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    same = meeting_change(
        actor=secretary, meeting=meeting, base_version=meeting.version, phases=[phase(day(7))]
    )
    assert same.version == meeting.version
    assert not MeetingChange.objects.exists()


def test_a_stale_change_is_refused(tree, campaign, secretary):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    opened = meeting.version
    meeting_change(
        actor=secretary,
        meeting=meeting,
        base_version=opened,
        phases=[phase(day(7), place="Nơi khác")],
    )
    with pytest.raises(StaleEdit):
        meeting_change(
            actor=secretary,
            meeting=meeting,
            base_version=opened,
            phases=[phase(day(20))],
            reason="Hoãn",
        )
    assert meeting.phases.get().on == day(7)
    assert MeetingChange.objects.count() == 1


def test_splitting_into_phases_records_who_moves(tree, campaign, secretary, big_cell):
    members, _exempt = big_cell
    meeting = register(campaign, tree.cell_a, actor=secretary)
    changed = meeting_change(
        actor=secretary,
        meeting=meeting,
        base_version=meeting.version,
        phases=[phase(day(7), members=members[:2]), phase(day(9), members=members[2:])],
    )
    assert changed.is_phased
    entries = {e["number"]: e for e in MeetingChange.objects.get().changes["phases"]}
    assert entries[2]["added"]
    assert sorted(entries[2]["members_added"]) == sorted(m.full_name for m in members[2:])


def test_dropping_a_phase_needs_a_reason(tree, campaign, secretary, big_cell):
    members, _exempt = big_cell
    meeting = register(
        campaign,
        tree.cell_a,
        actor=secretary,
        phases=[phase(day(7), members=members[:2]), phase(day(9), members=members[2:])],
    )
    with pytest.raises(ValidationError):
        meeting_change(
            actor=secretary, meeting=meeting, base_version=meeting.version, phases=[phase(day(7))]
        )
    changed = meeting_change(
        actor=secretary,
        meeting=meeting,
        base_version=meeting.version,
        phases=[phase(day(7))],
        reason="Gộp lại một buổi",
    )
    assert not changed.is_phased
    assert changed.phases.count() == 1


def test_a_held_phase_cannot_be_changed(tree, campaign, secretary, big_cell):
    members, _exempt = big_cell
    meeting = register(
        campaign,
        tree.cell_a,
        actor=secretary,
        phases=[phase(day(-2), members=members[:2]), phase(day(9), members=members[2:])],
    )
    MeetingPhase.objects.filter(meeting=meeting, number=1).update(held=True, held_on=day(-2))
    with pytest.raises(ValidationError) as excinfo:
        meeting_change(
            actor=secretary,
            meeting=meeting,
            base_version=meeting.version,
            phases=[phase(day(1), members=members[:2]), phase(day(9), members=members[2:])],
            reason="Nhầm ngày",
        )
    assert "1" in _messages(excinfo)
    # The other phase may still move.
    meeting_change(
        actor=secretary,
        meeting=meeting,
        base_version=meeting.version,
        phases=[phase(day(-2), members=members[:2]), phase(day(11), members=members[2:])],
        reason="Hoãn vì mưa bão",
    )
    assert meeting.phases.get(number=2).on == day(11)


def test_cancel_needs_a_reason_then_the_cell_registers_again(tree, campaign, secretary):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    with pytest.raises(ValidationError):
        meeting_cancel(actor=secretary, meeting=meeting, base_version=meeting.version, reason="")
    cancelled = meeting_cancel(
        actor=secretary,
        meeting=meeting,
        base_version=meeting.version,
        reason="Chi bộ sáp nhập, sẽ đăng ký lại",
    )
    assert cancelled.status == MeetingStatus.CANCELLED
    states = campaign_cell_states(campaign, tree.branch_a, secretary)
    assert states.counts[CellState.NOT_REGISTERED] == 1

    again = register(campaign, tree.cell_a, actor=secretary, phases=[phase(day(15))])
    assert again.pk == meeting.pk
    assert again.status == MeetingStatus.REGISTERED
    assert again.phases.get().on == day(15)
    history = meeting_changes(again)
    assert [row.status is not None for row in history] == [True, True]
    assert history[1].reason == "Chi bộ sáp nhập, sẽ đăng ký lại"


# Supervisors' notes -----------------------------------------------------------------------------


def test_an_assigned_supervisor_writes_a_visit_note(tree, campaign, supervisor):
    meeting = register(campaign, tree.cell_a)
    note = visit_note_add(
        actor=supervisor, meeting=meeting, attended=True, text="  Chi bộ chuẩn bị chu đáo.  "
    )
    assert note.text == "Chi bộ chuẩn bị chu đáo."
    assert note.author == supervisor
    assert AuditEvent.objects.filter(target_type="meetings.visitnote").exists()


def test_a_visit_note_needs_a_supervisor_and_a_text(tree, campaign, committee, make_user):
    meeting = register(campaign, tree.cell_a)
    with pytest.raises(PermissionDenied):
        visit_note_add(actor=committee, meeting=meeting, attended=True, text="Ghi chú")
    elsewhere = make_user(tree.branch_b, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        visit_note_add(actor=elsewhere, meeting=meeting, attended=True, text="Ghi chú")
    supervisor = make_user(tree.cell_a, Role.SUPERVISOR)
    with pytest.raises(ValidationError):
        visit_note_add(actor=supervisor, meeting=meeting, attended=False, text="   ")
    assert not VisitNote.objects.exists()


# Scope ------------------------------------------------------------------------------------------


def test_scope_selectors_follow_the_contract(tree, campaign, secretary, committee, supervisor):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    other = register(campaign, tree.cell_b)
    assert set(meetings_visible_to(committee)) == {meeting}
    assert set(meetings_visible_to(supervisor)) == {meeting}
    assert not meetings_recordable_by(committee).exists()
    assert set(meetings_recordable_by(secretary)) == {meeting}
    assert not meetings_readable_by(committee).exists()
    assert set(meetings_readable_by(supervisor)) == {meeting}
    assert set(meetings_readable_by(secretary)) == {meeting}
    assert other not in meetings_visible_to(secretary)


def test_assigned_supervisors_are_active_supervisor_grants_on_the_cell_or_above(
    tree, campaign, make_user
):
    meeting = register(campaign, tree.cell_a)
    above = make_user(tree.branch_a, Role.SUPERVISOR)
    on_cell = make_user(tree.cell_a, Role.SUPERVISOR)
    make_user(tree.branch_b, Role.SUPERVISOR)
    make_user(tree.branch_a, Role.COMMITTEE)
    revoked = make_user(tree.cell_a, Role.SUPERVISOR)
    RoleGrant.objects.filter(user=revoked).update(valid_to=datetime.datetime.now(datetime.UTC))
    assert set(assigned_supervisors(meeting)) == {above, on_cell}


def test_my_assignments_lists_coming_meetings_first(tree, campaign, supervisor):
    cell_a3 = make_org("Chi bộ khu phố 3", parent=tree.branch_a)
    past = register(campaign, tree.cell_a, phases=[phase(day(-5))])
    soon = register(campaign, tree.cell_a2, phases=[phase(day(2))])
    later = register(campaign, cell_a3, phases=[phase(day(20))])
    register(campaign, tree.cell_b, phases=[phase(day(1))])  # not this supervisor's
    assert list(my_assignments(supervisor)) == [soon, later, past]
    assert not my_assignments(secretary_of(tree.cell_a)).exists()


# The committee's lists --------------------------------------------------------------------------


@pytest.fixture
def mixed(tree, campaign):
    """Under branch A: a registered cell, an overdue one, a held one, one never registered,
    one cancelled, and a cell of a sub-committee; cell B (branch B) registered."""
    sub = make_org("Đảng bộ cơ sở trường học", parent=tree.branch_a, kind_code="dang-bo-co-so")
    cells = {
        "registered": tree.cell_a,
        "overdue": tree.cell_a2,
        "held": make_org("Chi bộ khu phố 3", parent=tree.branch_a),
        "never": make_org("Chi bộ khu phố 4", parent=tree.branch_a),
        "cancelled": make_org("Chi bộ khu phố 5", parent=tree.branch_a),
        "sub": make_org("Chi bộ giáo viên", parent=sub),
    }
    register(campaign, cells["registered"], phases=[phase(day(4))])
    register(campaign, cells["overdue"], phases=[phase(day(-3))])
    held = register(campaign, cells["held"], phases=[phase(day(-6))])
    MeetingPhase.objects.filter(meeting=held).update(held=True, held_on=day(-6))
    Meeting.objects.filter(pk=held.pk).update(status=MeetingStatus.HELD)
    cancelled = register(campaign, cells["cancelled"], actor=secretary_of(cells["cancelled"]))
    meeting_cancel(
        actor=cancelled.registered_by,
        meeting=cancelled,
        base_version=cancelled.version,
        reason="Hoãn vô thời hạn",
    )
    register(campaign, cells["sub"], phases=[phase(day(6))])
    register(campaign, tree.cell_b, phases=[phase(day(-3))])
    return cells, sub


def test_cell_states_count_and_list_a_mixed_subtree(tree, campaign, committee, mixed):
    cells, _sub = mixed
    states = campaign_cell_states(campaign, tree.branch_a, committee)
    assert states.counts == {
        CellState.NOT_REGISTERED: 2,
        CellState.OVERDUE: 1,
        CellState.REGISTERED: 2,
        CellState.HELD: 1,
    }

    def names(state):
        return {c.name for c in states.lists[state].cells}

    assert names(CellState.NOT_REGISTERED) == {cells["never"].name, cells["cancelled"].name}
    assert names(CellState.OVERDUE) == {cells["overdue"].name}
    assert names(CellState.REGISTERED) == {cells["registered"].name, cells["sub"].name}
    assert names(CellState.HELD) == {cells["held"].name}
    registered = {c.name: c for c in states.lists[CellState.REGISTERED].cells}
    assert registered[cells["registered"].name].first_on == day(4)
    assert registered[cells["registered"].name].meeting_id is not None


def test_cell_states_of_a_sub_committee_and_of_the_province(tree, campaign, mixed, make_user):
    cells, sub = mixed
    states = campaign_cell_states(campaign, sub, make_user(sub, Role.COMMITTEE))
    assert states.counts[CellState.REGISTERED] == 1
    assert states.total == 1
    province = make_user(tree.province, Role.COMMITTEE)
    everything = campaign_cell_states(campaign, tree.province, province)
    assert everything.total == 7
    assert everything.counts[CellState.OVERDUE] == 2  # cell B too
    # A user sees only the cells inside their own view, whatever org they ask for.
    branch_only = campaign_cell_states(campaign, tree.province, make_user(sub, Role.COMMITTEE))
    assert branch_only.total == 1


def test_cell_state_lists_are_paginated(tree, campaign, committee):
    for n in range(5):
        make_org(f"Chi bộ tổ {n}", parent=tree.branch_a)
    states = campaign_cell_states(
        campaign, tree.branch_a, committee, pages={CellState.NOT_REGISTERED: 2}, page_size=3
    )
    listed = states.lists[CellState.NOT_REGISTERED]
    assert listed.count == 7
    assert (listed.page, listed.num_pages, len(listed.cells)) == (2, 3, 3)
    assert listed.has_previous and listed.has_next


def test_cell_states_take_the_same_queries_however_many_cells(
    tree, campaign, committee, django_assert_max_num_queries
):
    def run():
        committee.__dict__.pop("_tusoi_scope", None)
        with CaptureQueriesContext(connection) as ctx:
            states = campaign_cell_states(campaign, tree.branch_a, committee)
            shown = [
                (cell.name, cell.state, cell.first_on, cell.parent_name)
                for listed in states.ordered()
                for cell in listed.cells
            ]
        assert len(shown) == states.total
        return len(ctx.captured_queries)

    def one_of_each(prefix):
        register(campaign, make_org(f"{prefix} đã đăng ký", parent=tree.branch_a))
        register(
            campaign,
            make_org(f"{prefix} quá hạn", parent=tree.branch_a),
            phases=[phase(day(-2))],
        )
        held = register(campaign, make_org(f"{prefix} đã tổ chức", parent=tree.branch_a))
        Meeting.objects.filter(pk=held.pk).update(status=MeetingStatus.HELD)
        make_org(f"{prefix} chưa đăng ký", parent=tree.branch_a)

    one_of_each("Chi bộ A")
    few = run()
    for n in range(4):
        one_of_each(f"Chi bộ {n}")
    many = run()
    assert few == many
    with django_assert_max_num_queries(6):
        run()


# The calendar -----------------------------------------------------------------------------------


def test_calendar_lists_the_month_s_phases_with_their_phase_numbers(tree, campaign, big_cell):
    members, _exempt = big_cell
    campaign.starts_on = datetime.date(2024, 3, 1)
    campaign.ends_on = datetime.date(2024, 6, 30)
    campaign.save()
    register(
        campaign,
        tree.cell_a,
        phases=[
            phase(datetime.date(2024, 4, 20), members=members[:2]),
            phase(datetime.date(2024, 5, 2), members=members[2:]),
        ],
    )
    register(campaign, tree.cell_a2, phases=[phase(datetime.date(2024, 4, 5))])
    cancelled = register(campaign, tree.cell_b, phases=[phase(datetime.date(2024, 4, 9))])
    Meeting.objects.filter(pk=cancelled.pk).update(status=MeetingStatus.CANCELLED)
    april = list(calendar_phases(campaign, tree.province, datetime.date(2024, 4, 1)))
    assert [(p.on.day, p.meeting.cell.name, p.number, p.phase_total) for p in april] == [
        (5, tree.cell_a2.name, 1, 1),
        (20, tree.cell_a.name, 1, 2),
    ]
    may = list(calendar_phases(campaign, tree.branch_a, datetime.date(2024, 5, 1)))
    assert [(p.number, p.phase_total) for p in may] == [(2, 2)]
    assert not calendar_phases(campaign, tree.branch_b, datetime.date(2024, 4, 1)).exists()


def test_a_campaign_of_the_branch_ignores_cells_elsewhere(tree, campaign):
    branch_campaign = make_open_campaign(tree.branch_a, title="Kế hoạch của Đảng ủy phường")
    register(branch_campaign, tree.cell_a)
    with pytest.raises(ValidationError):
        register(branch_campaign, tree.cell_b)
    province = secretary_of(tree.province)  # any VIEW on the province
    states = campaign_cell_states(branch_campaign, tree.province, province)
    assert states.total == 2  # cell A and cell A2, not cell B
