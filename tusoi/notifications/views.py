"""The user's notifications: the inbox, marking read, opening one. Every view starts from
`notifications_visible_to(request.user)`: another user's notification is not found (404)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tusoi.notifications.selectors import notifications_visible_to
from tusoi.notifications.services import notifications_mark_read

PAGE_SIZE = 25


def _local_url(request, url: str) -> str | None:
    """`url` when it is a path on this site ("/reports/r/5/"), else None: a notification must
    never send anyone to another site."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return url


@login_required
def inbox(request):
    notifications = notifications_visible_to(request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "crumbs": [(_("Notifications"), None)]},
    )


@login_required
@require_POST
def mark_read(request):
    """Marks the posted `ids` read, or every notification when none are posted."""
    raw = request.POST.getlist("ids")
    ids = [int(value) for value in raw if value.isdigit()] if raw else None
    notifications_mark_read(user=request.user, ids=ids)
    return redirect(_local_url(request, request.POST.get("next", "")) or "notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def open_notification(request, pk: int):
    notification = get_object_or_404(notifications_visible_to(request.user), pk=pk)
    if notification.read_at is None:
        notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(_local_url(request, notification.url) or "notifications:inbox")
