"""Campaign pages. Reads start from `campaigns_visible_to(user)`, changes from
`campaigns_managed_by(user)` or the organisations the user may edit, so anything outside the
user's scope is a 404."""

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tusoi.campaigns import services
from tusoi.campaigns.forms import (
    CampaignEditForm,
    CampaignForm,
    DocumentForm,
    StatusForm,
)
from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.campaigns.selectors import (
    campaign_documents,
    campaigns_managed_by,
    campaigns_visible_to,
    documents_visible_to,
)
from tusoi.core.forms import apply_service_errors
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.selectors import organization_subtree, organizations_visible_to


def _org_param(request: Any) -> str:
    value = request.GET.get("org") or request.POST.get("org") or ""
    if not value.isdigit():
        raise Http404
    return value


def _editable_org_for(user: Any, campaign: Campaign) -> Organization | None:
    """The highest organisation inside the campaign's subtree the user may edit."""
    editable = organizations_visible_to(user, Action.EDIT_ORGS)
    inside = editable.filter(pk__in=organization_subtree(campaign.organization).values("pk"))
    return inside.order_by("path").first()


@login_required
def campaign_list(request):
    campaigns = campaigns_visible_to(request.user).order_by("-starts_on", "-id")
    status = request.GET.get("status", "")
    if status in CampaignStatus.values:
        campaigns = campaigns.filter(status=status)
    return render(
        request,
        "campaigns/list.html",
        {
            "campaigns": campaigns,
            "status": status,
            "statuses": CampaignStatus.choices,
            "crumbs": [(_("Campaigns"), None)],
        },
    )


@login_required
def create(request):
    org = get_object_or_404(
        organizations_visible_to(request.user, Action.EDIT_ORGS), pk=_org_param(request)
    )
    form = CampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                actor=request.user, organization=org, **form.campaign_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The campaign was created as a draft."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "org": org,
            "title": _("New campaign of %(org)s") % {"org": org.name},
            "crumbs": [
                (org.name, reverse("orgs:detail", args=[org.pk])),
                (_("New campaign"), None),
            ],
        },
    )


@login_required
def detail(request, pk: int):
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    scope = scope_for(request.user)
    can_manage = scope.covers(Action.EDIT_ORGS, campaign.organization.path)
    context = {
        "campaign": campaign,
        "directives": [line for line in campaign.directives.splitlines() if line.strip()],
        "documents": campaign_documents(campaign, request.user),
        "can_manage": can_manage,
        "document_org": _editable_org_for(request.user, campaign),
        "crumbs": [(_("Campaigns"), reverse("campaigns:list")), (campaign.title, None)],
    }
    return render(request, "campaigns/detail.html", context)


@login_required
def edit(request, pk: int):
    campaign = get_object_or_404(campaigns_managed_by(request.user), pk=pk)
    initial = {name: getattr(campaign, name) for name in CampaignForm.base_fields}
    initial["version"] = campaign.version
    form = CampaignEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                actor=request.user,
                campaign=campaign,
                expected_version=form.cleaned_data["version"],
                **form.campaign_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "campaign": campaign,
            "org": campaign.organization,
            "title": _("Edit %(title)s") % {"title": campaign.title},
            "crumbs": [
                (_("Campaigns"), reverse("campaigns:list")),
                (campaign.title, reverse("campaigns:detail", args=[campaign.pk])),
                (_("Edit"), None),
            ],
        },
    )


@login_required
@require_POST
def status(request, pk: int):
    campaign = get_object_or_404(campaigns_managed_by(request.user), pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status change."))
        return redirect("campaigns:detail", pk=campaign.pk)
    action = form.cleaned_data["action"]
    try:
        if action == "open":
            services.campaign_open(actor=request.user, campaign=campaign)
        elif action == "close":
            services.campaign_close(actor=request.user, campaign=campaign)
        elif action == "reopen":
            services.campaign_reopen(
                actor=request.user, campaign=campaign, reason=form.cleaned_data["reason"]
            )
        else:
            services.campaign_archive(actor=request.user, campaign=campaign)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The campaign's status was changed."))
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
def document_add(request, pk: int):
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    editable = organizations_visible_to(request.user, Action.EDIT_ORGS).filter(
        pk__in=organization_subtree(campaign.organization).values("pk")
    )
    org_pk = request.GET.get("org") or request.POST.get("org")
    if org_pk:
        if not str(org_pk).isdigit():
            raise Http404
        org = get_object_or_404(editable, pk=org_pk)
    else:
        org = editable.order_by("path").first()
        if org is None:
            raise Http404
    posted = request.method == "POST"
    form = DocumentForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"issuing_body": org.name},
    )
    if posted and form.is_valid():
        try:
            services.guiding_document_add(
                actor=request.user, campaign=campaign, organization=org, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("The document was attached."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/document_form.html",
        {
            "form": form,
            "campaign": campaign,
            "org": org,
            "crumbs": [
                (_("Campaigns"), reverse("campaigns:list")),
                (campaign.title, reverse("campaigns:detail", args=[campaign.pk])),
                (_("New document"), None),
            ],
        },
    )


@login_required
def document_download(request, pk: int):
    document = get_object_or_404(documents_visible_to(request.user), pk=pk)
    if not document.file:
        raise Http404
    name = document.file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
