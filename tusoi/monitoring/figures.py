"""The campaign's figures (DOMAIN.md, "Rules that decide the figures") for an organisation and
each of its children.

Two ways to get the same numbers:
- `dashboard(campaign, org)` — now, fast: per-cell tallies (`CellTally`) kept in the writers'
  transactions, summed by tree prefix when read;
- `recount(campaign, org, as_of=...)` — brute force from the rows; with `as_of` it reads the
  history (report state changes, membership periods, phase held dates) as it stood at the end
  of that day. It is the reference the property test compares `dashboard` against, and what
  progress reports with a past cut-off use.

The rules, once:
- cells: organisations whose kind is a cell, inside both the campaign's subtree and `org`;
- in scope: members (not merged away) whose current cell is there and whose status is ACTIVE
  (exempt, temporarily transferred out and departed members are out; transferred-in members
  are ACTIVE in the cell they attend, so they count there); leaders: the same with is_leader;
- a report counts once COUNTED_Q holds (submitted, resubmitted, accepted, or presented at the
  meeting), only for a member in scope, where the member is now;
- a cell is registered when its meeting exists and is not cancelled, held when every phase is.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from tusoi.campaigns.models import Campaign
from tusoi.meetings.models import Meeting, MeetingChange, MeetingPhase, MeetingStatus
from tusoi.members.models import Member, MemberStatus
from tusoi.members.selectors import periods_as_of
from tusoi.monitoring.selectors import campaign_bounds, in_scope_q
from tusoi.monitoring.tallies import tallies_ready, tally_sums
from tusoi.orgs.models import Organization
from tusoi.orgs.tree import SEGMENT_WIDTH
from tusoi.reports.models import COUNTED_Q, COUNTED_STATUSES, ReportStateChange, SelfReview

_ONE_DECIMAL = Decimal("0.1")


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """The three targets' numbers for one organisation's part of a campaign."""

    members_in_scope: int = 0
    reports_counted: int = 0
    leaders_in_scope: int = 0
    leader_reports_counted: int = 0
    cells: int = 0
    cells_registered: int = 0
    cells_held: int = 0

    @property
    def pct_reports(self) -> Decimal | None:
        return _pct(self.reports_counted, self.members_in_scope)

    @property
    def pct_leaders(self) -> Decimal | None:
        return _pct(self.leader_reports_counted, self.leaders_in_scope)

    @property
    def pct_cells(self) -> Decimal | None:
        return _pct(self.cells_held, self.cells)

    @property
    def pct_registered(self) -> Decimal | None:
        return _pct(self.cells_registered, self.cells)

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            members_in_scope=self.members_in_scope + other.members_in_scope,
            reports_counted=self.reports_counted + other.reports_counted,
            leaders_in_scope=self.leaders_in_scope + other.leaders_in_scope,
            leader_reports_counted=self.leader_reports_counted + other.leader_reports_counted,
            cells=self.cells + other.cells,
            cells_registered=self.cells_registered + other.cells_registered,
            cells_held=self.cells_held + other.cells_held,
        )


@dataclass(frozen=True)
class ChildRow:
    """One child of the organisation read, with the figures of its whole subtree."""

    org_id: int
    name: str
    path: str
    kind_name: str
    is_cell: bool
    figures: Figures


FIELDS = (
    "members_in_scope",
    "reports_counted",
    "leaders_in_scope",
    "leader_reports_counted",
    "cells",
    "cells_registered",
    "cells_held",
)


def _children(campaign: Campaign, org: Organization) -> list[Organization]:
    """Children of `org` that reach into the campaign's subtree, in name order."""
    root = campaign.organization.path
    return [
        c
        for c in org.children.select_related("kind").order_by("name_key", "id")
        if c.path.startswith(root) or root.startswith(c.path)
    ]


def _assemble(
    children: list[Organization], by_prefix: dict[str, dict[str, int]]
) -> tuple[Figures, list[ChildRow]]:
    """Turn counts keyed by child prefix (the org's own path for rows directly on it) into the
    org's total and its children's rows."""
    total = dict.fromkeys(FIELDS, 0)
    for counts in by_prefix.values():
        for name, value in counts.items():
            total[name] += value
    rows = [
        ChildRow(
            org_id=c.pk,
            name=c.name,
            path=c.path,
            kind_name=c.kind.name,
            is_cell=c.kind.is_cell,
            figures=Figures(**by_prefix.get(c.path, {})),
        )
        for c in children
    ]
    return Figures(**total), rows


def _merge(target: dict[str, dict[str, int]], rows: Any, names: tuple[str, ...]) -> None:
    for row in rows:
        counts = target.setdefault(row["prefix"], dict.fromkeys(FIELDS, 0))
        for name in names:
            counts[name] += row[name] or 0


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the project's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def recount(
    campaign: Campaign, org: Organization, *, as_of: datetime.date | None = None
) -> tuple[Figures, list[ChildRow]]:
    """The figures of `org` and of each of its children, counted from the rows themselves;
    with `as_of`, as they stood at the end of that day (history, not current values)."""
    bounds = campaign_bounds(campaign, org)
    if bounds is None:
        return Figures(), []
    lo, hi = bounds
    width = len(org.path) + SEGMENT_WIDTH
    by_prefix: dict[str, dict[str, int]] = {}

    cells = (
        Organization.objects.filter(path__gte=lo, path__lt=hi, kind__is_cell=True)
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(cells=Count("id"))
    )
    _merge(by_prefix, cells, ("cells",))

    if as_of is None:
        _recount_now(campaign, lo, hi, width, by_prefix)
    else:
        _recount_as_of(campaign, lo, hi, width, as_of, by_prefix)
    return _assemble(_children(campaign, org), by_prefix)


def _recount_now(
    campaign: Campaign, lo: str, hi: str, width: int, by_prefix: dict[str, dict[str, int]]
) -> None:
    members = (
        Member.objects.filter(in_scope_q(), cell__path__gte=lo, cell__path__lt=hi)
        .annotate(prefix=Substr("cell__path", 1, width))
        .values("prefix")
        .annotate(
            members_in_scope=Count("id"),
            leaders_in_scope=Count("id", filter=Q(is_leader=True)),
        )
    )
    _merge(by_prefix, members, ("members_in_scope", "leaders_in_scope"))
    reports = (
        SelfReview.objects.filter(
            COUNTED_Q,
            in_scope_q("member__"),
            campaign=campaign,
            member__cell__path__gte=lo,
            member__cell__path__lt=hi,
        )
        .annotate(prefix=Substr("member__cell__path", 1, width))
        .values("prefix")
        .annotate(
            reports_counted=Count("id"),
            leader_reports_counted=Count("id", filter=Q(member__is_leader=True)),
        )
    )
    _merge(by_prefix, reports, ("reports_counted", "leader_reports_counted"))
    meetings = (
        Meeting.objects.filter(campaign=campaign, cell__path__gte=lo, cell__path__lt=hi)
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(prefix=Substr("cell__path", 1, width))
        .values("prefix")
        .annotate(
            cells_registered=Count("id"),
            cells_held=Count("id", filter=Q(status=MeetingStatus.HELD)),
        )
    )
    _merge(by_prefix, meetings, ("cells_registered", "cells_held"))


def _recount_as_of(
    campaign: Campaign,
    lo: str,
    hi: str,
    width: int,
    day: datetime.date,
    by_prefix: dict[str, dict[str, int]],
) -> None:
    cutoff = end_of_day(day)
    # Where each member was and in which status at the end of `day` (dated periods).
    periods = periods_as_of(day).filter(
        status=MemberStatus.ACTIVE,
        member__merged_into__isnull=True,
        cell__path__gte=lo,
        cell__path__lt=hi,
    )
    last_state = Subquery(
        ReportStateChange.objects.filter(
            report__campaign=campaign, report__member=OuterRef("member"), at__lt=cutoff
        )
        .order_by("-at", "-id")
        .values("status")[:1]
    )
    presented = Exists(
        SelfReview.objects.filter(
            campaign=campaign, member=OuterRef("member"), presented_at__lt=cutoff
        )
    )
    counted = Q(last_state__in=COUNTED_STATUSES) | Q(presented=True)
    rows = (
        periods.annotate(
            prefix=Substr("cell__path", 1, width), last_state=last_state, presented=presented
        )
        .values("prefix")
        .annotate(
            members_in_scope=Count("id"),
            leaders_in_scope=Count("id", filter=Q(member__is_leader=True)),
            reports_counted=Count("id", filter=counted),
            leader_reports_counted=Count("id", filter=counted & Q(member__is_leader=True)),
        )
    )
    _merge(
        by_prefix,
        rows,
        ("members_in_scope", "leaders_in_scope", "reports_counted", "leader_reports_counted"),
    )

    # Meetings registered by then, minus those cancelled as of then (MeetingChange history).
    not_held = MeetingPhase.objects.filter(meeting=OuterRef("pk")).filter(
        Q(held=False) | Q(held_on__isnull=True) | Q(held_on__gt=day)
    )
    meetings = {
        pk: (prefix, held)
        for pk, prefix, held in Meeting.objects.filter(
            campaign=campaign, cell__path__gte=lo, cell__path__lt=hi, created_at__lt=cutoff
        )
        .annotate(
            prefix=Substr("cell__path", 1, width),
            # Held by then: it has phases and every one was held on or before `day`.
            held_by_then=Exists(MeetingPhase.objects.filter(meeting=OuterRef("pk")))
            & ~Exists(not_held),
        )
        .values_list("pk", "prefix", "held_by_then")
    }
    status_then: dict[int, str] = {}
    for meeting_id, changes in (
        MeetingChange.objects.filter(
            meeting_id__in=list(meetings), at__lt=cutoff, changes__has_key="status"
        )
        .order_by("at", "id")
        .values_list("meeting_id", "changes")
    ):
        status_then[meeting_id] = changes["status"][1]
    counts: dict[str, dict[str, int]] = defaultdict(
        lambda: {"cells_registered": 0, "cells_held": 0}
    )
    for pk, (prefix, held) in meetings.items():
        if status_then.get(pk) == MeetingStatus.CANCELLED:
            continue
        counts[prefix]["cells_registered"] += 1
        if held:
            counts[prefix]["cells_held"] += 1
    _merge(
        by_prefix,
        ({"prefix": p, **c} for p, c in counts.items()),
        ("cells_registered", "cells_held"),
    )


def dashboard(campaign: Campaign, org: Organization) -> tuple[Figures, list[ChildRow]]:
    """The figures now, from the per-cell tallies summed by tree prefix: three queries whatever
    the size of the subtree. A campaign that is not open and was never built (a draft) is
    recounted; a closed campaign shows its tallies as they were when it closed."""
    bounds = campaign_bounds(campaign, org)
    if bounds is None:
        return Figures(), []
    if not tallies_ready(campaign):
        return recount(campaign, org)
    lo, hi = bounds
    children = _children(campaign, org)
    by_prefix: dict[str, dict[str, int]] = {}
    _merge(by_prefix, tally_sums(campaign, org, children, lo, hi), FIELDS)
    return _assemble(children, by_prefix)
