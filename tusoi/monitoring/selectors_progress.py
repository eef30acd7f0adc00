"""Reading difficulties, proposals and progress reports (issue 6, items 4 and 5).

Scope: an organisation's difficulties, proposals and sent progress reports are read with VIEW
over it, so a committee sees its whole subtree; a draft progress report only by those who may
write it (EDIT_ORGS over its committee). Every page and endpoint starts from
`monitoring_orgs`, `difficulties_visible_to` or `progress_reports_visible_to`.

The figures of a progress report are a snapshot: `progress_snapshot` gathers them once (the
campaign's figures from `tusoi.monitoring.figures` — `dashboard` for today, `recount(as_of=…)`
for a past cut-off — the meetings held with officials of a higher committee, the difficulties
rolled up and the proposals) as plain JSON, and `snapshot_from` reads that JSON back."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from tusoi.campaigns.models import Campaign
from tusoi.meetings.models import Guest, MeetingStatus
from tusoi.monitoring.figures import (
    FIELDS,
    Figures,
    campaign_bounds,
    dashboard,
    end_of_day,
    recount,
)
from tusoi.monitoring.models_progress import (
    Difficulty,
    DifficultyCategory,
    DifficultyKind,
    ProgressReport,
    ProgressReportKind,
    ProgressReportStatus,
)
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.tree import SEGMENT_WIDTH, ancestor_paths, successor

# How many texts (and meetings with officials) a report lists; the counts cover them all.
SNAPSHOT_LIST_LIMIT = 200
CHILDREN_PAGE_SIZE = 50


# Scope -----------------------------------------------------------------------------------------


def monitoring_orgs(user: Any, action: Action = Action.VIEW) -> QuerySet[Organization]:
    """Organisations the user reads (VIEW) or writes for (EDIT_MEMBERS for difficulties,
    EDIT_ORGS for progress reports). A plain member's own cell is not among them."""
    return Organization.objects.filter(scope_for(user).q(action)).select_related("kind", "parent")


def campaign_reaches(campaign: Campaign, org: Organization) -> bool:
    """Whether the campaign's subtree and the organisation's overlap (the org lies in it, or
    above its committee)."""
    return campaign_bounds(campaign, org) is not None


def campaign_covers(campaign: Campaign, org: Organization) -> bool:
    """Whether the organisation lies inside the campaign's subtree: it may record for it."""
    return org.path.startswith(campaign.organization.path)


def can_record_difficulties(user: Any, org: Organization) -> bool:
    return scope_for(user).covers(Action.EDIT_MEMBERS, org.path)


def can_write_progress_reports(user: Any, org: Organization) -> bool:
    """A committee's progress report is its official document: written by those who manage
    the committee (EDIT_ORGS: its staff and administrators), never for a cell."""
    return not org.kind.is_cell and scope_for(user).covers(Action.EDIT_ORGS, org.path)


def _range_q(lo: str, hi: str, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi})


# Difficulties and proposals ----------------------------------------------------------------------


def difficulties_visible_to(user: Any) -> QuerySet[Difficulty]:
    return Difficulty.objects.filter(
        scope_for(user).q(Action.VIEW, "organization__path")
    ).select_related("organization", "campaign")


def difficulties_of_subtree(
    user: Any,
    campaign: Campaign,
    org: Organization,
    *,
    kind: str = "",
    category: str = "",
) -> QuerySet[Difficulty]:
    """What the organisations of `org`'s subtree raised in the campaign, newest first, each
    with its organisation's name (one query per page)."""
    bounds = campaign_bounds(campaign, org)
    if bounds is None:
        return Difficulty.objects.none()
    qs = difficulties_visible_to(user).filter(
        _range_q(*bounds, "organization__path"), campaign=campaign
    )
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class CategoryCount:
    category: str
    label: str
    count: int  # difficulties raised
    organizations: int  # organisations that raised at least one


@dataclass(frozen=True)
class DifficultyRollup:
    """Difficulties per category (every category present, zero when none raised) and the
    proposals of an organisation's subtree."""

    categories: list[CategoryCount]
    difficulties: int
    proposals: int
    proposal_organizations: int

    def as_json(self) -> dict[str, Any]:
        return {
            "by_category": {c.category: [c.count, c.organizations] for c in self.categories},
            "total": self.difficulties,
            "proposals": self.proposals,
            "proposal_organizations": self.proposal_organizations,
        }


def difficulty_rollup(
    campaign: Campaign, org: Organization, *, as_of: datetime.date | None = None
) -> DifficultyRollup:
    """Counts per category over `org`'s subtree in one SQL query; with `as_of`, only what was
    raised by the end of that day."""
    bounds = campaign_bounds(campaign, org)
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    if bounds is not None:
        qs = Difficulty.objects.filter(_range_q(*bounds, "organization__path"), campaign=campaign)
        if as_of is not None:
            qs = qs.filter(created_at__lt=end_of_day(as_of))
        rows = (
            qs.values("kind", "category")
            .annotate(n=Count("id"), orgs=Count("organization", distinct=True))
            .order_by()
        )
        counts = {(r["kind"], r["category"]): (r["n"], r["orgs"]) for r in rows}
    categories = [
        CategoryCount(value, str(label), *counts.get((DifficultyKind.DIFFICULTY, value), (0, 0)))
        for value, label in DifficultyCategory.choices
    ]
    proposals, proposal_orgs = counts.get((DifficultyKind.PROPOSAL, ""), (0, 0))
    return DifficultyRollup(
        categories=categories,
        difficulties=sum(c.count for c in categories),
        proposals=proposals,
        proposal_organizations=proposal_orgs,
    )


def _category_order() -> Case:
    return Case(
        *(When(category=value, then=Value(i)) for i, value in enumerate(DifficultyCategory.values)),
        default=Value(len(DifficultyCategory.values)),
        output_field=IntegerField(),
    )


def _texts(
    campaign: Campaign, lo: str, hi: str, kind: str, as_of: datetime.date | None
) -> list[dict[str, str]]:
    qs = Difficulty.objects.filter(
        _range_q(lo, hi, "organization__path"), campaign=campaign, kind=kind
    )
    if as_of is not None:
        qs = qs.filter(created_at__lt=end_of_day(as_of))
    rows = (
        qs.annotate(order=_category_order())
        .order_by("order", "organization__path", "created_at", "id")
        .values_list("organization__name", "category", "text")[:SNAPSHOT_LIST_LIMIT]
    )
    return [{"org": name, "category": category, "text": text} for name, category, text in rows]


# Meetings with officials of a higher committee ---------------------------------------------------


def _official_guests(
    campaign: Campaign, lo: str, hi: str, as_of: datetime.date | None
) -> QuerySet[Guest]:
    """Officials of a higher committee at held phases of the campaign's meetings in the range
    (held by the end of `as_of` when given). Read only: the meetings app owns these rows."""
    qs = Guest.objects.filter(
        _range_q(lo, hi, "phase__meeting__cell__path"),
        is_higher_official=True,
        phase__held=True,
        phase__meeting__campaign=campaign,
    ).exclude(phase__meeting__status=MeetingStatus.CANCELLED)
    if as_of is not None:
        qs = qs.filter(phase__held_on__lte=as_of)
    return qs


def meetings_with_officials(
    campaign: Campaign, org: Organization, *, as_of: datetime.date | None = None
) -> dict[str, Any]:
    """Meetings of `org`'s subtree where officials of a higher committee attended a held phase:
    how many per child of `org` (one query) and, for the first SNAPSHOT_LIST_LIMIT of them in
    tree order, the cell, the days and the officials (two queries)."""
    bounds = campaign_bounds(campaign, org)
    if bounds is None:
        return {"meetings": 0, "by_child": {}, "listed": []}
    lo, hi = bounds
    guests = _official_guests(campaign, lo, hi, as_of)
    width = len(org.path) + SEGMENT_WIDTH
    by_child = {
        row["prefix"]: row["n"]
        for row in guests.annotate(prefix=Substr("phase__meeting__cell__path", 1, width))
        .values("prefix")
        .annotate(n=Count("phase__meeting", distinct=True))
        .order_by()
    }
    meeting_ids = list(
        guests.order_by("phase__meeting__cell__path", "phase__meeting_id")
        .values_list("phase__meeting_id", flat=True)
        .distinct()[:SNAPSHOT_LIST_LIMIT]
    )
    listed: dict[int, dict[str, Any]] = {}
    for guest in (
        guests.filter(phase__meeting_id__in=meeting_ids)
        .select_related("phase__meeting__cell__parent")
        .order_by("phase__meeting__cell__path", "phase__number", "id")
    ):
        meeting = guest.phase.meeting
        entry = listed.setdefault(
            meeting.pk,
            {
                "cell": meeting.cell.name,
                "parent": meeting.cell.parent.name if meeting.cell.parent else "",
                "dates": [],
                "people": [],
            },
        )
        held_on = guest.phase.held_on or guest.phase.on
        if held_on.isoformat() not in entry["dates"]:
            entry["dates"].append(held_on.isoformat())
        person = [guest.name, guest.position]
        if person not in entry["people"]:
            entry["people"].append(person)
    return {
        "meetings": sum(by_child.values()),
        "by_child": by_child,
        "listed": list(listed.values()),
    }


# The snapshot ------------------------------------------------------------------------------------


def progress_snapshot(
    campaign: Campaign, org: Organization, cut_off: datetime.date
) -> dict[str, Any]:
    """Everything a progress report's figures show, as JSON to store with the report: the
    campaign's figures now (`dashboard`) when the cut-off is today, else as they stood at the
    end of the cut-off day (`recount(as_of=...)`), and the rest counted to the same day."""
    today = timezone.localdate()
    if cut_off >= today:
        source, as_of = "dashboard", None
        totals, children = dashboard(campaign, org)
    else:
        source, as_of = "recount", cut_off
        totals, children = recount(campaign, org, as_of=cut_off)
    officials = meetings_with_officials(campaign, org, as_of=as_of)
    rollup = difficulty_rollup(campaign, org, as_of=as_of)
    bounds = campaign_bounds(campaign, org) or (org.path, successor(org.path))
    return {
        "source": source,
        "as_of": cut_off.isoformat(),
        "generated_at": timezone.now().isoformat(),
        "totals": _counts(totals),
        "children": [
            {
                "org_id": row.org_id,
                "name": row.name,
                "kind_name": row.kind_name,
                "is_cell": row.is_cell,
                "figures": _counts(row.figures),
                "officials": officials["by_child"].get(row.path, 0),
            }
            for row in children
        ],
        "officials": {"meetings": officials["meetings"], "listed": officials["listed"]},
        "difficulties": {
            **rollup.as_json(),
            "texts": _texts(campaign, *bounds, DifficultyKind.DIFFICULTY, as_of),
        },
        "proposals": {
            "total": rollup.proposals,
            "texts": _texts(campaign, *bounds, DifficultyKind.PROPOSAL, as_of),
        },
    }


def _counts(figures: Figures) -> dict[str, int]:
    return {name: getattr(figures, name) for name in FIELDS}


@dataclass(frozen=True)
class ChildFigures:
    org_id: int | None
    name: str
    kind_name: str
    is_cell: bool
    figures: Figures
    officials: int


@dataclass(frozen=True)
class OfficialVisit:
    cell: str
    parent: str
    dates: list[datetime.date]
    people: list[tuple[str, str]]


@dataclass(frozen=True)
class RaisedText:
    organization: str
    category: str
    label: str
    text: str


@dataclass(frozen=True)
class Snapshot:
    """A progress report's stored figures, read back for pages, the .docx and the .xlsx."""

    source: str
    as_of: datetime.date | None
    generated_at: datetime.datetime | None
    totals: Figures
    children: list[ChildFigures]
    meetings_with_officials: int
    official_visits: list[OfficialVisit]
    categories: list[CategoryCount]
    difficulties: int
    difficulty_texts: list[RaisedText]
    proposals: int
    proposal_texts: list[RaisedText]
    child_totals: Figures = field(default_factory=Figures)

    @property
    def difficulties_not_listed(self) -> int:
        return max(self.difficulties - len(self.difficulty_texts), 0)

    @property
    def proposals_not_listed(self) -> int:
        return max(self.proposals - len(self.proposal_texts), 0)

    @property
    def visits_not_listed(self) -> int:
        return max(self.meetings_with_officials - len(self.official_visits), 0)


def _figures(data: Any) -> Figures:
    data = data if isinstance(data, dict) else {}
    return Figures(**{name: int(data.get(name) or 0) for name in FIELDS})


def _day(value: Any) -> datetime.date | None:
    return parse_date(value) if isinstance(value, str) else None


def snapshot_from(data: dict[str, Any] | None) -> Snapshot:
    """The stored JSON as typed values (tolerant of a missing part: it reads as zero)."""
    data = data or {}
    labels = dict(DifficultyCategory.choices)
    children = [
        ChildFigures(
            org_id=row.get("org_id"),
            name=row.get("name", ""),
            kind_name=row.get("kind_name", ""),
            is_cell=bool(row.get("is_cell")),
            figures=_figures(row.get("figures")),
            officials=int(row.get("officials") or 0),
        )
        for row in data.get("children", [])
    ]
    child_totals = Figures()
    for child in children:
        child_totals = child_totals + child.figures
    officials = data.get("officials", {})
    visits = [
        OfficialVisit(
            cell=v.get("cell", ""),
            parent=v.get("parent", ""),
            dates=[d for d in (_day(x) for x in v.get("dates", [])) if d],
            people=[(p[0], p[1]) for p in v.get("people", []) if len(p) == 2],
        )
        for v in officials.get("listed", [])
    ]
    difficulties = data.get("difficulties", {})
    by_category = difficulties.get("by_category", {})
    categories = [
        CategoryCount(value, str(label), *[int(x) for x in by_category.get(value, [0, 0])])
        for value, label in DifficultyCategory.choices
    ]

    def texts(items: list[dict[str, str]]) -> list[RaisedText]:
        return [
            RaisedText(
                organization=t.get("org", ""),
                category=t.get("category", ""),
                label=str(labels.get(t.get("category", ""), "")),
                text=t.get("text", ""),
            )
            for t in items
        ]

    proposals = data.get("proposals", {})
    generated = data.get("generated_at")
    return Snapshot(
        source=data.get("source", ""),
        as_of=_day(data.get("as_of")),
        generated_at=parse_datetime(generated) if isinstance(generated, str) else None,
        totals=_figures(data.get("totals")),
        children=children,
        meetings_with_officials=int(officials.get("meetings") or 0),
        official_visits=visits,
        categories=categories,
        difficulties=int(difficulties.get("total") or 0),
        difficulty_texts=texts(difficulties.get("texts", [])),
        proposals=int(proposals.get("total") or 0),
        proposal_texts=texts(proposals.get("texts", [])),
        child_totals=child_totals,
    )


# Progress reports --------------------------------------------------------------------------------


def progress_reports_visible_to(user: Any) -> QuerySet[ProgressReport]:
    """Sent reports with VIEW over their committee; drafts only for those who may write them."""
    scope = scope_for(user)
    query = scope.q(Action.VIEW, "organization__path") & (
        Q(status=ProgressReportStatus.SUBMITTED) | scope.q(Action.EDIT_ORGS, "organization__path")
    )
    return ProgressReport.objects.filter(query).select_related(
        "campaign",
        "campaign__organization",
        "organization",
        "organization__kind",
        "organization__parent",
    )


def progress_reports_of(
    user: Any, campaign: Campaign, org: Organization
) -> QuerySet[ProgressReport]:
    """The organisation's own reports for the campaign the user may see, latest cut-off first."""
    return (
        progress_reports_visible_to(user)
        .filter(campaign=campaign, organization=org)
        .order_by("-cut_off", "-id")
    )


def _children_q(campaign: Campaign, org: Organization) -> Q:
    """Child committees (not cells) of `org` that reach into the campaign's subtree."""
    root = campaign.organization.path
    reach = _range_q(root, successor(root), "path") | Q(path__in=[*ancestor_paths(root), root])
    return Q(parent=org, kind__is_cell=False) & reach


@dataclass
class ChildReports:
    """A child committee and the latest report of each kind it sent (None: not sent)."""

    org: Organization
    sent: dict[str, ProgressReport] = field(default_factory=dict)

    @property
    def interim(self) -> ProgressReport | None:
        return self.sent.get(ProgressReportKind.INTERIM)

    @property
    def final(self) -> ProgressReport | None:
        return self.sent.get(ProgressReportKind.FINAL)


@dataclass(frozen=True)
class ChildrenProgress:
    page: Page
    rows: list[ChildReports]
    total: int
    sent: dict[str, int]  # kind -> child committees that sent at least one report of it

    def missing(self, kind: str) -> int:
        return self.total - self.sent.get(kind, 0)

    @property
    def missing_interim(self) -> int:
        return self.missing(ProgressReportKind.INTERIM)

    @property
    def missing_final(self) -> int:
        return self.missing(ProgressReportKind.FINAL)


def children_progress(
    campaign: Campaign,
    org: Organization,
    *,
    page_number: Any = 1,
    per_page: int = CHILDREN_PAGE_SIZE,
) -> ChildrenProgress:
    """The child committees of `org` (a page of them, in name order), the reports each sent for
    the campaign, and how many sent one of each kind: four queries whatever the page holds."""
    children = (
        Organization.objects.filter(_children_q(campaign, org))
        .select_related("kind")
        .order_by("name_key", "id")
    )
    page = Paginator(children, per_page).get_page(page_number)
    rows = {child.pk: ChildReports(child) for child in page.object_list}
    for report in (
        ProgressReport.objects.filter(
            campaign=campaign, organization_id__in=list(rows), status=ProgressReportStatus.SUBMITTED
        )
        .select_related("campaign", "organization")
        .order_by("organization_id", "kind", "-cut_off", "-id")
    ):
        rows[report.organization_id].sent.setdefault(report.kind, report)
    sent = defaultdict(
        int,
        {
            row["kind"]: row["n"]
            for row in ProgressReport.objects.filter(
                campaign=campaign,
                status=ProgressReportStatus.SUBMITTED,
                organization__in=Organization.objects.filter(_children_q(campaign, org)),
            )
            .values("kind")
            .annotate(n=Count("organization", distinct=True))
            .order_by()
        },
    )
    return ChildrenProgress(
        page=page, rows=list(rows.values()), total=page.paginator.count, sent=dict(sent)
    )
