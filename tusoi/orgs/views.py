"""Organisation pages: the tree browser, an organisation's page (children with head counts, a
cell's roster) and the forms that change the tree. Each view starts from
`organizations_visible_to(user, action)`, so anything outside the user's scope is a 404."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tusoi.core.forms import apply_service_errors
from tusoi.members.models import MemberStatus
from tusoi.members.selectors import (
    cell_members,
    children_with_member_counts,
    organizations_with_member_counts,
)
from tusoi.orgs import services
from tusoi.orgs.forms import MoveForm, OrganizationForm
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.selectors import (
    org_kinds,
    organization_ancestors,
    organization_roots_visible_to,
    organizations_visible_to,
)

# Members who are not counted in the 100% targets are listed apart from the roster.
APART = {MemberStatus.EXEMPT, MemberStatus.TRANSFERRED_OUT}
ORG_ACTIONS = (
    Action.EDIT_ORGS,
    Action.EDIT_MEMBERS,
    Action.MANAGE_ACCOUNTS,
    Action.GRANT_ROLES,
    Action.VIEW_AUDIT,
)


def org_breadcrumbs(user: Any, org: Organization, *, link_self: bool = True) -> list[tuple]:
    """(label, url or None) from the root down to `org`; an ancestor outside the user's view is
    named but not linked."""
    scope = scope_for(user)
    crumbs: list[tuple] = [
        (a.name, reverse("orgs:detail", args=[a.pk]) if scope.covers(Action.VIEW, a.path) else None)
        for a in organization_ancestors(org)
    ]
    crumbs.append((org.name, reverse("orgs:detail", args=[org.pk]) if link_self else None))
    return crumbs


def _can(user: Any, org: Organization) -> dict[str, bool]:
    scope = scope_for(user)
    return {str(action): scope.covers(action, org.path) for action in ORG_ACTIONS}


@login_required
def tree(request):
    scope = scope_for(request.user)
    roots = organization_roots_visible_to(request.user)
    counted = organizations_with_member_counts(
        [o for o in roots if scope.covers(Action.VIEW, o.path)]
    )
    counts = {row.org.pk: row for row in counted}
    rows = [(org, counts.get(org.pk)) for org in roots]
    return render(request, "orgs/tree.html", {"rows": rows})


@login_required
def children(request, pk: int):
    org = get_object_or_404(organizations_visible_to(request.user), pk=pk)
    can_view = scope_for(request.user).covers(Action.VIEW, org.path)
    context = {
        "org": org,
        "children": children_with_member_counts(org) if can_view else [],
    }
    if request.htmx:
        return render(request, "orgs/_children.html", context)
    context["crumbs"] = [*org_breadcrumbs(request.user, org), (_("Sub-organisations"), None)]
    return render(request, "orgs/children.html", context)


@login_required
def detail(request, pk: int):
    org = get_object_or_404(organizations_visible_to(request.user), pk=pk)
    # A plain member sees their own cell's name, never its roster or figures.
    can_view = scope_for(request.user).covers(Action.VIEW, org.path)
    roster, apart = [], []
    if can_view and org.is_cell:
        for member in cell_members(org):
            (apart if member.status in APART else roster).append(member)
    context = {
        "org": org,
        "crumbs": org_breadcrumbs(request.user, org, link_self=False),
        "can_view": can_view,
        "can": _can(request.user, org),
        "children": children_with_member_counts(org) if can_view else [],
        "roster": roster,
        "apart": apart,
    }
    return render(request, "orgs/detail.html", context)


@login_required
def create_child(request, pk: int):
    parent = get_object_or_404(organizations_visible_to(request.user, Action.EDIT_ORGS), pk=pk)
    # Offer the level below the parent's first; levels are data, so it is only a suggestion.
    below = org_kinds().filter(sort_order__gt=parent.kind.sort_order).first()
    form = OrganizationForm(request.POST or None, initial={"kind": below})
    if request.method == "POST" and form.is_valid():
        try:
            child = services.organization_create(
                actor=request.user, parent=parent, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": child.name})
            return redirect("orgs:detail", pk=child.pk)
    return render(
        request,
        "orgs/form.html",
        {
            "org": parent,
            "form": form,
            "title": _("New organisation under %(parent)s") % {"parent": parent.name},
            "submit": _("Create"),
            "crumbs": [*org_breadcrumbs(request.user, parent), (_("New organisation"), None)],
        },
    )


@login_required
def edit(request, pk: int):
    org = get_object_or_404(organizations_visible_to(request.user, Action.EDIT_ORGS), pk=pk)
    initial = {"code": org.code, "name": org.name, "kind": org.kind}
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/form.html",
        {
            "org": org,
            "form": form,
            "title": _("Edit %(name)s") % {"name": org.name},
            "submit": _("Save"),
            "crumbs": [*org_breadcrumbs(request.user, org), (_("Edit"), None)],
        },
    )


@login_required
def move(request, pk: int):
    editable = organizations_visible_to(request.user, Action.EDIT_ORGS)
    org = get_object_or_404(editable, pk=pk)
    form = MoveForm(request.POST or None, allowed=editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_move(
                actor=request.user, org=org, new_parent=form.cleaned_data["parent"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s now sits under %(parent)s.")
                % {"name": org.name, "parent": form.cleaned_data["parent"].name},
            )
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/move.html",
        {
            "org": org,
            "form": form,
            "crumbs": [*org_breadcrumbs(request.user, org), (_("Move"), None)],
        },
    )
