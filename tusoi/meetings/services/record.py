"""Writing the record of a thematic meeting, live at the meeting or just after it: attendance,
guests, presentations with the comments on them and the chair's conclusion, comments to the cell
committee, the meeting's conclusion, the signed scan of the minutes; and, for the member, a
comment made on their report turned into a commitment.

Rules enforced here (issue 5, DOMAIN.md):
- only the cell's secretary records (MANAGE_MEETINGS), while the campaign is open and the
  meeting not cancelled;
- every write names the meeting version it was based on; a stale one is refused (StaleEdit),
  never merged or silently overwritten;
- a phase's record is saved whole and checked whole: a comment on, or a presentation by, a
  member the phase does not cover, an absent member presenting or speaking, a conclusion the
  campaign does not ask for, an empty text: a Vietnamese message naming the member or row, and
  nothing saved;
- a presentation links the member's report and marks it presented (a report read at the meeting
  counts as presented); the meeting is held once every phase is held, and each presenting member
  with an account is then told the record of the comments on their report is there.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record
from tusoi.campaigns.models import CampaignStatus
from tusoi.core.events import publish
from tusoi.core.text import clean_multiline, clean_text
from tusoi.meetings.models import (
    Attendance,
    Comment,
    Guest,
    Meeting,
    MeetingPhase,
    MeetingStatus,
    Presentation,
)
from tusoi.meetings.selectors.record import (
    commitment_key,
    feedback_comment,
    phase_members,
    supervisors_for,
)
from tusoi.meetings.selectors.registration import can_manage
from tusoi.members.models import Member
from tusoi.members.services import StaleEdit
from tusoi.notifications.models import NotificationKind
from tusoi.notifications.services import notify
from tusoi.reports.models import Commitment, SelfReview
from tusoi.reports.services.reviews import scan_kind

MAX_COMMENT_CHARS = 5000
MAX_CONCLUSION_CHARS = 10000
MAX_NAME_CHARS = 200
MAX_POSITION_CHARS = 300
MAX_REASON_CHARS = 300
MAX_ROWS = 500  # comments, guests or presentations in one phase: far beyond any real meeting


@dataclass(frozen=True)
class CommentInput:
    """A comment as typed: the speaker is a member present at the phase or a free name.
    `id` keeps an existing comment (and so the commitment a member may have made from it)."""

    text: str
    speaker_member_id: int | None = None
    speaker_name: str = ""
    id: int | None = None


@dataclass(frozen=True)
class PresentationInput:
    member_id: int
    conclusion: str = ""
    comments: Sequence[CommentInput] = field(default_factory=list)


@dataclass(frozen=True)
class GuestInput:
    """A guest of the phase; `user_id` links an assigned supervisor's account."""

    name: str = ""
    position: str = ""
    is_higher_official: bool = False
    user_id: int | None = None


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _stale_message() -> str:
    return _(
        "Someone else saved this meeting's record after you opened it. What you typed is kept "
        "here: compare it with what is saved now, then save again."
    )


def _lock(meeting: Meeting, actor: Any, base_version: int) -> Meeting:
    """The meeting row, locked, once the actor may record it and the version still matches."""
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__organization", "cell")
        .get(pk=meeting.pk)
    )
    if not can_manage(actor, locked.cell):
        raise PermissionDenied(_("Only the cell's secretary can record its meeting."))
    if locked.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled; its record cannot be changed."))
    if locked.campaign.status != CampaignStatus.OPEN:
        raise ValidationError(
            _("The campaign is %(status)s: its meeting record can no longer be changed.")
            % {"status": locked.campaign.get_status_display().lower()}
        )
    if base_version != locked.version:
        raise StaleEdit(_stale_message())
    return locked


def _bump(meeting: Meeting, *fields: str) -> None:
    meeting.version += 1
    meeting.save(update_fields=["version", "updated_at", *fields])


class _Problems:
    """Collects messages by row key, so that the whole record is checked before anything is
    written and every problem is shown at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _too_long(what: str, length: int, limit: int) -> str:
    return _("%(what)s is %(n)s characters long; at most %(max)s are allowed.") % {
        "what": what,
        "n": f"{length:,}".replace(",", "."),
        "max": f"{limit:,}".replace(",", "."),
    }


# The record of a phase -------------------------------------------------------------------------


@dataclass
class _CleanComment:
    text: str
    speaker_member_id: int | None
    speaker_name: str
    id: int | None


@dataclass
class _CleanPresentation:
    member: Member
    conclusion: str
    comments: list[_CleanComment]


@dataclass
class _Checked:
    attendance: dict[int, tuple[bool, str]]
    guests: list[GuestInput]
    presentations: list[_CleanPresentation]
    committee_comments: list[_CleanComment]


def _member_problem(member_id: int, members: dict[int, Member], phase_count: int, number: int):
    known = Member.objects.filter(pk=member_id).only("full_name").first()
    name = known.full_name if known else _("member no. %(id)s") % {"id": member_id}
    if phase_count > 1:
        return _("%(name)s is not among the members phase %(number)s covers.") % {
            "name": name,
            "number": number,
        }
    return _("%(name)s is not a member of this cell.") % {"name": name}


def _check_comments(
    comments: Sequence[CommentInput],
    *,
    key: str,
    where: Callable[[int], str],
    present: dict[int, Member],
    members: dict[int, Member],
    problems: _Problems,
) -> list[_CleanComment]:
    """`where(n)` names row n for people ("Comment 2 on the report of …")."""
    out: list[_CleanComment] = []
    for index, comment in enumerate(comments):
        row_key = f"{key}:comment:{index}"
        label = where(index + 1)
        text = clean_multiline(comment.text)
        name = clean_text(comment.speaker_name)
        speaker = comment.speaker_member_id
        if not text:
            problems.add(row_key, _("%(where)s: the comment is empty.") % {"where": label})
        elif len(text) > MAX_COMMENT_CHARS:
            problems.add(row_key, _too_long(label, len(text), MAX_COMMENT_CHARS))
        if speaker is not None:
            if speaker not in members:
                problems.add(
                    row_key,
                    _("%(where)s: the speaker is not a member this phase covers; type their name.")
                    % {"where": label},
                )
            elif speaker not in present:
                problems.add(
                    row_key,
                    _("%(where)s: %(speaker)s is marked absent and cannot have spoken.")
                    % {"where": label, "speaker": members[speaker].full_name},
                )
            name = ""
        elif not name:
            problems.add(row_key, _("%(where)s: say who made the comment.") % {"where": label})
        elif len(name) > MAX_NAME_CHARS:
            problems.add(row_key, _too_long(label, len(name), MAX_NAME_CHARS))
        out.append(
            _CleanComment(text=text, speaker_member_id=speaker, speaker_name=name, id=comment.id)
        )
    return out


def _check_phase(
    *,
    meeting: Meeting,
    phase: MeetingPhase,
    phase_count: int,
    attendance: Mapping[int, tuple[bool, str]],
    guests: Sequence[GuestInput],
    presentations: Sequence[PresentationInput],
    committee_comments: Sequence[CommentInput],
    held: bool,
) -> _Checked:
    problems = _Problems()
    members = {m.pk: m for m in phase_members(phase, phase_count=phase_count)}

    if len(guests) > MAX_ROWS or len(presentations) > MAX_ROWS:
        raise ValidationError(_("Too many rows for one phase."))

    clean_attendance: dict[int, tuple[bool, str]] = {}
    for member_id, (is_present, reason) in attendance.items():
        key = f"attendance:{member_id}"
        if member_id not in members:
            problems.add(key, _member_problem(member_id, members, phase_count, phase.number))
            continue
        reason = "" if is_present else clean_text(reason)
        if len(reason) > MAX_REASON_CHARS:
            problems.add(
                key,
                _too_long(
                    _("The reason %(name)s was absent") % {"name": members[member_id].full_name},
                    len(reason),
                    MAX_REASON_CHARS,
                ),
            )
        clean_attendance[member_id] = (bool(is_present), reason)
    present = {
        pk: m for pk, m in members.items() if clean_attendance.get(pk, (True, ""))[0] is True
    }

    supervisor_ids = (
        {u.pk for u in supervisors_for(meeting)} if any(g.user_id for g in guests) else set()
    )
    clean_guests: list[GuestInput] = []
    for index, guest in enumerate(guests):
        key = f"guest:{index}"
        label = _("Guest %(n)s") % {"n": index + 1}
        name, position = clean_text(guest.name), clean_text(guest.position)
        if guest.user_id is not None and guest.user_id not in supervisor_ids:
            problems.add(
                key, _("%(guest)s is not assigned to follow this cell.") % {"guest": label}
            )
        if not name and guest.user_id is None:
            problems.add(key, _("%(guest)s: enter the name.") % {"guest": label})
        if len(name) > MAX_NAME_CHARS:
            problems.add(key, _too_long(label, len(name), MAX_NAME_CHARS))
        if len(position) > MAX_POSITION_CHARS:
            problems.add(key, _too_long(label, len(position), MAX_POSITION_CHARS))
        clean_guests.append(
            GuestInput(
                name=name,
                position=position,
                is_higher_official=guest.is_higher_official,
                user_id=guest.user_id,
            )
        )

    concludes = meeting.campaign.chair_concludes_per_member
    seen: set[int] = set()
    clean_presentations: list[_CleanPresentation] = []
    for presentation in presentations:
        key = f"presentation:{presentation.member_id}"
        member = members.get(presentation.member_id)
        if member is None:
            problems.add(
                key, _member_problem(presentation.member_id, members, phase_count, phase.number)
            )
            continue
        if member.pk in seen:
            problems.add(
                key,
                _("%(name)s is listed twice among the presentations.") % {"name": member.full_name},
            )
            continue
        seen.add(member.pk)
        if member.pk not in present:
            problems.add(
                key,
                _("%(name)s is marked absent and cannot present a report at this phase.")
                % {"name": member.full_name},
            )
        conclusion = clean_multiline(presentation.conclusion)
        if conclusion and not concludes:
            problems.add(
                key,
                _(
                    "The campaign does not ask the chair to conclude on each member; remove the "
                    "conclusion on %(name)s."
                )
                % {"name": member.full_name},
            )
        elif len(conclusion) > MAX_CONCLUSION_CHARS:
            problems.add(
                key,
                _too_long(
                    _("The conclusion on %(name)s") % {"name": member.full_name},
                    len(conclusion),
                    MAX_CONCLUSION_CHARS,
                ),
            )
        if len(presentation.comments) > MAX_ROWS:
            raise ValidationError(_("Too many rows for one phase."))
        comments = _check_comments(
            presentation.comments,
            key=key,
            where=lambda n, name=member.full_name: (
                _("Comment %(n)s on the report of %(name)s") % {"n": n, "name": name}
            ),
            present=present,
            members=members,
            problems=problems,
        )
        clean_presentations.append(
            _CleanPresentation(member=member, conclusion=conclusion, comments=comments)
        )

    if len(committee_comments) > MAX_ROWS:
        raise ValidationError(_("Too many rows for one phase."))
    clean_committee = _check_comments(
        committee_comments,
        key="committee",
        where=lambda n: _("Comment %(n)s to the cell committee") % {"n": n},
        present=present,
        members=members,
        problems=problems,
    )

    if held and not phase.held and phase.on > timezone.localdate():
        problems.add(
            "held",
            _(
                "Phase %(number)s is dated %(day)s, after today: it cannot be marked held yet. "
                "If it was held earlier, change its date first."
            )
            % {"number": phase.number, "day": phase.on.strftime("%d/%m/%Y")},
        )
    problems.raise_any()
    return _Checked(
        attendance=clean_attendance,
        guests=clean_guests,
        presentations=clean_presentations,
        committee_comments=clean_committee,
    )


def _write_attendance(
    phase: MeetingPhase, members: list[Member], attendance: dict[int, tuple[bool, str]]
) -> None:
    """Every member the phase covers gets a row; one not mentioned counts as present."""
    existing = {a.member_id: a for a in Attendance.objects.filter(phase=phase)}
    to_create, to_update = [], []
    for member in members:
        present, reason = attendance.get(member.pk, (True, ""))
        row = existing.get(member.pk)
        if row is None:
            to_create.append(
                Attendance(phase=phase, member=member, present=present, absence_reason=reason)
            )
        elif (row.present, row.absence_reason) != (present, reason):
            row.present, row.absence_reason = present, reason
            to_update.append(row)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["present", "absence_reason"])


def _write_guests(phase: MeetingPhase, guests: list[GuestInput], meeting: Meeting) -> None:
    supervisors = (
        {u.pk: u for u in supervisors_for(meeting)} if any(g.user_id for g in guests) else {}
    )
    Guest.objects.filter(phase=phase).delete()
    rows = []
    for guest in guests:
        user = supervisors.get(guest.user_id) if guest.user_id else None
        rows.append(
            Guest(
                phase=phase,
                name=guest.name or (user.get_full_name() if user else ""),
                position=guest.position,
                is_higher_official=guest.is_higher_official or user is not None,
                user=user,
            )
        )
    Guest.objects.bulk_create(rows)


def _write_comments(
    phase: MeetingPhase,
    presentation: Presentation | None,
    comments: list[_CleanComment],
    existing: dict[int, Comment],
) -> set[int]:
    """Comments in the order given; one with the id of an existing comment of the same list is
    updated in place, so a commitment made from it still points at it. Returns the ids kept."""
    kept: set[int] = set()
    to_create, to_update = [], []
    for position, comment in enumerate(comments):
        row = existing.get(comment.id) if comment.id is not None else None
        if row is not None and row.pk not in kept:
            row.text, row.position = comment.text, position
            row.speaker_member_id, row.speaker_name = (
                comment.speaker_member_id,
                comment.speaker_name,
            )
            to_update.append(row)
            kept.add(row.pk)
        else:
            to_create.append(
                Comment(
                    phase=phase,
                    presentation=presentation,
                    speaker_member_id=comment.speaker_member_id,
                    speaker_name=comment.speaker_name,
                    text=comment.text,
                    position=position,
                )
            )
    Comment.objects.bulk_update(to_update, ["text", "position", "speaker_member", "speaker_name"])
    Comment.objects.bulk_create(to_create)
    return kept


def _write_presentations(
    meeting: Meeting, phase: MeetingPhase, presentations: list[_CleanPresentation]
) -> None:
    existing = {p.member_id: p for p in Presentation.objects.filter(phase=phase)}
    comments: dict[int | None, dict[int, Comment]] = {}
    for comment in Comment.objects.filter(phase=phase):
        comments.setdefault(comment.presentation_id, {})[comment.pk] = comment
    reports = {
        r.member_id: r
        for r in SelfReview.objects.filter(
            campaign_id=meeting.campaign_id, member__in=[p.member.pk for p in presentations]
        )
    }
    now = timezone.now()
    wanted: set[int] = set()
    for position, entry in enumerate(presentations):
        report = reports.get(entry.member.pk)
        row = existing.get(entry.member.pk)
        if row is None:
            row = Presentation.objects.create(
                phase=phase,
                member=entry.member,
                report=report,
                position=position,
                conclusion=entry.conclusion,
            )
        else:
            row.report, row.position, row.conclusion = report, position, entry.conclusion
            row.save(update_fields=["report", "position", "conclusion"])
        wanted.add(entry.member.pk)
        if report is not None and report.presented_at is None:
            # A report read at the meeting counts as presented (DOMAIN.md).
            SelfReview.objects.filter(pk=report.pk).update(presented_at=now)
        own = comments.get(row.pk, {})
        kept = _write_comments(phase, row, entry.comments, own)
        Comment.objects.filter(pk__in=set(own) - kept).delete()
    gone = [p for member_id, p in existing.items() if member_id not in wanted]
    if gone:
        # A presentation recorded by mistake: its report is no longer "presented" unless it
        # was read at another phase.
        report_ids = [p.report_id for p in gone if p.report_id]
        Presentation.objects.filter(pk__in=[p.pk for p in gone]).delete()
        still = set(
            Presentation.objects.filter(report_id__in=report_ids).values_list(
                "report_id", flat=True
            )
        )
        SelfReview.objects.filter(pk__in=set(report_ids) - still).update(presented_at=None)
    publish("cells_changed", member_ids=[*existing, *wanted], campaign_id=meeting.campaign_id)


def phase_record_save(
    *,
    actor: Any,
    meeting: Meeting,
    phase_number: int,
    base_version: int,
    attendance: Mapping[int, tuple[bool, str]],
    guests: Sequence[GuestInput],
    presentations: Sequence[PresentationInput],
    committee_comments: Sequence[CommentInput],
    held: bool,
) -> Meeting:
    """Save one phase's whole record (what is not sent is removed, attendance aside: a member
    not mentioned counts as present). Marking the last phase held makes the meeting held and
    tells each presenting member their comments are recorded."""
    with transaction.atomic():
        meeting = _lock(meeting, actor, base_version)
        phases = list(meeting.phases.select_for_update().order_by("number"))
        phase = next((p for p in phases if p.number == phase_number), None)
        if phase is None:
            raise ValidationError(
                _("This meeting has no phase %(number)s.") % {"number": phase_number}
            )
        phase.meeting = meeting
        checked = _check_phase(
            meeting=meeting,
            phase=phase,
            phase_count=len(phases),
            attendance=attendance,
            guests=guests,
            presentations=presentations,
            committee_comments=committee_comments,
            held=held,
        )
        members = phase_members(phase, phase_count=len(phases))
        _write_attendance(phase, members, checked.attendance)
        _write_guests(phase, checked.guests, meeting)
        _write_presentations(meeting, phase, checked.presentations)
        committee = {
            c.pk: c for c in Comment.objects.filter(phase=phase, presentation__isnull=True)
        }
        kept = _write_comments(phase, None, checked.committee_comments, committee)
        Comment.objects.filter(pk__in=set(committee) - kept).delete()

        if held != phase.held:
            phase.held = held
            phase.held_on = min(phase.on, timezone.localdate()) if held else None
            phase.save(update_fields=["held", "held_on"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                target=meeting,
                organization=meeting.cell,
                changes={f"phase {phase.number} held": [not held, held]},
            )
        _bump(meeting)
        _update_status(meeting, phases, actor)
        publish("cells_changed", cell_ids=[meeting.cell_id], campaign_id=meeting.campaign_id)
    return meeting


def _update_status(meeting: Meeting, phases: list[MeetingPhase], actor: Any) -> None:
    """HELD once every phase is held (DOMAIN.md, target 3); back to REGISTERED if a phase is
    un-marked. Becoming held notifies the members who presented."""
    all_held = all(p.held for p in phases)
    before = meeting.status
    if all_held and before == MeetingStatus.REGISTERED:
        meeting.status = MeetingStatus.HELD
        meeting.held_at = timezone.now()
    elif not all_held and before == MeetingStatus.HELD:
        meeting.status = MeetingStatus.REGISTERED
        meeting.held_at = None
    else:
        return
    meeting.save(update_fields=["status", "held_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        target=meeting,
        organization=meeting.cell,
        changes={"status": [before, meeting.status]},
    )
    if meeting.status == MeetingStatus.HELD:
        _notify_presenters(meeting, actor)


def _notify_presenters(meeting: Meeting, actor: Any) -> None:
    from tusoi.accounts.models import User

    presentations = list(
        Presentation.objects.filter(phase__meeting=meeting).values_list("member_id", "report_id")
    )
    reports = dict(presentations)
    accounts = User.objects.filter(member_id__in=list(reports), is_active=True).select_related(
        "member"
    )
    title = _("The comments on your report at the meeting of %(cell)s are recorded") % {
        "cell": meeting.cell.name
    }
    body = _(
        "The record of the thematic meeting holds the comments made on your report and the "
        "chair's conclusion. Read them beside your report and turn them into commitments."
    )
    for account in accounts:
        report_id = reports.get(account.member_id)
        url = reverse("reports:report", args=[report_id]) if report_id else reverse("reports:mine")
        notify(
            user=account,
            kind=NotificationKind.MEETING_RECORDED,
            title=title,
            body=body,
            url=url,
            sent_by=actor,
        )


# The meeting's conclusion and the signed minutes ----------------------------------------------


def meeting_conclude(
    *,
    actor: Any,
    meeting: Meeting,
    base_version: int,
    conclusion: str,
    chair: str,
    secretary_name: str,
) -> Meeting:
    """The meeting's overall conclusion and who chaired it and took the minutes."""
    conclusion = clean_multiline(conclusion)
    chair, secretary_name = clean_text(chair), clean_text(secretary_name)
    problems = _Problems()
    if len(conclusion) > MAX_CONCLUSION_CHARS:
        problems.add(
            "conclusion",
            _too_long(_("The meeting's conclusion"), len(conclusion), MAX_CONCLUSION_CHARS),
        )
    if len(chair) > MAX_NAME_CHARS:
        problems.add("chair", _too_long(_("The chair's name"), len(chair), MAX_NAME_CHARS))
    if len(secretary_name) > MAX_NAME_CHARS:
        problems.add(
            "secretary_name",
            _too_long(_("The name of who took the minutes"), len(secretary_name), MAX_NAME_CHARS),
        )
    problems.raise_any()
    with transaction.atomic():
        meeting = _lock(meeting, actor, base_version)
        meeting.conclusion, meeting.chair, meeting.secretary_name = (
            conclusion,
            chair,
            secretary_name,
        )
        _bump(meeting, "conclusion", "chair", "secretary_name")
    return meeting


def _check_size(data: bytes) -> None:
    limit = settings.TUSOI_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            _("The file is %(size)s MB; files up to %(max)s MB are accepted.")
            % {"size": round(len(data) / 1048576, 1), "max": round(limit / 1048576)}
        )
    if not data:
        raise ValidationError(_("The file is empty."))


def signed_minutes_attach(*, actor: Any, meeting: Meeting, data: bytes, filename: str) -> Meeting:
    """Keep the scan of the signed minutes (PDF, JPEG or PNG, checked by content, not name)."""
    _check_size(data)
    kind = scan_kind(data)
    if kind is None:
        raise ValidationError(_("The signed minutes must be a PDF, JPEG or PNG file."))
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("campaign", "cell")
            .get(pk=meeting.pk)
        )
        if not can_manage(actor, meeting.cell):
            raise PermissionDenied(_("Only the cell's secretary can record its meeting."))
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting was cancelled; its record cannot be changed."))
        before = meeting.signed_minutes_name
        meeting.signed_minutes_name = clean_text(filename)[:200] or f"bien-ban{kind[1]}"
        meeting.signed_minutes.save(
            f"bien-ban-{meeting.pk}{kind[1]}", ContentFile(data), save=False
        )
        meeting.save(update_fields=["signed_minutes", "signed_minutes_name", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=meeting,
            organization=meeting.cell,
            changes={"signed_minutes": [before, meeting.signed_minutes_name]},
        )
    return meeting


# What the member does with the comments --------------------------------------------------------


def comment_to_commitment(*, actor: Any, report: SelfReview, comment: Comment) -> Commitment:
    """The writer turns a comment made on their report at the meeting into a commitment of that
    report, in one click; a second click adds nothing (the key names the comment)."""
    if getattr(actor, "member_id", None) != report.member_id:
        raise PermissionDenied(
            _("Only the member whose report it is can turn a comment into a commitment.")
        )
    found = feedback_comment(report, comment.pk)
    if found is None:
        raise ValidationError(_("This comment was not made on your report."))
    key = commitment_key(found.pk)
    with transaction.atomic():
        # The report row serialises two clicks arriving together.
        SelfReview.objects.select_for_update().filter(pk=report.pk).first()
        existing = Commitment.objects.filter(report=report, key=key).first()
        if existing is not None:
            return existing
        position = (report.commitments.aggregate(n=Max("position"))["n"] or 0) + 1
        commitment = Commitment.objects.create(
            report=report,
            member_id=report.member_id,
            key=key,
            position=position,
            what=found.text,
            measure="",
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=commitment,
            organization=report.member.cell,
            changes={"key": ["", key]},
        )
    return commitment
