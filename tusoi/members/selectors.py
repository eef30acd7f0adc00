"""Reading the member registry. Everything starts from `members_visible_to(user, action)`."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from tusoi.core.text import fold
from tusoi.members.models import DuplicateDismissal, Member, MembershipPeriod, MemberStatus
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.tree import successor


def members_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Member]:
    scope = scope_for(user)
    query = scope.q(action, "cell__path")
    if action == Action.VIEW and scope.member_id:
        query |= Q(pk=scope.member_id)  # a member always sees their own record
    return Member.objects.filter(query, merged_into__isnull=True).select_related("cell")


def members_counted() -> QuerySet[Member]:
    """Members who count in the tree's head counts: present records, not merged, not gone."""
    return Member.objects.filter(merged_into__isnull=True).exclude(status=MemberStatus.LEFT)


def members_in_subtree(org: Organization) -> QuerySet[Member]:
    return members_counted().filter(cell__path__gte=org.path, cell__path__lt=successor(org.path))


@dataclass(frozen=True)
class ChildRow:
    org: Organization
    member_count: int
    cell_count: int


def children_with_member_counts(org: Organization) -> list[ChildRow]:
    """Children of `org` with member and cell totals of each child's subtree: two SQL groupings
    by path prefix, whatever the number of children."""
    children = list(org.children.select_related("kind").order_by("name_key", "id"))
    if not children:
        return []
    width = len(children[0].path)
    lo, hi = org.path, successor(org.path)
    member_counts = dict(
        members_counted()
        .filter(cell__path__gt=lo, cell__path__lt=hi)
        .annotate(prefix=Substr("cell__path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    cell_counts = dict(
        Organization.objects.filter(path__gt=lo, path__lt=hi, kind__is_cell=True)
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    return [
        ChildRow(
            org=c, member_count=member_counts.get(c.path, 0), cell_count=cell_counts.get(c.path, 0)
        )
        for c in children
    ]


def organizations_with_member_counts(orgs: list[Organization]) -> list[ChildRow]:
    """Member and cell totals of each organisation's subtree, for unrelated organisations (a
    user's roots): two SQL groupings per distinct depth among them, whatever their number."""
    member_counts: dict[str, int] = {}
    cell_counts: dict[str, int] = {}
    for width in sorted({len(o.path) for o in orgs}):
        ranges = Q(pk__in=[])
        cell_ranges = Q(pk__in=[])
        for o in orgs:
            if len(o.path) == width:
                ranges |= Q(cell__path__gte=o.path, cell__path__lt=successor(o.path))
                cell_ranges |= Q(path__gte=o.path, path__lt=successor(o.path))
        member_counts.update(
            members_counted()
            .filter(ranges)
            .annotate(prefix=Substr("cell__path", 1, width))
            .values("prefix")
            .annotate(n=Count("id"))
            .values_list("prefix", "n")
        )
        cell_counts.update(
            Organization.objects.filter(cell_ranges, kind__is_cell=True)
            .annotate(prefix=Substr("path", 1, width))
            .values("prefix")
            .annotate(n=Count("id"))
            .values_list("prefix", "n")
        )
    return [
        ChildRow(
            org=o, member_count=member_counts.get(o.path, 0), cell_count=cell_counts.get(o.path, 0)
        )
        for o in orgs
    ]


def cell_members(cell: Organization) -> QuerySet[Member]:
    """A cell's roster in Vietnamese name order (given name, middle, family)."""
    return (
        Member.objects.filter(cell=cell, merged_into__isnull=True)
        .exclude(status=MemberStatus.LEFT)
        .order_by("name_key", "card_number")
    )


def member_search(user: Any, text: str, *, limit: int = 50) -> QuerySet[Member]:
    """Accent-insensitive search by name, card number or citizen ID within the user's scope."""
    if not fold(text):
        return Member.objects.none()
    return members_matching(members_visible_to(user), text).order_by("name_key", "card_number")[
        :limit
    ]


def members_matching(members: QuerySet[Member], text: str) -> QuerySet[Member]:
    """Narrow `members` to an accent-insensitive name match, the card number or citizen ID."""
    needle = fold(text)
    if not needle:
        return members
    query = Q(search_name__contains=needle) | Q(card_number=text.strip())
    if text.strip().isdigit():
        query |= Q(citizen_id=text.strip())
    return members.filter(query)


def member_history(member: Member) -> QuerySet[MembershipPeriod]:
    return member.periods.select_related("cell", "recorded_by__member").order_by("valid_from", "id")


def periods_as_of(day: datetime.date) -> QuerySet[MembershipPeriod]:
    """The membership period covering `day` for every member registered by then."""
    return MembershipPeriod.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


@dataclass(frozen=True)
class DuplicatePair:
    a: Member
    b: Member


def member_duplicate_pairs(user: Any, *, limit: int = 200) -> list[DuplicatePair]:
    """Likely duplicate people in the user's scope: same folded name and birth date under
    different card numbers, minus pairs a person already dismissed."""
    visible = members_visible_to(user, Action.EDIT_MEMBERS).exclude(status=MemberStatus.LEFT)
    groups = (
        visible.values("search_name", "birth_date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("search_name", "birth_date")[:limit]
    )
    keys = {(g["search_name"], g["birth_date"]) for g in groups}
    if not keys:
        return []
    candidates = list(
        visible.filter(
            search_name__in={k[0] for k in keys}, birth_date__in={k[1] for k in keys}
        ).order_by("id")
    )
    grouped: dict[tuple[str, datetime.date], list[Member]] = defaultdict(list)
    for m in candidates:
        if (m.search_name, m.birth_date) in keys:
            grouped[(m.search_name, m.birth_date)].append(m)
    ids = [m.pk for m in candidates]
    dismissed = set(
        DuplicateDismissal.objects.filter(member_low__in=ids, member_high__in=ids).values_list(
            "member_low_id", "member_high_id"
        )
    )
    pairs = [
        DuplicatePair(a, b)
        for _key, group in sorted(grouped.items())
        for a, b in combinations(group, 2)
        if (a.pk, b.pk) not in dismissed
    ]
    return pairs[:limit]
