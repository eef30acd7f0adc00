"""The registration side of the thematic meeting: the committee's overview (counts and lists of
cells not registered, registered, overdue, held) and calendar, the cell secretary's
registration and change pages, a meeting's page with its history and supervisors' notes, and a
supervisor's assignments. Every page starts from a scoped selector; out of scope is 404."""

import datetime
import itertools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tusoi.campaigns.models import Campaign
from tusoi.campaigns.selectors import campaigns_visible_to
from tusoi.core.forms import apply_service_errors
from tusoi.meetings.forms import (
    RELAYOUT,
    CancelForm,
    MeetingForm,
    PhaseForm,
    VisitNoteForm,
    month_from,
    phase_count_from,
    phase_forms,
    phase_initial,
)
from tusoi.meetings.models import Meeting, MeetingStatus
from tusoi.meetings.selectors.registration import (
    CellState,
    assigned_supervisors,
    calendar_phases,
    campaign_cell_states,
    campaign_covers,
    can_manage,
    can_read_record,
    cell_meeting,
    cell_members_in_scope,
    cell_state_label,
    cells_registrable_by,
    default_overview_org,
    meeting_changes,
    meeting_state,
    meeting_with_phases,
    meetings_recordable_by,
    meetings_visible_to,
    month_bounds,
    org_children_in_campaign,
    orgs_for_overview,
    supervises,
    visit_notes,
)
from tusoi.meetings.selectors.registration import (
    my_assignments as my_assignments_list,
)
from tusoi.meetings.services.registration import (
    meeting_cancel,
    meeting_change,
    meeting_register,
    visit_note_add,
)
from tusoi.members.services import StaleEdit
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for

ASSIGNMENTS_PAGE_SIZE = 25


def _campaign(request: HttpRequest, campaign_pk: int) -> Campaign:
    return get_object_or_404(campaigns_visible_to(request.user), pk=campaign_pk)


def _org(request: HttpRequest, campaign: Campaign) -> Organization:
    """`?org=<pk>` among the organisations the user follows (meeting the campaign's subtree),
    else the user's top one."""
    raw = request.GET.get("org")
    if raw:
        try:
            pk = int(raw)
        except ValueError:
            raise Http404 from None
        org = get_object_or_404(orgs_for_overview(request.user), pk=pk)
        root = campaign.organization.path
        if not (org.path.startswith(root) or root.startswith(org.path)):
            raise Http404
        return org
    org = default_overview_org(request.user, campaign)
    if org is None:
        raise Http404
    return org


def _crumbs(campaign: Campaign, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Campaigns"), reverse("campaigns:list")),
        (campaign.title, reverse("campaigns:detail", args=[campaign.pk])),
        *tail,
    ]


def _parent_link(request: HttpRequest, campaign: Campaign, org: Organization) -> Any:
    """The parent organisation, when the user follows it and it still meets the campaign."""
    if org.parent_id is None or org.path == campaign.organization.path:
        return None
    if not org.path.startswith(campaign.organization.path):
        return None
    if not scope_for(request.user).covers(Action.VIEW, org.path[: -len(org.segment)]):
        return None
    return org.parent


# The committee's overview and calendar --------------------------------------------------------


@login_required
def overview(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    org = _org(request, campaign)
    pages: dict[str, int] = {}
    for state in CellState.ORDER:
        try:
            pages[state] = int(request.GET.get(f"p_{state}", 1))
        except ValueError:
            pages[state] = 1
    states = campaign_cell_states(campaign, org, request.user, pages=pages)
    scope = scope_for(request.user)
    for state_list in states.ordered():
        for cell in state_list.cells:
            cell.can_register = scope.covers(Action.MANAGE_MEETINGS, cell.path)
    context = {
        "campaign": campaign,
        "org": org,
        "states": states,
        "children": list(org_children_in_campaign(campaign, org)),
        "parent": _parent_link(request, campaign, org),
        "today": timezone.localdate(),
        "crumbs": _crumbs(campaign, (_("Thematic meetings"), None)),
    }
    return render(request, "meetings/overview.html", context)


@login_required
def calendar(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    org = _org(request, campaign)
    today = timezone.localdate()
    month = month_from(request.GET.get("month"))
    if month is None:
        start = today if campaign.starts_on <= today <= campaign.ends_on else campaign.starts_on
        month = start.replace(day=1)
    first, following = month_bounds(month)
    phases = list(calendar_phases(campaign, org, month))
    for phase in phases:
        phase.overdue = not phase.held and phase.on < today
    days = [(day, list(rows)) for day, rows in itertools.groupby(phases, key=lambda p: p.on)]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    context = {
        "campaign": campaign,
        "org": org,
        "month": first,
        "days": days,
        "previous": previous,
        "following": following,
        "today": today,
        "crumbs": _crumbs(
            campaign,
            (
                _("Thematic meetings"),
                f"{reverse('meetings:overview', args=[campaign.pk])}?org={org.pk}",
            ),
            (_("Calendar"), None),
        ),
    }
    return render(request, "meetings/calendar.html", context)


# Registering and changing ---------------------------------------------------------------------


def _member_choices(cell: Organization) -> list[tuple[int, str]]:
    return [(m.pk, m.full_name) for m in cell_members_in_scope(cell).only("pk", "full_name")]


def _phases_valid(phases: list[PhaseForm]) -> bool:
    return all([p.is_valid() for p in phases])  # every form checked, so each shows its errors


def _refusal(error: ValidationError) -> list[str]:
    return list(error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, campaign_pk: int, org_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    cell = get_object_or_404(cells_registrable_by(request.user), pk=org_pk)
    if not campaign_covers(campaign, cell.path):
        raise Http404
    existing = cell_meeting(campaign, cell)
    if existing is not None and existing.status != MeetingStatus.CANCELLED:
        messages.info(request, _("This cell has already registered its meeting."))
        return redirect("meetings:detail", pk=existing.pk)
    posted = request.method == "POST"
    data = request.POST if posted else None
    count = phase_count_from(request.POST if posted else request.GET, 1)
    form = MeetingForm(data, initial={"phase_count": count})
    choices = _member_choices(cell)
    phases = phase_forms(data, count, choices)
    refusal: list[str] = []
    if posted and RELAYOUT not in request.POST and form.is_valid() and _phases_valid(phases):
        try:
            meeting = meeting_register(
                actor=request.user,
                campaign=campaign,
                cell=cell,
                phases=[p.phase_input() for p in phases],
            )
        except ValidationError as error:
            refusal = _refusal(error)
        else:
            messages.success(request, _("The meeting was registered with the committee."))
            return redirect("meetings:detail", pk=meeting.pk)
    context = {
        "campaign": campaign,
        "cell": cell,
        "form": form,
        "phases": phases,
        "phased": count > 1,
        "refusal": refusal,
        "member_count": len(choices),
        "crumbs": _crumbs(campaign, (cell.name, None), (_("Register the meeting"), None)),
    }
    return render(request, "meetings/register.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(meeting_with_phases(meetings_recordable_by(request.user)), pk=pk)
    if meeting.status != MeetingStatus.REGISTERED:
        messages.info(request, _("Only a registered meeting can be changed."))
        return redirect("meetings:detail", pk=meeting.pk)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        return _cancel(request, meeting)
    stored = list(meeting.phases.all())
    posted = request.method == "POST"
    data = request.POST if posted else None
    count = phase_count_from(request.POST if posted else request.GET, len(stored))
    form = MeetingForm(data, initial={"phase_count": count, "version": meeting.version})
    choices = _member_choices(meeting.cell)
    phases = phase_forms(data, count, choices, initial=phase_initial(stored))
    refusal: list[str] = []
    if posted and RELAYOUT not in request.POST and form.is_valid() and _phases_valid(phases):
        version = form.cleaned_data.get("version")
        try:
            meeting_change(
                actor=request.user,
                meeting=meeting,
                base_version=version if version is not None else -1,
                phases=[p.phase_input() for p in phases],
                reason=form.cleaned_data.get("reason", ""),
            )
        except StaleEdit as error:
            refusal = _refusal(error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes to the meeting were saved."))
            return redirect("meetings:detail", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "campaign": meeting.campaign,
        "cell": meeting.cell,
        "form": form,
        "phases": phases,
        "phased": count > 1,
        "refusal": refusal,
        "member_count": len(choices),
        "cancel_form": CancelForm(initial={"version": meeting.version}),
        "crumbs": _crumbs(
            meeting.campaign,
            (meeting.cell.name, reverse("meetings:detail", args=[meeting.pk])),
            (_("Change the meeting"), None),
        ),
    }
    return render(request, "meetings/change.html", context)


def _cancel(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("meetings:change", pk=meeting.pk)
    try:
        meeting_cancel(
            actor=request.user,
            meeting=meeting,
            base_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("meetings:change", pk=meeting.pk)
    messages.success(request, _("The meeting was cancelled."))
    return redirect("meetings:detail", pk=meeting.pk)


# A meeting's page and supervisors' notes ------------------------------------------------------


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(meeting_with_phases(meetings_visible_to(request.user)), pk=pk)
    user = request.user
    manager = can_manage(user, meeting.cell)
    state = meeting_state(meeting)
    context = {
        "meeting": meeting,
        "campaign": meeting.campaign,
        "cell": meeting.cell,
        "state": state,
        "state_label": cell_state_label(state),
        "phases": list(meeting.phases.all()),
        "changes": meeting_changes(meeting),
        "supervisors": list(assigned_supervisors(meeting)),
        "notes": list(visit_notes(meeting)),
        "can_change": manager and meeting.status == MeetingStatus.REGISTERED,
        "can_register_again": manager and meeting.status == MeetingStatus.CANCELLED,
        "can_record": manager or can_read_record(user, meeting.cell),
        "can_note": supervises(user, meeting.cell),
        "note_form": VisitNoteForm(),
        "crumbs": _crumbs(
            meeting.campaign,
            (
                _("Thematic meetings"),
                f"{reverse('meetings:overview', args=[meeting.campaign_id])}?org={meeting.cell_id}",
            ),
            (meeting.cell.name, None),
        ),
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def visit_note(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(meetings_visible_to(request.user), pk=pk)
    form = VisitNoteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("meetings:detail", pk=meeting.pk)
    try:
        visit_note_add(
            actor=request.user,
            meeting=meeting,
            attended=form.cleaned_data["attended"],
            text=form.cleaned_data["text"],
        )
    except (ValidationError, PermissionDenied) as error:
        texts = error.messages if isinstance(error, ValidationError) else [str(error)]
        for text in texts:
            messages.error(request, text)
    else:
        messages.success(request, _("Your note was saved."))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
def my_assignments(request: HttpRequest) -> HttpResponse:
    """The meetings of the cells a supervisor was assigned to, the coming ones first."""
    today = timezone.localdate()
    page = Paginator(my_assignments_list(request.user, today), ASSIGNMENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for meeting in page.object_list:
        if meeting.status == MeetingStatus.HELD:
            meeting.state = CellState.HELD
        elif meeting.late_on is not None:
            meeting.state = CellState.OVERDUE
        else:
            meeting.state = CellState.REGISTERED
        meeting.state_label = cell_state_label(meeting.state)
    context = {
        "page": page,
        "today": today,
        "crumbs": [(_("My supervision assignments"), None)],
    }
    return render(request, "meetings/my_assignments.html", context)
