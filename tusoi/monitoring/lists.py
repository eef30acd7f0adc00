"""Selectors of the monitoring pages: which campaign and organisation a dashboard may show, the
lists of who is behind (cells not registered, cells overdue, members without a counted report)
with their export rows, and the per-day time series of the progress chart.

Everything starts from the scoped selectors of the other apps (`campaigns_visible_to`,
`organizations_visible_to`, `members_visible_to`, the meetings' `campaign_cells_with_state`) and
counts in SQL; a list is one query per page however large the subtree.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tusoi.activities.selectors import ActivityCounts, activity_counts
from tusoi.campaigns.models import Campaign
from tusoi.campaigns.selectors import campaigns_visible_to
from tusoi.meetings.models import Meeting, MeetingPhase, MeetingStatus
from tusoi.meetings.selectors.registration import (
    CellState,
    campaign_cells_with_state,
    cell_state_label,
)
from tusoi.members.models import Member, MemberStatus
from tusoi.members.selectors import members_visible_to
from tusoi.monitoring.charts import DayCount
from tusoi.monitoring.figures import ChildRow, Figures, campaign_bounds, dashboard
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.selectors import organization_ancestors, organizations_visible_to
from tusoi.reports.models import (
    COUNTED_Q,
    COUNTED_STATUSES,
    ReportStateChange,
    ReportStatus,
    SelfReview,
)
from tusoi.reports.selectors.copies import CopyFlagCounts, copy_flag_counts
from tusoi.reports.selectors.reviews import CellRow, cell_report_rows, reports_readable_by
from tusoi.tabular.model import Column

PAGE_SIZE = 50


# Which dashboard ------------------------------------------------------------------------------


def campaign_and_org_for(user: Any, campaign_pk: int, org_pk: int) -> tuple[Campaign, Organization]:
    """The campaign (among those the user may follow) and the organisation (inside the user's
    VIEW and inside the campaign's subtree) of a dashboard; anything else is 404, exactly like
    a missing one. A plain member's own cell is not enough: dashboards need VIEW."""
    campaign = get_object_or_404(campaigns_visible_to(user), pk=campaign_pk)
    org = get_object_or_404(organizations_visible_to(user, Action.VIEW), pk=org_pk)
    if not scope_for(user).covers(Action.VIEW, org.path):
        raise Http404
    if not org.path.startswith(campaign.organization.path):
        raise Http404
    return campaign, org


def breadcrumb_orgs(user: Any, campaign: Campaign, org: Organization) -> list[Organization]:
    """`org`'s ancestors the user may follow inside the campaign's subtree, top first (the
    user's top visible organisation of the campaign), without `org` itself. One query."""
    scope = scope_for(user)
    root = campaign.organization.path
    return [
        a
        for a in organization_ancestors(org)
        if a.path.startswith(root) and scope.covers(Action.VIEW, a.path)
    ]


def dashboard_tops(user: Any, campaign: Campaign) -> list[Organization]:
    """The organisations a user's dashboards of the campaign start from: each top organisation
    of the user's VIEW that lies in the campaign's subtree, or the campaign's committee when the
    user's view covers it. One query (none when the user sees nothing of the campaign)."""
    scope = scope_for(user)
    root = campaign.organization.path
    if scope.covers(Action.VIEW, root):
        return [campaign.organization]
    paths = [p for p in scope.paths(Action.VIEW) if p.startswith(root)]
    if not paths:
        return []
    return list(Organization.objects.filter(path__in=paths).order_by("name_key", "path"))


# The lists ------------------------------------------------------------------------------------


class ListKind(StrEnum):
    CELLS_NOT_REGISTERED = "cells-not-registered"
    CELLS_OVERDUE = "cells-overdue"
    MEMBERS_WITHOUT_REPORT = "members-without-report"

    @property
    def label(self) -> str:
        return str(LIST_TITLES[self])

    @property
    def is_cells(self) -> bool:
        return self != ListKind.MEMBERS_WITHOUT_REPORT


LIST_TITLES = {
    ListKind.CELLS_NOT_REGISTERED: gettext_lazy("Cells that have not registered their meeting"),
    ListKind.CELLS_OVERDUE: gettext_lazy("Cells whose meeting is overdue"),
    ListKind.MEMBERS_WITHOUT_REPORT: gettext_lazy("Members without a submitted report"),
}
_CELL_STATE = {
    ListKind.CELLS_NOT_REGISTERED: CellState.NOT_REGISTERED,
    ListKind.CELLS_OVERDUE: CellState.OVERDUE,
}


def list_kind(which: str) -> ListKind:
    """The list named in a URL; an unknown name is 404."""
    try:
        return ListKind(which)
    except ValueError:
        raise Http404 from None


def cells_in_state(
    user: Any,
    campaign: Campaign,
    org: Organization,
    state: str,
    today: datetime.date | None = None,
) -> QuerySet[Organization]:
    """The campaign's cells under `org` in one derived meeting state (the meetings app's rule:
    not registered, registered, overdue, held), each with its parent's name, its meeting and
    its phase dates. One query per page."""
    return campaign_cells_with_state(campaign, org, user, today).filter(state=state)


def members_without_report(user: Any, campaign: Campaign, org: Organization) -> QuerySet[Member]:
    """Members in scope (DOMAIN.md: current cell under `org`, active — not exempt, transferred
    out or gone) with no report counting for the campaign, by cell then name, each with their
    cell's name and their report's id and state (none when not started). One query a page."""
    bounds = campaign_bounds(campaign, org)
    if bounds is None:
        return Member.objects.none()
    low, high = bounds
    reports = SelfReview.objects.filter(campaign=campaign, member=OuterRef("pk"))
    return (
        members_visible_to(user)
        .filter(status=MemberStatus.ACTIVE, cell__path__gte=low, cell__path__lt=high)
        .filter(~Exists(reports.filter(COUNTED_Q)))
        .annotate(
            cell_name=F("cell__name"),
            report_id=Subquery(reports.values("pk")[:1]),
            report_status=Subquery(reports.values("status")[:1]),
        )
        .order_by("cell__path", "name_key", "card_number")
    )


def list_rows(user: Any, campaign: Campaign, org: Organization, kind: ListKind) -> QuerySet[Any]:
    if kind == ListKind.MEMBERS_WITHOUT_REPORT:
        return members_without_report(user, campaign, org)
    return cells_in_state(user, campaign, org, _CELL_STATE[kind])


def report_state_label(status: str | None) -> str:
    """A report state for people; no state is a report not started."""
    if not status:
        return _("Not started")
    try:
        return str(ReportStatus(status).label)
    except ValueError:
        return status


def list_columns(kind: ListKind) -> list[Column]:
    """The columns of a list's export, headed in the reader's language."""
    if kind == ListKind.MEMBERS_WITHOUT_REPORT:
        return [
            Column("full_name", _("Full name")),
            Column("card_number", _("Party card number")),
            Column("cell", _("Cell")),
            Column("state", _("Report state")),
        ]
    return [
        Column("cell", _("Cell")),
        Column("code", _("Code")),
        Column("parent", _("Directly under")),
        Column("state", _("Meeting state")),
        Column("first_on", _("First phase on")),
        Column("last_on", _("Last phase on")),
        Column("phases", _("Phases")),
    ]


def list_row(kind: ListKind, obj: Any) -> dict[str, Any]:
    """One row of a list as plain values (dates stay dates: the writers format them)."""
    if kind == ListKind.MEMBERS_WITHOUT_REPORT:
        return {
            "full_name": obj.full_name,
            "card_number": obj.card_number,
            "cell": obj.cell_name,
            "state": report_state_label(obj.report_status),
        }
    return {
        "cell": obj.name,
        "code": obj.code,
        "parent": obj.parent_name or "",
        "state": cell_state_label(obj.state),
        "first_on": obj.first_on,
        "last_on": obj.last_on,
        "phases": obj.phase_count or None,
    }


def export_rows(
    user: Any, campaign: Campaign, org: Organization, kind: ListKind
) -> Iterator[dict[str, Any]]:
    """Every row of a list, read in chunks from the database (the export never holds the
    whole list as model objects)."""
    for obj in list_rows(user, campaign, org, kind).iterator(chunk_size=2000):
        yield list_row(kind, obj)


# The time series ------------------------------------------------------------------------------


def _counted_reports_by_day(campaign: Campaign, low: str, high: str) -> dict[datetime.date, int]:
    """Reports counting now, by the day they first counted: the first state change into a
    counted state, or their reading at the meeting when that came first (DOMAIN.md: a report
    read at the meeting counts). Only reports of members in scope, like the figures, so the
    series adds up to the dashboard's numerator."""
    first_change = (
        ReportStateChange.objects.filter(report=OuterRef("pk"), status__in=COUNTED_STATUSES)
        .order_by("at", "id")
        .values("at")[:1]
    )
    rows = (
        SelfReview.objects.filter(
            COUNTED_Q,
            campaign=campaign,
            member__merged_into__isnull=True,
            member__status=MemberStatus.ACTIVE,
            member__cell__path__gte=low,
            member__cell__path__lt=high,
        )
        .annotate(first_change=Subquery(first_change))
        .annotate(
            counted_at=Case(
                When(presented_at__isnull=True, then=F("first_change")),
                When(first_change__isnull=True, then=F("presented_at")),
                When(presented_at__lt=F("first_change"), then=F("presented_at")),
                default=F("first_change"),
            )
        )
        .filter(counted_at__isnull=False)
        .annotate(day=TruncDate("counted_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return {row["day"]: row["n"] for row in rows}


def _held_cells_by_day(campaign: Campaign, low: str, high: str) -> dict[datetime.date, int]:
    """Cells whose meeting is held now, by the day its last phase was held (the day it became
    held; the record's time when no phase date was written)."""
    last_phase = (
        MeetingPhase.objects.filter(meeting=OuterRef("pk"), held_on__isnull=False)
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    rows = (
        Meeting.objects.filter(
            campaign=campaign,
            status=MeetingStatus.HELD,
            cell__path__gte=low,
            cell__path__lt=high,
        )
        .annotate(
            day=Coalesce(
                Subquery(last_phase),
                TruncDate("held_at", tzinfo=timezone.get_current_timezone()),
            )
        )
        .filter(day__isnull=False)
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return {row["day"]: row["n"] for row in rows}


def progress_series(campaign: Campaign, org: Organization) -> list[DayCount]:
    """Per day, over `org`'s part of the campaign: reports that first counted and cells whose
    meeting became held, oldest first, days with nothing left out. Two grouped queries."""
    bounds = campaign_bounds(campaign, org)
    if bounds is None:
        return []
    low, high = bounds
    reports = _counted_reports_by_day(campaign, low, high)
    cells = _held_cells_by_day(campaign, low, high)
    return [
        DayCount(day=day, reports=reports.get(day, 0), cells=cells.get(day, 0))
        for day in sorted(set(reports) | set(cells))
    ]


@dataclass(frozen=True)
class CumulativeDay:
    """A row of the progress table: what happened that day and where the targets stood."""

    day: datetime.date
    reports: int
    cells: int
    reports_so_far: int
    cells_so_far: int
    reports_pct: Decimal | None
    cells_pct: Decimal | None


def _share(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def cumulative(series: list[DayCount], *, members_in_scope: int, cells: int) -> list[CumulativeDay]:
    """The series with running totals and shares of the targets' denominators."""
    out: list[CumulativeDay] = []
    reports_so_far = cells_so_far = 0
    for point in series:
        reports_so_far += point.reports
        cells_so_far += point.cells
        out.append(
            CumulativeDay(
                day=point.day,
                reports=point.reports,
                cells=point.cells,
                reports_so_far=reports_so_far,
                cells_so_far=cells_so_far,
                reports_pct=_share(reports_so_far, members_in_scope),
                cells_pct=_share(cells_so_far, cells),
            )
        )
    return out


# The dashboard page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CellDetail:
    """A cell's part of its dashboard: its members' names and report states (never the text),
    the reports whose text the user may open, and the cell's meeting state."""

    rows: list[CellRow]
    apart: list[CellRow]  # exempt or temporarily transferred out: outside the targets
    readable: frozenset[int]
    meeting: Organization | None  # the cell annotated with its meeting `state` and dates


@dataclass(frozen=True)
class Dashboard:
    campaign: Campaign
    org: Organization
    figures: Figures
    children: list[ChildRow]
    activities: ActivityCounts
    copies: CopyFlagCounts  # reports checked for copying and those flagged, in the subtree
    ancestors: list[Organization]
    series: list[CumulativeDay]
    cell: CellDetail | None

    @property
    def cells_not_registered(self) -> int:
        return self.figures.cells - self.figures.cells_registered

    @property
    def members_without_report(self) -> int:
        return self.figures.members_in_scope - self.figures.reports_counted


def cell_detail(user: Any, campaign: Campaign, cell: Organization) -> CellDetail:
    """Three queries: the roster with states, which texts the user may open, the meeting."""
    rows, apart = cell_report_rows(campaign, cell)
    ids = [r.report_id for r in (*rows, *apart) if r.report_id is not None]
    readable = frozenset(
        reports_readable_by(user).filter(pk__in=ids).values_list("pk", flat=True) if ids else ()
    )
    meeting = campaign_cells_with_state(campaign, cell, user).filter(pk=cell.pk).first()
    return CellDetail(rows=rows, apart=apart, readable=readable, meeting=meeting)


def dashboard_of(user: Any, campaign: Campaign, org: Organization) -> Dashboard:
    """Everything the dashboard page shows, in a fixed number of queries whatever the number of
    children or members below."""
    figures, children = dashboard(campaign, org)
    series = progress_series(campaign, org)
    return Dashboard(
        campaign=campaign,
        org=org,
        figures=figures,
        children=children,
        activities=activity_counts(campaign, org),
        copies=copy_flag_counts(campaign, org.path),
        ancestors=breadcrumb_orgs(user, campaign, org),
        series=cumulative(series, members_in_scope=figures.members_in_scope, cells=figures.cells),
        cell=cell_detail(user, campaign, org) if org.kind.is_cell else None,
    )
