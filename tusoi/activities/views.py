"""Supplementary activities and commendations of an organisation's subtree. Reading needs VIEW
over the organisation, recording EDIT_MEMBERS (the cell's secretary, committee staff); every
page starts from `activity_orgs`, `activities_visible_to` or `commendations_visible_to`, so
anything outside the user's scope is a 404."""

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tusoi.activities import services
from tusoi.activities.forms import ActivityForm, AttachForm, CommendationForm
from tusoi.activities.models import ActivityKind, CommendationLevel
from tusoi.activities.selectors import (
    activities_of_subtree,
    activities_visible_to,
    activity_counts,
    activity_orgs,
    campaigns_covering,
    campaigns_for_filter,
    commendable_members,
    commendable_organizations,
    commendations_of_subtree,
)
from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.core.forms import apply_service_errors
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.views import org_breadcrumbs

PAGE_SIZE = 25


def _org(request: Any, org_pk: int, action: Action = Action.VIEW) -> Organization:
    return get_object_or_404(activity_orgs(request.user, action), pk=org_pk)


def _can_write(request: Any, org: Organization) -> bool:
    return scope_for(request.user).covers(Action.EDIT_MEMBERS, org.path)


def _campaign_filter(request: Any, org: Organization) -> tuple[list[Campaign], Campaign | None]:
    campaigns = list(campaigns_for_filter(org))
    value = request.GET.get("campaign", "")
    chosen = next((c for c in campaigns if str(c.pk) == value), None)
    return campaigns, chosen


def _page(request: Any, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: Any) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _open_campaign(campaigns: Any) -> Campaign | None:
    """The form's suggestion: the open campaign that ends first."""
    return campaigns.filter(status=CampaignStatus.OPEN).order_by("ends_on", "id").first()


@login_required
def activity_list(request, org_pk: int):
    org = _org(request, org_pk)
    campaigns, campaign = _campaign_filter(request, org)
    kind = request.GET.get("kind", "")
    if kind not in ActivityKind.values:
        kind = ""
    activities = activities_of_subtree(
        request.user, org, campaign_id=campaign.pk if campaign else None, kind=kind
    )
    return render(
        request,
        "activities/list.html",
        {
            "org": org,
            "page": _page(request, activities),
            "query": _query_without_page(request),
            "campaigns": campaigns,
            "campaign": campaign,
            "kind": kind,
            "kinds": ActivityKind.choices,
            "counts": activity_counts(campaign, org) if campaign else None,
            "can_write": _can_write(request, org),
            "crumbs": [*org_breadcrumbs(request.user, org), (_("Supplementary activities"), None)],
        },
    )


@login_required
def activity_create(request, org_pk: int):
    org = _org(request, org_pk, Action.EDIT_MEMBERS)
    campaigns = campaigns_covering(org)
    posted = request.method == "POST"
    suggested = _open_campaign(campaigns)
    form = ActivityForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        campaigns=campaigns,
        initial={"campaign": suggested.pk if suggested else None},
    )
    if posted and form.is_valid():
        try:
            activity = services.activity_create(
                actor=request.user, organization=org, **form.activity_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("The activity was recorded."))
            return redirect("activities:detail", pk=activity.pk)
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
            "org": org,
            "files_lost": posted and bool(request.FILES),
            "crumbs": [
                *org_breadcrumbs(request.user, org),
                (_("Supplementary activities"), reverse("activities:list", args=[org.pk])),
                (_("New activity"), None),
            ],
        },
    )


@login_required
def activity_detail(request, pk: int):
    """The activity and its attachments; those who record may attach more (POST)."""
    activity = get_object_or_404(activities_visible_to(request.user), pk=pk)
    org = activity.organization
    can_write = _can_write(request, org)
    form = AttachForm()
    if request.method == "POST":
        if not can_write:
            raise Http404
        form = AttachForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.activity_attach(
                    actor=request.user, activity=activity, files=form.cleaned_data["files"]
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The files were attached."))
                return redirect("activities:detail", pk=activity.pk)
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "org": org,
            "attachments": list(activity.attachments.all()),
            "can_write": can_write,
            "form": form,
            "crumbs": [
                *org_breadcrumbs(request.user, org),
                (_("Supplementary activities"), reverse("activities:list", args=[org.pk])),
                (activity.title, None),
            ],
        },
    )


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    activity = get_object_or_404(activities_visible_to(request.user), pk=pk)
    attachment = get_object_or_404(activity.attachments.all(), pk=attachment_pk)
    content_type = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=content_type,
    )


@login_required
def commendation_list(request, org_pk: int):
    org = _org(request, org_pk)
    campaigns, campaign = _campaign_filter(request, org)
    commendations = commendations_of_subtree(
        request.user, org, campaign_id=campaign.pk if campaign else None
    )
    return render(
        request,
        "activities/commendation_list.html",
        {
            "org": org,
            "page": _page(request, commendations),
            "query": _query_without_page(request),
            "campaigns": campaigns,
            "campaign": campaign,
            "can_write": _can_write(request, org),
            "crumbs": [*org_breadcrumbs(request.user, org), (_("Commendations"), None)],
        },
    )


def _subject(form: CommendationForm, org: Organization) -> dict[str, Any] | None:
    """The commended member or organisation named on the form, looked up under `org`; None
    (with the error on the form) when there is none such."""
    data = form.cleaned_data
    if data["subject"] == "member":
        card = data["member"].strip()
        member = commendable_members(org).filter(card_number=card).first()
        if member is None:
            form.add_error(
                "member",
                _("No member with party card number %(card)s belongs to %(org)s.")
                % {"card": card, "org": org.name},
            )
            return None
        return {"member": member}
    code = data["commended_organization"].strip()
    commended = commendable_organizations(org).filter(code=code).first()
    if commended is None:
        form.add_error(
            "commended_organization",
            _("No organisation with code %(code)s lies under %(org)s.")
            % {"code": code, "org": org.name},
        )
        return None
    return {"commended_organization": commended}


@login_required
def commendation_create(request, org_pk: int):
    org = _org(request, org_pk, Action.EDIT_MEMBERS)
    campaigns = campaigns_covering(org)
    suggested = _open_campaign(campaigns)
    form = CommendationForm(
        request.POST if request.method == "POST" else None,
        campaigns=campaigns,
        members=commendable_members(org),
        organizations=commendable_organizations(org),
        initial={
            "campaign": suggested.pk if suggested else None,
            "member": request.GET.get("member", ""),
            # A cell commends at its own level; a committee chooses (levels are data).
            "level": CommendationLevel.CELL if org.is_cell else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        subject = _subject(form, org)
        if subject is not None:
            try:
                services.commendation_create(
                    actor=request.user,
                    organization=org,
                    level=form.cleaned_data["level"],
                    reason=form.cleaned_data["reason"],
                    on=form.cleaned_data["on"],
                    campaign=form.cleaned_data["campaign"],
                    **subject,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as error:
                raise Http404 from error
            else:
                messages.success(request, _("The commendation was recorded."))
                return redirect("activities:commendations", org_pk=org.pk)
    return render(
        request,
        "activities/commendation_form.html",
        {
            "form": form,
            "org": org,
            "crumbs": [
                *org_breadcrumbs(request.user, org),
                (_("Commendations"), reverse("activities:commendations", args=[org.pk])),
                (_("New commendation"), None),
            ],
        },
    )
