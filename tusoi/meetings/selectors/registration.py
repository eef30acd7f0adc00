"""Reading thematic meetings: registrations, the committee's lists and calendar, supervisors.

Three narrowings, all from `scope_for` on the meeting's cell (issue 5 contract):
- `meetings_visible_to`: state, dates, places, attendance counts (VIEW: the cell, committees
  above, supervisors);
- `meetings_recordable_by`: register, change, record (MANAGE_MEETINGS: the cell's secretary);
- `meetings_readable_by`: the record's words (READ_REPORT_TEXT: the cell, its supervisors).
Derived states for the committee's lists (DOMAIN.md): a cell with no meeting (or a cancelled
one) is "not registered"; a registered meeting is "overdue" once a phase's date has passed
without the phase being held; "held" once every phase is held."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tusoi.campaigns.models import Campaign
from tusoi.meetings.models import Meeting, MeetingChange, MeetingPhase, MeetingStatus, VisitNote
from tusoi.members.models import Member, MemberStatus
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, Role, scope_for
from tusoi.orgs.tree import ancestor_paths, successor

CELL_PATH = "cell__path"
# Members a phased meeting need not cover (DOMAIN.md: left out of the 100% targets).
EXCLUDED_STATUSES = (MemberStatus.EXEMPT, MemberStatus.TRANSFERRED_OUT, MemberStatus.LEFT)
LIST_PAGE_SIZE = 50


class CellState:
    NOT_REGISTERED = "not_registered"
    REGISTERED = "registered"
    OVERDUE = "overdue"
    HELD = "held"
    ORDER = (NOT_REGISTERED, OVERDUE, REGISTERED, HELD)


def cell_state_label(state: str) -> str:
    # A context of their own: "Registered" and "Held" mean other things elsewhere (a member
    # registered in the registry).
    return {
        CellState.NOT_REGISTERED: pgettext("meeting state", "Not registered"),
        CellState.REGISTERED: pgettext("meeting state", "Registered"),
        CellState.OVERDUE: pgettext("meeting state", "Overdue"),
        CellState.HELD: pgettext("meeting state", "Held"),
        MeetingStatus.CANCELLED: pgettext("meeting state", "Cancelled"),
    }.get(state, state)


# Scope -----------------------------------------------------------------------------------------


def _base() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("campaign", "campaign__organization", "cell")


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    """State, dates, places and figures: the cell, the committees above, supervisors."""
    return _base().filter(scope_for(user).q(Action.VIEW, CELL_PATH))


def meetings_recordable_by(user: Any) -> QuerySet[Meeting]:
    """Register, change and record: the cell's secretary."""
    return _base().filter(scope_for(user).q(Action.MANAGE_MEETINGS, CELL_PATH))


def meetings_readable_by(user: Any) -> QuerySet[Meeting]:
    """The record's words (comments, conclusions): the cell and its assigned supervisors."""
    return _base().filter(scope_for(user).q(Action.READ_REPORT_TEXT, CELL_PATH))


def can_manage(user: Any, cell: Organization) -> bool:
    return scope_for(user).covers(Action.MANAGE_MEETINGS, cell.path)


def can_read_record(user: Any, cell: Organization) -> bool:
    return scope_for(user).covers(Action.READ_REPORT_TEXT, cell.path)


def supervises(user: Any, cell: Organization) -> bool:
    """Whether the user holds an active SUPERVISOR grant on the cell or above (the assignment)."""
    return any(
        role == Role.SUPERVISOR and cell.path.startswith(path)
        for role, path, _org in scope_for(user).grants
    )


def cells_registrable_by(user: Any) -> QuerySet[Organization]:
    """Cells whose meeting the user may register: MANAGE_MEETINGS, cells only."""
    return Organization.objects.filter(
        scope_for(user).q(Action.MANAGE_MEETINGS), kind__is_cell=True
    ).select_related("kind")


def campaign_covers(campaign: Campaign, org_path: str) -> bool:
    return org_path.startswith(campaign.organization.path)


def cell_meeting(campaign: Campaign, cell: Organization) -> Meeting | None:
    return Meeting.objects.filter(campaign=campaign, cell=cell).first()


def cell_members_in_scope(cell: Organization) -> QuerySet[Member]:
    """The members a phased meeting must cover: current, not exempt, transferred out or gone."""
    return (
        Member.objects.filter(cell=cell, merged_into__isnull=True)
        .exclude(status__in=EXCLUDED_STATUSES)
        .order_by("name_key", "card_number")
    )


def meeting_state(meeting: Meeting, today: datetime.date | None = None) -> str:
    """A meeting's derived state for people (phases must be loaded or are read once)."""
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED):
        return meeting.status
    today = today or timezone.localdate()
    if any(not p.held and p.on < today for p in meeting.phases.all()):
        return CellState.OVERDUE
    return CellState.REGISTERED


def meeting_with_phases(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Phases in order, each with its members in name order (three queries in all)."""
    members = Member.objects.order_by("name_key", "card_number")
    return qs.prefetch_related(
        Prefetch(
            "phases",
            queryset=MeetingPhase.objects.order_by("number").prefetch_related(
                Prefetch("members", queryset=members)
            ),
        )
    )


# Organisations the committee follows ----------------------------------------------------------


def orgs_for_overview(user: Any) -> QuerySet[Organization]:
    """Organisations a committee user may choose on the overview and the calendar: those inside
    their VIEW (a member's own cell alone does not make them a committee)."""
    return Organization.objects.filter(scope_for(user).q(Action.VIEW)).select_related("kind")


def _subtree_range(campaign: Campaign, org: Organization) -> tuple[str, str] | None:
    """The part of the tree that lies both in the campaign's subtree and in `org`'s."""
    root = campaign.organization.path
    if org.path.startswith(root):
        return org.path, successor(org.path)
    if root.startswith(org.path):
        return root, successor(root)
    return None


def default_overview_org(user: Any, campaign: Campaign) -> Organization | None:
    """The user's top organisation that meets the campaign's subtree, if any."""
    scope = scope_for(user)
    root = campaign.organization.path
    if scope.is_global(Action.VIEW):
        return campaign.organization
    paths = [p for p in scope.paths(Action.VIEW) if p.startswith(root) or root.startswith(p)]
    if not paths:
        return None
    return (
        Organization.objects.filter(path__in=paths).select_related("kind").order_by("path").first()
    )


def org_children_in_campaign(campaign: Campaign, org: Organization) -> QuerySet[Organization]:
    """Org's child organisations that are not cells and lie in the campaign's subtree, to drill
    down to."""
    span = _subtree_range(campaign, org)
    if span is None:
        return Organization.objects.none()
    low, high = span
    return (
        Organization.objects.filter(parent=org, kind__is_cell=False, path__gte=low, path__lt=high)
        .select_related("kind")
        .order_by("name_key", "path")
    )


# Cell states of a campaign --------------------------------------------------------------------


@dataclass
class StateList:
    state: str
    count: int
    page: int
    num_pages: int
    cells: list[Organization]

    @property
    def label(self) -> str:
        return cell_state_label(self.state)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


@dataclass
class CellStates:
    counts: dict[str, int]
    lists: dict[str, StateList] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def ordered(self) -> list[StateList]:
        return [self.lists[s] for s in CellState.ORDER if s in self.lists]


def campaign_cells_with_state(
    campaign: Campaign, org: Organization, user: Any, today: datetime.date | None = None
) -> QuerySet[Organization]:
    """Cells of the campaign under `org` the user may follow, each annotated with its derived
    `state`, its meeting (`meeting_id`, `meeting_status`), its first and last phase dates,
    its phase count and its parent's name. One query however many cells."""
    today = today or timezone.localdate()
    span = _subtree_range(campaign, org)
    if span is None:
        return Organization.objects.none()
    low, high = span
    live = Meeting.objects.filter(campaign=campaign, cell=OuterRef("pk")).exclude(
        status=MeetingStatus.CANCELLED
    )
    held = live.filter(status=MeetingStatus.HELD)
    late = MeetingPhase.objects.filter(
        meeting__campaign=campaign,
        meeting__cell=OuterRef("pk"),
        meeting__status=MeetingStatus.REGISTERED,
        held=False,
        on__lt=today,
    )
    phases = MeetingPhase.objects.filter(meeting__campaign=campaign, meeting__cell=OuterRef("pk"))
    return (
        Organization.objects.filter(
            scope_for(user).q(Action.VIEW), kind__is_cell=True, path__gte=low, path__lt=high
        )
        .annotate(
            state=Case(
                When(Exists(held), then=Value(CellState.HELD)),
                When(Exists(late), then=Value(CellState.OVERDUE)),
                When(Exists(live), then=Value(CellState.REGISTERED)),
                default=Value(CellState.NOT_REGISTERED),
                output_field=CharField(),
            ),
            meeting_id=Subquery(
                Meeting.objects.filter(campaign=campaign, cell=OuterRef("pk")).values("pk")[:1],
                output_field=IntegerField(),
            ),
            meeting_status=Subquery(
                Meeting.objects.filter(campaign=campaign, cell=OuterRef("pk")).values("status")[:1],
                output_field=CharField(),
            ),
            first_on=Subquery(
                phases.order_by("on").values("on")[:1],
            ),
            last_on=Subquery(phases.order_by("-on").values("on")[:1]),
            phase_count=Subquery(
                phases.order_by().values("meeting").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            parent_name=F("parent__name"),
        )
        .order_by("path")
    )


def campaign_cell_states(
    campaign: Campaign,
    org: Organization,
    user: Any,
    *,
    pages: dict[str, int] | None = None,
    page_size: int = LIST_PAGE_SIZE,
    today: datetime.date | None = None,
    states: tuple[str, ...] = CellState.ORDER,
) -> CellStates:
    """For the cells of the campaign under `org` visible to the user: how many are not
    registered, registered, overdue and held, and one page of each list (`pages`: state ->
    page number, 1 by default). One query for the counts and one per list, whatever the
    number of cells."""
    cells = campaign_cells_with_state(campaign, org, user, today)
    counts = cells.order_by().aggregate(
        **{s: Count("pk", filter=Q(state=s)) for s in CellState.ORDER}
    )
    result = CellStates(counts={s: counts[s] or 0 for s in CellState.ORDER})
    pages = pages or {}
    for state in states:
        count = result.counts[state]
        num_pages = max(1, -(-count // page_size))
        page = min(max(1, pages.get(state, 1)), num_pages)
        start = (page - 1) * page_size
        listed = list(cells.filter(Q(state=state))[start : start + page_size]) if count else []
        result.lists[state] = StateList(
            state=state, count=count, page=page, num_pages=num_pages, cells=listed
        )
    return result


# The calendar ---------------------------------------------------------------------------------


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


def calendar_phases(
    campaign: Campaign, org: Organization, month: datetime.date
) -> QuerySet[MeetingPhase]:
    """The phases of the campaign's live meetings under `org` dated in `month`, by date and
    time, each with its cell and its meeting's phase count (`phase_total`). One query."""
    span = _subtree_range(campaign, org)
    if span is None:
        return MeetingPhase.objects.none()
    low, high = span
    first, following = month_bounds(month)
    totals = (
        MeetingPhase.objects.filter(meeting=OuterRef("meeting"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        MeetingPhase.objects.filter(
            meeting__campaign=campaign,
            meeting__cell__path__gte=low,
            meeting__cell__path__lt=high,
            on__gte=first,
            on__lt=following,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting", "meeting__cell")
        .annotate(phase_total=Subquery(totals, output_field=IntegerField()))
        .order_by("on", F("at").asc(nulls_first=True), "meeting__cell__path", "number")
    )


# Supervision ----------------------------------------------------------------------------------


def assigned_supervisors(meeting: Meeting) -> QuerySet[Any]:
    """Users with an active SUPERVISOR grant on the meeting's cell or above it."""
    from tusoi.accounts.models import User

    paths = [*ancestor_paths(meeting.cell.path), meeting.cell.path]
    return (
        User.objects.filter(
            is_active=True,
            role_grants__role=Role.SUPERVISOR,
            role_grants__valid_to__isnull=True,
            role_grants__organization__path__in=paths,
        )
        .select_related("member")
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def my_assignments(user: Any, today: datetime.date | None = None) -> QuerySet[Meeting]:
    """Live meetings of the cells the user's SUPERVISOR grants cover: those with a phase still
    to come first (soonest first), then the others (latest first)."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    paths = [path for role, path, _org in scope.grants if role == Role.SUPERVISOR]
    if not paths:
        return Meeting.objects.none()
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(cell__path__gte=path, cell__path__lt=successor(path))
    return (
        _base()
        .filter(query)
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(
            next_on=Min("phases__on", filter=Q(phases__on__gte=today, phases__held=False)),
            late_on=Min("phases__on", filter=Q(phases__on__lt=today, phases__held=False)),
            last_on=Max("phases__on"),
            first_on=Min("phases__on"),
        )
        .annotate(
            upcoming=Case(When(next_on__isnull=False, then=Value(0)), default=Value(1)),
        )
        .order_by("upcoming", "next_on", "-last_on", "cell__path")
    )


def visit_notes(meeting: Meeting) -> QuerySet[VisitNote]:
    return meeting.visit_notes.select_related("author", "author__member").order_by(
        "-created_at", "-id"
    )


# Change history -------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class PhaseChange:
    number: int
    added: bool = False
    removed: bool = False
    fields: list[FieldChange] = field(default_factory=list)
    members_added: list[str] = field(default_factory=list)
    members_removed: list[str] = field(default_factory=list)


@dataclass
class ChangeRow:
    at: datetime.datetime
    by: str
    reason: str
    status: tuple[str, str] | None
    phases: list[PhaseChange]


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if name == "on":
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if name == "at":
        return str(value)[:5]
    return str(value)


def _field_labels() -> dict[str, str]:
    return {
        "on": _("date"),
        "at": _("time"),
        "place": _("place"),
        "online_link": _("online link"),
    }


def _phase_change(entry: dict[str, Any], labels: dict[str, str]) -> PhaseChange:
    return PhaseChange(
        number=entry.get("number", 0),
        added=bool(entry.get("added")),
        removed=bool(entry.get("removed")),
        fields=[
            FieldChange(labels[name], _shown(name, pair[0]), _shown(name, pair[1]))
            for name, pair in entry.get("fields", {}).items()
            if name in labels
        ],
        members_added=entry.get("members_added", []),
        members_removed=entry.get("members_removed", []),
    )


def meeting_changes(meeting: Meeting) -> list[ChangeRow]:
    """The meeting's changes, newest first, ready to show (dates dd/mm/yyyy). One query."""
    labels = _field_labels()
    rows = []
    for change in MeetingChange.objects.filter(meeting=meeting).select_related("by", "by__member"):
        data = change.changes or {}
        phases = [_phase_change(entry, labels) for entry in data.get("phases", [])]
        status = data.get("status")
        by = change.by
        rows.append(
            ChangeRow(
                at=change.at,
                by=(by.get_full_name() or by.username) if by else "",
                reason=change.reason,
                status=(
                    (cell_state_label(status[0]), cell_state_label(status[1])) if status else None
                ),
                phases=phases,
            )
        )
    return rows
