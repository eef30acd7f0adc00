"""Dashboards over the JSON API (/api/v1/monitoring), with the pages' selectors and scope: the
figures of an organisation for a campaign with one row per child, the per-day progress series,
and the lists of who is behind (paginated). VIEW over the organisation, inside the campaign's
subtree; anything else is 404. Names and states only, never a report's text."""

import datetime
from decimal import Decimal
from typing import Any

from ninja import Router, Schema
from ninja.pagination import paginate

from tusoi.activities.selectors import activity_counts
from tusoi.api import ERRORS, Pagination
from tusoi.campaigns.models import Campaign
from tusoi.monitoring.figures import ChildRow, Figures
from tusoi.monitoring.figures import dashboard as figures_now
from tusoi.monitoring.lists import (
    ListKind,
    campaign_and_org_for,
    cumulative,
    list_rows,
    progress_series,
)
from tusoi.orgs.models import Organization
from tusoi.reports.selectors.copies import copy_flag_counts

router = Router()
BASE = "/campaigns/{campaign_id}/orgs/{org_id}"


# Schemas ---------------------------------------------------------------------------------------


class CampaignRef(Schema):
    id: int
    title: str
    starts_on: datetime.date
    ends_on: datetime.date


class OrgRef(Schema):
    id: int
    code: str
    name: str


class FiguresOut(Schema):
    """The three targets (numerator, denominator, % with one decimal; null when 0/0) and the
    meeting counts."""

    members_in_scope: int
    reports_counted: int
    pct_reports: Decimal | None
    leaders_in_scope: int
    leader_reports_counted: int
    pct_leaders: Decimal | None
    cells: int
    cells_registered: int
    cells_held: int
    pct_cells: Decimal | None


class ChildOut(Schema):
    id: int
    name: str
    kind: str
    is_cell: bool
    figures: FiguresOut


class ActivitiesOut(Schema):
    by_kind: dict[str, int]
    total: int
    participants: int


class CopiesOut(Schema):
    """Reports checked for copying (DOMAIN.md: the one automatic analysis of text) and those
    flagged as likely copies."""

    checked: int
    flagged: int


class DashboardOut(Schema):
    campaign: CampaignRef
    organization: OrgRef
    figures: FiguresOut
    children: list[ChildOut]
    activities: ActivitiesOut
    copies: CopiesOut


class DayOut(Schema):
    day: datetime.date
    reports: int
    cells: int
    reports_so_far: int
    cells_so_far: int
    reports_pct: Decimal | None
    cells_pct: Decimal | None


class ProgressOut(Schema):
    campaign: CampaignRef
    organization: OrgRef
    figures: FiguresOut
    days: list[DayOut]


class CellOut(Schema):
    id: int
    code: str
    name: str
    parent_name: str | None
    state: str  # not_registered, registered, overdue or held
    meeting_id: int | None
    first_on: datetime.date | None
    last_on: datetime.date | None
    phase_count: int | None


class MemberOut(Schema):
    id: int
    full_name: str
    card_number: str
    cell_id: int
    cell_name: str
    report_id: int | None
    report_status: str  # a report state, or "" when not started

    @staticmethod
    def resolve_report_status(obj: Any) -> str:
        return obj.report_status or ""


def _figures(f: Figures) -> dict[str, Any]:
    return {
        "members_in_scope": f.members_in_scope,
        "reports_counted": f.reports_counted,
        "pct_reports": f.pct_reports,
        "leaders_in_scope": f.leaders_in_scope,
        "leader_reports_counted": f.leader_reports_counted,
        "pct_leaders": f.pct_leaders,
        "cells": f.cells,
        "cells_registered": f.cells_registered,
        "cells_held": f.cells_held,
        "pct_cells": f.pct_cells,
    }


def _child(row: ChildRow) -> dict[str, Any]:
    return {
        "id": row.org_id,
        "name": row.name,
        "kind": row.kind_name,
        "is_cell": row.is_cell,
        "figures": _figures(row.figures),
    }


def _target(request: Any, campaign_id: int, org_id: int) -> tuple[Campaign, Organization]:
    return campaign_and_org_for(request.auth, campaign_id, org_id)


# Operations ------------------------------------------------------------------------------------


@router.get(
    f"{BASE}/dashboard",
    response={200: DashboardOut, **ERRORS},
    url_name="monitoring_dashboard",
    summary="The campaign's three targets for an organisation, with one row per child "
    "organisation, the supplementary activity counts and the copy-check counts",
)
def monitoring_dashboard(request: Any, campaign_id: int, org_id: int) -> dict[str, Any]:
    campaign, org = _target(request, campaign_id, org_id)
    figures, children = figures_now(campaign, org)
    activities = activity_counts(campaign, org)
    copies = copy_flag_counts(campaign, org.path)
    return {
        "campaign": campaign,
        "organization": org,
        "figures": _figures(figures),
        "children": [_child(row) for row in children],
        "activities": {
            "by_kind": activities.by_kind,
            "total": activities.total,
            "participants": activities.participants,
        },
        "copies": {"checked": copies.checked, "flagged": copies.flagged},
    }


@router.get(
    f"{BASE}/progress",
    response={200: ProgressOut, **ERRORS},
    url_name="monitoring_progress",
    summary="Per day: reports that first counted and cells whose meeting became held, with "
    "running totals and shares (the progress chart's numbers)",
)
def monitoring_progress(request: Any, campaign_id: int, org_id: int) -> dict[str, Any]:
    campaign, org = _target(request, campaign_id, org_id)
    figures, _children = figures_now(campaign, org)
    days = cumulative(
        progress_series(campaign, org),
        members_in_scope=figures.members_in_scope,
        cells=figures.cells,
    )
    return {
        "campaign": campaign,
        "organization": org,
        "figures": _figures(figures),
        "days": days,
    }


@router.get(
    f"{BASE}/cells-not-registered",
    response={200: list[CellOut], **ERRORS},
    url_name="monitoring_cells_not_registered",
    summary="Cells under the organisation that have not registered their meeting (paginated)",
)
@paginate(Pagination)
def monitoring_cells_not_registered(request: Any, campaign_id: int, org_id: int) -> Any:
    campaign, org = _target(request, campaign_id, org_id)
    return list_rows(request.auth, campaign, org, ListKind.CELLS_NOT_REGISTERED)


@router.get(
    f"{BASE}/cells-overdue",
    response={200: list[CellOut], **ERRORS},
    url_name="monitoring_cells_overdue",
    summary="Cells under the organisation whose registered meeting is overdue: a phase's date "
    "has passed and it is not recorded as held (paginated)",
)
@paginate(Pagination)
def monitoring_cells_overdue(request: Any, campaign_id: int, org_id: int) -> Any:
    campaign, org = _target(request, campaign_id, org_id)
    return list_rows(request.auth, campaign, org, ListKind.CELLS_OVERDUE)


@router.get(
    f"{BASE}/members-without-report",
    response={200: list[MemberOut], **ERRORS},
    url_name="monitoring_members_without_report",
    summary="Members in scope under the organisation with no counted report: name, card number, "
    "cell and report state, never the text (paginated)",
)
@paginate(Pagination)
def monitoring_members_without_report(request: Any, campaign_id: int, org_id: int) -> Any:
    campaign, org = _target(request, campaign_id, org_id)
    return list_rows(request.auth, campaign, org, ListKind.MEMBERS_WITHOUT_REPORT)
