"""Members over the JSON API. Reads start from members_visible_to; writes from the records and
cells the caller may edit (Action.EDIT_MEMBERS) and go through the member services."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from tusoi.api import ERRORS, ErrorOut, Pagination
from tusoi.members.models import Member, MembershipPeriod, MemberStatus
from tusoi.members.selectors import member_history, members_matching, members_visible_to
from tusoi.members.services import member_change_status, member_create, member_update
from tusoi.orgs.permissions import Action
from tusoi.orgs.selectors import organizations_visible_to

router = Router()


class CellRef(Schema):
    id: int
    code: str
    name: str


class MemberOut(Schema):
    id: int
    card_number: str
    full_name: str
    birth_date: datetime.date
    gender: str
    admitted_on: datetime.date
    official_on: datetime.date | None
    is_probationary: bool
    cell: CellRef
    job: str
    position: str
    is_leader: bool
    life_situation: str
    works_away: bool
    elderly_frail: bool
    status: str
    status_since: datetime.date | None
    version: int


class PeriodOut(Schema):
    cell: CellRef
    status: str
    change: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    reason: str


class MemberDetailOut(MemberOut):
    citizen_id: str
    phone: str
    email: str
    home_cell: CellRef | None
    transferred_in_from: str
    periods: list[PeriodOut]

    @staticmethod
    def resolve_periods(obj: Member) -> QuerySet[MembershipPeriod]:
        return member_history(obj)


def _email(value: Any) -> Any:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError as exc:
            raise PydanticCustomError("email", "not an e-mail address") from exc
    return value


class MemberCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    cell: int
    card_number: str
    full_name: str
    birth_date: datetime.date
    gender: str
    admitted_on: datetime.date
    official_on: datetime.date | None = None
    citizen_id: str = ""
    phone: str = ""
    email: str = ""
    job: str = ""
    position: str = ""
    is_leader: bool = False
    life_situation: str = ""
    works_away: bool = False
    elderly_frail: bool = False

    _check_email = field_validator("email")(_email)


_NOT_NULL = (
    "card_number",
    "full_name",
    "birth_date",
    "gender",
    "admitted_on",
    "citizen_id",
    "phone",
    "email",
    "job",
    "position",
    "is_leader",
    "life_situation",
    "works_away",
    "elderly_frail",
)


class MemberPatchIn(Schema):
    """Only the fields sent change; `version` is the one the client last read."""

    model_config = ConfigDict(extra="forbid")

    version: int
    card_number: str | None = None
    full_name: str | None = None
    birth_date: datetime.date | None = None
    gender: str | None = None
    admitted_on: datetime.date | None = None
    official_on: datetime.date | None = None  # null: back to probationary
    citizen_id: str | None = None
    phone: str | None = None
    email: str | None = None
    job: str | None = None
    position: str | None = None
    is_leader: bool | None = None
    life_situation: str | None = None
    works_away: bool | None = None
    elderly_frail: bool | None = None

    _check_email = field_validator("email")(_email)

    @field_validator(*_NOT_NULL, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Absent means "unchanged"; an explicit null would erase a field that cannot be empty.
        if value is None:
            raise PydanticCustomError("not_null", "may not be null")
        return value


class MemberStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    change: str
    on: datetime.date
    to_cell: int | None = None
    reason: str = ""


@router.get(
    "",
    response={200: list[MemberOut], **ERRORS},
    url_name="members_list",
    summary="Members visible to the caller, in Vietnamese name order",
)
@paginate(Pagination)
def members_list(
    request, cell: int | None = None, q: str | None = None, status: MemberStatus | None = None
) -> QuerySet[Member]:
    """`q` matches names without regard to accents, or the exact card or citizen ID number."""
    members = members_visible_to(request.auth)
    if cell is not None:
        members = members.filter(cell_id=cell)
    if status:
        members = members.filter(status=status)
    if q:
        members = members_matching(members, q)
    return members.order_by("name_key", "card_number")


@router.get("/{id}", response={200: MemberDetailOut, **ERRORS}, url_name="members_detail")
def members_detail(request, id: int) -> Member:  # noqa: A002 - the path parameter's name
    return get_object_or_404(members_visible_to(request.auth).select_related("home_cell"), pk=id)


@router.post(
    "",
    response={201: MemberDetailOut, **ERRORS},
    url_name="members_create",
    summary="Register a member in a cell the caller may edit",
)
def members_create(request, payload: MemberCreateIn) -> Status:
    data = payload.dict()
    cell = get_object_or_404(
        organizations_visible_to(request.auth, Action.EDIT_MEMBERS), pk=data.pop("cell")
    )
    return Status(201, member_create(actor=request.auth, cell=cell, **data))


@router.patch(
    "/{id}",
    response={200: MemberDetailOut, 409: ErrorOut, **ERRORS},
    url_name="members_update",
    summary="Change some fields; refused with 409 if the record changed since `version`",
)
def members_update(request, id: int, payload: MemberPatchIn) -> Member:  # noqa: A002
    member = get_object_or_404(members_visible_to(request.auth, Action.EDIT_MEMBERS), pk=id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    return member_update(actor=request.auth, member=member, expected_version=version, **fields)


@router.post(
    "/{id}/status",
    response={200: MemberDetailOut, **ERRORS},
    url_name="members_status",
    summary="Record a dated change of status or cell",
)
def members_status(request, id: int, payload: MemberStatusIn) -> Member:  # noqa: A002
    member = get_object_or_404(members_visible_to(request.auth, Action.EDIT_MEMBERS), pk=id)
    to_cell = None
    if payload.to_cell is not None:
        to_cell = get_object_or_404(
            organizations_visible_to(request.auth, Action.EDIT_MEMBERS), pk=payload.to_cell
        )
    return member_change_status(
        actor=request.auth,
        member=member,
        change=payload.change,
        on=payload.on,
        to_cell=to_cell,
        reason=payload.reason,
    )
