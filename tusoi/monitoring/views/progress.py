"""Difficulties and proposals raised from below, and progress reports sent upward.

Reading needs VIEW over the organisation (its whole subtree rolls up into its page); recording
a difficulty EDIT_MEMBERS, writing a progress report EDIT_ORGS (see services_progress). Every
page starts from `campaigns_visible_to` and `monitoring_orgs`, or `progress_reports_visible_to`,
so anything outside the user's scope is a 404."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tusoi.campaigns.models import Campaign
from tusoi.campaigns.selectors import campaigns_visible_to
from tusoi.core.forms import apply_service_errors
from tusoi.monitoring.forms import (
    DifficultyForm,
    ProgressReportCreateForm,
    ProgressReportForm,
    report_initial,
)
from tusoi.monitoring.models_progress import (
    DifficultyCategory,
    DifficultyKind,
    ProgressReport,
)
from tusoi.monitoring.progress_document import (
    DOCX_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    progress_docx,
    progress_filename,
    progress_summary,
    progress_xlsx,
)
from tusoi.monitoring.selectors_progress import (
    campaign_covers,
    campaign_reaches,
    can_record_difficulties,
    can_write_progress_reports,
    children_progress,
    difficulties_of_subtree,
    difficulty_rollup,
    monitoring_orgs,
    progress_reports_of,
    progress_reports_visible_to,
    snapshot_from,
)
from tusoi.monitoring.services_progress import (
    EDITABLE_FIELDS,
    NARRATIVE_FIELDS,
    StaleProgressReport,
    difficulty_create,
    difficulty_delete,
    progress_report_create,
    progress_report_regenerate,
    progress_report_submit,
    progress_report_update,
)
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.views import org_breadcrumbs

PAGE_SIZE = 25
# The page reads like the document: its number, the four parts, then who signs and receives it.
FORM_ORDER = (
    "number_symbol",
    *NARRATIVE_FIELDS,
    "signer_role",
    "signer_title",
    "signer_name",
    "recipients",
)
REPORT_ACTIONS = {
    "save": (progress_report_update, gettext_lazy("The report was saved.")),
    "regenerate": (progress_report_regenerate, gettext_lazy("The figures were taken again.")),
    "submit": (
        progress_report_submit,
        gettext_lazy("The report was sent to the committee above."),
    ),
}


def _campaign_and_org(request: HttpRequest, campaign_pk: int, org_pk: int):
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=campaign_pk)
    org = get_object_or_404(monitoring_orgs(request.user), pk=org_pk)
    if not campaign_reaches(campaign, org):
        raise Http404
    return campaign, org


def _crumbs(request: HttpRequest, campaign: Campaign, org: Organization, *tail) -> list:
    return [
        *org_breadcrumbs(request.user, org),
        (campaign.title, reverse("monitoring:dashboard", args=[campaign.pk, org.pk])),
        *tail,
    ]


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Difficulties and proposals ----------------------------------------------------------------------


@login_required
def difficulties(request: HttpRequest, campaign_pk: int, org_pk: int) -> HttpResponse:
    campaign, org = _campaign_and_org(request, campaign_pk, org_pk)
    can_record = campaign_covers(campaign, org) and can_record_difficulties(request.user, org)
    form = DifficultyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_record:
            raise Http404
        if request.POST.get("action") == "delete":
            return _withdraw(request, campaign, org)
        if form.is_valid():
            try:
                difficulty_create(actor=request.user, campaign=campaign, organization=org,
                                  **form.cleaned_data)  # fmt: skip
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as error:
                raise Http404 from error
            else:
                messages.success(request, _("Recorded. The committees above can read it now."))
                return redirect("monitoring:difficulties", campaign.pk, org.pk)

    kind = request.GET.get("kind", "")
    kind = kind if kind in DifficultyKind.values else ""
    category = request.GET.get("category", "")
    category = category if category in DifficultyCategory.values else ""
    page = Paginator(
        difficulties_of_subtree(request.user, campaign, org, kind=kind, category=category),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    scope = scope_for(request.user)
    for item in page.object_list:
        item.can_withdraw = scope.covers(Action.EDIT_MEMBERS, item.organization.path)
    return render(
        request,
        "monitoring/difficulties.html",
        {
            "campaign": campaign,
            "org": org,
            "rollup": difficulty_rollup(campaign, org),
            "page": page,
            "query": _query_without_page(request),
            "kind": kind,
            "kinds": DifficultyKind.choices,
            "category": category,
            "categories": DifficultyCategory.choices,
            "form": form if can_record else None,
            "crumbs": _crumbs(request, campaign, org, (_("Difficulties and proposals"), None)),
        },
    )


def _withdraw(request: HttpRequest, campaign: Campaign, org: Organization) -> HttpResponse:
    try:
        pk = int(request.POST.get("pk", ""))
    except ValueError:
        raise Http404 from None
    visible = difficulties_of_subtree(request.user, campaign, org)
    difficulty = get_object_or_404(visible, pk=pk)
    try:
        difficulty_delete(actor=request.user, difficulty=difficulty)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("Withdrawn."))
    return redirect("monitoring:difficulties", campaign.pk, org.pk)


# Progress reports --------------------------------------------------------------------------------


@login_required
def progress_reports(request: HttpRequest, campaign_pk: int, org_pk: int) -> HttpResponse:
    """The committee's own reports (and the form for a new one), and its child committees with
    the reports they sent and those that sent none."""
    campaign, org = _campaign_and_org(request, campaign_pk, org_pk)
    can_write = campaign_covers(campaign, org) and can_write_progress_reports(request.user, org)
    form = ProgressReportCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_write:
            raise Http404
        if form.is_valid():
            try:
                report = progress_report_create(
                    actor=request.user, campaign=campaign, organization=org, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as error:
                raise Http404 from error
            else:
                messages.success(
                    request, _("The draft is ready with the figures filled in. Write its parts.")
                )
                return redirect("monitoring:progress_report", report.pk)
    return render(
        request,
        "monitoring/progress_reports.html",
        {
            "campaign": campaign,
            "org": org,
            "own": list(progress_reports_of(request.user, campaign, org)),
            "children": children_progress(campaign, org, page_number=request.GET.get("page")),
            "form": form if can_write else None,
            "crumbs": _crumbs(request, campaign, org, (_("Progress reports"), None)),
        },
    )


@login_required
def progress_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A report: its figures, and for a draft the parts the committee writes, with Save, Take
    the figures again and Send. An edit made on a stale page is refused, what was typed kept."""
    report = get_object_or_404(progress_reports_visible_to(request.user), pk=pk)
    may_write = can_write_progress_reports(request.user, report.organization)
    form = ProgressReportForm(
        request.POST if request.method == "POST" else None, initial=report_initial(report)
    )
    saved: dict[str, str] = {}
    if request.method == "POST":
        if not may_write:
            raise Http404
        action = REPORT_ACTIONS.get(request.POST.get("action", "save"))
        if action is None:
            raise Http404
        service, done = action
        if form.is_valid():
            try:
                report = service(
                    actor=request.user,
                    report=report,
                    expected_version=form.cleaned_data["version"],
                    **form.report_fields(),
                )
            except StaleProgressReport as error:
                form, saved = _stale_form(request, report, form, error)
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as error:
                raise Http404 from error
            else:
                messages.success(request, done)
                return redirect("monitoring:progress_report", report.pk)
    org = report.organization
    return render(
        request,
        "monitoring/progress_report.html",
        {
            "report": report,
            "campaign": report.campaign,
            "org": org,
            "summary": progress_summary(report),
            "data": snapshot_from(report.figures),
            # A refused post to a report sent meanwhile still shows what was typed.
            "form": form if may_write and (report.is_draft or form.is_bound) else None,
            "rows": [(form[name], saved.get(name)) for name in FORM_ORDER],
            "conflict": bool(saved) or form.has_error("__all__", "stale"),
            "crumbs": _crumbs(
                request,
                report.campaign,
                org,
                (
                    _("Progress reports"),
                    reverse("monitoring:progress_reports", args=[report.campaign_id, org.pk]),
                ),
                (str(report), None),
            ),
        },
    )


def _stale_form(
    request: HttpRequest, report: ProgressReport, form: ProgressReportForm, error: ValidationError
) -> tuple[ProgressReportForm, dict[str, str]]:
    """Keep every value typed; show the saved ones beside them. The form now carries the saved
    version, so saving again is a deliberate choice, never silent."""
    current = ProgressReport.objects.get(pk=report.pk)
    data = request.POST.copy()
    data["version"] = str(current.version)
    typed = form.cleaned_data
    form = ProgressReportForm(data, initial=report_initial(current))
    form.is_valid()
    form.add_error(None, ValidationError(error.messages, code="stale"))
    saved = {
        name: getattr(current, name)
        for name in EDITABLE_FIELDS
        if (typed.get(name) or "").strip() != getattr(current, name)
    }
    return form, saved


@login_required
def progress_report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report as a party-layout .docx, or its figures as .xlsx."""
    report = get_object_or_404(progress_reports_visible_to(request.user), pk=pk)
    builders: dict[str, tuple[Any, str]] = {
        "docx": (progress_docx, DOCX_CONTENT_TYPE),
        "xlsx": (progress_xlsx, XLSX_CONTENT_TYPE),
    }
    if fmt not in builders:
        raise Http404
    build, content_type = builders[fmt]
    response = HttpResponse(build(report), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{progress_filename(report, fmt)}"'
    return response
