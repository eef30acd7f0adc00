"""Pages for reference lists and report templates. Each starts from a `*_visible_to` selector
so that anything outside the user's scope is simply not found."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tusoi.core.forms import apply_service_errors
from tusoi.orgs.permissions import Action
from tusoi.orgs.selectors import organizations_visible_to
from tusoi.reports.forms import ReferencePasteForm, SectionForm
from tusoi.reports.models import ReferenceList, ReportTemplate
from tusoi.reports.permissions import can_edit_reference_lists, can_edit_templates_of
from tusoi.reports.selectors import (
    campaign_templates,
    campaigns_with_templates_visible_to,
    checklist_items,
    reference_items,
    reference_lists_with_counts,
    template_effective_sections,
    templates_editable_by,
    templates_visible_to,
)
from tusoi.reports.services import (
    campaign_templates_create_defaults,
    reference_list_paste,
    section_override,
    template_derive,
)


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def reference_lists(request):
    return render(request, "reports/reference_lists.html", {"lists": reference_lists_with_counts()})


@login_required
def reference_list(request, pk: int):
    can_edit = can_edit_reference_lists(request.user)
    if request.method == "POST" and not can_edit:
        raise Http404
    ref = get_object_or_404(ReferenceList.objects.all(), pk=pk)
    form = ReferencePasteForm(request.POST or None) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            result = reference_list_paste(
                actor=request.user, reference_list=ref, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(added)d items added, %(updated)d corrected, %(same)d unchanged.")
                % {
                    "added": len(result.added),
                    "updated": len(result.updated),
                    "same": result.unchanged,
                },
            )
            return redirect("reports:reference_list", pk=ref.pk)
    items = list(reference_items(ref))
    context = {"ref": ref, "items": items, "count": len(items), "form": form}
    return render(request, "reports/reference_list.html", context)


@login_required
def templates(request, campaign_pk: int):
    campaign = get_object_or_404(campaigns_with_templates_visible_to(request.user), pk=campaign_pk)
    rows = campaign_templates(request.user, campaign)
    context = {
        "campaign": campaign,
        "templates": rows,
        "can_create_defaults": can_edit_templates_of(request.user, campaign.organization.path)
        and not any(t.organization_id == campaign.organization_id for t in rows),
    }
    return render(request, "reports/templates.html", context)


@login_required
@require_POST
def templates_create_defaults(request, campaign_pk: int):
    """The issuing committee gives a new campaign its default template per audience."""
    campaign = get_object_or_404(campaigns_with_templates_visible_to(request.user), pk=campaign_pk)
    if not can_edit_templates_of(request.user, campaign.organization.path):
        raise Http404
    created = campaign_templates_create_defaults(actor=request.user, campaign=campaign)
    messages.success(
        request,
        ngettext(
            "%(n)d template was created; adapt it to the campaign.",
            "%(n)d templates were created; adapt them to the campaign.",
            len(created),
        )
        % {"n": len(created)},
    )
    return redirect("reports:templates", campaign_pk=campaign.pk)


def _template_context(request, pk: int) -> dict[str, Any]:
    template = get_object_or_404(templates_visible_to(request.user), pk=pk)
    sections = template_effective_sections(template)
    items = checklist_items(sections)
    for section in sections:
        section.items = items.get(section.reference_list_id, [])
    return {"template": template, "sections": sections}


@login_required
def template(request, pk: int):
    context = _template_context(request, pk)
    tpl = context["template"]
    context["can_edit"] = can_edit_templates_of(request.user, tpl.organization.path)
    context["derive_to"] = (
        organizations_visible_to(request.user, Action.EDIT_ORGS)
        .filter(path__startswith=tpl.organization.path)
        .exclude(pk=tpl.organization_id)
        .exclude(
            pk__in=ReportTemplate.objects.filter(
                campaign_id=tpl.campaign_id, audience=tpl.audience
            ).values("organization_id")
        )
        .order_by("path")[:200]
    )
    return render(request, "reports/template.html", context)


@login_required
def template_print(request, pk: int):
    context = _template_context(request, pk)
    context["lines"] = range(8)
    return render(request, "reports/template_print.html", context)


@login_required
@require_POST
def template_derive_view(request, pk: int):
    parent = get_object_or_404(templates_visible_to(request.user), pk=pk)
    org = get_object_or_404(
        organizations_visible_to(request.user, Action.EDIT_ORGS),
        pk=_pk(request.POST.get("org") or request.GET.get("org")),
    )
    try:
        variant = template_derive(actor=request.user, template=parent, organization=org)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:template", pk=parent.pk)
    messages.success(request, _("Your committee's variant was created."))
    return redirect("reports:template", pk=variant.pk)


@login_required
def section_edit(request, pk: int, key: str):
    tpl = get_object_or_404(templates_editable_by(request.user), pk=pk)
    section = next((s for s in template_effective_sections(tpl) if s.key == key), None)
    if section is None:
        raise Http404
    fields = ("heading", "guidance", "required", "min_chars", "max_chars")
    form = SectionForm(
        request.POST or None, initial={name: getattr(section, name) for name in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            section_override(actor=request.user, template=tpl, key=key, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The section was saved."))
            return redirect("reports:template", pk=tpl.pk)
    context = {"template": tpl, "section": section, "form": form}
    return render(request, "reports/section_edit.html", context)
