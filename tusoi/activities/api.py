"""Supplementary activities and commendations over the JSON API, under the same rules as the
pages: reading needs VIEW over the organisation, recording EDIT_MEMBERS; anything outside the
caller's scope answers 404. Attachments are sent as multipart form data."""

import datetime
import mimetypes
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict, Field

from tusoi.activities.models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    Commendation,
    CommendationLevel,
)
from tusoi.activities.selectors import (
    activities_of_subtree,
    activities_visible_to,
    activity_counts,
    activity_orgs,
    commendations_of_subtree,
    commendations_visible_to,
)
from tusoi.activities.services import activity_attach, activity_create, commendation_create
from tusoi.api import ERRORS, Pagination
from tusoi.campaigns.models import Campaign
from tusoi.campaigns.selectors import campaigns_visible_to
from tusoi.members.selectors import members_visible_to
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action
from tusoi.orgs.selectors import organizations_visible_to

router = Router()


# Schemas ---------------------------------------------------------------------------------------


class OrgRef(Schema):
    id: int
    code: str
    name: str


class CampaignRef(Schema):
    id: int
    title: str


class AttachmentOut(Schema):
    id: int
    name: str
    uploaded_at: datetime.datetime
    url: str

    @staticmethod
    def resolve_url(obj: ActivityAttachment) -> str:
        return reverse(
            "api:activities_attachment", kwargs={"id": obj.activity_id, "attachment_id": obj.pk}
        )


class ActivityRowOut(Schema):
    id: int
    organization: OrgRef
    campaign: CampaignRef | None
    kind: str
    title: str
    on: datetime.date
    participants: int
    attachment_count: int


class ActivityOut(Schema):
    id: int
    organization: OrgRef
    campaign: CampaignRef | None
    kind: str
    title: str
    on: datetime.date
    participants: int
    summary: str
    attachments: list[AttachmentOut]
    created_at: datetime.datetime

    @staticmethod
    def resolve_attachments(obj: Activity) -> list[ActivityAttachment]:
        return list(obj.attachments.all())


class ActivityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: ActivityKind
    title: str
    on: datetime.date
    participants: int = Field(0, ge=0)
    summary: str = ""
    campaign_id: int | None = None


class CountsOut(Schema):
    total: int
    participants: int
    by_kind: dict[str, int]


class MemberRef(Schema):
    id: int
    full_name: str
    cell: OrgRef


class CommendationOut(Schema):
    id: int
    given_by: OrgRef = Field(..., alias="organization")
    member: MemberRef | None
    commended_organization: OrgRef | None
    level: str
    reason: str
    on: datetime.date
    campaign: CampaignRef | None


class CommendationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    member_id: int | None = None
    organization_id: int | None = None
    level: CommendationLevel
    reason: str
    on: datetime.date
    campaign_id: int | None = None


# Helpers ---------------------------------------------------------------------------------------


def _org(request: Any, org_id: int, action: Action = Action.VIEW) -> Organization:
    return get_object_or_404(activity_orgs(request.auth, action), pk=org_id)


def _campaign(request: Any, campaign_id: int | None) -> Campaign | None:
    if campaign_id is None:
        return None
    return get_object_or_404(campaigns_visible_to(request.auth), pk=campaign_id)


def _activity(request: Any, activity_id: int) -> Activity:
    return get_object_or_404(
        activities_visible_to(request.auth).prefetch_related("attachments"), pk=activity_id
    )


# Activities ------------------------------------------------------------------------------------


@router.get(
    "/orgs/{org_id}",
    response={200: list[ActivityRowOut], **ERRORS},
    url_name="activities_list",
    summary="Activities of an organisation and those under it, newest first",
)
@paginate(Pagination)
def activities_list(
    request, org_id: int, campaign_id: int | None = None, kind: ActivityKind | None = None
) -> QuerySet[Activity]:
    org = _org(request, org_id)
    return activities_of_subtree(request.auth, org, campaign_id=campaign_id, kind=kind or "")


@router.post(
    "/orgs/{org_id}",
    response={201: ActivityOut, **ERRORS},
    url_name="activities_create",
    summary="Record an activity the organisation held (attach files afterwards)",
)
def activities_create(request, org_id: int, payload: ActivityIn) -> Status:
    org = _org(request, org_id, Action.EDIT_MEMBERS)
    data = payload.dict()
    activity = activity_create(
        actor=request.auth,
        organization=org,
        campaign=_campaign(request, data.pop("campaign_id")),
        **data,
    )
    return Status(201, _activity(request, activity.pk))


@router.get(
    "/orgs/{org_id}/counts",
    response={200: CountsOut, **ERRORS},
    url_name="activities_counts",
    summary="Activities of the organisation's subtree per kind, for one campaign or all",
)
def activities_counts(request, org_id: int, campaign_id: int | None = None) -> dict[str, Any]:
    org = _org(request, org_id)
    counts = activity_counts(_campaign(request, campaign_id), org)
    return {"total": counts.total, "participants": counts.participants, "by_kind": counts.by_kind}


@router.get(
    "/{id}",
    response={200: ActivityOut, **ERRORS},
    url_name="activities_detail",
    summary="One activity with its attachments",
)
def activities_detail(request, id: int) -> Activity:  # noqa: A002 - the path parameter's name
    return _activity(request, id)


@router.post(
    "/{id}/attachments",
    response={201: ActivityOut, **ERRORS},
    url_name="activities_attach",
    summary="Attach files (PDF, images, .docx, .xlsx) as multipart `files`; all or none",
)
def activities_attach(
    request,
    id: int,  # noqa: A002
    files: list[UploadedFile] = File(...),  # noqa: B008 - ninja's way of declaring uploads
) -> Status:
    activity = _activity(request, id)
    get_object_or_404(activity_orgs(request.auth, Action.EDIT_MEMBERS), pk=activity.organization_id)
    activity_attach(actor=request.auth, activity=activity, files=files)
    return Status(201, _activity(request, activity.pk))


@router.get(
    "/{id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    url_name="activities_attachment",
    summary="Download one attachment",
)
def activities_attachment(request, id: int, attachment_id: int) -> FileResponse:  # noqa: A002
    activity = get_object_or_404(activities_visible_to(request.auth), pk=id)
    attachment = get_object_or_404(activity.attachments.all(), pk=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=mimetypes.guess_type(attachment.name)[0] or "application/octet-stream",
    )


# Commendations ---------------------------------------------------------------------------------


@router.get(
    "/orgs/{org_id}/commendations",
    response={200: list[CommendationOut], **ERRORS},
    url_name="commendations_list",
    summary="Commendations of members and organisations under an organisation, newest first",
)
@paginate(Pagination)
def commendations_list(
    request, org_id: int, campaign_id: int | None = None
) -> QuerySet[Commendation]:
    org = _org(request, org_id)
    return commendations_of_subtree(request.auth, org, campaign_id=campaign_id)


@router.post(
    "/orgs/{org_id}/commendations",
    response={201: CommendationOut, **ERRORS},
    url_name="commendations_create",
    summary="The organisation commends a member (`member_id`) or an organisation under it",
)
def commendations_create(request, org_id: int, payload: CommendationIn) -> Status:
    org = _org(request, org_id, Action.EDIT_MEMBERS)
    member = commended = None
    if payload.member_id is not None:
        member = get_object_or_404(members_visible_to(request.auth), pk=payload.member_id)
    if payload.organization_id is not None:
        commended = get_object_or_404(
            organizations_visible_to(request.auth), pk=payload.organization_id
        )
    commendation = commendation_create(
        actor=request.auth,
        organization=org,
        member=member,
        commended_organization=commended,
        level=payload.level,
        reason=payload.reason,
        on=payload.on,
        campaign=_campaign(request, payload.campaign_id),
    )
    return Status(
        201, get_object_or_404(commendations_visible_to(request.auth), pk=commendation.pk)
    )
