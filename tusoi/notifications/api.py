"""The caller's own notifications over the JSON API: the list (newest first) and marking read.
Ids of anyone else's notifications answer 404, exactly like ids that do not exist."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from tusoi.api import ERRORS, Pagination
from tusoi.notifications.models import Notification
from tusoi.notifications.selectors import notifications_visible_to, unread_count
from tusoi.notifications.services import notifications_mark_read

router = Router()
MAX_IDS = 500


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    sent_by: str | None

    @staticmethod
    def resolve_kind_label(obj: Notification) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_sent_by(obj: Notification) -> str | None:
        return obj.sent_by.get_full_name() if obj.sent_by_id else None


class ReadIn(Schema):
    ids: list[int] | None = Field(None, max_length=MAX_IDS)


class ReadOut(Schema):
    marked: int
    unread: int


@router.get(
    "/",
    response={200: list[NotificationOut], **ERRORS},
    url_name="notifications_list",
    summary="The caller's notifications, newest first",
)
@paginate(Pagination)
def notifications_list(request, unread: bool = False) -> QuerySet[Notification]:
    notifications = notifications_visible_to(request.auth)
    return notifications.filter(read_at__isnull=True) if unread else notifications


@router.post(
    "/read",
    response={200: ReadOut, **ERRORS},
    url_name="notifications_read",
    summary="Mark the given notifications read (all of the caller's when no ids are sent)",
)
def notifications_read(request, payload: ReadIn) -> dict[str, int]:
    ids = None
    if payload.ids is not None:
        ids = set(payload.ids)
        own = set(
            notifications_visible_to(request.auth).filter(pk__in=ids).values_list("pk", flat=True)
        )
        if own != ids:
            raise Http404
    marked = notifications_mark_read(user=request.auth, ids=ids)
    return {"marked": marked, "unread": unread_count(request.auth)}
