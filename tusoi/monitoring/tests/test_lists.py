"""The monitoring selectors (monitoring/lists.py): which campaign and organisation a dashboard
may show, the lists of who is behind, and the per-day series behind the progress chart, which
adds up to the dashboard's figures. Data is made through the services, as people make it."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from tusoi.meetings.models import Meeting
from tusoi.meetings.selectors.registration import CellState
from tusoi.meetings.tests.test_record import make_meeting, save
from tusoi.members.services import member_change_status
from tusoi.monitoring.charts import DayCount
from tusoi.monitoring.figures import recount
from tusoi.monitoring.lists import (
    ListKind,
    breadcrumb_orgs,
    campaign_and_org_for,
    cells_in_state,
    cumulative,
    dashboard_tops,
    export_rows,
    list_kind,
    members_without_report,
    progress_series,
)
from tusoi.orgs.permissions import Role
from tusoi.reports.models import ReportStateChange, ReportStatus, SelfReview
from tusoi.reports.services import report_open, report_return, report_save, report_submit
from tusoi.reports.tests.conftest import filled_content, make_open_campaign
from tusoi.testing.factories import UserFactory, grant, make_member

pytestmark = pytest.mark.django_db

# A sentence only member A's report holds: pages and exports must never show it.
SECRET = "Tôi thừa nhận đã để chậm hồ sơ kết nạp của đồng chí Tư vì nể nang."


@dataclass
class Progress:
    """A province campaign around today: in cell A, member A submitted (her report holds
    SECRET) and the meeting is held; a leader of cell A left a draft; in cell A2 the
    meeting's date passed unheld (overdue) and member A2 wrote nothing; cell B has not
    registered; an exempt member of cell B is out of scope."""

    campaign: Any
    secretary_a: Any
    writer_a: Any
    report_a: SelfReview
    leader: Any
    exempt: Any
    meeting_a: Meeting
    meeting_a2: Meeting


def writer_of(member: Any, **kwargs: Any) -> Any:
    return UserFactory(member=member, **kwargs)


def build_progress(tree: Any) -> Progress:
    campaign = make_open_campaign(tree.province)
    today = timezone.localdate()
    secretary_a = UserFactory(username="bithu_khu_pho_1")
    grant(secretary_a, tree.cell_a, Role.SECRETARY)
    secretary_a2 = UserFactory()
    grant(secretary_a2, tree.cell_a2, Role.SECRETARY)

    writer_a = writer_of(tree.member_a, username="dangvien_an")
    report_a = report_open(member=tree.member_a, campaign=campaign, actor=writer_a)
    content = filled_content(report_a)
    first = next(iter(content["sections"]))
    content["sections"][first] = f"{SECRET} {content['sections'][first]}"
    report_a = report_save(
        report=report_a, actor=writer_a, content=content, base_version=report_a.version
    )
    report_a = report_submit(report=report_a, actor=writer_a, base_version=report_a.version)

    leader = make_member(tree.cell_a, "Hoàng Văn Lãnh", is_leader=True)
    report_open(member=leader, campaign=campaign, actor=writer_of(leader))

    exempt = make_member(tree.cell_b, "Đỗ Thị Miễn")
    member_change_status(actor=None, member=exempt, change="exempted", on=today)

    meeting_a = make_meeting(campaign, tree.cell_a)
    save(meeting_a, secretary_a, held=True)
    meeting_a2 = make_meeting(
        campaign, tree.cell_a2, phases=[(today - datetime.timedelta(3), None)]
    )
    return Progress(
        campaign=campaign,
        secretary_a=secretary_a,
        writer_a=writer_a,
        report_a=report_a,
        leader=leader,
        exempt=exempt,
        meeting_a=Meeting.objects.get(pk=meeting_a.pk),
        meeting_a2=meeting_a2,
    )


@pytest.fixture
def progress(tree):
    return build_progress(tree)


@pytest.fixture
def province_committee(tree, make_user):
    return make_user(tree.province, Role.COMMITTEE)


# Which dashboard --------------------------------------------------------------------------------


def test_committee_reaches_its_branch_but_not_the_sibling_or_the_province(tree, make_user):
    campaign = make_open_campaign(tree.province)
    user = make_user(tree.branch_a, Role.COMMITTEE)
    assert campaign_and_org_for(user, campaign.pk, tree.cell_a.pk) == (campaign, tree.cell_a)
    for org in (tree.branch_b, tree.cell_b, tree.province):
        with pytest.raises(Http404):
            campaign_and_org_for(user, campaign.pk, org.pk)


def test_an_organisation_outside_the_campaigns_subtree_is_not_found(tree, province_committee):
    campaign = make_open_campaign(tree.branch_a, title="Đợt của phường An Bình")
    with pytest.raises(Http404):
        campaign_and_org_for(province_committee, campaign.pk, tree.province.pk)
    with pytest.raises(Http404):
        campaign_and_org_for(province_committee, campaign.pk, tree.cell_b.pk)
    assert campaign_and_org_for(province_committee, campaign.pk, tree.cell_a.pk)[1] == tree.cell_a


def test_a_plain_member_has_no_dashboard_of_their_own_cell(tree):
    campaign = make_open_campaign(tree.province)
    with pytest.raises(Http404):
        campaign_and_org_for(writer_of(tree.member_a), campaign.pk, tree.cell_a.pk)


def test_dashboards_start_from_the_users_top_organisations_inside_the_campaign(tree, make_user):
    campaign = make_open_campaign(tree.province)
    branch_campaign = make_open_campaign(tree.branch_a, title="Đợt của phường")
    province = make_user(tree.province, Role.COMMITTEE)
    branch = make_user(tree.branch_a, Role.COMMITTEE)
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    assert dashboard_tops(province, campaign) == [tree.province]
    assert dashboard_tops(province, branch_campaign) == [tree.branch_a]
    assert dashboard_tops(branch, campaign) == [tree.branch_a]
    assert dashboard_tops(secretary, campaign) == [tree.cell_a]
    assert dashboard_tops(make_user(tree.branch_b, Role.COMMITTEE), branch_campaign) == []
    assert dashboard_tops(writer_of(tree.member_a), campaign) == []


def test_breadcrumbs_stop_at_the_users_top_organisation(tree, make_user):
    campaign = make_open_campaign(tree.province)
    assert breadcrumb_orgs(make_user(tree.branch_a, Role.COMMITTEE), campaign, tree.cell_a) == [
        tree.branch_a
    ]
    assert breadcrumb_orgs(make_user(tree.province, Role.COMMITTEE), campaign, tree.cell_a) == [
        tree.province,
        tree.branch_a,
    ]


def test_an_unknown_list_is_not_found():
    assert list_kind("members-without-report") == ListKind.MEMBERS_WITHOUT_REPORT
    with pytest.raises(Http404):
        list_kind("members")


# The lists --------------------------------------------------------------------------------------


def test_members_without_report_are_those_in_scope_with_no_counted_report(
    tree, progress, province_committee
):
    rows = list(members_without_report(province_committee, progress.campaign, tree.province))
    # Cell A's path sorts first, then A2, then B; in a cell by name.
    assert [(m.full_name, m.cell_name, m.report_status) for m in rows] == [
        ("Hoàng Văn Lãnh", "Chi bộ khu phố 1", ReportStatus.DRAFT),
        ("Trần Thị Bình", "Chi bộ khu phố 2", None),
        ("Lê Văn Cường", "Chi bộ thôn Đông", None),
    ]
    figures, _children = recount(progress.campaign, tree.province)
    assert len(rows) == figures.members_in_scope - figures.reports_counted


def test_a_returned_report_puts_its_writer_back_on_the_list(tree, progress):
    report_return(report=progress.report_a, actor=progress.secretary_a, reason="Viết cụ thể hơn")
    committee = UserFactory()
    grant(committee, tree.branch_a, Role.COMMITTEE)
    names = {
        m.full_name: m.report_status
        for m in members_without_report(committee, progress.campaign, tree.cell_a)
    }
    assert names == {"Nguyễn Văn An": ReportStatus.RETURNED, "Hoàng Văn Lãnh": ReportStatus.DRAFT}


def test_a_report_read_at_the_meeting_counts_even_as_a_draft(tree, progress, province_committee):
    SelfReview.objects.filter(member=progress.leader).update(presented_at=timezone.now())
    rows = members_without_report(province_committee, progress.campaign, tree.cell_a)
    assert not rows.exists()


def test_cells_lists_follow_the_meetings_states_under_the_organisation(tree, progress, make_user):
    province = make_user(tree.province, Role.COMMITTEE)
    branch = make_user(tree.branch_a, Role.COMMITTEE)
    campaign = progress.campaign
    assert list(cells_in_state(province, campaign, tree.province, CellState.NOT_REGISTERED)) == [
        tree.cell_b
    ]
    overdue = list(cells_in_state(province, campaign, tree.province, CellState.OVERDUE))
    assert overdue == [tree.cell_a2]
    assert overdue[0].parent_name == tree.branch_a.name
    assert not cells_in_state(branch, campaign, tree.branch_a, CellState.NOT_REGISTERED).exists()


def test_export_rows_hold_plain_values_for_people(tree, progress, province_committee):
    members = list(
        export_rows(
            province_committee, progress.campaign, tree.province, ListKind.MEMBERS_WITHOUT_REPORT
        )
    )
    assert members[0]["full_name"] == "Hoàng Văn Lãnh"
    assert members[0]["card_number"] == progress.leader.card_number
    assert members[0]["cell"] == "Chi bộ khu phố 1"
    assert members[0]["state"] == str(ReportStatus.DRAFT.label)
    cells = list(
        export_rows(province_committee, progress.campaign, tree.province, ListKind.CELLS_OVERDUE)
    )
    assert cells == [
        {
            "cell": "Chi bộ khu phố 2",
            "code": "A2",
            "parent": "Đảng ủy phường An Bình",
            "state": cells[0]["state"],
            "first_on": progress.meeting_a2.phases.get().on,
            "last_on": progress.meeting_a2.phases.get().on,
            "phases": 1,
        }
    ]


# The time series --------------------------------------------------------------------------------


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_series_adds_up_to_the_dashboards_figures(tree, progress):
    today = timezone.localdate()
    series = progress_series(progress.campaign, tree.province)
    assert series == [DayCount(day=today, reports=1, cells=1)]
    figures, _children = recount(progress.campaign, tree.province)
    assert sum(d.reports for d in series) == figures.reports_counted
    assert sum(d.cells for d in series) == figures.cells_held


def test_series_counts_a_report_on_the_day_it_first_counted(tree, progress):
    """Submitted five days ago, returned, resubmitted today: it counts once, five days ago."""
    today = timezone.localdate()
    ReportStateChange.objects.filter(report=progress.report_a).update(
        at=_at(today - datetime.timedelta(5))
    )
    report_return(report=progress.report_a, actor=progress.secretary_a, reason="Bổ sung")
    report = SelfReview.objects.get(pk=progress.report_a.pk)
    report_submit(report=report, actor=progress.writer_a, base_version=report.version)
    series = progress_series(progress.campaign, tree.branch_a)
    assert [(d.day, d.reports) for d in series if d.reports] == [(today - datetime.timedelta(5), 1)]


def test_series_leaves_out_a_report_returned_and_not_resubmitted(tree, progress):
    report_return(report=progress.report_a, actor=progress.secretary_a, reason="Bổ sung")
    series = progress_series(progress.campaign, tree.province)
    assert sum(d.reports for d in series) == 0


def test_series_counts_a_report_read_at_the_meeting_before_it_was_submitted(tree, progress):
    today = timezone.localdate()
    SelfReview.objects.filter(member=progress.leader).update(
        presented_at=_at(today - datetime.timedelta(2))
    )
    SelfReview.objects.filter(pk=progress.report_a.pk).update(
        presented_at=_at(today - datetime.timedelta(1))
    )
    ReportStateChange.objects.filter(report=progress.report_a).update(
        at=_at(today - datetime.timedelta(4))
    )
    series = {d.day: d.reports for d in progress_series(progress.campaign, tree.cell_a)}
    # The leader's draft counts from its reading; member A's from her earlier submission.
    assert series == {
        today - datetime.timedelta(4): 1,
        today - datetime.timedelta(2): 1,
        today: 0,
    }


def test_series_days_are_local_days(tree, progress):
    """A report submitted at 23:30 UTC counts on the next day in Asia/Ho_Chi_Minh."""
    day = timezone.localdate() - datetime.timedelta(3)
    utc_evening = datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=datetime.UTC)
    ReportStateChange.objects.filter(report=progress.report_a).update(at=utc_evening)
    series = progress_series(progress.campaign, tree.cell_a)
    assert [d.day for d in series if d.reports] == [day + datetime.timedelta(1)]


def test_series_counts_a_phased_meeting_on_the_day_its_last_phase_was_held(tree, progress):
    today = timezone.localdate()
    meeting = progress.meeting_a
    meeting.phases.update(held_on=today - datetime.timedelta(6))
    series = progress_series(progress.campaign, tree.branch_a)
    assert [(d.day, d.cells) for d in series if d.cells] == [(today - datetime.timedelta(6), 1)]


def test_series_is_limited_to_the_organisations_subtree(tree, progress):
    assert progress_series(progress.campaign, tree.branch_b) == []
    assert progress_series(progress.campaign, tree.cell_a2) == []


def test_cumulative_shares_run_against_the_targets_denominators():
    days = [
        DayCount(datetime.date(2024, 4, 1), reports=1, cells=0),
        DayCount(datetime.date(2024, 4, 3), reports=2, cells=1),
    ]
    rows = cumulative(days, members_in_scope=8, cells=0)
    assert [(r.reports_so_far, str(r.reports_pct), r.cells_so_far) for r in rows] == [
        (1, "12.5", 0),
        (3, "37.5", 1),
    ]
    assert rows[-1].cells_pct is None


def test_a_closed_campaign_keeps_its_series(tree, progress):
    """Closing the campaign changes nothing the series reads."""
    progress.campaign.status = "closed"
    progress.campaign.save()
    assert len(progress_series(progress.campaign, tree.province)) == 1
