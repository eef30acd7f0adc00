"""Self-review reports over the JSON API, with the same selectors as the pages (DOMAIN.md "Who
reads what"): a report's text only from reports_readable_by (the writer, the cell's secretary,
supervisors assigned to the cell), a cell's states from cells_visible_to (committees above see
names and states, never text), review actions through the services, which check the secretary.
Anything outside the caller's scope answers 404. A save based on an older version answers 409
with the current version and the revision that keeps the refused text."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from tusoi.api import ERRORS, ErrorOut, Pagination
from tusoi.campaigns.selectors import campaigns_visible_to
from tusoi.members.selectors import members_visible_to
from tusoi.orgs.permissions import Action
from tusoi.reports.models import Commitment, ReportRevision, SelfReview
from tusoi.reports.selectors import checklist_items, template_effective_sections
from tusoi.reports.selectors.reviews import (
    campaign_covers,
    cell_report_rows,
    cells_visible_to,
    commitments_of_member,
    commitments_visible_to,
    my_reports,
    report_revisions,
    reports_readable_by,
)
from tusoi.reports.services.reviews import (
    commitment_progress_record,
    report_accept,
    report_confirm,
    report_open,
    report_return,
    report_save,
    report_submit,
)

router = Router()


class ConflictOut(ErrorOut):
    """409: the report was saved elsewhere after `version`; reload `current_version`. The text
    sent is kept as revision `kept_revision` (null when nothing was kept)."""

    current_version: int
    kept_revision: int | None


CONFLICT = {409: ConflictOut}


# Schemas ---------------------------------------------------------------------------------------


class CampaignRef(Schema):
    id: int
    title: str
    due_on: datetime.date


class ReportRef(Schema):
    id: int
    status: str
    version: int


class MyReportOut(Schema):
    campaign: CampaignRef
    report: ReportRef | None


class MemberRef(Schema):
    id: int
    full_name: str


class OrgRef(Schema):
    id: int
    code: str
    name: str


class TemplateRef(Schema):
    id: int
    title: str
    audience: str


class ChecklistItemOut(Schema):
    code: str
    group: str
    text: str


class SectionOut(Schema):
    key: str
    kind: str
    heading: str
    guidance: str
    required: bool
    min_chars: int
    max_chars: int
    items: list[ChecklistItemOut]


class ProxyOut(Schema):
    entered_by: str
    reason: str
    confirmed_at: datetime.datetime | None


class ReportDetailOut(Schema):
    id: int
    campaign: CampaignRef
    member: MemberRef
    template: TemplateRef
    status: str
    version: int
    content: dict[str, Any]
    char_count: int
    source: str
    original_name: str
    original_url: str | None
    late: bool
    first_submitted_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    returned_reason: str
    decided_at: datetime.datetime | None
    proxy: ProxyOut | None
    sections: list[SectionOut]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_late(obj: SelfReview) -> bool:
        return obj.submitted_late

    @staticmethod
    def resolve_original_url(obj: SelfReview) -> str | None:
        return reverse("reports:report_original", args=[obj.pk]) if obj.original_file else None

    @staticmethod
    def resolve_proxy(obj: SelfReview) -> dict[str, Any] | None:
        if obj.entered_by_id is None:
            return None
        who = obj.entered_by
        return {
            "entered_by": (who.get_full_name() or who.username) if who else "",
            "reason": obj.proxy_reason,
            "confirmed_at": obj.confirmed_at,
        }

    @staticmethod
    def resolve_sections(obj: SelfReview) -> list[dict[str, Any]]:
        sections = template_effective_sections(obj.template)
        items = checklist_items(sections)
        return [
            {
                "key": s.key,
                "kind": s.kind,
                "heading": s.heading,
                "guidance": s.guidance,
                "required": s.required,
                "min_chars": s.min_chars,
                "max_chars": s.max_chars,
                "items": items.get(s.reference_list_id, []) if s.reference_list_id else [],
            }
            for s in sections
        ]


class OpenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    campaign_id: int
    # The cell's secretary opens a member's report to enter it on their behalf.
    member_id: int | None = None


class ContentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    content: dict[str, Any]
    version: int
    proxy_reason: str = ""


class SavedOut(Schema):
    version: int
    saved_at: datetime.datetime
    char_count: int


class SubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None


class ReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str


class RevisionOut(Schema):
    number: int
    kind: str
    char_count: int
    based_on_version: int
    saved_by: str | None
    saved_at: datetime.datetime

    @staticmethod
    def resolve_saved_by(obj: ReportRevision) -> str | None:
        user = obj.saved_by
        return (user.get_full_name() or user.username) if user else None


class RevisionDetailOut(RevisionOut):
    content: dict[str, Any]


class CellRowOut(Schema):
    member: MemberRef
    member_status: str
    report_id: int | None
    state: str  # a report state, or "not_started"
    late: bool
    proxy: bool
    confirmed: bool


class CellStatesOut(Schema):
    campaign: CampaignRef
    cell: OrgRef
    members: list[CellRowOut]
    listed_apart: list[CellRowOut]  # exempt or temporarily transferred out: not asked to write


class CampaignTitleRef(Schema):
    id: int
    title: str


class CommitmentOut(Schema):
    id: int
    report_id: int
    campaign: CampaignTitleRef
    what: str
    due_on: datetime.date | None
    measure: str
    status: str
    progress_note: str
    progress_on: datetime.date | None
    overdue: bool

    @staticmethod
    def resolve_campaign(obj: Commitment) -> Any:
        return obj.report.campaign

    @staticmethod
    def resolve_overdue(obj: Commitment) -> bool:
        return obj.is_overdue(timezone.localdate())


class ProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: str
    note: str = ""
    on: datetime.date | None = None


# Helpers ---------------------------------------------------------------------------------------


def _readable(request, report_id: int) -> SelfReview:
    return get_object_or_404(
        reports_readable_by(request.auth).select_related("entered_by__member"), pk=report_id
    )


def _own_member(request) -> Any:
    member = getattr(request.auth, "member", None) if request.auth.member_id else None
    if member is None:
        raise ValidationError(
            _(
                "Your account is not linked to a party member record: you have no report of "
                "your own."
            )
        )
    return member


def _row(row: Any) -> dict[str, Any]:
    return {
        "member": row.member,
        "member_status": row.member.status,
        "report_id": row.report_id,
        "state": row.status or "not_started",
        "late": row.submitted_late,
        "proxy": row.is_proxy,
        "confirmed": row.confirmed,
    }


# The writer's own reports ---------------------------------------------------------------------


@router.get(
    "/mine",
    response={200: list[MyReportOut], **ERRORS},
    url_name="reports_mine",
    summary="The caller's report per open campaign (null where not started)",
)
def reports_mine(request) -> list:
    if not request.auth.member_id:
        return []
    return my_reports(request.auth.member)


@router.post(
    "/open",
    response={200: ReportDetailOut, **ERRORS},
    url_name="reports_open",
    summary="The caller's report for a campaign, started as a draft on first opening",
)
def reports_open(request, payload: OpenIn) -> SelfReview:
    """With `member_id`, the cell's secretary opens that member's report (proxy entry)."""
    campaign = get_object_or_404(campaigns_visible_to(request.auth), pk=payload.campaign_id)
    if payload.member_id is None:
        member = _own_member(request)
    else:
        member = get_object_or_404(
            members_visible_to(request.auth, Action.REVIEW_REPORTS), pk=payload.member_id
        )
    report = report_open(member=member, campaign=campaign, actor=request.auth)
    return _readable(request, report.pk)


@router.get(
    "/commitments/mine",
    response={200: list[CommitmentOut], **ERRORS},
    url_name="reports_commitments_mine",
    summary="The caller's commitments across campaigns, newest campaign first",
)
@paginate(Pagination)
def reports_commitments_mine(request) -> QuerySet[Commitment]:
    if not request.auth.member_id:
        return Commitment.objects.none()
    return commitments_of_member(request.auth.member)


@router.post(
    "/commitments/{id}/progress",
    response={200: CommitmentOut, **ERRORS},
    url_name="reports_commitment_progress",
    summary="Record how a commitment is going (the member or the cell's secretary)",
)
def reports_commitment_progress(request, id: int, payload: ProgressIn) -> Commitment:  # noqa: A002
    commitment = get_object_or_404(commitments_visible_to(request.auth), pk=id)
    commitment = commitment_progress_record(
        commitment=commitment,
        actor=request.auth,
        status=payload.status,
        note=payload.note,
        on=payload.on,
    )
    return get_object_or_404(
        commitments_visible_to(request.auth).select_related("report__campaign"), pk=commitment.pk
    )


@router.get(
    "/campaigns/{campaign_id}/cells/{org_id}",
    response={200: CellStatesOut, **ERRORS},
    url_name="reports_cell_states",
    summary="A cell's members and their report states in a campaign (no text)",
)
def reports_cell_states(request, campaign_id: int, org_id: int) -> dict[str, Any]:
    campaign = get_object_or_404(campaigns_visible_to(request.auth), pk=campaign_id)
    cell = get_object_or_404(cells_visible_to(request.auth), pk=org_id)
    if not campaign_covers(campaign, cell.path):
        raise Http404
    in_scope, apart = cell_report_rows(campaign, cell)
    return {
        "campaign": campaign,
        "cell": cell,
        "members": [_row(r) for r in in_scope],
        "listed_apart": [_row(r) for r in apart],
    }


# One report -------------------------------------------------------------------------------------


@router.get(
    "/{id}",
    response={200: ReportDetailOut, **ERRORS},
    url_name="reports_detail",
    summary="One report with its text and template (its writer and the cell's text readers)",
)
def reports_detail(request, id: int) -> SelfReview:  # noqa: A002 - the path parameter's name
    return _readable(request, id)


@router.put(
    "/{id}/content",
    response={200: SavedOut, **CONFLICT, **ERRORS},
    url_name="reports_save",
    summary="Save the whole content as a new version; 409 if it changed since `version`",
)
def reports_save(request, id: int, payload: ContentIn) -> dict[str, Any]:  # noqa: A002
    report = report_save(
        report=_readable(request, id),
        actor=request.auth,
        content=payload.content,
        base_version=payload.version,
        proxy_reason=payload.proxy_reason,
    )
    return {
        "version": report.version,
        "saved_at": report.updated_at,
        "char_count": report.char_count,
    }


@router.post(
    "/{id}/submit",
    response={200: ReportDetailOut, **CONFLICT, **ERRORS},
    url_name="reports_submit",
    summary="Submit (or resubmit a returned report); 400 lists what is missing",
)
def reports_submit(request, id: int, payload: SubmitIn) -> SelfReview:  # noqa: A002
    report = report_submit(
        report=_readable(request, id), actor=request.auth, base_version=payload.version
    )
    return _readable(request, report.pk)


@router.post(
    "/{id}/return",
    response={200: ReportDetailOut, **ERRORS},
    url_name="reports_return",
    summary="The cell's secretary returns a submitted report, saying why",
)
def reports_return(request, id: int, payload: ReturnIn) -> SelfReview:  # noqa: A002
    report = report_return(report=_readable(request, id), actor=request.auth, reason=payload.reason)
    return _readable(request, report.pk)


@router.post(
    "/{id}/accept",
    response={200: ReportDetailOut, **ERRORS},
    url_name="reports_accept",
    summary="The cell's secretary accepts a submitted report",
)
def reports_accept(request, id: int) -> SelfReview:  # noqa: A002
    report = report_accept(report=_readable(request, id), actor=request.auth)
    return _readable(request, report.pk)


@router.post(
    "/{id}/confirm",
    response={200: ReportDetailOut, **ERRORS},
    url_name="reports_confirm",
    summary="The member confirms a report entered on their behalf",
)
def reports_confirm(request, id: int) -> SelfReview:  # noqa: A002
    report = report_confirm(report=_readable(request, id), actor=request.auth)
    return _readable(request, report.pk)


@router.get(
    "/{id}/revisions",
    response={200: list[RevisionOut], **ERRORS},
    url_name="reports_revisions",
    summary="Every save of the report, newest first, without the text",
)
@paginate(Pagination)
def reports_revisions(request, id: int) -> QuerySet[ReportRevision]:  # noqa: A002
    # A saver's name may be their member record's: fetched with the rows, not once per row.
    return report_revisions(_readable(request, id)).select_related("saved_by__member")


@router.get(
    "/{id}/revisions/{number}",
    response={200: RevisionDetailOut, **ERRORS},
    url_name="reports_revision",
    summary="One revision with its text",
)
def reports_revision(request, id: int, number: int) -> ReportRevision:  # noqa: A002
    report = _readable(request, id)
    return get_object_or_404(report.revisions.select_related("saved_by__member"), number=number)


# Copy detection (issue 7): its own module, mounted here.
router.add_router("", "tusoi.reports.api_copies.router")
