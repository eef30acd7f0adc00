"""Reading the record of a thematic meeting: who each phase covers and who attended, guests,
presentations with the comments on them, comments to the cell committee, and what a member gets
back beside their own report.

Pages start from `meetings_readable_by` (the record's words: the cell and its supervisors) or
`meetings_recordable_by` (the cell's secretary); a member's feedback is read from their report,
which `reports_readable_by` already scoped. Every reader here runs a fixed number of queries,
however many members, comments or phases."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tusoi.meetings.models import (
    Attendance,
    Comment,
    Guest,
    Meeting,
    MeetingPhase,
    Presentation,
)
from tusoi.meetings.selectors.registration import (
    assigned_supervisors,
    cell_members_in_scope,
)
from tusoi.members.models import Member
from tusoi.reports.models import Commitment, SelfReview

COMMITMENT_KEY_PREFIX = "meeting-"


def commitment_key(comment_id: int) -> str:
    """The key of the commitment a writer makes from a meeting comment (one per comment)."""
    return f"{COMMITMENT_KEY_PREFIX}{comment_id}"


# Who a phase covers ----------------------------------------------------------------------------


def phase_members(phase: MeetingPhase, *, phase_count: int) -> list[Member]:
    """The members a phase's record is about, in name order: for a single-phase meeting the
    cell's members in scope, for a phased one the members the phase covers; and in both cases
    anyone already recorded in its attendance (a member who moved away after the meeting stays
    in its record). Two queries."""
    if phase_count > 1:
        covered = Q(pk__in=phase.members.values("pk"))
    else:
        covered = Q(pk__in=cell_members_in_scope(phase.meeting.cell).values("pk"))
    recorded = Q(pk__in=Attendance.objects.filter(phase=phase).values("member_id"))
    return list(
        Member.objects.filter(covered | recorded).order_by("name_key", "card_number").distinct()
    )


def campaign_reports(meeting: Meeting, members: list[Member]) -> dict[int, SelfReview]:
    """The members' reports in the meeting's campaign, by member id. One query."""
    return {
        r.member_id: r
        for r in SelfReview.objects.filter(
            campaign_id=meeting.campaign_id, member__in=[m.pk for m in members]
        ).only("pk", "member_id", "status", "presented_at", "submitted_late", "campaign_id")
    }


# The record of a phase and of a meeting --------------------------------------------------------


@dataclass
class AttendanceLine:
    member: Member
    present: bool
    reason: str
    recorded: bool  # False while nobody has recorded this member's attendance yet


@dataclass
class PhaseRecord:
    phase: MeetingPhase
    members: list[Member]
    attendance: list[AttendanceLine]
    guests: list[Guest]
    presentations: list[Presentation]  # each with `.comment_list` and `.member`, `.report`
    committee_comments: list[Comment]
    reports: dict[int, SelfReview] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.attendance)

    @property
    def present_count(self) -> int:
        return sum(1 for line in self.attendance if line.present)

    @property
    def absent(self) -> list[AttendanceLine]:
        return [line for line in self.attendance if not line.present]

    @property
    def officials(self) -> list[Guest]:
        return [g for g in self.guests if g.is_higher_official]

    @property
    def other_guests(self) -> list[Guest]:
        return [g for g in self.guests if not g.is_higher_official]

    @property
    def comment_count(self) -> int:
        return sum(len(p.comment_list) for p in self.presentations) + len(self.committee_comments)


@dataclass
class MeetingRecord:
    meeting: Meeting
    phases: list[PhaseRecord]

    @property
    def is_phased(self) -> bool:
        return len(self.phases) > 1

    @property
    def all_held(self) -> bool:
        return bool(self.phases) and all(p.phase.held for p in self.phases)


def _comments() -> QuerySet[Comment]:
    return Comment.objects.select_related("speaker_member").order_by("position", "pk")


def _presentations() -> QuerySet[Presentation]:
    return Presentation.objects.select_related("member", "report").prefetch_related(
        Prefetch(
            "comments",
            queryset=_comments().filter(presentation__isnull=False),
            to_attr="comment_list",
        )
    )


def meeting_phases(meeting: Meeting) -> list[MeetingPhase]:
    return list(meeting.phases.order_by("number"))


def phase_record(meeting: Meeting, phase: MeetingPhase, *, phase_count: int) -> PhaseRecord:
    """Everything recorded at one phase, ready to show or to fill the form. Eight queries."""
    phase.meeting = meeting
    members = phase_members(phase, phase_count=phase_count)
    recorded = {a.member_id: a for a in Attendance.objects.filter(phase=phase)}
    attendance = [
        AttendanceLine(
            member=m,
            present=recorded[m.pk].present if m.pk in recorded else True,
            reason=recorded[m.pk].absence_reason if m.pk in recorded else "",
            recorded=m.pk in recorded,
        )
        for m in members
    ]
    return PhaseRecord(
        phase=phase,
        members=members,
        attendance=attendance,
        guests=list(Guest.objects.filter(phase=phase).select_related("user").order_by("pk")),
        presentations=list(
            _presentations().filter(phase=phase).order_by("position", "member__name_key", "pk")
        ),
        committee_comments=list(_comments().filter(phase=phase, presentation__isnull=True)),
        reports=campaign_reports(meeting, members),
    )


def meeting_record(meeting: Meeting) -> MeetingRecord:
    """The whole record, phase by phase (a fixed number of queries per phase; a meeting has a
    handful of phases at most)."""
    phases = meeting_phases(meeting)
    return MeetingRecord(
        meeting=meeting,
        phases=[phase_record(meeting, p, phase_count=len(phases)) for p in phases],
    )


def meeting_phase(meeting: Meeting, number: int) -> MeetingPhase | None:
    return meeting.phases.filter(number=number).first()


def supervisors_for(meeting: Meeting) -> list[Any]:
    """Users assigned to follow the meeting's cell (an active SUPERVISOR grant on it or above),
    offered as guests who attended."""
    return list(assigned_supervisors(meeting))


# What a member gets back ---------------------------------------------------------------------


@dataclass
class FeedbackComment:
    comment: Comment
    speaker: str
    turned: bool  # already made into a commitment of the report


@dataclass
class Feedback:
    presentation: Presentation
    held_on: Any
    comments: list[FeedbackComment]
    conclusion: str


def report_feedback(report: SelfReview) -> list[Feedback]:
    """The comments made on the member's report at the campaign's meeting and the chair's
    conclusion, from phases already held, with which comments the writer has already turned
    into commitments. Three queries."""
    presentations = list(
        _presentations()
        .filter(
            phase__meeting__campaign_id=report.campaign_id,
            phase__held=True,
            member_id=report.member_id,
        )
        .select_related("phase")
        .order_by("phase__on", "phase__number", "pk")
    )
    if not presentations:
        return []
    turned = set(
        Commitment.objects.filter(report=report, key__startswith=COMMITMENT_KEY_PREFIX).values_list(
            "key", flat=True
        )
    )
    return [
        Feedback(
            presentation=p,
            held_on=p.phase.held_on or p.phase.on,
            comments=[
                FeedbackComment(
                    comment=c, speaker=speaker_label(c), turned=commitment_key(c.pk) in turned
                )
                for c in p.comment_list
            ],
            conclusion=p.conclusion,
        )
        for p in presentations
        if p.comment_list or p.conclusion
    ]


def speaker_label(comment: Comment) -> str:
    if comment.speaker_member_id is not None:
        return comment.speaker_member.full_name
    return comment.speaker_name


def feedback_comment(report: SelfReview, comment_pk: int) -> Comment | None:
    """A comment made on this report's member at the report's campaign meeting, else None."""
    return (
        Comment.objects.filter(
            pk=comment_pk,
            presentation__member_id=report.member_id,
            phase__meeting__campaign_id=report.campaign_id,
        )
        .select_related("presentation", "phase")
        .first()
    )
