"""Meeting registration over the JSON API (/api/v1/meetings), with the pages' selectors: a
committee reads its cells' states and calendar (VIEW), the cell's secretary registers, changes
and cancels (MANAGE_MEETINGS), an assigned supervisor adds a visit note. A meeting's answer
carries its state, dates, places, phases and change history, never the record's words. Out of
scope is 404; a change based on an older version is 409."""

import datetime
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict

from tusoi.api import ERRORS, MAX_PAGE, ErrorOut, Pagination
from tusoi.campaigns.models import Campaign
from tusoi.campaigns.selectors import campaigns_visible_to
from tusoi.meetings.models import Meeting, MeetingPhase, VisitNote
from tusoi.meetings.selectors.registration import (
    assigned_supervisors,
    calendar_phases,
    campaign_cell_states,
    campaign_cells_with_state,
    campaign_covers,
    cell_meeting,
    cell_members_in_scope,
    cells_registrable_by,
    meeting_state,
    meeting_with_phases,
    meetings_recordable_by,
    meetings_visible_to,
    my_assignments,
    orgs_for_overview,
)
from tusoi.meetings.services.registration import (
    PhaseInput,
    meeting_cancel,
    meeting_change,
    meeting_register,
    visit_note_add,
)
from tusoi.orgs.models import Organization

router = Router()

CONFLICT = {409: ErrorOut}


# Schemas ---------------------------------------------------------------------------------------


class CampaignRef(Schema):
    id: int
    title: str
    starts_on: datetime.date
    ends_on: datetime.date


class OrgRef(Schema):
    id: int
    code: str
    name: str


class MemberRef(Schema):
    id: int
    full_name: str


class PhaseOut(Schema):
    number: int
    on: datetime.date
    at: datetime.time | None
    place: str
    online_link: str
    held: bool
    held_on: datetime.date | None
    member_ids: list[int]  # empty for a single-phase meeting: it covers every member

    @staticmethod
    def resolve_member_ids(obj: MeetingPhase) -> list[int]:
        return [m.pk for m in obj.members.all()]


class ChangeOut(Schema):
    at: datetime.datetime
    by: str
    reason: str
    status: list[str] | None
    phases: list[dict[str, Any]]


class SupervisorOut(Schema):
    id: int
    name: str


class MeetingOut(Schema):
    id: int
    campaign: CampaignRef
    cell: OrgRef
    status: str
    state: str  # registered, overdue, held or cancelled
    is_phased: bool
    version: int
    phases: list[PhaseOut]
    changes: list[ChangeOut]
    supervisors: list[SupervisorOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PhaseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    on: datetime.date
    at: datetime.time | None = None
    place: str = Field("", max_length=300)
    online_link: str = Field("", max_length=500)
    member_ids: list[int] = Field(default_factory=list)


class RegisterIn(Schema):
    model_config = ConfigDict(extra="forbid")

    phases: list[PhaseIn]


class ChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    phases: list[PhaseIn]
    reason: str = ""


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    reason: str


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    attended: bool = True
    text: str


class NoteOut(Schema):
    id: int
    author: str
    attended: bool
    text: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(obj: VisitNote) -> str:
        return obj.author.get_full_name() or obj.author.username


class RegistrationOut(Schema):
    campaign: CampaignRef
    cell: OrgRef
    meeting: MeetingOut | None  # null while the cell has not registered
    members: list[MemberRef]  # the members a phased meeting must cover


class CellStateOut(Schema):
    id: int
    code: str
    name: str
    parent_name: str | None
    state: str  # not_registered, registered, overdue, held
    meeting_id: int | None
    meeting_status: str | None
    first_on: datetime.date | None
    last_on: datetime.date | None
    phase_count: int | None


class CellStatesOut(Schema):
    campaign: CampaignRef
    org: OrgRef
    counts: dict[str, int]
    state: str | None
    total: int
    limit: int
    offset: int
    cells: list[CellStateOut]


class CellStatesFilter(Schema):
    state: str | None = Field(None, pattern="^(not_registered|registered|overdue|held)$")
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class CalendarPhaseOut(Schema):
    meeting_id: int
    cell: OrgRef
    number: int
    phase_total: int
    on: datetime.date
    at: datetime.time | None
    place: str
    online_link: str
    held: bool

    @staticmethod
    def resolve_cell(obj: MeetingPhase) -> Organization:
        return obj.meeting.cell


class AssignmentOut(Schema):
    id: int
    campaign: CampaignRef
    cell: OrgRef
    status: str
    next_on: datetime.date | None
    first_on: datetime.date | None
    last_on: datetime.date | None


# Helpers ---------------------------------------------------------------------------------------


def _campaign_and_org(request: Any, campaign_id: int, org_id: int) -> tuple[Campaign, Organization]:
    campaign = get_object_or_404(campaigns_visible_to(request.auth), pk=campaign_id)
    org = get_object_or_404(orgs_for_overview(request.auth), pk=org_id)
    root = campaign.organization.path
    if not (org.path.startswith(root) or root.startswith(org.path)):
        raise Http404
    return campaign, org


def _meeting_out(request: Any, pk: int) -> dict[str, Any]:
    meeting = get_object_or_404(meeting_with_phases(meetings_visible_to(request.auth)), pk=pk)
    return _serialise(meeting)


def _serialise(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "campaign": meeting.campaign,
        "cell": meeting.cell,
        "status": meeting.status,
        "state": meeting_state(meeting),
        "is_phased": meeting.is_phased,
        "version": meeting.version,
        "phases": list(meeting.phases.all()),
        "changes": [
            {
                "at": c.at,
                "by": (c.by.get_full_name() or c.by.username) if c.by else "",
                "reason": c.reason,
                "status": (c.changes or {}).get("status"),
                "phases": (c.changes or {}).get("phases", []),
            }
            for c in meeting.changes.select_related("by", "by__member")
        ],
        "supervisors": [
            {"id": u.pk, "name": u.get_full_name() or u.username}
            for u in assigned_supervisors(meeting)
        ],
        "created_at": meeting.created_at,
        "updated_at": meeting.updated_at,
    }


def _phase_inputs(phases: list[PhaseIn]) -> list[PhaseInput]:
    return [
        PhaseInput(
            on=p.on, at=p.at, place=p.place, online_link=p.online_link, member_ids=p.member_ids
        )
        for p in phases
    ]


# A committee's cells and calendar -------------------------------------------------------------


@router.get(
    "/campaigns/{campaign_id}/orgs/{org_id}/cells",
    response={200: CellStatesOut, **ERRORS},
    url_name="meetings_cell_states",
    summary="How many cells under an organisation have not registered, registered, are overdue "
    "or held their meeting, and the cells (filter by `state`)",
)
def meetings_cell_states(
    request, campaign_id: int, org_id: int, filters: Query[CellStatesFilter]
) -> dict[str, Any]:
    campaign, org = _campaign_and_org(request, campaign_id, org_id)
    states = campaign_cell_states(campaign, org, request.auth, states=())
    cells = campaign_cells_with_state(campaign, org, request.auth)
    if filters.state:
        cells = cells.filter(state=filters.state)
        total = states.counts[filters.state]
    else:
        total = states.total
    return {
        "campaign": campaign,
        "org": org,
        "counts": states.counts,
        "state": filters.state,
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "cells": list(cells[filters.offset : filters.offset + filters.limit]),
    }


@router.get(
    "/campaigns/{campaign_id}/orgs/{org_id}/calendar",
    response={200: list[CalendarPhaseOut], **ERRORS},
    url_name="meetings_calendar",
    summary="The phases dated in a month (`month`: YYYY-MM) under an organisation",
)
def meetings_calendar(
    request, campaign_id: int, org_id: int, month: str = Query(..., pattern=r"^\d{4}-\d{2}$")
) -> list[MeetingPhase]:
    campaign, org = _campaign_and_org(request, campaign_id, org_id)
    year, number = (int(part) for part in month.split("-"))
    if not 1 <= number <= 12:
        raise Http404
    return list(calendar_phases(campaign, org, datetime.date(year, number, 1)))


# A cell's registration ------------------------------------------------------------------------


def _registrable(request: Any, campaign_id: int, org_id: int) -> tuple[Campaign, Organization]:
    campaign = get_object_or_404(campaigns_visible_to(request.auth), pk=campaign_id)
    cell = get_object_or_404(cells_registrable_by(request.auth), pk=org_id)
    if not campaign_covers(campaign, cell.path):
        raise Http404
    return campaign, cell


@router.get(
    "/campaigns/{campaign_id}/cells/{org_id}/registration",
    response={200: RegistrationOut, **ERRORS},
    url_name="meetings_registration",
    summary="The cell's registered meeting (null if none) and the members its phases must cover",
)
def meetings_registration(request, campaign_id: int, org_id: int) -> dict[str, Any]:
    campaign, cell = _registrable(request, campaign_id, org_id)
    meeting = cell_meeting(campaign, cell)
    return {
        "campaign": campaign,
        "cell": cell,
        "meeting": _meeting_out(request, meeting.pk) if meeting is not None else None,
        "members": list(cell_members_in_scope(cell)),
    }


@router.post(
    "/campaigns/{campaign_id}/cells/{org_id}/registration",
    response={201: MeetingOut, **ERRORS},
    url_name="meetings_register",
    summary="The cell's secretary registers the meeting: one phase, or several covering every "
    "member once",
)
def meetings_register(request, campaign_id: int, org_id: int, payload: RegisterIn) -> Any:
    campaign, cell = _registrable(request, campaign_id, org_id)
    meeting = meeting_register(
        actor=request.auth, campaign=campaign, cell=cell, phases=_phase_inputs(payload.phases)
    )
    return Status(201, _meeting_out(request, meeting.pk))


# One meeting -----------------------------------------------------------------------------------


@router.get(
    "/supervision",
    response={200: list[AssignmentOut], **ERRORS},
    url_name="meetings_my_assignments",
    summary="Meetings of the cells the caller supervises, the coming ones first",
)
@paginate(Pagination)
def meetings_my_assignments(request) -> Any:
    return my_assignments(request.auth)


@router.get(
    "/{id}",
    response={200: MeetingOut, **ERRORS},
    url_name="meetings_detail",
    summary="A meeting's state, phases, change history and supervisors (not its record)",
)
def meetings_detail(request, id: int) -> dict[str, Any]:  # noqa: A002 - the path parameter
    return _meeting_out(request, id)


@router.patch(
    "/{id}",
    response={200: MeetingOut, **CONFLICT, **ERRORS},
    url_name="meetings_change",
    summary="Change dates, places or phases; a moved date needs a `reason`; 409 if the meeting "
    "changed since `version`",
)
def meetings_change(request, id: int, payload: ChangeIn) -> dict[str, Any]:  # noqa: A002
    meeting = get_object_or_404(meetings_recordable_by(request.auth), pk=id)
    meeting_change(
        actor=request.auth,
        meeting=meeting,
        base_version=payload.version,
        phases=_phase_inputs(payload.phases),
        reason=payload.reason,
    )
    return _meeting_out(request, meeting.pk)


@router.post(
    "/{id}/cancel",
    response={200: MeetingOut, **CONFLICT, **ERRORS},
    url_name="meetings_cancel",
    summary="Cancel a registered meeting, saying why; 409 if it changed since `version`",
)
def meetings_cancel(request, id: int, payload: CancelIn) -> dict[str, Any]:  # noqa: A002
    meeting = get_object_or_404(meetings_recordable_by(request.auth), pk=id)
    meeting_cancel(
        actor=request.auth, meeting=meeting, base_version=payload.version, reason=payload.reason
    )
    return _meeting_out(request, meeting.pk)


@router.post(
    "/{id}/notes",
    response={201: NoteOut, **ERRORS},
    url_name="meetings_visit_note",
    summary="A supervisor assigned to the cell notes their visit to the meeting",
)
def meetings_visit_note(request, id: int, payload: NoteIn) -> Any:  # noqa: A002
    meeting = get_object_or_404(meetings_visible_to(request.auth), pk=id)
    note = visit_note_add(
        actor=request.auth, meeting=meeting, attended=payload.attended, text=payload.text
    )
    return Status(201, note)
