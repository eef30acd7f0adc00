"""Reading supplementary activities and commendations. An activity is seen with VIEW over the
organisation that ran it; a commendation with VIEW over the committee that gave it or over whom
it commends (a cell's secretary sees the province's commendation of one of their members).
Everything a page or endpoint shows starts from `activities_visible_to` or
`commendations_visible_to`."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from tusoi.activities.models import Activity, ActivityKind, Commendation
from tusoi.campaigns.models import Campaign
from tusoi.members.models import Member, MemberStatus
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.tree import ancestor_paths, successor


def _subtree_q(org: Organization, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": org.path, f"{field_name}__lt": successor(org.path)})


def activity_orgs(user: Any, action: Action = Action.VIEW) -> QuerySet[Organization]:
    """Organisations whose activities and commendations the user reads (VIEW) or records
    (EDIT_MEMBERS: the cell's secretary, committee staff for their subtree). Unlike the tree
    pages, a plain member's own cell is not among them."""
    return Organization.objects.filter(scope_for(user).q(action)).select_related("kind")


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    return Activity.objects.filter(
        scope_for(user).q(Action.VIEW, "organization__path")
    ).select_related("organization", "campaign")


def activities_of_subtree(
    user: Any, org: Organization, *, campaign_id: int | None = None, kind: str = ""
) -> QuerySet[Activity]:
    """The activities of `org` and every organisation under it, newest first, each with its
    number of attachments (one query per page)."""
    qs = activities_visible_to(user).filter(_subtree_q(org, "organization__path"))
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(attachment_count=Count("attachments")).order_by("-on", "-id")


def commendations_visible_to(user: Any) -> QuerySet[Commendation]:
    scope = scope_for(user)
    query = (
        scope.q(Action.VIEW, "organization__path")
        | scope.q(Action.VIEW, "member__cell__path")
        | scope.q(Action.VIEW, "commended_organization__path")
    )
    return Commendation.objects.filter(query).select_related(
        "organization", "campaign", "member__cell", "commended_organization"
    )


def commendations_of_subtree(
    user: Any, org: Organization, *, campaign_id: int | None = None
) -> QuerySet[Commendation]:
    """Commendations of members whose cell lies under `org` and of organisations under it,
    whoever gave them, newest first."""
    qs = commendations_visible_to(user).filter(
        _subtree_q(org, "member__cell__path") | _subtree_q(org, "commended_organization__path")
    )
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    return qs.order_by("-on", "-id")


@dataclass(frozen=True)
class ActivityCounts:
    """Activities per kind (every kind present, zero when none), their total and the people
    who took part."""

    by_kind: dict[str, int] = field(default_factory=dict)
    total: int = 0
    participants: int = 0

    def rows(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) in the kinds' own order."""
        return [(k, str(label), self.by_kind.get(k, 0)) for k, label in ActivityKind.choices]


def activity_counts(campaign: Campaign | None, org: Organization) -> ActivityCounts:
    """Activities of `org`'s subtree for `campaign` (all campaigns when None), counted per kind
    in one SQL query."""
    qs = Activity.objects.filter(_subtree_q(org, "organization__path"))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    rows = qs.values("kind").annotate(n=Count("id"), people=Sum("participants")).order_by("kind")
    by_kind = dict.fromkeys(ActivityKind.values, 0)
    participants = 0
    for row in rows:
        by_kind[row["kind"]] = row["n"]
        participants += row["people"] or 0
    return ActivityCounts(by_kind=by_kind, total=sum(by_kind.values()), participants=participants)


def campaigns_covering(org: Organization) -> QuerySet[Campaign]:
    """Campaigns issued by `org` or a committee above it: those an activity of `org` may be
    part of. Newest first."""
    return (
        Campaign.objects.filter(organization__path__in=[*ancestor_paths(org.path), org.path])
        .select_related("organization")
        .order_by("-starts_on", "-id")
    )


def campaigns_for_filter(org: Organization) -> QuerySet[Campaign]:
    """Campaigns the activities of `org`'s subtree may belong to: those covering `org` and those
    issued inside its subtree."""
    return (
        Campaign.objects.filter(
            Q(organization__path__in=[*ancestor_paths(org.path), org.path])
            | _subtree_q(org, "organization__path")
        )
        .select_related("organization")
        .order_by("-starts_on", "-id")
    )


def commendable_members(org: Organization) -> QuerySet[Member]:
    """Members `org` may commend: present members whose cell lies in its subtree."""
    return (
        Member.objects.filter(_subtree_q(org, "cell__path"), merged_into__isnull=True)
        .exclude(status=MemberStatus.LEFT)
        .select_related("cell")
        .order_by("name_key", "id")
    )


def commendable_organizations(org: Organization) -> QuerySet[Organization]:
    """Organisations `org` may commend: those below it."""
    return (
        Organization.objects.filter(_subtree_q(org, "path"))
        .exclude(pk=org.pk)
        .select_related("kind")
        .order_by("path")
    )
