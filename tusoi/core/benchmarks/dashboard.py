"""`tusoi bench dashboard --scale province|national [--reuse]`: the monitoring dashboard's
figures read from the per-cell tallies, against a brute-force recount from the rows.

The tree and the members come from `tusoi seed` (resumable; reused when complete). On top, one
open campaign of the root with reports, state changes and meetings in realistic states, written
with INSERT … SELECT straight from the members and cells (seconds, even nationally), then the
tallies built in bulk. `--reuse` keeps a bench campaign already there; without it the campaign's
reports and meetings are written afresh.

Each figure is the median of several calls of the function itself (no page or query cache in
between), on the database in DATABASE_URL.
"""

import datetime
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.core.bulk import db_now
from tusoi.core.seeding.generator import SCALES
from tusoi.core.seeding.runner import seed_run
from tusoi.meetings.models import Meeting, MeetingPhase
from tusoi.members.models import Member
from tusoi.monitoring.figures import dashboard, recount
from tusoi.monitoring.models import CellTally, TallyState
from tusoi.monitoring.tallies import tallies_build
from tusoi.orgs.models import Organization
from tusoi.orgs.tree import successor
from tusoi.reports.models import ReportStateChange, ReportTemplate, SelfReview
from tusoi.reports.services import campaign_templates_create_defaults

BENCH_TITLE = "Đo tốc độ bảng theo dõi"
RUNS = 7
RECOUNT_RUNS = 3

# Report states by a member's bucket (0-999, a fixed hash of the member id): about 15% have
# not started, 10% are drafts, 20% submitted, 4% returned, 3% resubmitted, 48% accepted; a
# fifth of the drafts were read at a held meeting (presented).
_REPORT_BUCKETS = (
    (150, None),
    (250, "draft"),
    (450, "submitted"),
    (490, "returned"),
    (520, "resubmitted"),
    (1000, "accepted"),
)


def _bucket(column: str) -> str:
    return f"(({column} * 7919 + 13) %% 1000)"  # every statement has parameters: %% is %


def _sql(statement: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.rowcount


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _median_seconds(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _campaign(root: Organization) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        organization=root,
        title=BENCH_TITLE,
        theme="Tự soi, tự sửa",
        starts_on=today - datetime.timedelta(days=40),
        ends_on=today + datetime.timedelta(days=40),
        status=CampaignStatus.OPEN,
    )
    campaign_templates_create_defaults(actor=None, campaign=campaign)
    return campaign


def _clear(campaign: Campaign) -> None:
    CellTally.objects.filter(campaign=campaign).delete()
    TallyState.objects.filter(campaign=campaign).delete()
    ReportStateChange.objects.filter(report__campaign=campaign).delete()
    SelfReview.objects.filter(campaign=campaign).delete()
    MeetingPhase.objects.filter(meeting__campaign=campaign).delete()
    Meeting.objects.filter(campaign=campaign).delete()


def _write_reports(campaign: Campaign, root: Organization) -> int:
    """Reports of active members in realistic states, and their dated state changes."""
    template_id = ReportTemplate.objects.filter(campaign=campaign).values_list("pk", flat=True)[0]
    member = Member._meta.db_table
    org = Organization._meta.db_table
    report = SelfReview._meta.db_table
    change = ReportStateChange._meta.db_table
    bucket = _bucket("m.id")
    status = "CASE " + " ".join(
        f"WHEN {bucket} < {limit} THEN '{name}'" for limit, name in _REPORT_BUCKETS[1:]
    )
    status += " END"
    empty_json = "CAST('{}' AS jsonb)" if connection.vendor == "postgresql" else "'{}'"
    now = timezone.now()
    created_v, submitted_v, decided_v, presented_v, resubmitted_v = (
        db_now(now - datetime.timedelta(days=d)) for d in (20, 12, 5, 2, 1)
    )
    submitted_case = f"CASE WHEN {bucket} >= 250 THEN %s END"
    decided_case = f"CASE WHEN {bucket} >= 450 THEN %s END"  # returned, resubmitted, accepted
    presented_case = f"CASE WHEN {bucket} >= 150 AND {bucket} < 170 THEN %s END"
    rows = _sql(
        f"INSERT INTO {report} (campaign_id, member_id, template_id, status, content, full_text, "  # noqa: S608
        " char_count, version, source, original_file, original_name, entered_by_id,"
        " proxy_reason, confirmed_at, first_submitted_at, submitted_at, submitted_late,"
        " returned_reason, presented_at, decided_by_id, decided_at, created_at, updated_at)"
        f" SELECT {campaign.pk}, m.id, {template_id}, {status}, {empty_json}, '', 0, 1, 'typed',"
        f" '', '', NULL, '', NULL, {submitted_case}, {submitted_case}, FALSE, '',"
        f" {presented_case}, NULL, {decided_case}, %s, %s"
        f" FROM {member} m JOIN {org} o ON o.id = m.cell_id"
        " WHERE o.path >= %s AND o.path < %s AND m.status = 'active'"
        f" AND m.merged_into_id IS NULL AND {bucket} >= {_REPORT_BUCKETS[0][0]}",
        [
            submitted_v,
            submitted_v,
            presented_v,
            decided_v,
            created_v,
            created_v,
            root.path,
            successor(root.path),
        ],
    )
    # The history: every report began as a draft; later states on their day.
    _sql(
        f"INSERT INTO {change} (report_id, status, at, by_id, note)"  # noqa: S608
        f" SELECT id, 'draft', created_at, NULL, '' FROM {report} WHERE campaign_id = %s",
        [campaign.pk],
    )
    _sql(
        f"INSERT INTO {change} (report_id, status, at, by_id, note)"  # noqa: S608
        f" SELECT id, 'submitted', submitted_at, NULL, '' FROM {report}"
        " WHERE campaign_id = %s AND status <> 'draft'",
        [campaign.pk],
    )
    _sql(
        f"INSERT INTO {change} (report_id, status, at, by_id, note)"  # noqa: S608
        f" SELECT id, CASE WHEN status = 'accepted' THEN 'accepted' ELSE 'returned' END,"
        f" decided_at, NULL, '' FROM {report}"
        " WHERE campaign_id = %s AND status IN ('returned', 'resubmitted', 'accepted')",
        [campaign.pk],
    )
    _sql(
        f"INSERT INTO {change} (report_id, status, at, by_id, note)"  # noqa: S608
        f" SELECT id, 'resubmitted', %s, NULL, '' FROM {report}"
        " WHERE campaign_id = %s AND status = 'resubmitted'",
        [resubmitted_v, campaign.pk],
    )
    return rows


def _write_meetings(campaign: Campaign, root: Organization) -> int:
    """Cells' meetings: ~85% registered (a tenth of them in two phases), ~70% of those held,
    ~4% cancelled; the rest not registered yet."""
    org = Organization._meta.db_table
    meeting = Meeting._meta.db_table
    phase = MeetingPhase._meta.db_table
    bucket = _bucket("o.id")
    now = db_now(timezone.now() - datetime.timedelta(days=10))
    held_at = db_now(timezone.now() - datetime.timedelta(days=3))
    status = (
        f"CASE WHEN {bucket} < 600 THEN 'held' WHEN {bucket} < 810 THEN 'registered'"
        " ELSE 'cancelled' END"
    )
    rows = _sql(
        f"INSERT INTO {meeting} (campaign_id, cell_id, status, is_phased, chair, secretary_name,"  # noqa: S608
        " comments_to_committee, conclusion, held_at, signed_minutes, signed_minutes_name,"
        " version, registered_by_id, created_at, updated_at)"
        f" SELECT {campaign.pk}, o.id, {status}, {bucket} %% 10 = 0, '', '', '', '',"
        f" CASE WHEN {bucket} < 600 THEN %s END, '', '', 1, NULL, %s, %s"
        f" FROM {org} o JOIN orgs_orgkind k ON k.id = o.kind_id"
        f" WHERE k.is_cell AND o.path >= %s AND o.path < %s AND {bucket} < 850",
        [held_at, now, now, root.path, successor(root.path)],
    )
    today = timezone.localdate()
    first, second = today - datetime.timedelta(days=4), today - datetime.timedelta(days=3)
    on_column = connection.ops.quote_name("on")
    for number, on, condition in ((1, first, "TRUE"), (2, second, "m.is_phased")):
        _sql(
            f"INSERT INTO {phase} (meeting_id, number, {on_column}, at, place, online_link, held,"  # noqa: S608
            " held_on)"
            f" SELECT m.id, {number}, %s, NULL, 'Hội trường', '', m.status = 'held',"
            " CASE WHEN m.status = 'held' THEN %s END"
            f" FROM {meeting} m WHERE m.campaign_id = %s AND {condition}",
            [on, on, campaign.pk],
        )
    return rows


def _analyze() -> None:
    # What autovacuum does on a live database: statistics, and on PostgreSQL the visibility map
    # that lets the dashboard read the tallies' covering index alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def run_dashboard_bench(
    *, scale: str, reuse: bool, seed: int = 2024, out: Callable[[str], None]
) -> dict[str, float]:
    if scale not in ("province", "national"):
        raise ValueError("scale must be province or national")
    out(f"engine: {connection.vendor}")
    t = time.perf_counter()
    result = seed_run(scale=scale, seed=seed, progress=lambda line: out(f"seed: {line}"))
    out(
        f"tree: {result.members} members, {result.cells} cells "
        f"({'seeded' if result.batches_written else 'reused'}, {time.perf_counter() - t:.1f} s)"
    )
    root = Organization.objects.get(code=SCALES[scale].root_code)
    found = Campaign.objects.filter(organization=root, title=BENCH_TITLE).first()
    reusing = reuse and found is not None and SelfReview.objects.filter(campaign=found).exists()
    campaign = found or _campaign(root)
    if not reusing:
        t = time.perf_counter()
        with transaction.atomic():
            _clear(campaign)
            reports = _write_reports(campaign, root)
            meetings = _write_meetings(campaign, root)
        _analyze()
        out(
            f"campaign: {reports} reports, {meetings} meetings written in "
            f"{time.perf_counter() - t:.1f} s"
        )
    else:
        out(f"campaign: reused ({SelfReview.objects.filter(campaign=campaign).count()} reports)")
    if not reusing or not TallyState.objects.filter(campaign=campaign).exists():
        t = time.perf_counter()
        tallies_build(campaign, rebuild=True)
        _analyze()
        out(
            f"tallies: {CellTally.objects.filter(campaign=campaign).count()} cell rows built in "
            f"{time.perf_counter() - t:.1f} s"
        )

    # A mid-level committee: the root's child with the most cells; a cell: the largest.
    width = len(root.path) + 5
    children = {c.path: c for c in root.children.all()}
    cell_counts = (
        Organization.objects.filter(path__gt=root.path, path__lt=successor(root.path))
        .filter(kind__is_cell=True)
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    committee = children[cell_counts[0]["prefix"]]
    biggest = (
        Member.objects.filter(cell__path__gte=committee.path)
        .filter(cell__path__lt=successor(committee.path))
        .values("cell_id")
        .annotate(n=Count("id"))
        .order_by("-n")[0]
    )
    cell = Organization.objects.get(pk=biggest["cell_id"])

    figures, _rows = dashboard(campaign, root)
    check, _check_rows = recount(campaign, root)
    if figures != check:
        raise AssertionError(f"dashboard {figures} differs from recount {check}")
    out(
        f"figures: {figures.reports_counted}/{figures.members_in_scope} reports "
        f"({figures.pct_reports}%), {figures.leader_reports_counted}/{figures.leaders_in_scope} "
        f"leaders, {figures.cells_held}/{figures.cells} cells held, "
        f"{figures.cells_registered} registered — same as the recount"
    )
    timings = {
        "root": _median_seconds(lambda: dashboard(campaign, root), RUNS),
        "committee": _median_seconds(lambda: dashboard(campaign, committee), RUNS),
        "cell": _median_seconds(lambda: dashboard(campaign, cell), RUNS),
        "recount": _median_seconds(lambda: recount(campaign, root), RECOUNT_RUNS),
    }
    out(f"committee: {committee.name} ({cell_counts[0]['n']} cells); cell: {cell.name}")
    ratio = timings["recount"] / timings["root"]
    out(
        f"dashboard: root {_ms(timings['root'])} ms, committee {_ms(timings['committee'])} ms, "
        f"cell {_ms(timings['cell'])} ms, recount root {_ms(timings['recount'])} ms, "
        f"ratio {ratio:.0f}"
    )
    return timings
