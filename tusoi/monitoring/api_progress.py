"""Difficulties, proposals and progress reports over the JSON API, under the same rules as the
pages: reading needs VIEW over the organisation (a draft report, EDIT_ORGS over its committee),
recording a difficulty EDIT_MEMBERS, sending a report EDIT_ORGS; anything outside the caller's
scope answers 404, a report changed since the caller read it 409."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict, Field

from tusoi.api import ERRORS, Pagination
from tusoi.campaigns.models import Campaign
from tusoi.campaigns.selectors import campaigns_visible_to
from tusoi.monitoring.models_progress import (
    Difficulty,
    DifficultyCategory,
    DifficultyKind,
    ProgressReport,
)
from tusoi.monitoring.selectors_progress import (
    campaign_reaches,
    children_progress,
    difficulties_of_subtree,
    difficulties_visible_to,
    difficulty_rollup,
    monitoring_orgs,
    progress_reports_of,
    progress_reports_visible_to,
)
from tusoi.monitoring.services_progress import difficulty_create, progress_report_submit
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action

router = Router(tags=["monitoring"])


# Schemas ---------------------------------------------------------------------------------------


class OrgRef(Schema):
    id: int
    code: str
    name: str


class CampaignRef(Schema):
    id: int
    title: str


class DifficultyOut(Schema):
    id: int
    organization: OrgRef
    kind: str
    category: str
    text: str
    created_at: datetime.datetime


class DifficultyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: DifficultyKind
    category: DifficultyCategory | None = Field(None, description="Required for a difficulty.")
    text: str


class DifficultyCountsOut(Schema):
    difficulties: int
    by_category: dict[str, int]
    organizations_by_category: dict[str, int]
    proposals: int
    proposal_organizations: int


class ProgressReportRow(Schema):
    id: int
    organization: OrgRef
    kind: str
    cut_off: datetime.date
    status: str
    number_symbol: str
    submitted_at: datetime.datetime | None
    version: int


class ProgressReportOut(ProgressReportRow):
    campaign: CampaignRef
    situation: str
    results: str
    shortcomings: str
    directions: str
    signer_role: str
    signer_title: str
    signer_name: str
    recipients: list[str]
    figures: dict[str, Any]
    generated_at: datetime.datetime
    docx_url: str
    xlsx_url: str

    @staticmethod
    def resolve_recipients(obj: ProgressReport) -> list[str]:
        return [line for line in obj.recipients.splitlines() if line.strip()]

    @staticmethod
    def resolve_docx_url(obj: ProgressReport) -> str:
        return reverse("monitoring:progress_report_file", args=[obj.pk, "docx"])

    @staticmethod
    def resolve_xlsx_url(obj: ProgressReport) -> str:
        return reverse("monitoring:progress_report_file", args=[obj.pk, "xlsx"])


class ChildReportsOut(Schema):
    organization: OrgRef
    interim: ProgressReportRow | None
    final: ProgressReportRow | None


class ProgressReportsOut(Schema):
    own: list[ProgressReportRow]
    children: list[ChildReportsOut]
    children_total: int
    children_sent: dict[str, int]
    children_missing: dict[str, int]
    page: int
    pages: int


class SubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(..., ge=1, description="The version of the report you read.")


# Helpers ---------------------------------------------------------------------------------------


def _campaign_and_org(
    request: Any, campaign_id: int, org_id: int, action: Action = Action.VIEW
) -> tuple[Campaign, Organization]:
    campaign = get_object_or_404(campaigns_visible_to(request.auth), pk=campaign_id)
    org = get_object_or_404(monitoring_orgs(request.auth, action), pk=org_id)
    if not campaign_reaches(campaign, org):
        raise Http404
    return campaign, org


def _report(request: Any, report_id: int) -> ProgressReport:
    return get_object_or_404(progress_reports_visible_to(request.auth), pk=report_id)


# Difficulties and proposals ----------------------------------------------------------------------


@router.get(
    "/campaigns/{campaign_id}/orgs/{org_id}/difficulties",
    response={200: list[DifficultyOut], **ERRORS},
    url_name="monitoring_difficulties_list",
    summary="Difficulties and proposals raised under an organisation in a campaign, newest first",
)
@paginate(Pagination)
def difficulties_list(
    request,
    campaign_id: int,
    org_id: int,
    kind: DifficultyKind | None = None,
    category: DifficultyCategory | None = None,
) -> QuerySet[Difficulty]:
    campaign, org = _campaign_and_org(request, campaign_id, org_id)
    return difficulties_of_subtree(
        request.auth, campaign, org, kind=kind or "", category=category or ""
    )


@router.post(
    "/campaigns/{campaign_id}/orgs/{org_id}/difficulties",
    response={201: DifficultyOut, **ERRORS},
    url_name="monitoring_difficulties_create",
    summary="Record a difficulty (with its category) or a proposal of the organisation",
)
def difficulties_create(request, campaign_id: int, org_id: int, payload: DifficultyIn) -> Status:
    campaign, org = _campaign_and_org(request, campaign_id, org_id, Action.EDIT_MEMBERS)
    difficulty = difficulty_create(
        actor=request.auth,
        campaign=campaign,
        organization=org,
        kind=payload.kind,
        category=payload.category or "",
        text=payload.text,
    )
    return Status(201, get_object_or_404(difficulties_visible_to(request.auth), pk=difficulty.pk))


@router.get(
    "/campaigns/{campaign_id}/orgs/{org_id}/difficulties/counts",
    response={200: DifficultyCountsOut, **ERRORS},
    url_name="monitoring_difficulties_counts",
    summary="Difficulties per category and proposals over the organisation's subtree",
)
def difficulties_counts(request, campaign_id: int, org_id: int) -> dict[str, Any]:
    campaign, org = _campaign_and_org(request, campaign_id, org_id)
    rollup = difficulty_rollup(campaign, org)
    return {
        "difficulties": rollup.difficulties,
        "by_category": {c.category: c.count for c in rollup.categories},
        "organizations_by_category": {c.category: c.organizations for c in rollup.categories},
        "proposals": rollup.proposals,
        "proposal_organizations": rollup.proposal_organizations,
    }


# Progress reports --------------------------------------------------------------------------------


@router.get(
    "/campaigns/{campaign_id}/orgs/{org_id}/progress-reports",
    response={200: ProgressReportsOut, **ERRORS},
    url_name="monitoring_progress_reports_list",
    summary="The committee's progress reports, and what its child committees sent (a page of them)",
)
def progress_reports_list(request, campaign_id: int, org_id: int, page: int = 1) -> dict[str, Any]:
    campaign, org = _campaign_and_org(request, campaign_id, org_id)
    children = children_progress(campaign, org, page_number=page)
    return {
        "own": list(progress_reports_of(request.auth, campaign, org)),
        "children": [
            {"organization": row.org, "interim": row.interim, "final": row.final}
            for row in children.rows
        ],
        "children_total": children.total,
        "children_sent": children.sent,
        "children_missing": {
            "interim": children.missing_interim,
            "final": children.missing_final,
        },
        "page": children.page.number,
        "pages": children.page.paginator.num_pages,
    }


@router.get(
    "/progress-reports/{id}",
    response={200: ProgressReportOut, **ERRORS},
    url_name="monitoring_progress_reports_detail",
    summary="One progress report with its parts and its stored figures",
)
def progress_reports_detail(request, id: int) -> ProgressReport:  # noqa: A002 - the path's name
    return _report(request, id)


@router.post(
    "/progress-reports/{id}/submit",
    response={200: ProgressReportOut, **ERRORS},
    url_name="monitoring_progress_reports_submit",
    summary="Send a draft to the parent committee (409 when it changed since `version`)",
)
def progress_reports_submit(request, id: int, payload: SubmitIn) -> ProgressReport:  # noqa: A002
    report = _report(request, id)
    get_object_or_404(monitoring_orgs(request.auth, Action.EDIT_ORGS), pk=report.organization_id)
    progress_report_submit(actor=request.auth, report=report, expected_version=payload.version)
    return _report(request, id)
