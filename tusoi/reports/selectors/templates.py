"""Reading reference lists and report templates. Pages start from `templates_visible_to(user)`."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet

from tusoi.campaigns.models import Campaign
from tusoi.members.models import LifeSituation, Member
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.tree import ancestor_paths
from tusoi.reports.models import (
    Audience,
    ReferenceItem,
    ReferenceList,
    ReportTemplate,
    TemplateSection,
)

LIFE_AUDIENCE = {
    LifeSituation.RETIRED: Audience.RETIRED,
    LifeSituation.NON_STATE_WORKER: Audience.NON_STATE_WORKER,
    LifeSituation.FREE_LABOURER: Audience.FREE_LABOURER,
}


def reference_lists_with_counts() -> QuerySet[ReferenceList]:
    return ReferenceList.objects.annotate(item_count=Count("items"))


def reference_items(reference_list: ReferenceList) -> QuerySet[ReferenceItem]:
    return reference_list.items.order_by("position", "id")


def _in_or_above_scope(user: Any, field: str) -> Q:
    """Objects of organisations the user sees, or above them (a template or campaign issued
    from above applies to the user's subtree)."""
    scope = scope_for(user)
    if scope.is_global(Action.VIEW):
        return Q()
    query = scope.q(Action.VIEW, field)
    roots = list(scope.paths(Action.VIEW))
    if scope.member_cell_id:
        cell_path = (
            Organization.objects.filter(pk=scope.member_cell_id)
            .values_list("path", flat=True)
            .first()
        )
        if cell_path:
            roots.append(cell_path)
            query |= Q(**{field: cell_path})
    above = {p for root in roots for p in ancestor_paths(root)}
    if above:
        query |= Q(**{f"{field}__in": sorted(above)})
    return query


def templates_visible_to(user: Any) -> QuerySet[ReportTemplate]:
    return ReportTemplate.objects.filter(
        _in_or_above_scope(user, "organization__path")
    ).select_related("organization", "campaign", "derived_from")


def templates_editable_by(user: Any) -> QuerySet[ReportTemplate]:
    return ReportTemplate.objects.filter(
        scope_for(user).q(Action.EDIT_ORGS, "organization__path")
    ).select_related("organization", "campaign", "derived_from")


def campaigns_with_templates_visible_to(user: Any) -> QuerySet[Campaign]:
    return Campaign.objects.filter(_in_or_above_scope(user, "organization__path"))


def campaign_templates(user: Any, campaign: Campaign) -> QuerySet[ReportTemplate]:
    return (
        templates_visible_to(user)
        .filter(campaign=campaign)
        .annotate(own_sections=Count("sections"))
        .order_by("organization__path", "audience")
    )


def template_chain(template: ReportTemplate) -> list[ReportTemplate]:
    """The template and those it derives from, root first. One query: a variant derives from a
    template of the same campaign and audience on an ancestor organisation."""
    org_path = template.organization.path
    candidates = {
        t.pk: t
        for t in ReportTemplate.objects.filter(
            campaign_id=template.campaign_id,
            audience=template.audience,
            organization__path__in=ancestor_paths(org_path),
        )
    }
    chain = [template]
    current = template
    while current.derived_from_id:
        parent = candidates.get(current.derived_from_id) or ReportTemplate.objects.get(
            pk=current.derived_from_id
        )
        chain.append(parent)
        current = parent
    return list(reversed(chain))


def template_effective_sections(template: ReportTemplate) -> list[TemplateSection]:
    """The parent's sections with this variant's overrides (same key replaces, removed hides)
    and additions, ordered by position. Each section gets `inherited` (not defined here)."""
    chain = template_chain(template)
    rank = {t.pk: i for i, t in enumerate(chain)}
    rows = sorted(
        TemplateSection.objects.filter(template_id__in=rank).select_related("reference_list"),
        key=lambda s: rank[s.template_id],
    )
    effective: dict[str, TemplateSection] = {}
    for section in rows:
        if section.removed:
            effective.pop(section.key, None)
        else:
            effective[section.key] = section
    out = sorted(effective.values(), key=lambda s: (s.position, s.pk))
    for section in out:
        section.inherited = section.template_id != template.pk
    return out


def checklist_items(sections: list[TemplateSection]) -> dict[int, list[ReferenceItem]]:
    """Items of every reference list the sections use, in one query: {list id: [items]}."""
    ids = {s.reference_list_id for s in sections if s.reference_list_id}
    grouped: dict[int, list[ReferenceItem]] = defaultdict(list)
    for item in ReferenceItem.objects.filter(reference_list_id__in=ids).order_by("position"):
        grouped[item.reference_list_id].append(item)
    return grouped


def audience_for(member: Member) -> str:
    if member.is_leader:
        return Audience.LEADER
    return LIFE_AUDIENCE.get(member.life_situation, Audience.MEMBER)


def template_for(member: Member, campaign: Campaign) -> ReportTemplate | None:
    """The template of the deepest organisation on the member's path (cell included) that has
    one for the member's audience; else the same for the ordinary-member audience."""
    audience = audience_for(member)
    cell_path = member.cell.path
    found = list(
        ReportTemplate.objects.filter(
            campaign=campaign,
            organization__path__in=[*ancestor_paths(cell_path), cell_path],
            audience__in={audience, Audience.MEMBER},
        ).select_related("organization")
    )
    for wanted in (audience, Audience.MEMBER):
        matches = [t for t in found if t.audience == wanted]
        if matches:
            return max(matches, key=lambda t: len(t.organization.path))
    return None
