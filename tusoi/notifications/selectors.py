"""Reading a user's notifications: only ever their own."""

from typing import Any

from django.db.models import QuerySet

from tusoi.notifications.models import Notification


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("sent_by")
