"""Reading the organisation tree. Everything a page shows starts from
`organizations_visible_to(user, action)`."""

from typing import Any

from django.db.models import Q, QuerySet

from tusoi.orgs.models import Organization, OrgKind
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.tree import ancestor_paths, successor


def organizations_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Organization]:
    scope = scope_for(user)
    query = scope.q(action)
    if action == Action.VIEW and scope.member_cell_id:
        # A member sees their own cell (its name and where it sits), not its roster.
        query |= Q(pk=scope.member_cell_id)
    return Organization.objects.filter(query).select_related("kind")


def organization_subtree(org: Organization, *, include_self: bool = True) -> QuerySet[Organization]:
    qs = Organization.objects.filter(path__gte=org.path, path__lt=successor(org.path))
    return qs if include_self else qs.exclude(pk=org.pk)


def organization_ancestors(org: Organization) -> QuerySet[Organization]:
    """Every ancestor, root first, in one indexed query."""
    return Organization.objects.filter(path__in=ancestor_paths(org.path)).order_by("path")


def organization_roots_visible_to(user: Any) -> list[Organization]:
    """The top organisations of the user's view: each visible node whose parent is not visible."""
    scope = scope_for(user)
    if scope.is_global(Action.VIEW):
        return list(Organization.objects.filter(parent__isnull=True).select_related("kind"))
    paths = scope.paths(Action.VIEW)
    roots = list(Organization.objects.filter(path__in=paths).select_related("kind"))
    if scope.member_cell_id and not any(o.pk == scope.member_cell_id for o in roots):
        own = Organization.objects.filter(pk=scope.member_cell_id).select_related("kind").first()
        if own and not any(own.path.startswith(p) for p in paths):
            roots.append(own)
    return sorted(roots, key=lambda o: o.name_key)


def cells(qs: QuerySet[Organization] | None = None) -> QuerySet[Organization]:
    return (qs if qs is not None else Organization.objects.all()).filter(kind__is_cell=True)


def org_kinds() -> QuerySet[OrgKind]:
    return OrgKind.objects.all()
