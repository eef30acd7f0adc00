"""Reading a user's notifications: only ever their own. Pages and the API start from
`notifications_visible_to(user)`, so another user's notification is simply not found."""

from typing import Any

from django.db.models import QuerySet

from tusoi.notifications.models import Notification


def notifications_visible_to(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nothing for an anonymous visitor."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).select_related("sent_by", "sent_by__member")


def notifications_of(user: Any) -> QuerySet[Notification]:
    return notifications_visible_to(user)


def unread_count(user: Any) -> int:
    """One COUNT on the inbox index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
