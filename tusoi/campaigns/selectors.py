"""Reading campaigns. A campaign is seen by those whose view covers its committee, by the
committees below it (it covers their subtree) and by the members of the cells below it; a
guiding document follows the same rule for the committee that issued it."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tusoi.campaigns.models import Campaign, CampaignStatus, GuidingDocument
from tusoi.members.models import Member
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.tree import ancestor_paths


def _issuer_q(user: Any, field_name: str) -> Q:
    """Issuers (a tree path in `field_name`) the user may follow: inside their view, or an
    ancestor of (or equal to) an organisation of their view or of their own cell."""
    scope = scope_for(user)
    if scope.is_global(Action.VIEW):
        return Q()
    query = scope.q(Action.VIEW, field_name)
    above: set[str] = set()
    for path in scope.paths(Action.VIEW):
        above.update([*ancestor_paths(path), path])
    if scope.member_cell_id:
        cell_path = (
            Organization.objects.filter(pk=scope.member_cell_id)
            .values_list("path", flat=True)
            .first()
        )
        if cell_path:
            above.update([*ancestor_paths(cell_path), cell_path])
    if above:
        query |= Q(**{f"{field_name}__in": sorted(above)})
    return query


def campaigns_visible_to(user: Any) -> QuerySet[Campaign]:
    return Campaign.objects.filter(_issuer_q(user, "organization__path")).select_related(
        "organization", "organization__kind"
    )


def campaigns_managed_by(user: Any) -> QuerySet[Campaign]:
    """Campaigns whose issuing committee lies inside the user's EDIT_ORGS scope."""
    query = scope_for(user).q(Action.EDIT_ORGS, "organization__path")
    return Campaign.objects.filter(query).select_related("organization", "organization__kind")


def documents_visible_to(user: Any) -> QuerySet[GuidingDocument]:
    return GuidingDocument.objects.filter(_issuer_q(user, "organization__path")).select_related(
        "organization", "campaign"
    )


def campaign_documents(campaign: Campaign, user: Any) -> QuerySet[GuidingDocument]:
    """The campaign's documents the user may see: its own committee's and lower committees'
    plans inside the user's view or above the user's organisation."""
    return documents_visible_to(user).filter(campaign=campaign).order_by("issued_on", "id")


def campaigns_open_for_member(member: Member) -> QuerySet[Campaign]:
    """Open campaigns issued by the member's cell or a committee above it, with the documents
    of those same committees (one query for the campaigns, one for all their documents)."""
    cell_path = member.cell.path
    paths = [*ancestor_paths(cell_path), cell_path]
    documents = GuidingDocument.objects.filter(organization__path__in=paths).order_by(
        "issued_on", "id"
    )
    return (
        Campaign.objects.filter(status=CampaignStatus.OPEN, organization__path__in=paths)
        .select_related("organization")
        .prefetch_related(Prefetch("documents", queryset=documents, to_attr="member_documents"))
        .order_by("ends_on", "id")
    )
