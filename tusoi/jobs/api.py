"""A job's state and progress over the JSON API: the caller's own jobs only."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema

from tusoi.api import ERRORS
from tusoi.jobs.models import Job
from tusoi.jobs.selectors import jobs_visible_to

router = Router()


class MessageOut(Schema):
    level: str
    text: str


class JobOut(Schema):
    id: int
    kind: str
    label: str
    state: str
    state_label: str
    organization_id: int | None
    progress_done: int
    progress_total: int | None
    percent: int | None
    messages: list[MessageOut]
    error: str
    result_name: str
    result_url: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_state_label(obj: Job) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_result_url(obj: Job) -> str | None:
        return reverse("jobs:download", args=[obj.pk]) if obj.result_file else None


@router.get(
    "/{id}",
    response={200: JobOut, **ERRORS},
    url_name="jobs_detail",
    summary="One of the caller's background jobs: state, progress, messages, result link",
)
def job_detail(request, id: int) -> Job:  # noqa: A002 - the API's path parameter name
    return get_object_or_404(jobs_visible_to(request.auth), pk=id)
