"""Scope cases of the dashboards (pages and API): committee staff of branch A get through to
branch A's dashboard, lists, exports and charts of a province campaign, those of branch B get
404; a cell's secretary sees their own cell's dashboard, the secretary of cell B does not."""

from tusoi.orgs.permissions import Role
from tusoi.reports.tests.conftest import make_open_campaign
from tusoi.testing.scope import ScopeCase


def _campaign(t):
    return make_open_campaign(t.province)


def _at(org_name: str, **extra):
    """URL kwargs for a new province campaign and one organisation of the tree."""

    def kwargs(t):
        return {"campaign_pk": _campaign(t).pk, "org_pk": getattr(t, org_name).pk, **extra}

    return kwargs


def _api_at(org_name: str):
    def kwargs(t):
        return {"campaign_id": _campaign(t).pk, "org_id": getattr(t, org_name).pk}

    return kwargs


COMMITTEE = {"role": Role.COMMITTEE}
SECRETARY = {
    "role": Role.SECRETARY,
    "grant_on": lambda t: t.cell_a,
    "sibling_on": lambda t: t.cell_b,
    "label": "secretary",
}

CASES = [
    # Pages
    ScopeCase("monitoring:dashboard", kwargs=_at("branch_a"), **COMMITTEE),
    ScopeCase("monitoring:dashboard", kwargs=_at("cell_a"), **SECRETARY),
    ScopeCase(
        "monitoring:list", kwargs=_at("branch_a", which="members-without-report"), **COMMITTEE
    ),
    ScopeCase("monitoring:list", kwargs=_at("cell_a", which="cells-overdue"), **SECRETARY),
    ScopeCase(
        "monitoring:list_export",
        kwargs=_at("branch_a", which="cells-not-registered", fmt="xlsx"),
        **COMMITTEE,
    ),
    ScopeCase(
        "monitoring:list_export",
        kwargs=_at("cell_a", which="members-without-report", fmt="csv"),
        **SECRETARY,
    ),
    ScopeCase("monitoring:chart", kwargs=_at("branch_a", which="progress"), **COMMITTEE),
    ScopeCase("monitoring:chart", kwargs=_at("cell_a", which="children"), **SECRETARY),
    # API
    ScopeCase("api:monitoring_dashboard", kwargs=_api_at("branch_a"), **COMMITTEE),
    ScopeCase("api:monitoring_dashboard", kwargs=_api_at("cell_a"), **SECRETARY),
    ScopeCase("api:monitoring_progress", kwargs=_api_at("branch_a"), **COMMITTEE),
    ScopeCase("api:monitoring_cells_not_registered", kwargs=_api_at("branch_a"), **COMMITTEE),
    ScopeCase("api:monitoring_cells_overdue", kwargs=_api_at("branch_a"), **COMMITTEE),
    ScopeCase("api:monitoring_members_without_report", kwargs=_api_at("branch_a"), **COMMITTEE),
    ScopeCase("api:monitoring_members_without_report", kwargs=_api_at("cell_a"), **SECRETARY),
]
