"""Organisations over the JSON API, read-only, always starting from organizations_visible_to."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from tusoi.api import ERRORS, Pagination
from tusoi.core.text import clean_text
from tusoi.members.selectors import children_with_member_counts
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.selectors import organizations_visible_to

router = Router()


class KindOut(Schema):
    code: str
    name: str
    is_cell: bool


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: KindOut
    parent_id: int | None
    depth: int


class ChildOut(OrgOut):
    member_count: int
    cell_count: int


@router.get(
    "",
    response={200: list[OrgOut], **ERRORS},
    url_name="orgs_list",
    summary="Organisations visible to the caller",
)
@paginate(Pagination)
def orgs_list(
    request, parent: int | None = None, kind: str | None = None, q: str | None = None
) -> QuerySet[Organization]:
    """Filter by parent id, kind code, or text in the name (or the exact code); tree order."""
    orgs = organizations_visible_to(request.auth)
    if parent is not None:
        orgs = orgs.filter(parent_id=parent)
    if kind:
        orgs = orgs.filter(kind__code=kind)
    if text := clean_text(q):
        orgs = orgs.filter(Q(name__icontains=text) | Q(code__iexact=text))
    return orgs.order_by("path")


@router.get("/{id}", response={200: OrgOut, **ERRORS}, url_name="orgs_detail")
def orgs_detail(request, id: int) -> Organization:  # noqa: A002 - the path parameter's name
    return get_object_or_404(organizations_visible_to(request.auth), pk=id)


@router.get(
    "/{id}/children",
    response={200: list[ChildOut], **ERRORS},
    url_name="orgs_children",
    summary="Children with member and cell totals of each child's subtree",
)
def orgs_children(request, id: int) -> list[ChildOut]:  # noqa: A002
    org = get_object_or_404(organizations_visible_to(request.auth), pk=id)
    scope = scope_for(request.auth)
    return [
        ChildOut(
            **OrgOut.from_orm(row.org).dict(),
            member_count=row.member_count,
            cell_count=row.cell_count,
        )
        for row in children_with_member_counts(org)
        # A member sees their own cell by name only, never what lies beneath it.
        if scope.covers(Action.VIEW, row.org.path)
    ]
