"""Each rule of DOMAIN.md's "Rules that decide the figures", checked on the dashboard (tallies)
and on the brute-force recount, which must agree; then figures as of a past cut-off date."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tusoi.accounts.models import User
from tusoi.campaigns.models import Campaign
from tusoi.meetings.models import Meeting, MeetingPhase, MeetingStatus
from tusoi.meetings.services.record import PresentationInput, phase_record_save
from tusoi.meetings.services.registration import PhaseInput, meeting_cancel, meeting_register
from tusoi.members.models import ChangeKind, MembershipPeriod
from tusoi.members.services import member_change_status, member_merge
from tusoi.monitoring.figures import ChildRow, Figures, dashboard, recount
from tusoi.orgs.permissions import Role
from tusoi.reports.models import ReportStateChange, ReportStatus, SelfReview
from tusoi.reports.services import (
    report_accept,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from tusoi.reports.tests.conftest import filled_content, make_open_campaign
from tusoi.testing.factories import grant, make_member, make_org

pytestmark = pytest.mark.django_db


# Helpers (also used by test_tallies.py) -------------------------------------------------------


def figures_of(campaign: Campaign, org: Any) -> Figures:
    """The org's figures, after checking that the dashboard and the recount agree."""
    fast = dashboard(campaign, org)
    assert fast == recount(campaign, org)
    return fast[0]


def writer_of(member: Any) -> User:
    return User.objects.get_or_create(username=f"writer-{member.pk}", defaults={"member": member})[
        0
    ]


def secretary_of(cell: Any) -> User:
    user, created = User.objects.get_or_create(username=f"secretary-{cell.pk}")
    if created:
        grant(user, cell, Role.SECRETARY)
    return User.objects.get(pk=user.pk)  # scope is cached on the object: always fresh


def submit(campaign: Campaign, member: Any, *, actor: Any = None, proxy: bool = False) -> Any:
    actor = actor or (secretary_of(member.cell) if proxy else writer_of(member))
    report = report_open(member=member, campaign=campaign, actor=actor)
    report = report_save(
        report=report,
        actor=actor,
        content=filled_content(report),
        base_version=report.version,
        proxy_reason="Đảng viên cao tuổi, không tự viết được." if proxy else "",
    )
    return report_submit(report=report, actor=actor, base_version=report.version)


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def register(campaign: Campaign, cell: Any, *, phases: int = 1, members=()) -> Meeting:
    members = list(members)
    half = len(members) // 2
    split = [members[:half], members[half:]]
    return meeting_register(
        actor=secretary_of(cell),
        campaign=campaign,
        cell=cell,
        phases=[
            PhaseInput(
                on=day(-phases + n),
                at=None,
                place="Hội trường",
                member_ids=[m.pk for m in split[n]] if phases > 1 else [],
            )
            for n in range(phases)
        ],
    )


def hold(meeting: Meeting, number: int, *, held: bool = True, present=()) -> Meeting:
    meeting.refresh_from_db()
    return phase_record_save(
        actor=secretary_of(meeting.cell),
        meeting=meeting,
        phase_number=number,
        base_version=meeting.version,
        attendance={},
        guests=[],
        presentations=[PresentationInput(member_id=m.pk) for m in present],
        committee_comments=[],
        held=held,
    )


def change(member: Any, kind: str, *, on: datetime.date | None = None, to_cell: Any = None):
    return member_change_status(
        actor=None, member=member, change=kind, on=on or timezone.localdate(), to_cell=to_cell
    )


@pytest.fixture
def campaign(tree):
    return make_open_campaign(tree.province)


# The figures' shape -----------------------------------------------------------------------------


def test_percentages_are_one_decimal_and_none_when_nothing_is_expected():
    figures = Figures(members_in_scope=3, reports_counted=2, cells=0)
    assert figures.pct_reports == Decimal("66.7")
    assert figures.pct_leaders is None
    assert figures.pct_cells is None


def test_children_are_listed_by_name_with_their_kind_and_subtree_figures(tree, campaign):
    figures, rows = dashboard(campaign, tree.province)
    assert [r.name for r in rows] == [tree.branch_a.name, tree.branch_b.name]
    assert rows[0] == ChildRow(
        org_id=tree.branch_a.pk,
        name=tree.branch_a.name,
        path=tree.branch_a.path,
        kind_name=tree.branch_a.kind.name,
        is_cell=False,
        figures=Figures(members_in_scope=2, leaders_in_scope=0, cells=2),
    )
    assert figures.members_in_scope == 3
    _figures, cell_rows = dashboard(campaign, tree.branch_a)
    assert all(r.is_cell for r in cell_rows)
    assert dashboard(campaign, tree.cell_a)[1] == []


# Cells --------------------------------------------------------------------------------------


def test_cells_are_organisations_of_a_cell_kind_not_leaves_of_the_tree(tree, campaign):
    make_org("Đảng ủy chưa có chi bộ", parent=tree.branch_b, kind_code="dang-uy-tren-co-so")
    make_org("Chi bộ mới thành lập", parent=tree.branch_b)  # a cell with no member yet
    figures = figures_of(campaign, tree.province)
    assert figures.cells == 4


def test_a_campaign_of_a_branch_counts_nothing_outside_it(tree):
    campaign = make_open_campaign(tree.branch_a)
    province = figures_of(campaign, tree.province)
    assert (province.cells, province.members_in_scope) == (2, 2)
    assert figures_of(campaign, tree.branch_b) == Figures()
    assert [r.name for r in dashboard(campaign, tree.province)[1]] == [tree.branch_a.name]


# In scope -----------------------------------------------------------------------------------


def test_exempt_and_temporarily_transferred_out_members_are_not_in_scope(tree, campaign):
    change(tree.member_a, ChangeKind.EXEMPTED)
    change(tree.member_b, ChangeKind.TRANSFERRED_OUT)
    figures = figures_of(campaign, tree.province)
    assert figures.members_in_scope == 1
    change(tree.member_b, ChangeKind.RETURNED)
    assert figures_of(campaign, tree.province).members_in_scope == 2


def test_a_member_transferred_in_counts_where_they_now_attend(tree, campaign):
    change(tree.member_b, ChangeKind.TRANSFERRED_IN, to_cell=tree.cell_a)
    assert figures_of(campaign, tree.cell_a).members_in_scope == 2
    assert figures_of(campaign, tree.branch_b).members_in_scope == 0


def test_members_who_left_or_were_merged_away_are_not_in_scope(tree, campaign):
    duplicate = make_member(tree.cell_a, "Nguyễn Văn An")
    gone = make_member(tree.cell_a, "Phạm Văn Đi")
    assert figures_of(campaign, tree.cell_a).members_in_scope == 3
    member_merge(actor=None, keep=tree.member_a, drop=duplicate)
    change(gone, ChangeKind.LEFT)
    assert figures_of(campaign, tree.cell_a).members_in_scope == 1


# Target 1 and 2: reports --------------------------------------------------------------------


def test_a_report_counts_once_submitted_and_stops_while_returned(tree, campaign):
    writer = writer_of(tree.member_a)
    report = report_open(member=tree.member_a, campaign=campaign, actor=writer)
    assert figures_of(campaign, tree.province).reports_counted == 0  # a draft
    report = submit(campaign, tree.member_a)
    assert figures_of(campaign, tree.province).reports_counted == 1
    report = report_return(report=report, actor=secretary_of(tree.cell_a), reason="Bổ sung.")
    assert figures_of(campaign, tree.province).reports_counted == 0
    report = submit(campaign, tree.member_a)
    assert report.status == ReportStatus.RESUBMITTED
    assert figures_of(campaign, tree.province).reports_counted == 1
    report_accept(report=report, actor=secretary_of(tree.cell_a))
    assert figures_of(campaign, tree.province).reports_counted == 1


def test_a_proxy_entered_report_counts_before_the_member_confirms_it(tree, campaign):
    report = submit(campaign, tree.member_a, proxy=True)
    assert report.entered_by_id is not None and report.confirmed_at is None
    assert figures_of(campaign, tree.cell_a).reports_counted == 1


def test_a_draft_read_at_the_meeting_counts_as_presented(tree, campaign):
    report_open(member=tree.member_a, campaign=campaign, actor=writer_of(tree.member_a))
    meeting = register(campaign, tree.cell_a)
    hold(meeting, 1, held=False, present=[tree.member_a])
    assert SelfReview.objects.get(member=tree.member_a).status == ReportStatus.DRAFT
    assert figures_of(campaign, tree.cell_a).reports_counted == 1
    hold(meeting, 1, held=False, present=[])  # recorded by mistake: removed again
    assert figures_of(campaign, tree.cell_a).reports_counted == 0


def test_leaders_are_counted_apart_with_their_own_reports(tree, campaign):
    leader = make_member(tree.cell_a, "Hoàng Văn Lãnh", is_leader=True)
    submit(campaign, leader)
    submit(campaign, tree.member_a)
    figures = figures_of(campaign, tree.province)
    assert (figures.leaders_in_scope, figures.leader_reports_counted) == (1, 1)
    assert (figures.members_in_scope, figures.reports_counted) == (4, 2)
    assert figures.pct_leaders == Decimal("100.0")


def test_a_report_of_a_member_no_longer_in_scope_does_not_count(tree, campaign):
    submit(campaign, tree.member_a)
    change(tree.member_a, ChangeKind.EXEMPTED)
    figures = figures_of(campaign, tree.province)
    assert (figures.members_in_scope, figures.reports_counted) == (2, 0)


def test_a_member_who_moves_takes_the_report_along(tree, campaign):
    submit(campaign, tree.member_a)
    change(tree.member_a, ChangeKind.MOVED, to_cell=tree.cell_b)
    assert figures_of(campaign, tree.cell_a).reports_counted == 0
    assert figures_of(campaign, tree.branch_b).reports_counted == 1


# Target 3: meetings -------------------------------------------------------------------------


def test_a_phased_meeting_counts_as_held_only_once_every_phase_is_held(tree, campaign):
    extra = make_member(tree.cell_a, "Đỗ Thị Hai")
    meeting = register(campaign, tree.cell_a, phases=2, members=[tree.member_a, extra])
    figures = figures_of(campaign, tree.province)
    assert (figures.cells_registered, figures.cells_held) == (1, 0)
    hold(meeting, 1)
    assert figures_of(campaign, tree.province).cells_held == 0
    hold(meeting, 2)
    figures = figures_of(campaign, tree.province)
    assert (figures.cells_held, figures.cells, figures.pct_cells) == (1, 3, Decimal("33.3"))
    hold(meeting, 1, held=False)
    assert figures_of(campaign, tree.province).cells_held == 0


def test_a_cancelled_meeting_is_not_registered(tree, campaign):
    meeting = register(campaign, tree.cell_b)
    assert figures_of(campaign, tree.branch_b).cells_registered == 1
    meeting_cancel(
        actor=secretary_of(tree.cell_b), meeting=meeting, base_version=meeting.version, reason="Lũ."
    )
    assert figures_of(campaign, tree.branch_b).cells_registered == 0


# As of a past cut-off ------------------------------------------------------------------------


def _at(day_: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day_, datetime.time(hour)))


def test_figures_as_of_a_past_day_read_the_history(tree, campaign):
    """Over three days: a report submitted on day 1 and returned on day 3; a member exempted on
    day 2; a member moved on day 3; a two-phase meeting registered on day 1, phases held on days
    2 and 3; another cell's meeting cancelled on day 3."""
    d1, d2, d3 = day(-3), day(-2), day(-1)
    report = submit(campaign, tree.member_a)
    report = report_return(report=report, actor=secretary_of(tree.cell_a), reason="Bổ sung.")
    changes = list(report.state_changes.order_by("id"))
    for row, when in zip(changes, (d1, d1, d3), strict=True):
        ReportStateChange.objects.filter(pk=row.pk).update(at=_at(when))
    # Exempted on day 2 (history dated through the service, then the periods shifted back).
    for member, kind, when, to_cell in (
        (tree.member_a2, ChangeKind.EXEMPTED, d2, None),
        (tree.member_b, ChangeKind.MOVED, d3, tree.cell_a2),
    ):
        change(member, kind, on=when, to_cell=to_cell)
    mate = make_member(tree.cell_a, "Vũ Văn Ba", registered_on=d1 - datetime.timedelta(days=30))
    meeting = register(campaign, tree.cell_a, phases=2, members=[tree.member_a, mate])
    hold(meeting, 1)
    hold(meeting, 2)
    MeetingPhase.objects.filter(meeting=meeting, number=1).update(held_on=d2)
    MeetingPhase.objects.filter(meeting=meeting, number=2).update(held_on=d3)
    Meeting.objects.filter(pk=meeting.pk).update(created_at=_at(d1))
    other = register(campaign, tree.cell_b)
    meeting_cancel(
        actor=secretary_of(tree.cell_b), meeting=other, base_version=other.version, reason="Lũ."
    )
    Meeting.objects.filter(pk=other.pk).update(created_at=_at(d1))
    other.changes.update(at=_at(d3))

    def as_of(when: datetime.date, org: Any) -> Figures:
        return recount(campaign, org, as_of=when)[0]

    before = as_of(d1 - datetime.timedelta(days=1), tree.province)
    assert (before.reports_counted, before.cells_registered, before.members_in_scope) == (0, 0, 4)
    first = as_of(d1, tree.province)
    assert (first.reports_counted, first.members_in_scope) == (1, 4)
    assert (first.cells_registered, first.cells_held) == (2, 0)
    second = as_of(d2, tree.province)
    assert (second.members_in_scope, second.cells_held) == (3, 0)  # member_a2 exempt
    third = as_of(d3, tree.province)
    assert (third.reports_counted, third.cells_registered, third.cells_held) == (0, 1, 1)
    # member_b moved to cell_a2 on day 3: counted in branch B before, in branch A from then.
    assert as_of(d2, tree.branch_b).members_in_scope == 1
    assert as_of(d3, tree.branch_b).members_in_scope == 0
    assert as_of(d3, tree.cell_a2).members_in_scope == 1
    assert MembershipPeriod.objects.filter(member=tree.member_b).count() == 2
    # Today equals now.
    assert recount(campaign, tree.province, as_of=timezone.localdate()) == dashboard(
        campaign, tree.province
    )


def test_a_cut_off_counts_reports_presented_by_then(tree, campaign):
    report_open(member=tree.member_a, campaign=campaign, actor=writer_of(tree.member_a))
    meeting = register(campaign, tree.cell_a)
    hold(meeting, 1, present=[tree.member_a])
    SelfReview.objects.filter(member=tree.member_a).update(presented_at=_at(day(-1)))
    assert recount(campaign, tree.cell_a, as_of=day(-2))[0].reports_counted == 0
    assert recount(campaign, tree.cell_a, as_of=day(-1))[0].reports_counted == 1
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD
