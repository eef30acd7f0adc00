"""The demo campaign's thematic meetings, supplementary activities and commendations, for the
demo scale only (`seed_run` calls `demo_meetings_ensure` once the reports exist).

The cells get a realistic spread of meeting states: about 15% not registered, 25% registered for
a coming date, 10% overdue (the date passed, nothing recorded), 45% held and 5% phased (two
phases covering every member in scope; some with both phases held, some with the first held).
Cells further along with their reports are more likely to have met. A held meeting has its
record as the meetings app keeps it: attendance (absences with a reason), guests (an official of
the committee above at many, the demo supervisor where he follows the cell), the members who
read a report submitted by then (the report marked presented), comments on them and to the cell
committee, the chair's conclusion per member when the campaign asks for one, and the meeting's
conclusion; its presenters were notified. Some registrations were postponed (the change and its
reason kept), and the demo supervisor `giamsat` left visit notes where he follows a cell.

The demo logins' cell (`bithu`) held its meeting today, with a full record, so its minutes can
be downloaded at once. Meetings are bulk-written in the shapes the meetings services make (no
audit rows, like the rest of the bulk seed); activities and commendations, a few dozen, go
through their services. Idempotent: each part is written once per campaign."""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tusoi.accounts.models import RoleGrant
from tusoi.activities.models import Activity, ActivityKind, Commendation, CommendationLevel
from tusoi.campaigns.models import Campaign
from tusoi.core.seeding.generator import person_name
from tusoi.core.seeding.reports import _insert
from tusoi.meetings.models import (
    Attendance,
    Comment,
    Guest,
    Meeting,
    MeetingChange,
    MeetingPhase,
    MeetingStatus,
    Presentation,
    VisitNote,
)
from tusoi.members.models import Member, MemberStatus
from tusoi.notifications.models import Notification, NotificationKind
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Role
from tusoi.orgs.tree import ancestor_paths, successor
from tusoi.reports.models import ReportStatus, SelfReview

NOT_REGISTERED = "not_registered"
REGISTERED = "registered"
OVERDUE = "overdue"
HELD = "held"
PHASED_HELD = "phased_held"  # both phases held
PHASED_PARTIAL = "phased_partial"  # the first phase held, the second still to come
# Shares of the cells (the phased ones are the largest cells, set apart first).
PHASED_SHARE = 0.05
STATE_SHARES = [(HELD, 0.45), (OVERDUE, 0.10), (REGISTERED, 0.25), (NOT_REGISTERED, 0.15)]
COUNTED = (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED, ReportStatus.ACCEPTED)
EXCLUDED = (MemberStatus.EXEMPT, MemberStatus.TRANSFERRED_OUT, MemberStatus.LEFT)
MEMBER_FIELDS = (
    "cell_id",
    "full_name",
    "name_key",
    "card_number",
    "position",
    "is_leader",
    "life_situation",
    "works_away",
    "elderly_frail",
)


@dataclass
class CellInfo:
    cell: Organization
    parent: Organization
    upper: Organization  # the upper-grassroots committee (ward) above the cell
    members: list[Member]  # in scope, name order
    secretary: Member
    deputy: Member | None
    secretary_user_id: int | None
    score: float = 0.0


@dataclass
class PhasePlan:
    number: int
    on: datetime.date
    at: datetime.time | None
    place: str
    online_link: str
    held: bool
    members: list[Member]


@dataclass
class MeetingPlan:
    info: CellInfo
    state: str
    phases: list[PhasePlan]
    created_at: datetime.datetime
    postponed_from: datetime.date | None = None
    postponed_at: datetime.datetime | None = None
    postpone_reason: str = ""


@dataclass
class Report:
    pk: int
    status: str
    submitted_on: datetime.date | None


@dataclass
class Context:
    rng: random.Random
    campaign: Campaign
    today: datetime.date
    now: datetime.datetime
    reports: dict[int, Report]  # member id -> the member's report in the campaign
    accounts: dict[int, int]  # member id -> user id
    supervisors: dict[int, Any]  # cell id -> the demo supervisor following it
    officials: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # ward id -> people


def demo_meetings_ensure(
    *, root: Organization, demo_cell: Organization, seed: int, campaign_title: str
) -> int:
    """Seed the meetings, activities and commendations once; a second run finds them and does
    nothing. Returns how many meetings were written."""
    campaign = Campaign.objects.filter(organization=root, title=campaign_title).first()
    if campaign is None:
        return 0
    rng = random.Random(seed * 7 + 5)
    written = 0
    with transaction.atomic():
        if not Meeting.objects.filter(campaign=campaign).exists():
            written = _meetings(rng, campaign, root, demo_cell)
        if not Activity.objects.filter(campaign=campaign).exists():
            _activities(rng, campaign, root, demo_cell)
        if not Commendation.objects.filter(campaign=campaign).exists():
            _commendations(rng, campaign, root, demo_cell)
    return written


# Who is where -----------------------------------------------------------------------------------


def _cells(root: Organization, demo_cell: Organization) -> list[CellInfo]:
    lo, hi = root.path, successor(root.path)
    orgs = {
        o.path: o
        for o in Organization.objects.filter(path__gte=lo, path__lt=hi).select_related("kind")
    }
    by_cell: dict[int, list[Member]] = defaultdict(list)
    members = (
        Member.objects.filter(cell__path__gte=lo, cell__path__lt=hi, merged_into__isnull=True)
        .exclude(status__in=EXCLUDED)
        .only(*MEMBER_FIELDS)
        .order_by("cell_id", "name_key", "card_number")
    )
    for member in members:
        by_cell[member.cell_id].append(member)
    granted = dict(
        RoleGrant.objects.filter(
            role=Role.SECRETARY,
            valid_to__isnull=True,
            organization_id__in=list(by_cell),
            user__member__isnull=False,
        ).values_list("organization_id", "user__member_id")
    )
    users = dict(
        get_user_model()
        .objects.filter(member_id__in=list(granted.values()))
        .values_list("member_id", "pk")
    )
    infos = []
    for path in sorted(orgs):
        cell = orgs[path]
        if not cell.kind.is_cell or cell.pk not in by_cell or len(by_cell[cell.pk]) < 3:
            continue
        cell_members = by_cell[cell.pk]
        secretary = next(
            (m for m in cell_members if m.pk == granted.get(cell.pk)),
            next((m for m in cell_members if m.position.startswith("Bí thư")), cell_members[0]),
        )
        deputy = next(
            (m for m in cell_members if m.position.startswith("Phó Bí thư")),
            next((m for m in cell_members if m.pk != secretary.pk), None),
        )
        ancestors = [orgs[p] for p in ancestor_paths(path) if p in orgs]
        infos.append(
            CellInfo(
                cell=cell,
                parent=ancestors[-1],
                upper=ancestors[1] if len(ancestors) > 1 else ancestors[-1],
                members=cell_members,
                secretary=secretary,
                deputy=deputy,
                secretary_user_id=users.get(secretary.pk),
            )
        )
    return infos


def _context(rng: random.Random, campaign: Campaign, cells: list[CellInfo]) -> Context:
    member_ids = [m.pk for info in cells for m in info.members]
    reports = {
        member_id: Report(pk, status, first.date() if first else None)
        for member_id, pk, status, first in SelfReview.objects.filter(
            campaign=campaign, member_id__in=member_ids
        ).values_list("member_id", "pk", "status", "first_submitted_at")
    }
    accounts = dict(
        get_user_model()
        .objects.filter(member_id__in=member_ids, is_active=True)
        .values_list("member_id", "pk")
    )
    # The demo supervisor follows the cells under his grant (the meetings app's own rule: a
    # supervisor grant covering the cell is the assignment).
    supervisors: dict[int, Any] = {}
    supervisor = get_user_model().objects.filter(username="giamsat").first()
    if supervisor is not None:
        paths = list(
            RoleGrant.objects.filter(
                user=supervisor, role=Role.SUPERVISOR, valid_to__isnull=True
            ).values_list("organization__path", flat=True)
        )
        for info in cells:
            if any(info.cell.path.startswith(p) for p in paths):
                supervisors[info.cell.pk] = supervisor
    local = timezone.localtime()
    ctx = Context(
        rng=rng,
        campaign=campaign,
        today=local.date(),
        now=local,
        reports=reports,
        accounts=accounts,
        supervisors=supervisors,
    )
    for upper in {info.upper.pk: info.upper for info in cells}.values():
        ctx.officials[upper.pk] = _officials(rng, upper)
    return ctx


def _officials(rng: random.Random, upper: Organization) -> list[tuple[str, str]]:
    """The ward committee's people who attend cells' meetings: (name, position and unit)."""
    place = upper.name.removeprefix("Đảng ủy ").strip()
    titles = [
        f"Phó Bí thư Thường trực {upper.name}",
        f"Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra {upper.name}",
        f"Ủy viên Ban Thường vụ {upper.name}, phụ trách công tác xây dựng Đảng",
        f"Đảng ủy viên, Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam {place}",
        f"Đảng ủy viên, Phó Chủ tịch Ủy ban nhân dân {place}",
    ]
    out = []
    for title in titles:
        gender = "male" if rng.random() < 0.6 else "female"
        name, _key, _folded = person_name(rng, gender, rng.randint(1968, 1985))
        out.append((name, title))
    return out


# Which cell is in which state ------------------------------------------------------------------


def _assign_states(rng: random.Random, ctx: Context, cells: list[CellInfo], demo_cell_id: int):
    """Phased: the largest cells. Then by how far the cell's reports have come (with some
    chance), the furthest have held their meeting, the least have not registered."""
    others = [c for c in cells if c.cell.pk != demo_cell_id]
    phased_count = max(2, round(PHASED_SHARE * len(cells)))
    largest = sorted(others, key=lambda c: (-len(c.members), c.cell.path))[:phased_count]
    states: dict[int, str] = {demo_cell_id: HELD}
    for index, info in enumerate(largest):
        states[info.cell.pk] = PHASED_PARTIAL if index % 2 else PHASED_HELD
    rest = [c for c in others if c.cell.pk not in states]
    for info in rest:
        counted = sum(
            1
            for m in info.members
            if (r := ctx.reports.get(m.pk)) is not None and r.status in COUNTED
        )
        info.score = counted / len(info.members) + rng.uniform(-0.3, 0.3)
    rest.sort(key=lambda c: -c.score)
    total = len(cells)
    start = 0
    for state, share in STATE_SHARES:
        count = round(share * total) if state != NOT_REGISTERED else len(rest) - start
        for info in rest[start : start + count]:
            states[info.cell.pk] = state
        start += count
    return states


def _place(rng: random.Random, info: CellInfo) -> str:
    name = info.cell.name.removeprefix("Chi bộ ").strip()
    lowered = name.lower()
    if "tổ dân phố" in lowered or "khu phố" in lowered or "thôn" in lowered:
        return rng.choice(
            [f"Nhà văn hóa {name}", f"Hội trường {name}", f"Nhà sinh hoạt cộng đồng {name}"]
        )
    if lowered.startswith("khoa") or "y tế" in lowered:
        return rng.choice([f"Phòng giao ban {name}", "Hội trường tầng 3"])
    if "công an" in lowered or "quân sự" in lowered:
        return f"Phòng họp {name}"
    return rng.choice([f"Phòng họp {info.parent.name}", f"Phòng họp {name}", "Hội trường tầng 2"])


def _time(rng: random.Random, info: CellInfo) -> datetime.time:
    residential = "tổ dân phố" in info.cell.name.lower() or "khu phố" in info.cell.name.lower()
    if residential:
        return rng.choice([datetime.time(19, 30), datetime.time(19, 0), datetime.time(8, 0)])
    return rng.choice([datetime.time(8, 0), datetime.time(14, 0), datetime.time(14, 30)])


def _moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def _plan(rng: random.Random, ctx: Context, info: CellInfo, state: str, demo: bool):
    campaign = ctx.campaign
    today = ctx.today
    first = campaign.starts_on
    last = campaign.ends_on
    place = _place(rng, info)
    online = ""
    if not demo and rng.random() < 0.06:
        online = f"https://meet.jit.si/tusoi-{info.cell.code.lower()}"

    def day(lo: int, hi: int) -> datetime.date:
        """A day `lo`..`hi` days from today, inside the campaign's period."""
        chosen = today + datetime.timedelta(days=rng.randint(lo, hi))
        return min(max(chosen, first), last)

    phases: list[PhasePlan] = []
    if state in (PHASED_HELD, PHASED_PARTIAL):
        half = (len(info.members) + 1) // 2
        shuffled = list(info.members)
        rng.shuffle(shuffled)
        groups = [shuffled[:half], shuffled[half:]]
        if info.secretary in groups[1]:  # the secretary chairs the first phase
            groups[1].remove(info.secretary)
            groups[0].append(info.secretary)
        # Both phases behind us, or the first behind and the second still to come.
        held_both = state == PHASED_HELD
        dates = [day(-16, -10), day(-7, -2)] if held_both else [day(-9, -3), day(4, 14)]
        for number, (on, group) in enumerate(zip(dates, groups, strict=True), start=1):
            held = on < today
            phases.append(
                PhasePlan(
                    number, on, _time(rng, info), place, online, held, sorted(group, key=_order)
                )
            )
    else:
        if demo:
            on, held = today, True
        elif state == HELD:
            on, held = day(-14, -1), True
        elif state == OVERDUE:
            on, held = day(-12, -2), False
        else:
            on, held = day(0, 45), False
        at = _demo_time(ctx) if demo else _time(rng, info)
        phases.append(PhasePlan(1, on, at, place, online, held, []))
    registered_on = min(
        first + datetime.timedelta(days=rng.randint(1, 10)), phases[0].on - datetime.timedelta(1)
    )
    created_at = _moment(max(registered_on, first), rng.randint(8, 16), rng.randint(0, 59))
    plan = MeetingPlan(info, state, phases, created_at)
    # Some registrations were postponed once, before their first date.
    if not demo and state != NOT_REGISTERED and rng.random() < 0.22:
        moved = phases[0]
        old = moved.on - datetime.timedelta(days=rng.randint(3, 9))
        if old > registered_on + datetime.timedelta(days=1):
            at = _moment(old - datetime.timedelta(days=1), rng.randint(8, 17))
            if created_at < at < ctx.now:
                plan.postponed_from, plan.postponed_at = old, at
                plan.postpone_reason = rng.choice(POSTPONE_REASONS)
    return plan


def _demo_time(ctx: Context) -> datetime.time:
    """The demo cell met earlier today (the seed runs whenever it runs)."""
    hour = max(7, min(ctx.now.hour - 2, 19))
    return datetime.time(hour, 0)


def _order(member: Member) -> tuple[str, str]:
    return (member.name_key, member.card_number)


# Meetings ---------------------------------------------------------------------------------------


def _meetings(
    rng: random.Random, campaign: Campaign, root: Organization, demo_cell: Organization
) -> int:
    cells = _cells(root, demo_cell)
    if not cells:
        return 0
    ctx = _context(rng, campaign, cells)
    states = _assign_states(rng, ctx, cells, demo_cell.pk)
    plans = [
        _plan(rng, ctx, info, states[info.cell.pk], info.cell.pk == demo_cell.pk)
        for info in cells
        if states[info.cell.pk] != NOT_REGISTERED
    ]
    records = {p.info.cell.pk: _Record(rng, ctx, p) for p in plans if any(f.held for f in p.phases)}
    _insert(Meeting, [_meeting_row(ctx, p, records.get(p.info.cell.pk)) for p in plans])
    meeting_ids = dict(Meeting.objects.filter(campaign=campaign).values_list("cell_id", "pk"))
    _insert(
        MeetingPhase,
        [
            {
                "meeting": meeting_ids[p.info.cell.pk],
                "number": f.number,
                "on": f.on,
                "at": f.at,
                "place": f.place,
                "online_link": f.online_link,
                "held": f.held,
                "held_on": f.on if f.held else None,
            }
            for p in plans
            for f in p.phases
        ],
    )
    phase_ids = {
        (meeting_id, number): pk
        for meeting_id, number, pk in MeetingPhase.objects.filter(
            meeting__campaign=campaign
        ).values_list("meeting_id", "number", "pk")
    }

    def phase_id(plan: MeetingPlan, number: int) -> int:
        return phase_ids[(meeting_ids[plan.info.cell.pk], number)]

    _insert(
        MeetingPhase.members.through,
        [
            {"meetingphase": phase_id(p, f.number), "member": m.pk}
            for p in plans
            if len(p.phases) > 1
            for f in p.phases
            for m in f.members
        ],
    )
    _write_records(ctx, plans, records, phase_id)
    _write_changes(ctx, plans, meeting_ids)
    _write_visit_notes(rng, ctx, plans, meeting_ids)
    return len(plans)


def _meeting_row(ctx: Context, plan: MeetingPlan, record: "_Record | None") -> dict[str, Any]:
    info = plan.info
    all_held = all(f.held for f in plan.phases)
    held_at = None
    if all_held:
        last = plan.phases[-1]
        held_at = _moment(last.on, (last.at or datetime.time(8)).hour) + datetime.timedelta(
            hours=2, minutes=30
        )
        held_at = min(held_at, ctx.now)
    recorded = record is not None
    version = 1 + (plan.postponed_from is not None) + (len(record.phases) + 1 if recorded else 0)
    updated = max(
        [
            plan.created_at,
            *([plan.postponed_at] if plan.postponed_at else []),
            *([held_at] if held_at else []),
            *([record.last_moment] if recorded else []),
        ]
    )
    return {
        "campaign": ctx.campaign.pk,
        "cell": info.cell.pk,
        "status": MeetingStatus.HELD if all_held else MeetingStatus.REGISTERED,
        "is_phased": len(plan.phases) > 1,
        "chair": info.secretary.full_name if recorded else "",
        "secretary_name": info.deputy.full_name if recorded and info.deputy else "",
        "comments_to_committee": "",
        "conclusion": record.conclusion if recorded and all_held else "",
        "held_at": held_at,
        "signed_minutes_name": "",
        "version": version,
        "registered_by": info.secretary_user_id,
        "created_at": plan.created_at,
        "updated_at": updated,
    }


class _Record:
    """What was said and who came, per held phase of one meeting."""

    def __init__(self, rng: random.Random, ctx: Context, plan: MeetingPlan) -> None:
        self.phases: dict[int, dict[str, Any]] = {}
        info = plan.info
        presented_total = 0
        present_total = 0
        covered_total = 0
        self.last_moment = plan.created_at
        for phase in plan.phases:
            if not phase.held:
                continue
            members = phase.members or info.members
            at = phase.at or datetime.time(8)
            start = _moment(phase.on, at.hour, at.minute)
            start = min(start, ctx.now - datetime.timedelta(minutes=30))
            attendance = [_attendance(rng, m, info) for m in members]
            present = [m for m, (here, _reason) in zip(members, attendance, strict=True) if here]
            guests = _guests(rng, ctx, info)
            presenters = [
                m
                for m in present
                if (r := ctx.reports.get(m.pk)) is not None
                and r.status in COUNTED
                and r.submitted_on is not None
                and r.submitted_on <= phase.on
            ]
            # The secretary reads first; the others in the order the chair calls them.
            presenters.sort(key=lambda m: (m.pk != info.secretary.pk, rng.random()))
            moment = start + datetime.timedelta(minutes=25)
            presentations = []
            for position, member in enumerate(presenters, start=1):
                comments = []
                speakers = [m for m in present if m.pk != member.pk]
                for _n in range(rng.choice([1, 2, 2, 3])):
                    moment += datetime.timedelta(minutes=rng.randint(2, 6))
                    if guests and rng.random() < 0.12:
                        guest = rng.choice(guests)
                        speaker_member, speaker_name = None, guest["name"]
                    elif speakers:
                        speaker_member, speaker_name = rng.choice(speakers), ""
                    else:
                        continue
                    text = _comment(rng, member, info)
                    comments.append((speaker_member, speaker_name, text, min(moment, ctx.now)))
                conclusion = (
                    _conclusion_on(rng, member) if ctx.campaign.chair_concludes_per_member else ""
                )
                presentations.append((member, position, conclusion, comments))
            committee = []
            for _n in range(rng.choice([1, 2, 2, 3])):
                moment += datetime.timedelta(minutes=rng.randint(3, 8))
                speaker = rng.choice(present)
                text = rng.choice(COMMITTEE_COMMENTS)
                committee.append((speaker, "", text, min(moment, ctx.now)))
            self.phases[phase.number] = {
                "start": start,
                "attendance": list(zip(members, attendance, strict=True)),
                "guests": guests,
                "presentations": presentations,
                "committee": committee,
            }
            self.last_moment = max(self.last_moment, min(moment, ctx.now))
            presented_total += len(presenters)
            present_total += len(present)
            covered_total += len(members)
        self.conclusion = _meeting_conclusion(
            rng,
            info,
            covered=covered_total,
            present=present_total,
            presented=presented_total,
            phased=len(plan.phases) > 1,
        )


def _attendance(rng: random.Random, member: Member, info: CellInfo) -> tuple[bool, str]:
    if member.pk in (info.secretary.pk, getattr(info.deputy, "pk", None)):
        return True, ""
    chance = 0.05
    if member.works_away:
        chance = 0.45
    elif member.elderly_frail:
        chance = 0.35
    if rng.random() >= chance:
        return True, ""
    if member.works_away:
        reason = rng.choice(ABSENCE_AWAY)
    elif member.elderly_frail:
        reason = rng.choice(ABSENCE_FRAIL)
    else:
        reason = rng.choice(ABSENCE_OTHER)
    return False, reason


def _guests(rng: random.Random, ctx: Context, info: CellInfo) -> list[dict[str, Any]]:
    guests = []
    if rng.random() < 0.6:
        name, position = rng.choice(ctx.officials[info.upper.pk])
        guests.append(
            {"name": name, "position": position, "is_higher_official": True, "user": None}
        )
    supervisor = ctx.supervisors.get(info.cell.pk)
    if supervisor is not None:
        guests.append(
            {
                "name": supervisor.get_full_name(),
                "position": f"Người được phân công theo dõi, {info.upper.name}",
                "is_higher_official": True,
                "user": supervisor.pk,
            }
        )
    if rng.random() < 0.2:
        name, _key, _folded = person_name(
            rng, rng.choice(["male", "female"]), rng.randint(1960, 1990)
        )
        guests.append(
            {
                "name": name,
                "position": rng.choice(OTHER_GUESTS),
                "is_higher_official": False,
                "user": None,
            }
        )
    return guests


def _write_records(ctx: Context, plans: list[MeetingPlan], records: dict, phase_id) -> None:
    attendance, guests, presentations = [], [], []
    notify: list[tuple[int, int, datetime.datetime, str]] = []  # member, report, when, cell
    presented: dict[datetime.datetime, list[int]] = defaultdict(list)
    for plan in plans:
        record = records.get(plan.info.cell.pk)
        if record is None:
            continue
        all_held = all(f.held for f in plan.phases)
        for number, data in record.phases.items():
            pid = phase_id(plan, number)
            for member, (here, reason) in data["attendance"]:
                attendance.append(
                    {"phase": pid, "member": member.pk, "present": here, "absence_reason": reason}
                )
            guests.extend({**g, "phase": pid} for g in data["guests"])
            read_at = data["start"] + datetime.timedelta(minutes=20)
            for member, position, conclusion, _comments in data["presentations"]:
                report = ctx.reports[member.pk]
                presentations.append(
                    {
                        "phase": pid,
                        "member": member.pk,
                        "report": report.pk,
                        "position": position,
                        "conclusion": conclusion,
                    }
                )
                presented[read_at].append(report.pk)
                if all_held:
                    notify.append((member.pk, report.pk, read_at, plan.info.cell.name))
    _insert(Attendance, attendance)
    _insert(Guest, guests)
    _insert(Presentation, presentations)
    for moment, report_ids in presented.items():
        SelfReview.objects.filter(pk__in=report_ids).update(presented_at=moment)

    presentation_ids = {
        (phase, member): pk
        for phase, member, pk in Presentation.objects.filter(
            phase__meeting__campaign=ctx.campaign
        ).values_list("phase_id", "member_id", "pk")
    }
    comments = []
    for plan in plans:
        record = records.get(plan.info.cell.pk)
        if record is None:
            continue
        for number, data in record.phases.items():
            pid = phase_id(plan, number)
            position = 0
            for member, _pos, _conclusion, said in data["presentations"]:
                for speaker, name, text, moment in said:
                    position += 1
                    comments.append(
                        _comment_row(
                            pid,
                            presentation_ids[(pid, member.pk)],
                            speaker,
                            name,
                            text,
                            moment,
                            position,
                        )
                    )
            for speaker, name, text, moment in data["committee"]:
                position += 1
                comments.append(_comment_row(pid, None, speaker, name, text, moment, position))
    _insert(Comment, comments)
    _write_notifications(ctx, notify)


def _comment_row(phase, presentation, speaker, name, text, moment, position) -> dict[str, Any]:
    return {
        "phase": phase,
        "presentation": presentation,
        "speaker_member": speaker.pk if speaker is not None else None,
        "speaker_name": name,
        "text": text,
        "position": position,
        "created_at": moment,
    }


def _write_notifications(ctx: Context, notify: list[tuple[int, int, datetime.datetime, str]]):
    """What the meetings app sends presenters once the meeting is held."""
    url = reverse("reports:report", args=[0]).replace("/0/", "/{}/")
    body = _(
        "The record of the thematic meeting holds the comments made on your report and the "
        "chair's conclusion. Read them beside your report and turn them into commitments."
    )
    rows = []
    for member_id, report_id, moment, cell_name in notify:
        account = ctx.accounts.get(member_id)
        if account is None:
            continue
        sent = moment + datetime.timedelta(hours=3)
        recent = (ctx.now - sent).days < 2
        rows.append(
            {
                "user": account,
                "kind": NotificationKind.MEETING_RECORDED,
                "title": (
                    _("The comments on your report at the meeting of %(cell)s are recorded")
                    % {"cell": cell_name}
                )[:300],
                "body": body,
                "url": url.format(report_id),
                "created_at": min(sent, ctx.now),
                "read_at": None if recent else sent + datetime.timedelta(hours=5),
                "sent_by": None,
            }
        )
    _insert(Notification, rows)


def _write_changes(ctx: Context, plans: list[MeetingPlan], meeting_ids: dict[int, int]) -> None:
    """Postponements as `meeting_change` keeps them: the phase's fields before and after."""
    rows = []
    for plan in plans:
        if plan.postponed_from is None:
            continue
        phase = plan.phases[0]
        rows.append(
            {
                "meeting": meeting_ids[plan.info.cell.pk],
                "phase_number": phase.number,
                "changes": {
                    "phases": [
                        {
                            "number": phase.number,
                            "added": False,
                            "removed": False,
                            "fields": {
                                "on": [plan.postponed_from.isoformat(), phase.on.isoformat()]
                            },
                            "members_added": [],
                            "members_removed": [],
                        }
                    ]
                },
                "reason": plan.postpone_reason,
                "by": plan.info.secretary_user_id,
                "at": plan.postponed_at,
            }
        )
    _insert(MeetingChange, rows)


def _write_visit_notes(
    rng: random.Random, ctx: Context, plans: list[MeetingPlan], meeting_ids: dict[int, int]
) -> None:
    rows = []
    for plan in plans:
        supervisor = ctx.supervisors.get(plan.info.cell.pk)
        if supervisor is None:
            continue
        held = [f for f in plan.phases if f.held]
        if held:
            when = _moment(held[-1].on, 21) if held[-1].on < ctx.today else ctx.now
            text = rng.choice(VISIT_NOTES_HELD)
            attended = True
        elif plan.phases[0].on < ctx.today:
            when = ctx.now - datetime.timedelta(hours=rng.randint(3, 30))
            text = rng.choice(VISIT_NOTES_OVERDUE)
            attended = False
        else:
            continue
        rows.append(
            {
                "meeting": meeting_ids[plan.info.cell.pk],
                "author": supervisor.pk,
                "attended": attended,
                "text": text,
                "created_at": min(when, ctx.now),
            }
        )
    _insert(VisitNote, rows)


# Words: comments, conclusions, reasons -----------------------------------------------------------


def _short(member: Member) -> str:
    return f"đồng chí {member.full_name.split()[-1]}"


def _kind_of(info: CellInfo) -> str:
    name = f"{info.cell.name} {info.parent.name}".lower()
    if "tổ dân phố" in name or "khu phố" in name or "thôn" in name:
        return "residential"
    if "khoa" in name or "y tế" in name:
        return "health"
    if "công an" in name or "quân sự" in name:
        return "force"
    return "office"


def _comment(rng: random.Random, member: Member, info: CellInfo) -> str:
    """One comment on `member`'s report: an opening, a strength fitting the member's life, and
    (mostly) a frank point to correct; varied so no two read alike."""
    who = _short(member)
    opening = rng.choice(OPENINGS).format(who=who)
    if member.life_situation == "retired" or member.elderly_frail:
        pool = STRENGTHS["retired"]
    else:
        pool = STRENGTHS[_kind_of(info)]
    strength = rng.choice(pool + STRENGTHS["any"])
    parts = [opening, f"{rng.choice(STRENGTH_LEADS)} {strength}."]
    if member.is_leader and rng.random() < 0.5:
        parts.append(rng.choice(LEADER_POINTS).format(who=who))
    elif rng.random() < 0.85:
        parts.append(rng.choice(SHORTCOMINGS).format(who=who))
    if rng.random() < 0.45:
        parts.append(rng.choice(CLOSINGS).format(who=who))
    return " ".join(p[:1].upper() + p[1:] for p in parts)


def _conclusion_on(rng: random.Random, member: Member) -> str:
    who = _short(member)
    return " ".join(
        [
            rng.choice(CONCLUSION_OPENINGS).format(who=who),
            f"Ưu điểm: {rng.choice(STRENGTHS['any'])}.",
            f"Hạn chế: {rng.choice(CONCLUSION_LIMITS)}.",
            rng.choice(CONCLUSION_ASKS).format(who=who),
        ]
    )


def _meeting_conclusion(
    rng: random.Random, info: CellInfo, *, covered: int, present: int, presented: int, phased: bool
) -> str:
    lines = [
        rng.choice(MEETING_OPENINGS).format(
            present=present, covered=covered, phases=" qua hai kỳ" if phased else ""
        ),
        f"{presented} đồng chí đã trình bày bản tự rà soát, soi rọi trước chi bộ; "
        + rng.choice(MEETING_TONES),
        rng.choice(MEETING_AGREED),
        rng.choice(MEETING_TASKS).format(upper=info.upper.name),
    ]
    return "\n".join(lines)


POSTPONE_REASONS = [
    "Trùng lịch hội nghị của Đảng ủy phường, xin lùi lịch để các đồng chí cấp ủy dự được.",
    "Nhiều đảng viên đi công tác đột xuất; chi bộ lùi lịch để bảo đảm số lượng dự họp.",
    "Thời tiết mưa lớn kéo dài, nhiều đảng viên cao tuổi không đi lại được.",
    "Một số đồng chí chưa hoàn thành bản tự rà soát; chi bộ lùi lịch để chuẩn bị chu đáo hơn.",
    "Hội trường đang sửa chữa, chi bộ chuyển ngày và địa điểm sinh hoạt.",
    "Chờ đồng chí Đảng ủy viên phụ trách chi bộ về dự và chỉ đạo.",
]
ABSENCE_AWAY = [
    "Đi làm ăn xa, đã gửi bản tự rà soát qua Zalo cho đồng chí Bí thư",
    "Đang làm việc tại tỉnh khác, có báo cáo bằng văn bản",
    "Đi làm xa, xin phép vắng",
]
ABSENCE_FRAIL = [
    "Tuổi cao, sức khỏe yếu, xin phép vắng",
    "Đang điều trị tại bệnh viện",
    "Ốm, có báo cáo với chi ủy",
]
ABSENCE_OTHER = [
    "Đi công tác theo phân công của cơ quan",
    "Việc gia đình đột xuất, có báo cáo trước",
    "Trực cơ quan",
    "Đi học tập trung lớp lý luận chính trị",
]
OTHER_GUESTS = [
    "Trưởng Ban công tác Mặt trận khu dân cư",
    "Đại diện Chi hội Cựu chiến binh",
    "Bí thư Chi đoàn thanh niên",
    "Tổ trưởng tổ dân phố",
]
OPENINGS = [
    "Tôi cơ bản thống nhất với bản tự rà soát của {who}.",
    "Qua theo dõi trong công tác và sinh hoạt, tôi thấy {who} đã tự soi khá thẳng thắn.",
    "Bản tự rà soát của {who} có đủ các nội dung theo hướng dẫn.",
    "Tôi xin góp ý với {who} mấy điểm.",
    "Nghe {who} trình bày, tôi thấy đồng chí nhận diện đúng những việc mình còn chưa làm tốt.",
    "Tôi đồng tình với phần ưu điểm {who} tự nêu.",
    "Là người cùng tổ công tác, tôi xin bổ sung ý kiến về {who}.",
]
STRENGTH_LEADS = [
    "Đồng chí",
    "Trong thời gian qua, đồng chí",
    "Chi bộ đều ghi nhận đồng chí",
    "Điều tôi quý ở đồng chí là",
]
STRENGTHS = {
    "any": [
        "luôn chấp hành nghiêm sự phân công của chi bộ",
        "giữ gìn phẩm chất đạo đức, lối sống giản dị",
        "sinh hoạt chi bộ đầy đủ, đóng đảng phí đúng quy định",
        "có tinh thần đoàn kết, sẵn sàng giúp đỡ đồng chí, đồng nghiệp",
        "thẳng thắn trong tự phê bình và phê bình",
        "gương mẫu thực hiện các quy định về những điều đảng viên không được làm",
    ],
    "residential": [
        "tích cực tham gia công tác ở khu dân cư, được bà con tin tưởng",
        "vận động gia đình chấp hành tốt quy ước của tổ dân phố",
        "nhiệt tình với các phong trào vệ sinh môi trường, an ninh trật tự",
        "gần gũi, lắng nghe ý kiến của nhân dân",
    ],
    "health": [
        "tận tình với người bệnh, giữ đúng y đức",
        "không ngại khó khi được phân công trực đêm, trực lễ",
        "chủ động học tập nâng cao chuyên môn",
    ],
    "force": [
        "chấp hành nghiêm kỷ luật, điều lệnh",
        "sẵn sàng nhận nhiệm vụ khó, không quản ngại",
        "giữ mối quan hệ tốt với nhân dân trên địa bàn",
    ],
    "office": [
        "hoàn thành tốt nhiệm vụ chuyên môn được giao",
        "giải quyết hồ sơ của người dân đúng hẹn, không gây phiền hà",
        "chủ động đề xuất cải tiến cách làm trong đơn vị",
    ],
    "retired": [
        "dù tuổi cao vẫn tham gia sinh hoạt đều đặn",
        "thường xuyên nhắc nhở con cháu sống có trách nhiệm",
        "nhiệt tình truyền lại kinh nghiệm cho các đảng viên trẻ",
    ],
}
SHORTCOMINGS = [
    "Tuy nhiên, phần nguyên nhân của hạn chế {who} nêu còn chung chung, đề nghị nói rõ hơn.",
    "Đề nghị {who} dành thời gian nghiên cứu kỹ hơn các nghị quyết, chỉ thị mới của Đảng.",
    "Có lúc {who} còn ngại va chạm, chưa mạnh dạn đấu tranh với biểu hiện sai trái.",
    "Việc tham gia sinh hoạt chi bộ của {who} có tháng còn chưa đều, cần khắc phục.",
    "Kế hoạch sửa chữa của {who} nên có mốc thời gian và cách đo kết quả cụ thể hơn.",
    "Tôi đề nghị {who} chú ý hơn đến việc phát ngôn, chia sẻ thông tin trên mạng xã hội.",
    "Phần liên hệ với 27 biểu hiện suy thoái {who} làm còn sơ sài, nên soi lại từng nhóm.",
    "Đề nghị {who} quan tâm hơn đến việc tu dưỡng, rèn luyện của người thân trong gia đình.",
    "Bản tự rà soát còn dễ giống bản kiểm điểm cuối năm; mong {who} nêu việc cụ thể hơn.",
]
LEADER_POINTS = [
    "Là người đứng đầu, {who} cần sâu sát hơn với cấp dưới, kiểm tra việc thực hiện đến cùng.",
    "Lời hứa khi nhận nhiệm vụ về cải cách hành chính {who} mới làm được một phần; "
    "đề nghị có lộ trình rõ ràng.",
    "Đề nghị {who} làm rõ hơn trách nhiệm của người đứng đầu trong những việc còn chậm.",
]
CLOSINGS = [
    "Đề nghị chi bộ ghi nhận.",
    "Tôi tin {who} sẽ khắc phục được.",
    "Mong {who} tiếp thu để tiến bộ hơn.",
    "Chúc {who} thực hiện tốt kế hoạch đã đề ra.",
]
COMMITTEE_COMMENTS = [
    "Đề nghị chi ủy quan tâm hơn việc nắm tình hình tư tưởng của đảng viên đi làm ăn xa.",
    "Nội dung sinh hoạt chi bộ hằng tháng có lúc còn đơn điệu; đề nghị chi ủy đổi mới, "
    "dành thời gian thảo luận những việc cụ thể ở địa bàn.",
    "Đề nghị chi bộ phân công đảng viên có kinh nghiệm giúp đỡ các đồng chí mới kết nạp.",
    "Chi ủy cần đôn đốc sớm hơn để các đồng chí hoàn thành bản tự rà soát đúng hạn.",
    "Đề nghị chi ủy thông báo kết quả sinh hoạt chuyên đề đến từng đảng viên vắng mặt.",
    "Chi bộ nên có hình thức động viên, thăm hỏi đảng viên cao tuổi, ốm đau thường xuyên hơn.",
    "Việc theo dõi thực hiện các cam kết sau đợt sinh hoạt trước chưa thật chặt chẽ; "
    "đề nghị chi ủy đưa vào sinh hoạt định kỳ.",
]
CONCLUSION_OPENINGS = [
    "Chi bộ ghi nhận bản tự rà soát của {who} nghiêm túc, đúng hướng dẫn.",
    "{who} đã nhận thức đúng yêu cầu của đợt sinh hoạt.",
    "Chủ trì kết luận đối với {who}:",
]
CONCLUSION_LIMITS = [
    "việc nghiên cứu, học tập nghị quyết chưa thường xuyên",
    "còn ngại phê bình, đấu tranh",
    "kế hoạch khắc phục chưa cụ thể về thời gian",
    "tham gia sinh hoạt chưa đều",
]
CONCLUSION_ASKS = [
    "Đề nghị {who} tiếp thu các ý kiến góp ý, bổ sung vào kế hoạch sửa chữa.",
    "Giao chi ủy theo dõi việc thực hiện kế hoạch khắc phục của {who}.",
    "{who} báo cáo kết quả khắc phục tại kỳ sinh hoạt chi bộ quý tới.",
]
MEETING_OPENINGS = [
    "Buổi sinh hoạt chuyên đề{phases} diễn ra nghiêm túc, dân chủ, đúng hướng dẫn; "
    "{present}/{covered} đảng viên dự.",
    "Chi bộ đã tổ chức sinh hoạt chuyên đề{phases} theo đúng chương trình mẫu, "
    "có {present}/{covered} đảng viên tham dự.",
    "Sinh hoạt chuyên đề{phases} bảo đảm nội dung, thời gian; "
    "{present}/{covered} đảng viên có mặt.",
]
MEETING_TONES = [
    "các ý kiến góp ý thẳng thắn, chân thành, mang tính xây dựng.",
    "không khí cởi mở, đảng viên mạnh dạn tự phê bình và phê bình.",
    "nhiều ý kiến chỉ ra được những việc cụ thể cần sửa.",
]
MEETING_AGREED = [
    "Chi bộ thống nhất: mỗi đảng viên bổ sung kế hoạch sửa chữa theo ý kiến góp ý trong tháng.",
    "Chi bộ thống nhất giao chi ủy tổng hợp các hạn chế chung để đưa vào nghị quyết chi bộ.",
    "Chi bộ thống nhất đưa việc theo dõi các cam kết vào nội dung sinh hoạt hằng tháng.",
]
MEETING_TASKS = [
    "Giao đồng chí Bí thư chi bộ báo cáo kết quả về {upper} đúng thời hạn.",
    "Chi ủy hoàn thiện biên bản, báo cáo {upper} và lưu hồ sơ theo quy định.",
    "Các đồng chí vắng mặt nộp bản tự rà soát để chi ủy tổng hợp, báo cáo {upper}.",
]
VISIT_NOTES_HELD = [
    "Dự buổi sinh hoạt từ đầu đến cuối. Chi bộ chuẩn bị chu đáo, các ý kiến thẳng thắn; "
    "cần lưu ý hoàn thiện biên bản và gửi bản ký về Đảng ủy.",
    "Chi bộ thực hiện đúng chương trình mẫu. Một số bản tự rà soát còn chung chung; đã đề nghị "
    "chi ủy hướng dẫn đảng viên bổ sung kế hoạch khắc phục cụ thể.",
    "Buổi sinh hoạt nghiêm túc. Đề nghị chi bộ quan tâm các đồng chí đi làm xa chưa dự được.",
]
VISIT_NOTES_OVERDUE = [
    "Đã liên hệ đồng chí Bí thư: chi bộ chưa tổ chức được theo lịch đăng ký, "
    "đề nghị đăng ký lại ngày trong tuần tới.",
    "Nhắc chi bộ cập nhật kết quả buổi sinh hoạt lên hệ thống trong ngày.",
]


# Supplementary activities and commendations ----------------------------------------------------


def _activities(
    rng: random.Random, campaign: Campaign, root: Organization, demo_cell: Organization
) -> None:
    from tusoi.activities.services import activity_create

    today = timezone.localdate()
    first = campaign.starts_on
    span = max(0, (today - first).days - 1)
    lo, hi = root.path, successor(root.path)
    orgs = list(
        Organization.objects.filter(path__gte=lo, path__lt=hi)
        .select_related("kind")
        .order_by("path")
    )
    chosen: list[tuple[Organization, int]] = []
    for org in orgs:
        if org.depth <= 1:
            count = rng.randint(2, 4)
        elif not org.kind.is_cell:
            count = rng.randint(0, 2)
        else:
            count = 1 if org.pk == demo_cell.pk or rng.random() < 0.3 else 0
        chosen.extend((org, n) for n in range(count))
    for org, index in chosen:
        kind = _activity_kind(rng, org)
        titles, summaries, people = ACTIVITY_TEXTS[kind]
        title = rng.choice(titles)
        on = first + datetime.timedelta(days=rng.randint(0, span))
        participants = rng.randint(*people) * (3 if org.depth <= 1 else 1)
        files = []
        if org.depth <= 1 and index == 0:
            files = [_plan_docx(org, title, on)]
        activity_create(
            actor=None,
            organization=org,
            kind=kind,
            title=title,
            on=on,
            participants=participants,
            summary=rng.choice(summaries).format(n=participants, org=org.name),
            campaign=campaign,
            files=files,
        )


def _activity_kind(rng: random.Random, org: Organization) -> str:
    if org.depth <= 1:
        return rng.choice([ActivityKind.SEMINAR, ActivityKind.FORUM, ActivityKind.GRATITUDE])
    return rng.choices(
        [
            ActivityKind.VETERAN_EXCHANGE,
            ActivityKind.GRATITUDE,
            ActivityKind.COUNSELLING,
            ActivityKind.FORUM,
            ActivityKind.OTHER,
        ],
        [30, 30, 15, 15, 10],
    )[0]


def _plan_docx(org: Organization, title: str, on: datetime.date) -> ContentFile:
    """The organiser's plan for the activity, in the party layout."""
    from tusoi.documents import Paragraph, PartyDocument, build_party_docx

    issued = on - datetime.timedelta(days=7)
    data = build_party_docx(
        PartyDocument(
            superior_body="ĐẢNG BỘ TỈNH MINH SƠN" if org.depth else "",
            issuing_body=org.name.upper(),
            number_symbol="12-KH/ĐU" if org.depth else "31-KH/TU",
            place="Minh Sơn",
            date=issued,
            doc_type="KẾ HOẠCH",
            summary=title,
            body=[
                Paragraph("I. MỤC ĐÍCH, YÊU CẦU", bold=True, indent_first_line=False),
                Paragraph(
                    "Hưởng ứng đợt sinh hoạt chính trị “Giữ trọn lời thề đảng viên”, góp phần "
                    "giáo dục truyền thống, nâng cao ý thức tu dưỡng, rèn luyện của cán bộ, "
                    "đảng viên."
                ),
                Paragraph("II. THỜI GIAN, ĐỊA ĐIỂM", bold=True, indent_first_line=False),
                Paragraph(f"Ngày {on:%d/%m/%Y}, tại hội trường {org.name}."),
                Paragraph("III. TỔ CHỨC THỰC HIỆN", bold=True, indent_first_line=False),
                Paragraph(
                    "Văn phòng chuẩn bị tài liệu, hội trường; các chi bộ cử đảng viên tham dự "
                    "đầy đủ, báo cáo kết quả sau khi tổ chức."
                ),
            ],
            signer_title="T/M BAN THƯỜNG VỤ",
            signer_role="PHÓ BÍ THƯ",
            signer_name="Nguyễn Văn Hòa",
            recipients=["Các chi bộ, đảng bộ trực thuộc,", "Lưu Văn phòng."],
        )
    )
    return ContentFile(data, name="Kế hoạch tổ chức.docx")


ACTIVITY_TEXTS: dict[str, tuple[list[str], list[str], tuple[int, int]]] = {
    ActivityKind.SEMINAR: (
        [
            "Hội nghị quán triệt Hướng dẫn số 06-HD/TU về đợt sinh hoạt chính trị",
            "Hội thảo “Giữ trọn lời thề đảng viên trong tình hình mới”",
            "Tọa đàm “Tự soi, tự sửa — bắt đầu từ những việc nhỏ”",
        ],
        [
            "{n} cán bộ, đảng viên dự. Báo cáo viên quán triệt mục đích, yêu cầu của đợt sinh "
            "hoạt; các chi bộ trao đổi cách tổ chức buổi sinh hoạt chuyên đề.",
            "Hội nghị có {n} đại biểu. Nhiều ý kiến nêu khó khăn của đảng viên cao tuổi, đảng "
            "viên đi làm ăn xa khi viết bản tự rà soát; {org} giao văn phòng hướng dẫn thêm.",
        ],
        (40, 90),
    ),
    ActivityKind.FORUM: (
        [
            "Diễn đàn “Đảng viên trẻ với lời thề trước cờ Đảng”",
            "Tọa đàm “Nêu gương của cán bộ, đảng viên ở khu dân cư”",
            "Diễn đàn đoàn viên thanh niên học tập gương đảng viên tiêu biểu",
        ],
        [
            "{n} người tham gia. Các đảng viên trẻ chia sẻ về ngày đứng trước cờ Đảng tuyên thệ "
            "và những việc mình đã làm để giữ lời thề.",
            "Diễn đàn thu hút {n} đảng viên, đoàn viên; ba tham luận về nêu gương ở khu dân cư "
            "được trình bày và thảo luận.",
        ],
        (25, 70),
    ),
    ActivityKind.VETERAN_EXCHANGE: (
        [
            "Gặp mặt, trao đổi với đảng viên 50 năm tuổi Đảng",
            "Giao lưu với các đồng chí đảng viên lão thành",
            "Nghe đảng viên cao tuổi Đảng kể chuyện ngày vào Đảng",
        ],
        [
            "{n} đảng viên dự. Các đồng chí lão thành kể lại kỷ niệm ngày vào Đảng, nhắn nhủ "
            "đảng viên trẻ giữ trọn lời thề.",
            "Buổi giao lưu có {n} người; chi bộ tặng hoa, quà các đồng chí cao tuổi Đảng.",
        ],
        (12, 35),
    ),
    ActivityKind.GRATITUDE: (
        [
            "Thăm, tặng quà gia đình chính sách, người có công",
            "Chương trình “Uống nước nhớ nguồn” tại Nghĩa trang liệt sĩ",
            "Dọn vệ sinh, thắp hương Nghĩa trang liệt sĩ",
        ],
        [
            "{n} đảng viên tham gia; thăm và tặng quà các gia đình chính sách trên địa bàn.",
            "{n} người tham gia dâng hương, dọn vệ sinh phần mộ các anh hùng liệt sĩ.",
        ],
        (10, 40),
    ),
    ActivityKind.COUNSELLING: (
        [
            "Gặp gỡ, giúp đỡ đảng viên chưa tham gia sinh hoạt đều",
            "Trao đổi, động viên đảng viên gặp khó khăn trở lại sinh hoạt",
        ],
        [
            "Chi ủy và {n} đảng viên được phân công gặp gỡ, trao đổi; đảng viên đã nhận thiếu "
            "sót và cam kết sinh hoạt đều.",
            "Chi bộ cử {n} đồng chí đến thăm hỏi, động viên; kết quả được báo cáo chi ủy.",
        ],
        (2, 5),
    ),
    ActivityKind.OTHER: (
        [
            "Ra quân vệ sinh môi trường khu dân cư",
            "Trồng cây xanh hưởng ứng đợt sinh hoạt chính trị",
        ],
        [
            "{n} đảng viên, đoàn viên và bà con tham gia.",
            "{n} người tham gia; trồng và chăm sóc cây xanh dọc tuyến đường khu dân cư.",
        ],
        (15, 60),
    ),
}


def _commendations(
    rng: random.Random, campaign: Campaign, root: Organization, demo_cell: Organization
) -> None:
    """Exemplary members (reports accepted, meetings held) and cells whose meeting was held,
    commended by their cell, grassroots committee, ward committee or the province."""
    from tusoi.activities.services import commendation_create

    today = timezone.localdate()
    first = campaign.starts_on
    held_cells = {
        m.cell_id: m
        for m in Meeting.objects.filter(campaign=campaign, status=MeetingStatus.HELD)
        .select_related("cell")
        .prefetch_related("phases")
    }
    exemplary = list(
        SelfReview.objects.filter(
            campaign=campaign, status=ReportStatus.ACCEPTED, member__cell_id__in=list(held_cells)
        )
        .select_related("member__cell")
        .order_by("member__cell__path", "member__card_number")
    )
    if not exemplary:
        return
    lo, hi = root.path, successor(root.path)
    orgs = {o.path: o for o in Organization.objects.filter(path__gte=lo, path__lt=hi)}
    level = {
        0: CommendationLevel.PROVINCE,
        1: CommendationLevel.UPPER,
    }

    def giver_level(org: Organization) -> str:
        if org.depth in level:
            return level[org.depth]
        return CommendationLevel.CELL if org.kind.is_cell else CommendationLevel.GRASSROOTS

    def after_meeting(cell_id: int) -> datetime.date:
        meeting = held_cells[cell_id]
        held_on = max(p.on for p in meeting.phases.all())
        return min(today, held_on + datetime.timedelta(days=rng.randint(0, 3)))

    picks = rng.sample(exemplary, min(len(exemplary), 18))
    demo_pick = next((r for r in exemplary if r.member.cell_id == demo_cell.pk), None)
    if demo_pick is not None and demo_pick not in picks:
        picks.append(demo_pick)
    for report in picks:
        member = report.member
        chain = [
            orgs[p] for p in [*ancestor_paths(member.cell.path), member.cell.path] if p in orgs
        ]
        giver = rng.choice(chain[1:] if len(chain) > 1 else chain)
        if report is demo_pick:
            giver = member.cell
        commendation_create(
            actor=None,
            organization=giver,
            member=member,
            level=giver_level(giver),
            reason=rng.choice(MEMBER_REASONS),
            on=max(first, after_meeting(member.cell_id)),
            campaign=campaign,
        )
    cells = rng.sample(
        sorted(held_cells, key=lambda c: held_cells[c].cell.path), min(6, len(held_cells))
    )
    for cell_id in cells:
        cell = held_cells[cell_id].cell
        chain = [orgs[p] for p in ancestor_paths(cell.path) if p in orgs]
        giver = chain[1] if len(chain) > 1 else chain[0]
        commendation_create(
            actor=None,
            organization=giver,
            commended_organization=cell,
            level=giver_level(giver),
            reason=rng.choice(CELL_REASONS),
            on=max(first, after_meeting(cell_id)),
            campaign=campaign,
        )


MEMBER_REASONS = [
    "Gương mẫu, thẳng thắn trong tự phê bình và phê bình tại buổi sinh hoạt chuyên đề.",
    "Hoàn thành sớm bản tự rà soát có chất lượng, kế hoạch khắc phục cụ thể, khả thi.",
    "Tiêu biểu trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
    "Tích cực vận động nhân dân tham gia các phong trào ở khu dân cư.",
    "Đảng viên cao tuổi Đảng gương mẫu, nhiệt tình giúp đỡ các đảng viên trẻ.",
    "Có nhiều đóng góp trong công tác chuyên môn, được đồng nghiệp và nhân dân tín nhiệm.",
]
CELL_REASONS = [
    "Tổ chức buổi sinh hoạt chuyên đề sớm, nghiêm túc, đúng hướng dẫn; 100% đảng viên "
    "hoàn thành bản tự rà soát.",
    "Có cách làm hay trong hướng dẫn đảng viên cao tuổi, đảng viên đi làm ăn xa tự rà soát.",
    "Tổ chức tốt các hoạt động hưởng ứng đợt sinh hoạt chính trị ở khu dân cư.",
]
