"""Keeping the per-cell tallies (`CellTally`) right, and summing them for a dashboard.

Design (issue 6): counters per cell, kept in the same transaction as the change and summed by
tree prefix when read — never counters on every ancestor, which would make the root a hot row.
A change publishes an event (`tusoi.core.events`); the handlers here recompute the affected
cells' rows from the cells' own rows (one small aggregate per cell group), so a tally is always
what a recount of that cell would give.

- Only OPEN campaigns are maintained. A campaign's rows are built in bulk when it opens (or
  reopens: what changed while it was closed is recounted), or on the first dashboard read of an
  open campaign that has none (a campaign opened by a seed or a test, not the service).
  A closed campaign's tallies stay as they were when it closed (its cells included).
- Every cell of an open campaign's tree has a row, also an empty or a new cell
  (`organization_create` publishes it), so a dashboard reads this one table: the cells' `path`
  is copied into it and follows the tree when a subtree moves (`subtree_changed`, which also
  adds rows for cells that moved into a campaign's tree). Rows of cells that moved out stay,
  outside the campaign's path range, and are never read.

Concurrency: a writer locks the cells' rows (SELECT … FOR UPDATE, in cell order) before
recounting, so two writers of one cell run one after the other and the second sees the first's
rows. On PostgreSQL a build takes an exclusive advisory lock per campaign and each writer a
shared one, so no writer slips between a build's count and its commit. SQLite runs one writer
at a time (IMMEDIATE transactions), so the same holds there.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.core import events
from tusoi.meetings.models import Meeting, MeetingStatus
from tusoi.members.models import Member
from tusoi.monitoring.models import COUNTERS, CellTally, TallyState
from tusoi.monitoring.selectors import in_scope_q, path_range_q
from tusoi.orgs.models import Organization
from tusoi.orgs.tree import successor
from tusoi.reports.models import COUNTED_Q, SelfReview

_ADVISORY_CLASS = 6_106  # the advisory lock space of tally builds (PostgreSQL only)

# Where a group of cells is: a filter on a relation to the cell ("cell", "member__cell").
CellFilter = Callable[[str], Q]


def _cells_by_id(cell_ids: Iterable[int]) -> CellFilter:
    ids = sorted(set(cell_ids))
    return lambda rel: Q(**{f"{rel}_id__in": ids})


def _cells_in_range(lo: str, hi: str) -> CellFilter:
    return lambda rel: path_range_q(lo, hi, f"{rel}__path")


def _advisory_lock(campaign_id: int, *, shared: bool) -> None:
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_ADVISORY_CLASS, campaign_id])


def cell_counts(campaign: Campaign, cells: CellFilter) -> dict[int, dict[str, int]]:
    """Each cell's tally values straight from its rows (three grouped queries for any number of
    cells); cells with nothing are left out."""
    out: dict[int, dict[str, int]] = {}

    def row(cell_id: int) -> dict[str, int]:
        return out.setdefault(cell_id, dict.fromkeys(COUNTERS, 0))

    for cell_id, members, leaders in (
        Member.objects.filter(in_scope_q(), cells("cell"))
        .values("cell_id")
        .annotate(n=Count("id"), leaders=Count("id", filter=Q(is_leader=True)))
        .values_list("cell_id", "n", "leaders")
    ):
        row(cell_id).update(members_in_scope=members, leaders_in_scope=leaders)
    for cell_id, reports, leaders in (
        SelfReview.objects.filter(COUNTED_Q, in_scope_q("member__"), cells("member__cell"))
        .filter(campaign=campaign)
        .values("member__cell_id")
        .annotate(n=Count("id"), leaders=Count("id", filter=Q(member__is_leader=True)))
        .values_list("member__cell_id", "n", "leaders")
    ):
        row(cell_id).update(reports_counted=reports, leader_reports_counted=leaders)
    for cell_id, status in (
        Meeting.objects.filter(cells("cell"), campaign=campaign)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("cell_id", "status")
    ):
        row(cell_id).update(meeting_registered=1, meeting_held=int(status == MeetingStatus.HELD))
    return out


@transaction.atomic
def tallies_build(campaign: Campaign, *, rebuild: bool = False) -> bool:
    """Build (or with `rebuild`, rebuild) every row of an open campaign in bulk; False when the
    campaign is not open or its rows were already there."""
    _advisory_lock(campaign.pk, shared=False)
    campaign = Campaign.objects.select_related("organization").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        return False
    if TallyState.objects.filter(campaign=campaign).exists() and not rebuild:
        return False
    CellTally.objects.filter(campaign=campaign).delete()
    lo, hi = campaign.organization.path, successor(campaign.organization.path)
    counts = cell_counts(campaign, _cells_in_range(lo, hi))
    zero = dict.fromkeys(COUNTERS, 0)
    CellTally.objects.bulk_create(
        (
            CellTally(campaign=campaign, cell_id=pk, path=path, **counts.get(pk, zero))
            for pk, path in _cells(path_range_q(lo, hi)).iterator(chunk_size=5000)
        ),
        batch_size=2000,
    )
    TallyState.objects.update_or_create(campaign=campaign, defaults={"built_at": timezone.now()})
    return True


def tallies_ready(campaign: Campaign) -> bool:
    """Whether `campaign` can be read from tallies: built (if open, built now when missing)."""
    if TallyState.objects.filter(campaign_id=campaign.pk).exists():
        return True
    return campaign.status == CampaignStatus.OPEN and tallies_build(campaign)


def _open_campaigns(campaign_id: int | None = None) -> list[Campaign]:
    """Open campaigns (or just `campaign_id` if open), each with `built`: has tallies."""
    qs = (
        Campaign.objects.filter(status=CampaignStatus.OPEN)
        .select_related("organization")
        .annotate(built=Exists(TallyState.objects.filter(campaign=OuterRef("pk"))))
    )
    if campaign_id is not None:
        qs = qs.filter(pk=campaign_id)
    return list(qs)


def _maintained(campaign: Any) -> bool:
    """Whether the campaign's tallies exist and so must follow this change. Not built yet: the
    build will count everything — but on PostgreSQL a build may be counting right now, so wait
    for it (shared lock) and look again."""
    if campaign.built:
        return True
    if connection.vendor != "postgresql":
        return False  # SQLite runs one writer at a time: no build is half done
    _advisory_lock(campaign.pk, shared=True)
    return TallyState.objects.filter(campaign=campaign).exists()


def _cells(where: Q) -> Any:
    """(id, path) of the cells `where` selects, in id order (the order rows are locked in)."""
    return (
        Organization.objects.filter(where, kind__is_cell=True)
        .order_by("pk")
        .values_list("pk", "path")
    )


def _refresh(campaign: Campaign, cells: list[tuple[int, str]], where: CellFilter) -> None:
    """Recount the rows of `cells` ((id, path), which `where` selects) inside the caller's
    transaction."""
    if not cells:
        return
    CellTally.objects.bulk_create(
        [CellTally(campaign=campaign, cell_id=pk, path=path) for pk, path in cells],
        ignore_conflicts=True,
        batch_size=2000,
    )
    # Lock first, count second: a concurrent writer of the same cell waits here, then counts
    # with this transaction's rows committed.
    rows = list(
        CellTally.objects.select_for_update(of=("self",))
        .filter(where("cell"), campaign=campaign)
        .order_by("cell_id")
        .only("pk", "cell_id")
    )
    counts = cell_counts(campaign, where)
    paths = dict(cells)
    zero = dict.fromkeys(COUNTERS, 0)
    for row in rows:
        row.path = paths.get(row.cell_id, row.path)
        for name, value in counts.get(row.cell_id, zero).items():
            setattr(row, name, value)
    CellTally.objects.bulk_update(rows, [*COUNTERS, "path"], batch_size=500)


def on_cells_changed(
    *,
    cell_ids: Iterable[int | None] = (),
    member_ids: Iterable[int] = (),
    campaign_id: int | None = None,
) -> None:
    """The members, reports or meeting of these cells (or of these members' current cells)
    changed, or the cells themselves were created or changed kind: recount their rows in every
    open campaign whose tree holds them (or only in `campaign_id`)."""
    campaigns = _open_campaigns(campaign_id)
    if not campaigns:
        return
    ids = {pk for pk in cell_ids if pk is not None}
    members = list(member_ids)
    if members:
        ids.update(Member.objects.filter(pk__in=members).values_list("cell_id", flat=True))
    if not ids:
        return
    cells = list(_cells(Q(pk__in=ids)))
    if len(cells) < len(ids):
        # An organisation that is no longer a cell has no place in any open campaign's figures.
        gone = ids - {pk for pk, _path in cells}
        CellTally.objects.filter(cell_id__in=gone, campaign__in=[c.pk for c in campaigns]).delete()
    for campaign in campaigns:
        root = campaign.organization.path
        inside = [(pk, path) for pk, path in cells if path.startswith(root)]
        if inside and _maintained(campaign):
            _refresh(campaign, inside, _cells_by_id(pk for pk, _path in inside))


def on_subtree_changed(*, path: str) -> None:
    """Anything under `path` may have changed (a subtree moved there, an import): the rows of
    its cells take their new paths (in every campaign, closed ones too), then every cell under
    it is recounted in each open campaign whose tree holds it (rows added for new cells,
    dropped for organisations that are no longer cells)."""
    lo, hi = path, successor(path)
    moved = CellTally.objects.filter(cell__path__gte=lo, cell__path__lt=hi)
    moved.update(
        path=Subquery(Organization.objects.filter(pk=OuterRef("cell_id")).values("path")[:1])
    )
    # An organisation an import turned into a committee leaves the open campaigns' figures.
    moved.filter(cell__kind__is_cell=False, campaign__status=CampaignStatus.OPEN).delete()
    for campaign in _open_campaigns():
        root = campaign.organization.path
        if (path.startswith(root) or root.startswith(path)) and _maintained(campaign):
            inner = max(path, root)  # the deeper of the two: where the trees overlap
            where = path_range_q(inner, successor(inner))
            _refresh(campaign, list(_cells(where)), _cells_in_range(inner, successor(inner)))


def on_campaign_status_changed(*, campaign_id: int) -> None:
    """Opened or reopened: count everything afresh (what changed while it was closed included).
    Closed: nothing, its tallies stay as they were at closing."""
    tallies_build(Campaign.objects.get(pk=campaign_id), rebuild=True)


def subscribe() -> None:
    """Called from MonitoringConfig.ready()."""
    events.subscribe("cells_changed", on_cells_changed)
    events.subscribe("subtree_changed", on_subtree_changed)
    events.subscribe("campaign_status_changed", on_campaign_status_changed)


def tally_sums(
    campaign: Campaign, org: Organization, children: list[Organization], lo: str, hi: str
) -> list[dict[str, Any]]:
    """One query on the tallies alone: the campaign's cell rows in [lo, hi) summed per child of
    `org` (and on `org` itself when it is a cell), keyed "prefix" by the child's path.

    Each child is a path range of the covering index (campaign, path, counters); grouping by the
    known list of ranges, not by a computed prefix, lets PostgreSQL plan a small hash of a few
    groups over index-only range scans instead of sorting every row."""
    ranges = [(org.path, org.path, org.path + "0")] if lo <= org.path < hi else []
    for child in children:
        start, end = max(child.path, lo), min(successor(child.path), hi)
        if start < end:
            ranges.append((child.path, start, end))
    if not ranges:
        return []
    values = ", ".join(["(%s, %s, %s)"] * len(ranges))
    sums = ", ".join(f"SUM(t.{name})" for name in COUNTERS)
    sql = (
        f"WITH ch(p, lo, hi) AS (VALUES {values})"  # noqa: S608 — names from the model
        f" SELECT ch.p, COUNT(*), {sums} FROM ch JOIN {CellTally._meta.db_table} t"
        " ON t.campaign_id = %s AND t.path >= ch.lo AND t.path < ch.hi GROUP BY ch.p"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(v for r in ranges for v in r), campaign.pk])
        rows = cursor.fetchall()
    names = ("prefix", "cells", *COUNTERS)
    out = []
    for row in rows:
        values_by_name = dict(zip(names, row, strict=True))
        values_by_name["cells_registered"] = values_by_name.pop("meeting_registered")
        values_by_name["cells_held"] = values_by_name.pop("meeting_held")
        out.append(values_by_name)
    return out
