"""The writer's pages: "Báo cáo của tôi", the report editor (typed, autosaved by editor.js, and
entered on a member's behalf by the cell's secretary), submitting, revisions and restoring.

Every page starts from `reports_visible_to` (states) or `reports_readable_by` (text), so a report
outside the user's scope is simply not found. A refused save never loses what was typed: the form
comes back with the typed values (400), a stale save is kept by the service as a conflict
revision (409), and the script's JSON callers get the same outcomes as JSON."""

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tusoi.campaigns.models import CampaignStatus
from tusoi.campaigns.selectors import campaigns_open_for_member
from tusoi.members.models import Member
from tusoi.reports.editor_forms import (
    EMPTY_COMMITMENT_ROWS,
    Posted,
    content_from_post,
    error_dict,
    general_errors,
    posted_form,
    posted_json,
    section_views,
)
from tusoi.reports.models import EDITABLE_STATUSES, Assessment, RevisionKind, SelfReview
from tusoi.reports.selectors import checklist_items, template_effective_sections
from tusoi.reports.selectors.copies import copy_warning_summary
from tusoi.reports.selectors.reviews import (
    can_read_text,
    can_review,
    is_writer,
    my_past_reports,
    my_reports,
    previous_commitments,
    report_revisions,
    reports_readable_by,
    reports_visible_to,
)
from tusoi.reports.services import (
    StaleReport,
    content_clean,
    report_open,
    report_restore,
    report_save,
    report_submit,
)
from tusoi.reports.services.copies import report_copy_precheck

REVISIONS_PER_PAGE = 50


def _member(user: Any) -> Member | None:
    return user.member if getattr(user, "member_id", None) else None


def _saved_at(report: SelfReview) -> str:
    return timezone.localtime(report.updated_at).strftime("%H:%M")


def _editable_now(report: SelfReview, writer: bool, reviewer: bool) -> bool:
    """Whether to offer the editor: the service decides again on every save."""
    return (
        (writer or reviewer)
        and report.status in EDITABLE_STATUSES
        and report.campaign.status == CampaignStatus.OPEN
    )


# "Báo cáo của tôi" --------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    member = _member(request.user)
    if member is None:
        return render(request, "reports/mine.html", {"no_member": True})
    context = {
        "member": member,
        "entries": my_reports(member),
        "past": list(my_past_reports(member)),
        "today": timezone.localdate(),
    }
    return render(request, "reports/mine.html", context)


@login_required
def mine_open(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    """Start (POST) the member's report for an open campaign, or go to it if it exists."""
    member = _member(request.user)
    if member is None:
        raise Http404
    campaign = get_object_or_404(campaigns_open_for_member(member), pk=campaign_pk)
    existing = reports_readable_by(request.user).filter(member=member, campaign=campaign).first()
    if existing is not None:
        return redirect("reports:report", pk=existing.pk)
    if request.method != "POST":
        return render(request, "reports/mine.html", {"member": member, "confirm": campaign})
    try:
        report = report_open(member=member, campaign=campaign, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:mine")
    return redirect("reports:report", pk=report.pk)


# The report page and its editor --------------------------------------------------------------


def _render_report(
    request: HttpRequest,
    report: SelfReview,
    *,
    posted: Posted | None = None,
    errors: dict[str, list[str]] | None = None,
    conflict: str = "",
    status: int = 200,
    copy_warning: list[Any] | None = None,
) -> HttpResponse:
    user = request.user
    reader = can_read_text(user, report)
    context: dict[str, Any] = {
        "report": report,
        "copy_warning": copy_warning or [],
        "can_read_text": reader,
        "today": timezone.localdate(),
        "crumbs": _crumbs(user, report),
        "can_review": False,
        "is_writer": False,
        "editable": False,
        "proxy_mode": False,
    }
    if not reader:
        # Committees above see names, states and dates; the text stays with the cell.
        return render(request, "reports/report.html", context, status=status)
    writer, reviewer = is_writer(user, report), can_review(user, report)
    editable = _editable_now(report, writer, reviewer)
    sections = template_effective_sections(report.template)
    items = checklist_items(sections)
    errors = errors or {}
    if editable:
        views = section_views(
            sections,
            items,
            posted.content if posted else report.content,
            errors=errors,
            blank_rows=EMPTY_COMMITMENT_ROWS,
        )
        context["previous"] = list(previous_commitments(report.member, report.campaign))
        unsaved = None
    else:
        views = section_views(sections, items, report.content)
        unsaved = (
            section_views(sections, items, posted.content)
            if posted is not None and posted.has_content
            else None
        )
    proxy_mode = editable and not writer
    context.update(
        {
            "can_review": reviewer,
            "is_writer": writer,
            "editable": editable,
            "proxy_mode": proxy_mode,
            "sections": views,
            "unsaved": unsaved,
            "errors": errors,
            "general_errors": general_errors(errors, views) if editable else _all(errors),
            "conflict": conflict,
            "version": posted.version if posted is not None else report.version,
            "proxy_reason": posted.proxy_reason if posted is not None else "",
            "proxy_reason_needed": proxy_mode and not report.proxy_reason,
            "saved_at": _saved_at(report) if report.version else "",
            "answers": Assessment.choices,
            # For editor.js; here rather than in the template so "Saved at %(time)s" is one msgid.
            "status_texts": {
                "saving": _("Saving…"),
                "saved": _("Saved at %(time)s"),
                "offline": _("Not saved — connection lost"),
                "error": _("Not saved — see the message below"),
            },
        }
    )
    return render(request, "reports/report.html", context, status=status)


def _crumbs(user: Any, report: SelfReview) -> list[tuple[str, str | None]]:
    if is_writer(user, report):
        return [(_("My reports"), reverse("reports:mine")), (report.campaign.title, None)]
    return [
        (report.campaign.title, reverse("campaigns:detail", args=[report.campaign_id])),
        (
            report.member.cell.name,
            reverse("reports:cell_reports", args=[report.campaign_id, report.member.cell_id]),
        ),
        (report.member.full_name, None),
    ]


def _all(errors: dict[str, list[str]]) -> list[str]:
    return [m for messages_ in errors.values() for m in messages_]


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    return _render_report(request, report)


def _typed_back(request: HttpRequest, sections: list[Any], report: SelfReview) -> Posted:
    """A form whose version is unreadable still gets its typed text back (on the current
    version: the person sees the message and decides)."""
    return Posted(
        content=content_from_post(request.POST, sections),
        version=report.version,
        proxy_reason=str(request.POST.get("proxy_reason") or ""),
        has_content=True,
    )


def _wants_json(request: HttpRequest) -> bool:
    return (
        request.content_type == "application/json"
        or "application/json" in request.headers.get("Accept", "")
        or bool(getattr(request, "htmx", False))
    )


def _json_error(status: int, detail: str, errors: dict[str, list[str]] | None = None):
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def _conflict_json(report: SelfReview, stale: StaleReport) -> JsonResponse:
    return JsonResponse(
        {
            "conflict": True,
            "detail": " ".join(stale.messages),
            "current_version": stale.current.version,
            "kept_revision": stale.kept.number if stale.kept is not None else None,
            "revisions_url": reverse("reports:report_revisions", args=[report.pk]),
        },
        status=409,
    )


@require_POST
def report_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the whole content as a new version: a form post (redirect, or the editor again with
    the typed values and the messages) or the editor script's JSON (autosave)."""
    as_json = _wants_json(request)
    if not request.user.is_authenticated:
        if as_json:
            return _json_error(
                403, _("You are no longer logged in. Log in again; your text is kept here.")
            )
        return redirect_to_login(reverse("reports:report", args=[pk]))
    try:
        report = get_object_or_404(reports_readable_by(request.user), pk=pk)
    except Http404:
        if as_json:
            return _json_error(404, _("This report was not found."))
        raise
    sections = template_effective_sections(report.template)
    try:
        if request.content_type == "application/json":
            posted = posted_json(request.body)
        else:
            posted = posted_form(request.POST, sections)
    except (ValidationError, RequestDataTooBig) as error:
        errors = (
            error_dict(error)
            if isinstance(error, ValidationError)
            else {"__all__": [_("The text sent is too large to be saved at once.")]}
        )
        if as_json:
            return _json_error(400, " ".join(_all(errors)), errors)
        if isinstance(error, RequestDataTooBig):  # the fields cannot be read back at all
            return _render_report(request, report, errors=errors, status=400)
        typed = _typed_back(request, sections, report)
        return _render_report(request, report, posted=typed, errors=errors, status=400)
    try:
        report = report_save(
            report=report,
            actor=request.user,
            content=posted.content,
            base_version=posted.version,
            kind=RevisionKind.AUTOSAVE if as_json else RevisionKind.SAVE,
            proxy_reason=posted.proxy_reason,
        )
    except StaleReport as stale:
        if as_json:
            return _conflict_json(report, stale)
        return _render_report(
            request, stale.current, posted=posted, conflict=" ".join(stale.messages), status=409
        )
    except ValidationError as error:
        errors = error_dict(error)
        if as_json:
            return _json_error(400, " ".join(_all(errors)), errors)
        return _render_report(request, report, posted=posted, errors=errors, status=400)
    except PermissionDenied as denied:
        if as_json:
            return _json_error(403, " ".join(denied.args) or _("You may not change this report."))
        raise
    if as_json:
        return JsonResponse(
            {
                "version": report.version,
                "saved_at": _saved_at(report),
                "char_count": report.char_count,
            }
        )
    messages.success(request, _("Saved at %(time)s") % {"time": _saved_at(report)})
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def report_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit: what the form carries is saved first (same version rule), then submitted."""
    report = get_object_or_404(reports_readable_by(request.user), pk=pk)
    sections = template_effective_sections(report.template)
    try:
        posted = posted_form(request.POST, sections)
    except ValidationError as error:
        typed = _typed_back(request, sections, report)
        return _render_report(request, report, posted=typed, errors=error_dict(error), status=400)
    base_version = posted.version
    try:
        if posted.has_content:
            cleaned = content_clean(sections, posted.content)
            if cleaned.content != report.content or posted.version != report.version:
                report = report_save(
                    report=report,
                    actor=request.user,
                    content=posted.content,
                    base_version=posted.version,
                    proxy_reason=posted.proxy_reason,
                )
                base_version = report.version
                posted = dataclasses.replace(posted, version=report.version)
        # The writer's gentle warning (issue 7): a text that mostly matches another one is
        # shown back with the choice to revise it or submit anyway (confirm_copy=1).
        if (
            request.POST.get("confirm_copy") != "1"
            and report.status in EDITABLE_STATUSES
            and is_writer(request.user, report)
        ):
            warning = copy_warning_summary(report_copy_precheck(report))
            if warning:
                return _render_report(request, report, copy_warning=warning)
        report = report_submit(report=report, actor=request.user, base_version=base_version)
    except StaleReport as stale:
        return _render_report(
            request, stale.current, posted=posted, conflict=" ".join(stale.messages), status=409
        )
    except ValidationError as error:
        return _render_report(request, report, posted=posted, errors=error_dict(error), status=400)
    messages.success(request, _("The report was submitted."))
    return redirect("reports:report", pk=report.pk)


# Revisions -------------------------------------------------------------------------------------


@login_required
def revisions(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_readable_by(request.user), pk=pk)
    rows = report_revisions(report).select_related("saved_by__member")  # names show the member
    page = Paginator(rows, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "report": report,
        "page": page,
        "crumbs": [
            (report.member.full_name, reverse("reports:report", args=[report.pk])),
            (_("Revisions"), None),
        ],
    }
    return render(request, "reports/revisions.html", context)


@login_required
def revision(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    report = get_object_or_404(reports_readable_by(request.user), pk=pk)
    kept = get_object_or_404(report.revisions.select_related("saved_by__member"), number=number)
    sections = template_effective_sections(report.template)
    writer, reviewer = is_writer(request.user, report), can_review(request.user, report)
    context = {
        "report": report,
        "revision": kept,
        "sections": section_views(sections, checklist_items(sections), kept.content),
        "can_restore": _editable_now(report, writer, reviewer),
        "crumbs": [
            (report.member.full_name, reverse("reports:report", args=[report.pk])),
            (_("Revisions"), reverse("reports:report_revisions", args=[report.pk])),
            (_("Revision %(number)s") % {"number": kept.number}, None),
        ],
    }
    return render(request, "reports/revision.html", context)


@login_required
@require_POST
def revision_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    report = get_object_or_404(reports_readable_by(request.user), pk=pk)
    kept = get_object_or_404(report.revisions, number=number)
    back = redirect("reports:report_revision", pk=report.pk, number=kept.number)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("The page is out of date; reload it and try again."))
        return back
    try:
        report_restore(report=report, actor=request.user, revision=kept, base_version=version)
    except (ValidationError, PermissionDenied) as error:
        # A stale restore (StaleReport) lands here too: the service has kept nothing to lose.
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text or _("You may not change this report."))
        return back
    messages.success(
        request, _("Revision %(number)d is now the report's text.") % {"number": kept.number}
    )
    return redirect("reports:report", pk=report.pk)
