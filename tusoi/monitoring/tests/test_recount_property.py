"""The dashboard (per-cell tallies kept by the writers' events) equals a brute-force recount
after any sequence of real operations — submit, return, accept, transfer a member out and back,
exempt, move a member, transfer one in, change a leader flag, add a member, move a subtree,
register a two-phase meeting and hold or un-hold its phases, present a draft, cancel — for every
organisation of the tree and for two campaigns: one of the whole province (opened by a seed, so
its tallies are built on first read) and one of a branch (opened through the service)."""

import contextlib
import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tusoi.accounts.models import User
from tusoi.campaigns.models import Campaign
from tusoi.campaigns.services import campaign_open
from tusoi.meetings.models import Meeting, MeetingStatus, Presentation
from tusoi.meetings.selectors.registration import cell_members_in_scope
from tusoi.meetings.services.record import PresentationInput, phase_record_save
from tusoi.meetings.services.registration import PhaseInput, meeting_cancel, meeting_register
from tusoi.members.models import ChangeKind, Member
from tusoi.members.services import member_change_status, member_update
from tusoi.monitoring.figures import dashboard, recount
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Role
from tusoi.orgs.services import organization_move
from tusoi.reports.models import ReportStatus, SelfReview
from tusoi.reports.services import (
    campaign_templates_create_defaults,
    report_accept,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from tusoi.reports.tests.conftest import filled_content, make_open_campaign
from tusoi.testing.factories import grant, make_member, make_org

pytestmark = pytest.mark.django_db(transaction=False)

OPS = (
    "submit",
    "return",
    "accept",
    "transfer_out",
    "come_back",
    "exempt",
    "end_exemption",
    "move_member",
    "transfer_in",
    "toggle_leader",
    "new_member",
    "move_subtree",
    "register",
    "hold",
    "unhold",
    "present_draft",
    "cancel",
)
_names = iter(f"Đảng viên {n}" for n in range(1_000_000))


@dataclass
class World:
    campaigns: list[Campaign]
    branches: list[Organization]
    cells: list[Organization]
    members: list[Member] = field(default_factory=list)
    writers: dict[int, User] = field(default_factory=dict)
    secretaries: dict[int, User] = field(default_factory=dict)


def _day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def _user(**fields: Any) -> User:
    # No password: hashing one per user would dominate the run and nobody logs in here.
    return User.objects.create(username=f"u{User.objects.count()}-{next(_names)}", **fields)


def _add_member(world: World, cell: Organization, *, leader: bool = False) -> None:
    member = make_member(cell, next(_names), is_leader=leader)
    world.members.append(member)
    world.writers[member.pk] = _user(member=member)


def build_world() -> World:
    province = make_org("Tỉnh ủy Thử nghiệm", kind_code="tinh-uy")
    branch_a = make_org("Đảng ủy A", parent=province, kind_code="dang-uy-tren-co-so")
    branch_b = make_org("Đảng ủy B", parent=province, kind_code="dang-uy-tren-co-so")
    cells = [
        make_org("Chi bộ A1", parent=branch_a),
        make_org("Chi bộ A2", parent=branch_a),
        make_org("Chi bộ B1", parent=branch_b),
    ]
    # A seed opens the province's campaign directly: its tallies are built on first read.
    by_seed = make_open_campaign(province)
    # The branch's campaign is opened through the service: the event builds its tallies.
    today = timezone.localdate()
    by_service = Campaign.objects.create(
        organization=branch_a,
        title="Kế hoạch của Đảng ủy A",
        theme="Tự soi, tự sửa",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
        status="draft",
    )
    campaign_templates_create_defaults(actor=None, campaign=by_service)
    world = World(
        campaigns=[by_seed, by_service], branches=[province, branch_a, branch_b], cells=cells
    )
    for cell, size in zip(cells, (3, 2, 2), strict=True):
        for n in range(size):
            _add_member(world, cell, leader=n == 0)
        secretary = _user()
        grant(secretary, cell, Role.SECRETARY)
        world.secretaries[cell.pk] = secretary
    dashboard(by_seed, province)  # first read: built from the rows
    campaign_open(actor=None, campaign=by_service)
    by_service.refresh_from_db()
    return world


def _secretary(world: World, cell_id: int) -> User | None:
    user = world.secretaries.get(cell_id)
    return None if user is None else User.objects.get(pk=user.pk)


def _fresh(member: Member) -> Member:
    return Member.objects.select_related("cell").get(pk=member.pk)


def _report(campaign: Campaign, member: Member) -> SelfReview | None:
    return SelfReview.objects.filter(campaign=campaign, member=member).first()


def _meeting(campaign: Campaign, cell_id: int) -> Meeting | None:
    return Meeting.objects.filter(campaign=campaign, cell_id=cell_id).first()


def _phase_of(meeting: Meeting, member: Member) -> int | None:
    phases = list(meeting.phases.order_by("number"))
    if len(phases) == 1:
        return 1
    for phase in phases:
        if phase.members.filter(pk=member.pk).exists():
            return phase.number
    return None


def _save_phase(world: World, meeting: Meeting, number: int, *, held: bool, present=()) -> None:
    meeting.refresh_from_db()
    phase = meeting.phases.get(number=number)
    kept = [
        PresentationInput(member_id=p.member_id) for p in Presentation.objects.filter(phase=phase)
    ]
    kept += [
        PresentationInput(member_id=m.pk)
        for m in present
        if m.pk not in {k.member_id for k in kept}
    ]
    phase_record_save(
        actor=_secretary(world, meeting.cell_id),
        meeting=meeting,
        phase_number=number,
        base_version=meeting.version,
        attendance={},
        guests=[],
        presentations=kept,
        committee_comments=[],
        held=held,
    )


def apply(world: World, op: str, i: int, j: int) -> None:  # noqa: C901, PLR0912
    """One operation through the real services; refused ones (ValidationError) change nothing."""
    member = _fresh(world.members[i % len(world.members)])
    campaign = world.campaigns[j % 2]
    cell = Organization.objects.get(pk=world.cells[j % len(world.cells)].pk)  # paths move
    # Fresh accounts each step: a user's scope is cached on the object, and paths move.
    writer = User.objects.get(pk=world.writers[member.pk].pk)
    secretary = _secretary(world, member.cell_id)
    today = timezone.localdate()
    report = _report(campaign, member)
    if op == "submit":
        report = report or report_open(member=member, campaign=campaign, actor=writer)
        if report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            report = report_save(
                report=report,
                actor=writer,
                content=filled_content(report),
                base_version=report.version,
            )
            report_submit(report=report, actor=writer, base_version=report.version)
    elif op == "return" and report is not None:
        report_return(report=report, actor=secretary, reason="Cần bổ sung phần hạn chế.")
    elif op == "accept" and report is not None:
        report_accept(report=report, actor=secretary)
    elif op in ("transfer_out", "come_back", "exempt", "end_exemption"):
        change = {
            "transfer_out": ChangeKind.TRANSFERRED_OUT,
            "come_back": ChangeKind.RETURNED,
            "exempt": ChangeKind.EXEMPTED,
            "end_exemption": ChangeKind.EXEMPTION_ENDED,
        }[op]
        member_change_status(actor=None, member=member, change=change, on=today)
    elif op in ("move_member", "transfer_in"):
        change = ChangeKind.MOVED if op == "move_member" else ChangeKind.TRANSFERRED_IN
        member_change_status(actor=None, member=member, change=change, on=today, to_cell=cell)
    elif op == "toggle_leader":
        member_update(
            actor=None,
            member=member,
            expected_version=member.version,
            is_leader=not member.is_leader,
        )
    elif op == "new_member":
        _add_member(world, cell, leader=i % 2 == 0)
    elif op == "move_subtree":
        movable = [*world.branches[1:], *world.cells]
        org = movable[i % len(movable)]
        org.refresh_from_db()
        parent = world.branches[j % len(world.branches)]
        parent.refresh_from_db()
        organization_move(actor=None, org=org, new_parent=parent)
    elif op == "register":
        covered = list(cell_members_in_scope(cell))
        half = len(covered) // 2
        meeting_register(
            actor=_secretary(world, cell.pk),
            campaign=campaign,
            cell=cell,
            phases=[
                PhaseInput(
                    on=_day(-2),
                    at=None,
                    place="Hội trường",
                    member_ids=[m.pk for m in covered[:half]],
                ),
                PhaseInput(
                    on=_day(-1),
                    at=None,
                    place="Hội trường",
                    member_ids=[m.pk for m in covered[half:]],
                ),
            ],
        )
    elif op in ("hold", "unhold"):
        meeting = _meeting(campaign, cell.pk)
        if meeting is not None:
            number = 1 + i % meeting.phases.count()
            _save_phase(world, meeting, number, held=op == "hold")
    elif op == "present_draft":
        meeting = _meeting(campaign, member.cell_id)
        if meeting is not None and meeting.status != MeetingStatus.CANCELLED:
            report or report_open(member=member, campaign=campaign, actor=writer)
            number = _phase_of(meeting, member)
            if number is not None:
                held = meeting.phases.get(number=number).held
                _save_phase(world, meeting, number, held=held, present=[member])
    elif op == "cancel":
        meeting = _meeting(campaign, cell.pk)
        if meeting is not None:
            meeting_cancel(
                actor=_secretary(world, cell.pk),
                meeting=meeting,
                base_version=meeting.version,
                reason="Trùng lịch họp của phường.",
            )


def assert_figures_agree(world: World, *, everywhere: bool) -> None:
    orgs = list(Organization.objects.all()) if everywhere else [world.branches[0]]
    for campaign in world.campaigns:
        for org in orgs:
            assert dashboard(campaign, org) == recount(campaign, org), (campaign.title, org.name)
        if everywhere:
            root = world.branches[0]
            assert recount(campaign, root, as_of=timezone.localdate()) == recount(campaign, root)


operations = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=14
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_dashboard_equals_recount_after_any_sequence_of_operations(db, steps):
    # Each example builds its own tree inside a transaction rolled back at the end.
    with transaction.atomic():
        world = build_world()
        assert_figures_agree(world, everywhere=True)
        for op, i, j in steps:
            with contextlib.suppress(ValidationError, PermissionDenied):
                apply(world, op, i, j)  # a refused operation changes nothing
            assert_figures_agree(world, everywhere=False)
        assert_figures_agree(world, everywhere=True)
        transaction.set_rollback(True)


def test_a_scripted_sequence_touching_every_operation_keeps_figures_right(db):
    """The same check on one fixed sequence, so every operation is known to run at least once."""
    world = build_world()
    script = [
        ("submit", 0, 0),
        ("submit", 1, 1),
        ("submit", 3, 0),
        ("return", 0, 0),
        ("accept", 1, 1),
        ("submit", 0, 0),
        ("register", 0, 0),
        ("present_draft", 2, 0),
        ("hold", 0, 0),
        ("hold", 1, 0),
        ("transfer_out", 3, 0),
        ("come_back", 3, 0),
        ("exempt", 4, 0),
        ("move_member", 1, 2),
        ("transfer_in", 5, 0),
        ("toggle_leader", 6, 0),
        ("new_member", 0, 1),
        ("move_subtree", 1, 1),  # branch B under branch A: its cell joins A's campaign
        ("register", 0, 5),
        ("unhold", 1, 0),
        ("cancel", 0, 1),
        ("move_subtree", 1, 0),
    ]
    refusals: list[tuple[str, Exception]] = []
    for op, i, j in script:
        try:
            apply(world, op, i, j)
        except (ValidationError, PermissionDenied) as refused:
            refusals.append((op, refused))
        assert_figures_agree(world, everywhere=True)
    assert refusals == []
    figures, _rows = dashboard(world.campaigns[0], world.branches[0])
    assert figures.reports_counted >= 3
    assert figures.cells_registered >= 1
