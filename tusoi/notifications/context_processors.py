from django.utils.functional import SimpleLazyObject

from tusoi.notifications.selectors import unread_count


def notifications(request):
    """`unread_notifications` for the menu: counted only when a page shows it, and only for a
    logged-in user (one COUNT query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
