"""Sending notifications. `notify` writes the in-app message and, where the user has an e-mail
address, queues the e-mail for a background job after the transaction commits, so a slow mail
server never holds up a page. Reminders are limited to one a day per person by the database."""

import datetime
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tusoi.notifications.models import REMINDER_KINDS, EmailState, Notification

logger = logging.getLogger(__name__)


def email_address_of(user: Any) -> str:
    """The user's own address, else the one in their member record."""
    if getattr(user, "email", ""):
        return user.email
    member = getattr(user, "member", None) if getattr(user, "member_id", None) else None
    return member.email if member is not None and member.email else ""


def _enqueue_email(notification_id: int) -> None:
    from tusoi.notifications.tasks import send_notification_email

    send_notification_email(notification_id)


def _enqueue_emails(notification_ids: list[int]) -> None:
    from tusoi.notifications.tasks import send_notification_emails

    send_notification_emails(notification_ids)


def notify(
    *,
    user: Any,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    sent_by: Any = None,
) -> Notification | None:
    """Tell `user`; returns None when a reminder kind was already sent to them today."""
    today = timezone.localdate()
    address = email_address_of(user)
    notification = Notification(
        user=user,
        kind=kind,
        title=title[:300],
        body=body,
        url=url[:500],
        sent_by=sent_by if getattr(sent_by, "pk", None) else None,
        reminder_day=today if kind in REMINDER_KINDS else None,
        email_state=EmailState.PENDING if address else EmailState.NONE,
    )
    if notification.reminder_day is not None:
        if Notification.objects.filter(user=user, reminder_day=today).exists():
            return None
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:  # a concurrent reminder won the race
            return None
    else:
        notification.save()
    if address:
        notification_id = notification.pk
        transaction.on_commit(lambda: _enqueue_email(notification_id))
    return notification


def notify_many(
    *,
    users: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    sent_by: Any = None,
) -> int:
    """`notify` each user; returns how many were notified (reminders already sent today skip)."""
    return sum(
        1
        for user in users
        if notify(user=user, kind=kind, title=title, body=body, url=url, sent_by=sent_by)
    )


def reminders_create_many(
    *,
    recipients: Sequence[tuple[int, str]],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    day: datetime.date | None = None,
    sent_by: Any = None,
) -> list[int]:
    """A reminder kind for many users at once, `recipients` being (user id, e-mail address or
    ""). One insert: the one-reminder-a-day constraint skips whoever was already reminded on
    `day` (also by a concurrent run). E-mails are queued after the transaction commits, one
    background task for the batch. Returns the ids of the notifications created."""
    if kind not in REMINDER_KINDS:
        raise ValueError(f"{kind} is not a reminder kind")
    day = day or timezone.localdate()
    address = dict(recipients)
    if not address:
        return []
    already = set(
        Notification.objects.filter(user_id__in=address, reminder_day=day).values_list(
            "user_id", flat=True
        )
    )
    wanted = [user_id for user_id in address if user_id not in already]
    if not wanted:
        return []
    started = timezone.now()
    sender = sent_by if getattr(sent_by, "pk", None) else None
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind=kind,
                title=title[:300],
                body=body,
                url=url[:500],
                sent_by=sender,
                reminder_day=day,
                email_state=EmailState.PENDING if address[user_id] else EmailState.NONE,
            )
            for user_id in wanted
        ],
        ignore_conflicts=True,
    )
    # bulk_create with ignore_conflicts cannot return ids: read back the rows this call made.
    created = list(
        Notification.objects.filter(
            user_id__in=wanted, reminder_day=day, kind=kind, created_at__gte=started
        ).values_list("pk", "email_state")
    )
    to_mail = [pk for pk, state in created if state == EmailState.PENDING]
    if to_mail:
        transaction.on_commit(lambda: _enqueue_emails(to_mail))
    return [pk for pk, _state in created]


def notification_email_send(*, notification_id: int) -> str:
    """Send one notification's e-mail (waiting, or failed before); returns its e-mail state.
    Raises on a mail server error so the task is retried; the failure is recorded on the row."""
    notification = (
        Notification.objects.select_related("user", "user__member")
        .filter(pk=notification_id, email_state__in=(EmailState.PENDING, EmailState.FAILED))
        .first()
    )
    if notification is None:
        return "skipped"
    address = email_address_of(notification.user)
    if not address:
        Notification.objects.filter(pk=notification.pk).update(email_state=EmailState.NONE)
        return EmailState.NONE
    body = notification.body
    if notification.url:
        base = getattr(settings, "TUSOI_SITE_URL", "").rstrip("/")
        body = f"{body}\n\n{base}{notification.url}" if body else f"{base}{notification.url}"
    try:
        send_mail(
            subject=f"[TuSoi] {notification.title}",
            message=body or notification.title,
            from_email=None,
            recipient_list=[address],
        )
    except Exception as exc:
        Notification.objects.filter(pk=notification.pk).update(
            email_state=EmailState.FAILED, email_error=str(exc)[:500]
        )
        logger.warning("e-mail for notification %s failed: %s", notification.pk, exc)
        raise
    Notification.objects.filter(pk=notification.pk).update(
        email_state=EmailState.SENT, email_error=""
    )
    return EmailState.SENT


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def reminder_title(campaign_title: str) -> str:
    return _("Reminder: your self-review report for “%(campaign)s”") % {"campaign": campaign_title}
