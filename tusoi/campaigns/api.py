"""Campaigns over the JSON API: the campaigns in the caller's scope, read only. Both endpoints
start from campaigns_visible_to, so a campaign outside the scope answers 404."""

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema
from ninja.pagination import paginate

from tusoi.api import ERRORS, Pagination
from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.campaigns.selectors import campaign_documents, campaigns_visible_to

router = Router()


class OrgRef(Schema):
    id: int
    code: str
    name: str


class DocumentOut(Schema):
    id: int
    organization: OrgRef
    number_symbol: str
    issued_on: datetime.date
    issuing_body: str
    summary: str
    download_url: str | None

    @staticmethod
    def resolve_download_url(obj) -> str | None:
        return reverse("campaigns:document_download", args=[obj.pk]) if obj.file else None


class CampaignOut(Schema):
    id: int
    organization: OrgRef
    title: str
    theme: str
    starts_on: datetime.date
    ends_on: datetime.date
    report_due_on: datetime.date | None
    due_on: datetime.date
    status: str
    chair_concludes_per_member: bool
    copy_threshold: Decimal
    version: int


class CampaignDetailOut(CampaignOut):
    description: str
    directives: list[str]
    documents: list[DocumentOut]

    @staticmethod
    def resolve_documents(obj: Campaign) -> list:
        return obj.documents_for_caller

    @staticmethod
    def resolve_directives(obj: Campaign) -> list[str]:
        return [line for line in obj.directives.splitlines() if line.strip()]


@router.get(
    "",
    response={200: list[CampaignOut], **ERRORS},
    url_name="campaigns_list",
    summary="Campaigns visible to the caller, newest first",
)
@paginate(Pagination)
def campaigns_list(request, status: CampaignStatus | None = None) -> QuerySet[Campaign]:
    campaigns = campaigns_visible_to(request.auth)
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.order_by("-starts_on", "-id")


@router.get(
    "/{id}",
    response={200: CampaignDetailOut, **ERRORS},
    url_name="campaigns_detail",
    summary="One campaign with its guiding documents the caller may see",
)
def campaigns_detail(request, id: int) -> Campaign:  # noqa: A002 - the path parameter's name
    campaign = get_object_or_404(campaigns_visible_to(request.auth), pk=id)
    campaign.documents_for_caller = list(campaign_documents(campaign, request.auth))
    return campaign
