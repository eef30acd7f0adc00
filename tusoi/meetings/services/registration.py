"""Registering a cell's thematic meeting, changing or cancelling it, supervisors' visit notes
and the daily reminders. Each write is keyword-only, checked against the issue 5 contract,
atomic and audited; a refusal is a ValidationError whose Vietnamese messages name the phase and
the member at fault, and nothing is half-saved.

Rules: a meeting has one phase or more, each dated within the campaign's period, with a place or
an online link; a phased meeting covers every in-scope member of the cell (not exempt,
transferred out, gone or merged) in exactly one phase; only the cell's secretary
(MANAGE_MEETINGS) registers and changes it; a change that moves a date needs a reason and is
kept as a MeetingChange; an edit based on an older version is refused (StaleEdit)."""

import datetime
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record
from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.core.events import publish
from tusoi.core.text import clean_multiline, clean_text
from tusoi.meetings.models import (
    Attendance,
    Meeting,
    MeetingChange,
    MeetingPhase,
    MeetingStatus,
    Presentation,
    VisitNote,
)
from tusoi.meetings.selectors.registration import (
    campaign_covers,
    can_manage,
    cell_members_in_scope,
    supervises,
)
from tusoi.members.models import Member, MemberStatus
from tusoi.members.services import StaleEdit
from tusoi.notifications.models import NotificationKind
from tusoi.notifications.services import reminders_create_many
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Role
from tusoi.orgs.tree import successor

MAX_PHASES = 20
MAX_PLACE = 300
MAX_LINK = 500
MAX_REASON = 2000
MAX_NOTE = 5000
# Days before the campaign's end from which cells without a registered meeting are reminded,
# and days after a phase's date after which an unrecorded meeting is.
REMIND_UNREGISTERED_DAYS = 14
REMIND_UNRECORDED_AFTER = 2
CHUNK = 2000

_PHASE_FIELDS = ("on", "at", "place", "online_link")


@dataclass
class PhaseInput:
    """One phase as typed: when, where (a place or an online link, or both) and, for a phased
    meeting, which members of the cell it covers."""

    on: datetime.date | None
    at: datetime.time | None = None
    place: str = ""
    online_link: str = ""
    member_ids: list[int] = field(default_factory=list)


@dataclass
class _Phase:
    number: int
    on: datetime.date
    at: datetime.time | None
    place: str
    online_link: str
    member_ids: list[int]


# Checks ---------------------------------------------------------------------------------------


def _require_manager(actor: Any, cell: Organization) -> None:
    if not can_manage(actor, cell):
        raise PermissionDenied(_("Only the cell's secretary can register or change its meeting."))


def _require_open(campaign: Campaign) -> None:
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        raise ValidationError(
            _("The campaign is closed: its meetings can no longer be registered or changed.")
        )


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _at_phase(number: int, phased: bool, problem: str) -> str:
    """A problem with one phase, naming the phase when there are several."""
    if not phased:
        return capfirst(problem)
    return _("Phase %(n)d: %(problem)s") % {"n": number, "problem": problem}


def _valid_link(link: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        return False
    return True


def phases_clean(
    *, campaign: Campaign, cell: Organization, phases: Sequence[PhaseInput]
) -> list[_Phase]:
    """Check the phases against the contract; every problem is reported at once."""
    if not phases:
        raise ValidationError(_("Add at least one phase: the date and place of the meeting."))
    if len(phases) > MAX_PHASES:
        raise ValidationError(_("A meeting can have at most %(n)d phases.") % {"n": MAX_PHASES})
    phased = len(phases) > 1
    errors: list[str] = []
    cleaned: list[_Phase] = []
    for number, phase in enumerate(phases, start=1):
        place = clean_text(phase.place)
        link = clean_text(phase.online_link)
        if phase.on is None:
            errors.append(_at_phase(number, phased, _("enter the date.")))
        elif not campaign.starts_on <= phase.on <= campaign.ends_on:
            outside = _("the date %(day)s is outside the campaign's period (%(start)s – %(end)s).")
            errors.append(
                _at_phase(
                    number,
                    phased,
                    outside
                    % {
                        "day": _day(phase.on),
                        "start": _day(campaign.starts_on),
                        "end": _day(campaign.ends_on),
                    },
                )
            )
        if not place and not link:
            errors.append(_at_phase(number, phased, _("enter a place or an online link.")))
        if len(place) > MAX_PLACE:
            too_long = _("the place is longer than %(n)d characters.") % {"n": MAX_PLACE}
            errors.append(_at_phase(number, phased, too_long))
        if link and (len(link) > MAX_LINK or not _valid_link(link)):
            not_a_link = _("the online link is not a web address (https://…).")
            errors.append(_at_phase(number, phased, not_a_link))
        cleaned.append(
            _Phase(
                number=number,
                on=phase.on,  # type: ignore[arg-type]  # refused above when missing
                at=phase.at,
                place=place,
                online_link=link,
                member_ids=list(dict.fromkeys(int(m) for m in phase.member_ids)) if phased else [],
            )
        )
    if phased:
        errors.extend(_coverage_problems(cell, cleaned))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _coverage_problems(cell: Organization, phases: list[_Phase]) -> list[str]:
    """A phased meeting covers every in-scope member of the cell in exactly one phase."""
    in_scope = {m.pk: m.full_name for m in cell_members_in_scope(cell).only("pk", "full_name")}
    on_roll = set(
        Member.objects.filter(cell=cell, merged_into__isnull=True)
        .exclude(status=MemberStatus.LEFT)
        .values_list("pk", flat=True)
    )
    roll_names = dict(
        Member.objects.filter(pk__in=on_roll - set(in_scope)).values_list("pk", "full_name")
    )
    problems: list[str] = []
    first_phase: dict[int, int] = {}
    for phase in phases:
        for member_id in phase.member_ids:
            if member_id not in on_roll:
                # Named by number only: the member may be outside the secretary's scope.
                stranger = _("member no. %(id)d is not a member of this cell.") % {"id": member_id}
                problems.append(_at_phase(phase.number, True, stranger))
                continue
            if member_id in first_phase:
                problems.append(
                    _("%(name)s is listed in both phase %(a)d and phase %(b)d.")
                    % {
                        "name": in_scope.get(member_id) or roll_names.get(member_id, ""),
                        "a": first_phase[member_id],
                        "b": phase.number,
                    }
                )
                continue
            first_phase[member_id] = phase.number
    left_out = [name for pk, name in in_scope.items() if pk not in first_phase]
    if left_out:
        problems.append(
            _(
                "Not in any phase: %(names)s. A meeting held in phases must cover every member "
                "of the cell."
            )
            % {"names": ", ".join(left_out)}
        )
    return problems


# Registering ----------------------------------------------------------------------------------


def _create_phases(meeting: Meeting, phases: list[_Phase]) -> None:
    created = MeetingPhase.objects.bulk_create(
        [
            MeetingPhase(
                meeting=meeting,
                number=p.number,
                on=p.on,
                at=p.at,
                place=p.place,
                online_link=p.online_link,
            )
            for p in phases
        ]
    )
    _set_members(created, phases)


def _set_members(rows: list[MeetingPhase], phases: list[_Phase]) -> None:
    through = MeetingPhase.members.through
    by_number = {p.number: p for p in phases}
    through.objects.bulk_create(
        [
            through(meetingphase_id=row.pk, member_id=member_id)
            for row in rows
            for member_id in by_number[row.number].member_ids
        ]
    )


def _phase_summary(phases: list[_Phase]) -> list[dict[str, Any]]:
    return [
        {
            "number": p.number,
            "on": p.on.isoformat(),
            "at": p.at.strftime("%H:%M") if p.at else None,
            "place": p.place,
            "online_link": p.online_link,
            "members": len(p.member_ids),
        }
        for p in phases
    ]


@transaction.atomic
def meeting_register(
    *, actor: Any, campaign: Campaign, cell: Organization, phases: Sequence[PhaseInput]
) -> Meeting:
    """Register the cell's meeting for the campaign (again, after a cancellation)."""
    _require_manager(actor, cell)
    # One registration at a time per cell: the cell's row is the lock.
    cell = Organization.objects.select_for_update().select_related("kind").get(pk=cell.pk)
    if not cell.kind.is_cell:
        raise ValidationError(_("Only a cell holds a thematic meeting."))
    if not campaign_covers(campaign, cell.path):
        raise ValidationError(_("This cell is not part of the campaign."))
    _require_open(campaign)
    cleaned = phases_clean(campaign=campaign, cell=cell, phases=phases)
    existing = Meeting.objects.filter(campaign=campaign, cell=cell).first()
    if existing is not None and existing.status != MeetingStatus.CANCELLED:
        raise ValidationError(_("This cell has already registered its meeting; change it instead."))
    if existing is None:
        meeting = Meeting.objects.create(
            campaign=campaign,
            cell=cell,
            is_phased=len(cleaned) > 1,
            registered_by=actor if getattr(actor, "pk", None) else None,
        )
        action = AuditEvent.Action.CREATE
    else:
        # Registered again after a cancellation: same row (one meeting per cell), new phases,
        # and the step kept in the history.
        meeting = existing
        meeting.phases.all().delete()
        meeting.status = MeetingStatus.REGISTERED
        meeting.is_phased = len(cleaned) > 1
        meeting.registered_by = actor if getattr(actor, "pk", None) else None
        meeting.version = F("version") + 1
        meeting.save()
        meeting.refresh_from_db()
        MeetingChange.objects.create(
            meeting=meeting,
            changes={
                "status": [MeetingStatus.CANCELLED, MeetingStatus.REGISTERED],
                "phases": [
                    {
                        "number": p.number,
                        "added": True,
                        "fields": _fields_of(None, p),
                        "members_added": [],
                        "members_removed": [],
                    }
                    for p in cleaned
                ],
            },
            reason="",
            by=actor if getattr(actor, "pk", None) else None,
        )
        action = AuditEvent.Action.STATUS
    _create_phases(meeting, cleaned)
    audit_record(
        actor=actor,
        action=action,
        target=meeting,
        organization=cell,
        changes={
            "status": [None, MeetingStatus.REGISTERED],
            "phases": [None, _phase_summary(cleaned)],
        },
    )
    publish("cells_changed", cell_ids=[cell.pk], campaign_id=campaign.pk)
    return meeting


# Changing -------------------------------------------------------------------------------------


def _stored(phase: MeetingPhase) -> dict[str, Any]:
    return {
        "on": phase.on.isoformat(),
        "at": phase.at.strftime("%H:%M") if phase.at else None,
        "place": phase.place,
        "online_link": phase.online_link,
    }


def _typed(phase: _Phase) -> dict[str, Any]:
    return {
        "on": phase.on.isoformat(),
        "at": phase.at.strftime("%H:%M") if phase.at else None,
        "place": phase.place,
        "online_link": phase.online_link,
    }


def _fields_of(before: MeetingPhase | None, after: _Phase | None) -> dict[str, list[Any]]:
    old = _stored(before) if before is not None else dict.fromkeys(_PHASE_FIELDS)
    new = _typed(after) if after is not None else dict.fromkeys(_PHASE_FIELDS)
    return {name: [old[name], new[name]] for name in _PHASE_FIELDS if old[name] != new[name]}


def _has_record(phase: MeetingPhase) -> bool:
    return (
        Attendance.objects.filter(phase=phase).exists()
        or Presentation.objects.filter(phase=phase).exists()
        or phase.comments.exists()
        or phase.guests.exists()
    )


@transaction.atomic
def meeting_change(
    *,
    actor: Any,
    meeting: Meeting,
    base_version: int,
    phases: Sequence[PhaseInput],
    reason: str = "",
) -> Meeting:
    """Change the dates, places or phases of a registered meeting. Phases keep their number
    (and whatever was recorded on them); the change and its reason are kept. Moving a date or
    dropping a phase needs a reason; a phase already held cannot change."""
    current = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("campaign", "cell", "cell__kind")
        .get(pk=meeting.pk)
    )
    _require_manager(actor, current.cell)
    if current.version != base_version:
        raise StaleEdit(
            _(
                "Someone else changed this meeting after you opened it. Your changes were not "
                "saved; reload the page to see the meeting as it is now, then make them again."
            )
        )
    if current.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled; register it again instead."))
    if current.status == MeetingStatus.HELD:
        raise ValidationError(_("This meeting was held: its dates and places stay as recorded."))
    _require_open(current.campaign)
    reason = clean_multiline(reason)
    if len(reason) > MAX_REASON:
        raise ValidationError(_("The reason is longer than %(n)d characters.") % {"n": MAX_REASON})
    cleaned = phases_clean(campaign=current.campaign, cell=current.cell, phases=phases)
    old = {p.number: p for p in current.phases.prefetch_related("members").order_by("number")}
    new = {p.number: p for p in cleaned}
    names = dict(
        Member.objects.filter(
            pk__in={m for p in cleaned for m in p.member_ids}
            | {m.pk for p in old.values() for m in p.members.all()}
        ).values_list("pk", "full_name")
    )

    entries: list[dict[str, Any]] = []
    errors: list[str] = []
    date_moved = False
    for number in sorted(set(old) | set(new)):
        before, after = old.get(number), new.get(number)
        fields = _fields_of(before, after)
        old_members = {m.pk for m in before.members.all()} if before is not None else set()
        new_members = set(after.member_ids) if after is not None else set()
        if not fields and old_members == new_members:
            continue
        if before is not None and before.held:
            errors.append(
                _("Phase %(n)d was already held: it cannot be changed or removed.") % {"n": number}
            )
            continue
        if before is not None and after is None and _has_record(before):
            errors.append(
                _(
                    "Phase %(n)d already has a record (attendance or presentations): it cannot "
                    "be removed."
                )
                % {"n": number}
            )
            continue
        if before is not None and (after is None or "on" in fields):
            date_moved = True
        entries.append(
            {
                "number": number,
                "added": before is None,
                "removed": after is None,
                "fields": fields,
                "members_added": sorted(
                    (names.get(m, str(m)) for m in new_members - old_members),
                ),
                "members_removed": sorted(
                    (names.get(m, str(m)) for m in old_members - new_members),
                ),
            }
        )
    if errors:
        raise ValidationError(errors)
    if not entries:
        return current
    if date_moved and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Say why the meeting is moved: a postponement or a change of date needs a "
                    "reason."
                )
            }
        )

    before_summary = _phase_summary_stored(old)
    for number, before in old.items():
        after = new.get(number)
        if after is None:
            before.delete()
            continue
        for name in _PHASE_FIELDS:
            setattr(before, name, getattr(after, name))
        before.save(update_fields=list(_PHASE_FIELDS))
        before.members.set(after.member_ids)
    _create_phases(current, [p for n, p in new.items() if n not in old])

    phase_numbers = [e["number"] for e in entries]
    MeetingChange.objects.create(
        meeting=current,
        phase_number=phase_numbers[0] if len(phase_numbers) == 1 else None,
        changes={"phases": entries},
        reason=reason,
        by=actor if getattr(actor, "pk", None) else None,
    )
    was_phased = current.is_phased
    current.is_phased = len(cleaned) > 1
    current.version = F("version") + 1
    current.save(update_fields=["is_phased", "version", "updated_at"])
    current.refresh_from_db()
    audit_changes: dict[str, Any] = {"phases": [before_summary, _phase_summary(cleaned)]}
    if was_phased != current.is_phased:
        audit_changes["is_phased"] = [was_phased, current.is_phased]
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=current,
        organization=current.cell,
        changes=audit_changes,
        note=reason,
    )
    return current


def _phase_summary_stored(phases: dict[int, MeetingPhase]) -> list[dict[str, Any]]:
    return [
        {"number": n, **_stored(p), "members": len(p.members.all())}
        for n, p in sorted(phases.items())
    ]


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, base_version: int, reason: str) -> Meeting:
    """Cancel a registered meeting, saying why; the cell then counts as not registered and may
    register again."""
    current = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("campaign", "cell")
        .get(pk=meeting.pk)
    )
    _require_manager(actor, current.cell)
    if current.version != base_version:
        raise StaleEdit(
            _(
                "Someone else changed this meeting after you opened it. Your changes were not "
                "saved; reload the page to see the meeting as it is now, then make them again."
            )
        )
    if current.status != MeetingStatus.REGISTERED:
        raise ValidationError(_("Only a registered meeting can be cancelled."))
    if current.phases.filter(held=True).exists():
        raise ValidationError(
            _("A phase of this meeting was already held: it cannot be cancelled.")
        )
    reason = clean_multiline(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    if len(reason) > MAX_REASON:
        raise ValidationError(_("The reason is longer than %(n)d characters.") % {"n": MAX_REASON})
    MeetingChange.objects.create(
        meeting=current,
        changes={"status": [MeetingStatus.REGISTERED, MeetingStatus.CANCELLED]},
        reason=reason,
        by=actor if getattr(actor, "pk", None) else None,
    )
    current.status = MeetingStatus.CANCELLED
    current.version = F("version") + 1
    current.save(update_fields=["status", "version", "updated_at"])
    current.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        target=current,
        organization=current.cell,
        changes={"status": [MeetingStatus.REGISTERED, MeetingStatus.CANCELLED]},
        note=reason,
    )
    publish("cells_changed", cell_ids=[current.cell_id], campaign_id=current.campaign_id)
    return current


# Supervisors' notes ---------------------------------------------------------------------------


@transaction.atomic
def visit_note_add(*, actor: Any, meeting: Meeting, attended: bool, text: str) -> VisitNote:
    """A supervisor assigned to the cell (a SUPERVISOR grant on it or above) notes the visit."""
    if not supervises(actor, meeting.cell):
        raise PermissionDenied(
            _("Only a supervisor assigned to this cell can write a note on its meeting.")
        )
    text = clean_multiline(text)
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > MAX_NOTE:
        raise ValidationError(
            {"text": _("The note is longer than %(n)d characters.") % {"n": MAX_NOTE}}
        )
    note = VisitNote.objects.create(meeting=meeting, author=actor, attended=attended, text=text)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=note,
        organization=meeting.cell,
        changes={"attended": [None, attended]},
    )
    return note


# Reminders ------------------------------------------------------------------------------------


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _secretaries(cells_filter: dict[str, Any], extra: Any = None):
    """(user id, e-mail) of active users holding an active SECRETARY grant on the cells."""
    from tusoi.accounts.models import RoleGrant

    grants = RoleGrant.objects.filter(
        role=Role.SECRETARY,
        valid_to__isnull=True,
        user__is_active=True,
        organization__kind__is_cell=True,
        **cells_filter,
    )
    if extra is not None:
        grants = grants.filter(extra)
    return (
        grants.order_by("user_id")
        .values_list("user_id", "user__email", "user__member__email")
        .distinct()
    )


def _send(rows, *, kind: str, title: str, body: str, url: str, day: datetime.date) -> int:
    sent = 0
    seen: set[int] = set()
    for chunk in _chunks(iter(rows.iterator(chunk_size=CHUNK)), CHUNK):
        recipients = []
        for user_id, email, member_email in chunk:
            if user_id in seen:
                continue
            seen.add(user_id)
            recipients.append((user_id, email or member_email or ""))
        with transaction.atomic():
            sent += len(
                reminders_create_many(
                    recipients=recipients, kind=kind, title=title, body=body, url=url, day=day
                )
            )
    return sent


def meeting_reminders_send(today: datetime.date | None = None) -> int:
    """Remind cell secretaries, once a day at most (the notifications' rule): of a meeting
    registered but not recorded two days after a phase's date, and of a meeting not registered
    when the campaign ends within two weeks. One query per campaign and kind for the
    recipients, one insert per 2,000 of them. Returns how many were notified."""
    today = today or timezone.localdate()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        late_day = today - datetime.timedelta(days=REMIND_UNRECORDED_AFTER)
        unrecorded = MeetingPhase.objects.filter(
            meeting__cell=OuterRef("organization"),
            meeting__status=MeetingStatus.REGISTERED,
            held=False,
            on__lte=late_day,
        )
        for campaign in (
            Campaign.objects.filter(
                status=CampaignStatus.OPEN,
                meetings__status=MeetingStatus.REGISTERED,
                meetings__phases__held=False,
                meetings__phases__on__lte=late_day,
            )
            .distinct()
            .select_related("organization")
        ):
            path = campaign.organization.path
            rows = _secretaries(
                {"organization__path__gte": path, "organization__path__lt": successor(path)},
                Exists(unrecorded.filter(meeting__campaign=campaign)),
            )
            sent += _send(
                rows,
                kind=NotificationKind.MEETING_NOT_RECORDED,
                title=_("Your cell's thematic meeting for “%(campaign)s” is not recorded yet")
                % {"campaign": campaign.title},
                body=_(
                    "A phase of the meeting was dated %(days)d or more days ago and is not "
                    "recorded as held. Please record it, or change its date giving the reason."
                )
                % {"days": REMIND_UNRECORDED_AFTER},
                url=reverse("meetings:overview", args=[campaign.pk]),
                day=today,
            )

        live = Meeting.objects.filter(cell=OuterRef("organization")).exclude(
            status=MeetingStatus.CANCELLED
        )
        for campaign in Campaign.objects.filter(
            status=CampaignStatus.OPEN,
            ends_on__gte=today,
            ends_on__lte=today + datetime.timedelta(days=REMIND_UNREGISTERED_DAYS),
        ).select_related("organization"):
            path = campaign.organization.path
            rows = _secretaries(
                {"organization__path__gte": path, "organization__path__lt": successor(path)},
                ~Exists(live.filter(campaign=campaign)),
            )
            sent += _send(
                rows,
                kind=NotificationKind.MEETING_NOT_REGISTERED,
                title=_("Your cell has not registered its thematic meeting for “%(campaign)s”")
                % {"campaign": campaign.title},
                body=_(
                    "The campaign ends on %(day)s. Please register the date and place of the "
                    "meeting (and its phases, for a large cell) with the committee."
                )
                % {"day": _day(campaign.ends_on)},
                url=reverse("meetings:overview", args=[campaign.pk]),
                day=today,
            )
    return sent
