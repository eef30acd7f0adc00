"""The cell's side of the reports: every member's state, the secretary's review (return with a
reason, accept), proxy entry, reminders, and the follow-up of commitments. Each page starts from
a `*_visible_to` / `reports_*_by` selector; the services decide what may be done."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.campaigns.selectors import campaigns_visible_to
from tusoi.members.selectors import members_visible_to
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action
from tusoi.orgs.selectors import organizations_visible_to
from tusoi.reports.cell_forms import CommitmentProgressForm, RemindForm, ReturnForm
from tusoi.reports.models import COUNTED_STATUSES, EDITABLE_STATUSES, CommitmentStatus
from tusoi.reports.selectors.reviews import (
    campaign_covers,
    cell_commitment_list,
    cell_counts,
    cell_report_rows,
    cells_reviewable_by,
    cells_visible_to,
    commitments_visible_to,
    member_commitment_list,
    overdue_commitments,
    reports_readable_by,
    reports_reviewable_by,
)
from tusoi.reports.services.reviews import (
    commitment_progress_record,
    report_accept,
    report_confirm,
    report_open,
    report_return,
    reports_remind,
)


def _refused(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    """A service's refusal, shown as messages on the page the user is sent back to."""
    texts = error.messages if isinstance(error, ValidationError) else [str(error)]
    for text in texts:
        messages.error(request, text)


def _campaign_and_cell(
    request: HttpRequest, campaign_pk: int, org_pk: int, cells
) -> tuple[Campaign, Organization]:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=campaign_pk)
    cell = get_object_or_404(cells.select_related("kind"), pk=org_pk)
    if not campaign_covers(campaign, cell.path):
        raise Http404
    return campaign, cell


# Review of one report ------------------------------------------------------------------------


@login_required
@require_POST
def report_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_reviewable_by(request.user), pk=pk)
    form = ReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
    try:
        report_return(report=report, actor=request.user, reason=reason)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The report was returned to %(name)s with your reason.")
            % {"name": report.member.full_name},
        )
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def report_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_reviewable_by(request.user), pk=pk)
    try:
        report_accept(report=report, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("The report of %(name)s was accepted.") % {"name": report.member.full_name}
        )
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def report_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    # Anyone who may read the report reaches it; the service lets only its writer confirm.
    report = get_object_or_404(reports_readable_by(request.user), pk=pk)
    try:
        report_confirm(report=report, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("You confirmed that this report is yours."))
    return redirect("reports:report", pk=report.pk)


# The cell's page -------------------------------------------------------------------------------


@login_required
def cell_reports(request: HttpRequest, campaign_pk: int, org_pk: int) -> HttpResponse:
    campaign, cell = _campaign_and_cell(
        request, campaign_pk, org_pk, cells_visible_to(request.user)
    )
    rows, apart = cell_report_rows(campaign, cell)
    readable = set(
        reports_readable_by(request.user)
        .filter(campaign=campaign, member__cell=cell)
        .values_list("pk", flat=True)
    )
    can_review = cells_reviewable_by(request.user).filter(pk=cell.pk).exists()
    can_read = (
        organizations_visible_to(request.user, Action.READ_REPORT_TEXT).filter(pk=cell.pk).exists()
    )
    is_open = campaign.status == CampaignStatus.OPEN
    for row in (*rows, *apart):
        row.readable = row.report_id in readable
        row.remindable = can_review and is_open and row.status not in COUNTED_STATUSES
        row.proxy_allowed = (
            can_review and is_open and (not row.status or row.status in EDITABLE_STATUSES)
        )
    context = {
        "campaign": campaign,
        "cell": cell,
        "rows": rows,
        "apart": apart,
        "counts": cell_counts(rows),
        "can_review": can_review,
        "can_read": can_read,
        "is_open": is_open,
        "overdue": list(overdue_commitments(cell)) if can_read else [],
        "crumbs": [
            (_("Campaigns"), reverse("campaigns:list")),
            (campaign.title, reverse("campaigns:detail", args=[campaign.pk])),
            (cell.name, None),
        ],
    }
    return render(request, "reports/cell_reports.html", context)


@login_required
@require_POST
def cell_remind(request: HttpRequest, campaign_pk: int, org_pk: int) -> HttpResponse:
    campaign, cell = _campaign_and_cell(
        request, campaign_pk, org_pk, cells_reviewable_by(request.user)
    )
    back = redirect("reports:cell_reports", campaign_pk=campaign.pk, org_pk=cell.pk)
    form = RemindForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return back
    try:
        result = reports_remind(
            actor=request.user, campaign=campaign, cell=cell, member_ids=form.member_ids()
        )
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return back
    messages.success(
        request,
        _(
            "Reminders sent: %(sent)d. Already reminded today: %(already)d. "
            "Without an account (remind them in person): %(none)d."
        )
        % {"sent": result.sent, "already": result.already_today, "none": result.no_account},
    )
    return back


@login_required
@require_POST
def proxy_open(request: HttpRequest, campaign_pk: int, member_pk: int) -> HttpResponse:
    """The secretary starts (or reopens) a member's report to enter it on their behalf."""
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=campaign_pk)
    member = get_object_or_404(
        members_visible_to(request.user, Action.REVIEW_REPORTS), pk=member_pk
    )
    if not campaign_covers(campaign, member.cell.path):
        raise Http404
    try:
        report = report_open(member=member, campaign=campaign, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return redirect("reports:cell_reports", campaign_pk=campaign.pk, org_pk=member.cell_id)
    return redirect("reports:report", pk=report.pk)


# Commitments -----------------------------------------------------------------------------------


@login_required
def commitments_mine(request: HttpRequest) -> HttpResponse:
    """The logged-in member's own commitments, whatever campaign they came from."""
    member = request.user.member if request.user.member_id else None
    commitments = list(member_commitment_list(member)) if member is not None else []
    today = timezone.localdate()
    for commitment in commitments:
        commitment.overdue = commitment.is_overdue(today)
    context = {
        "member": member,
        "commitments": commitments,
        "statuses": CommitmentStatus.choices,
        "today": today,
        "here": request.get_full_path(),
        "crumbs": [(_("My commitments"), None)],
    }
    return render(request, "reports/commitments_mine.html", context)


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_POST
def commitment_progress(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(commitments_visible_to(request.user), pk=pk)
    form = CommitmentProgressForm(request.POST)
    if form.is_valid():
        try:
            commitment_progress_record(
                commitment=commitment,
                actor=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                on=form.cleaned_data["on"],
            )
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        else:
            messages.success(request, _("Progress recorded."))
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    target = _safe_next(request)
    if target is None:
        own = request.user.member_id == commitment.member_id
        target = (
            reverse("reports:commitments_mine")
            if own
            else reverse("reports:cell_commitments", args=[commitment.member.cell_id])
        )
    return HttpResponseRedirect(target)


@login_required
def cell_commitments(request: HttpRequest, org_pk: int) -> HttpResponse:
    """Commitments are report text: the cell's text readers follow them here."""
    cell = get_object_or_404(
        organizations_visible_to(request.user, Action.READ_REPORT_TEXT).filter(kind__is_cell=True),
        pk=org_pk,
    )
    today = timezone.localdate()
    commitments = list(cell_commitment_list(request.user, cell, today))
    can_record_all = cells_reviewable_by(request.user).filter(pk=cell.pk).exists()
    for commitment in commitments:
        commitment.overdue = commitment.is_overdue(today)
        commitment.can_record = can_record_all or commitment.member_id == request.user.member_id
    context: dict[str, Any] = {
        "cell": cell,
        "commitments": commitments,
        "overdue_count": sum(1 for c in commitments if c.overdue),
        "statuses": CommitmentStatus.choices,
        "today": today,
        "here": request.get_full_path(),
        "crumbs": [
            (cell.name, reverse("orgs:detail", args=[cell.pk])),
            (_("Commitments"), None),
        ],
    }
    return render(request, "reports/cell_commitments.html", context)
