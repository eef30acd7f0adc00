"""The record of a thematic meeting over the JSON API (/api/v1/meetings/{id}/record), with the
pages' selectors: its words (attendance, guests, presentations, comments, conclusions) are read
by the cell and its assigned supervisors (`meetings_readable_by`), written by the cell's
secretary (`meetings_recordable_by`). Out of scope is 404; a write based on an older meeting
version is 409, and a refused record is 400 with a message naming each member or row."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from tusoi.api import ERRORS, ErrorOut
from tusoi.meetings.models import Comment, Meeting
from tusoi.meetings.selectors.record import PhaseRecord, meeting_record
from tusoi.meetings.selectors.registration import meetings_readable_by, meetings_recordable_by
from tusoi.meetings.services.record import (
    CommentInput,
    GuestInput,
    PresentationInput,
    meeting_conclude,
    phase_record_save,
)

router = Router()

CONFLICT = {409: ErrorOut}


# Schemas ---------------------------------------------------------------------------------------


class MemberRef(Schema):
    id: int
    full_name: str


class CampaignRef(Schema):
    id: int
    title: str
    theme: str
    chair_concludes_per_member: bool


class CellRef(Schema):
    id: int
    code: str
    name: str


class CommentOut(Schema):
    id: int
    speaker_member: MemberRef | None
    speaker_name: str
    text: str


class AttendanceOut(Schema):
    member: MemberRef
    present: bool
    reason: str
    recorded: bool


class GuestOut(Schema):
    name: str
    position: str
    is_higher_official: bool
    user_id: int | None


class PresentationOut(Schema):
    member: MemberRef
    report_id: int | None
    report_status: str | None
    conclusion: str
    comments: list[CommentOut]


class PhaseRecordOut(Schema):
    number: int
    on: datetime.date
    at: datetime.time | None
    place: str
    online_link: str
    held: bool
    held_on: datetime.date | None
    present: int
    total: int
    attendance: list[AttendanceOut]
    guests: list[GuestOut]
    presentations: list[PresentationOut]
    committee_comments: list[CommentOut]


class RecordOut(Schema):
    id: int
    version: int
    status: str
    held_at: datetime.datetime | None
    campaign: CampaignRef
    cell: CellRef
    chair: str
    secretary_name: str
    conclusion: str
    phases: list[PhaseRecordOut]
    minutes_url: str
    signed_minutes_url: str | None


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str
    speaker_member_id: int | None = None
    speaker_name: str = ""
    # An existing comment's id keeps it (and any commitment a member made from it).
    id: int | None = None


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    member_id: int
    present: bool = True
    reason: str = ""


class GuestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    position: str = ""
    is_higher_official: bool = False
    user_id: int | None = None  # an assigned supervisor's account


class PresentationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    member_id: int
    conclusion: str = ""
    comments: list[CommentIn] = Field(default_factory=list)


class PhaseRecordIn(Schema):
    """A phase's whole record: what is not sent is removed (a member missing from `attendance`
    counts as present)."""

    model_config = ConfigDict(extra="forbid")

    version: int
    attendance: list[AttendanceIn] = Field(default_factory=list)
    guests: list[GuestIn] = Field(default_factory=list)
    presentations: list[PresentationIn] = Field(default_factory=list)
    committee_comments: list[CommentIn] = Field(default_factory=list)
    held: bool = False


class ConclusionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    conclusion: str = ""
    chair: str = ""
    secretary_name: str = ""


# Helpers ---------------------------------------------------------------------------------------


def _comment(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "speaker_member": comment.speaker_member,
        "speaker_name": comment.speaker_name,
        "text": comment.text,
    }


def _phase(p: PhaseRecord) -> dict[str, Any]:
    phase = p.phase
    return {
        "number": phase.number,
        "on": phase.on,
        "at": phase.at,
        "place": phase.place,
        "online_link": phase.online_link,
        "held": phase.held,
        "held_on": phase.held_on,
        "present": p.present_count,
        "total": p.total,
        "attendance": [
            {
                "member": line.member,
                "present": line.present,
                "reason": line.reason,
                "recorded": line.recorded,
            }
            for line in p.attendance
        ],
        "guests": p.guests,
        "presentations": [
            {
                "member": pr.member,
                "report_id": pr.report_id,
                "report_status": pr.report.status if pr.report else None,
                "conclusion": pr.conclusion,
                "comments": [_comment(c) for c in pr.comment_list],
            }
            for pr in p.presentations
        ],
        "committee_comments": [_comment(c) for c in p.committee_comments],
    }


def _record_out(meeting: Meeting) -> dict[str, Any]:
    record = meeting_record(meeting)
    return {
        "id": meeting.pk,
        "version": meeting.version,
        "status": meeting.status,
        "held_at": meeting.held_at,
        "campaign": meeting.campaign,
        "cell": meeting.cell,
        "chair": meeting.chair,
        "secretary_name": meeting.secretary_name,
        "conclusion": meeting.conclusion,
        "phases": [_phase(p) for p in record.phases],
        "minutes_url": reverse("meetings:minutes_docx", args=[meeting.pk]),
        "signed_minutes_url": (
            reverse("meetings:signed_download", args=[meeting.pk])
            if meeting.signed_minutes
            else None
        ),
    }


def _refused(error: ValidationError) -> Status:
    """400 whose detail is the service's own messages (each names its member or row), with
    the row keys in `errors` ("attendance:<member id>", "presentation:<member id>:comment:<i>",
    "committee:comment:<i>", "guest:<i>", "held")."""
    if hasattr(error, "error_dict"):
        errors = {key: [str(m) for m in value] for key, value in error.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in error.messages]}
    detail = " ".join(m for messages in errors.values() for m in messages)
    return Status(400, {"detail": detail, "errors": errors})


def _comment_input(c: CommentIn) -> CommentInput:
    return CommentInput(
        text=c.text, speaker_member_id=c.speaker_member_id, speaker_name=c.speaker_name, id=c.id
    )


# Endpoints -------------------------------------------------------------------------------------


@router.get(
    "/{id}/record",
    response={200: RecordOut, **ERRORS},
    url_name="meetings_record_detail",
    summary="A meeting's record: attendance, guests, presentations, comments and conclusions "
    "(the cell and its assigned supervisors)",
)
def meetings_record_detail(request, id: int) -> dict[str, Any]:  # noqa: A002 - path parameter
    meeting = get_object_or_404(meetings_readable_by(request.auth), pk=id)
    return _record_out(meeting)


@router.put(
    "/{id}/record/phases/{number}",
    response={200: RecordOut, **CONFLICT, **ERRORS},
    url_name="meetings_record_phase_save",
    summary="Save one phase's whole record (the cell's secretary); 409 if the meeting changed "
    "since `version`",
)
def meetings_record_phase_save(
    request,
    id: int,  # noqa: A002
    number: int,
    payload: PhaseRecordIn,
) -> Any:
    meeting = get_object_or_404(meetings_recordable_by(request.auth), pk=id)
    get_object_or_404(meeting.phases, number=number)
    try:
        meeting = phase_record_save(
            actor=request.auth,
            meeting=meeting,
            phase_number=number,
            base_version=payload.version,
            attendance={a.member_id: (a.present, a.reason) for a in payload.attendance},
            guests=[
                GuestInput(
                    name=g.name,
                    position=g.position,
                    is_higher_official=g.is_higher_official,
                    user_id=g.user_id,
                )
                for g in payload.guests
            ],
            presentations=[
                PresentationInput(
                    member_id=p.member_id,
                    conclusion=p.conclusion,
                    comments=[_comment_input(c) for c in p.comments],
                )
                for p in payload.presentations
            ],
            committee_comments=[_comment_input(c) for c in payload.committee_comments],
            held=payload.held,
        )
    except ValidationError as error:
        if type(error) is not ValidationError:
            raise  # StaleEdit: the API's 409 handler
        return _refused(error)
    return _record_out(get_object_or_404(meetings_readable_by(request.auth), pk=meeting.pk))


@router.post(
    "/{id}/record/conclusion",
    response={200: RecordOut, **CONFLICT, **ERRORS},
    url_name="meetings_record_conclude",
    summary="The meeting's conclusion, its chair and who took the minutes; 409 if the meeting "
    "changed since `version`",
)
def meetings_record_conclude(request, id: int, payload: ConclusionIn) -> Any:  # noqa: A002
    meeting = get_object_or_404(meetings_recordable_by(request.auth), pk=id)
    try:
        meeting = meeting_conclude(
            actor=request.auth,
            meeting=meeting,
            base_version=payload.version,
            conclusion=payload.conclusion,
            chair=payload.chair,
            secretary_name=payload.secretary_name,
        )
    except ValidationError as error:
        if type(error) is not ValidationError:
            raise
        return _refused(error)
    return _record_out(get_object_or_404(meetings_readable_by(request.auth), pk=meeting.pk))
