"""Notifications belong to one user, not to a subtree, so the branch A / branch B model of
ScopeCase cannot express them: test_views.py proves that anyone else, even a committee over the
whole province, gets 404 on another user's notification (pages and API), that lists hold only the
caller's own, and that anonymous callers are sent to log in (401 on the API)."""

REASON = "per-user: only the caller's own notifications, see test_views.py"

PUBLIC = {
    "notifications:inbox": REASON,
    "notifications:mark_read": REASON,
    "notifications:open": REASON,
    "api:notifications_list": REASON,
    "api:notifications_read": REASON,
}
