"""Sending notifications: the e-mail goes out through a background job after the transaction
commits, a failing mail server leaves the row marked failed and the job is retried, and nobody
gets more than one reminder a day (the database refuses a second one)."""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.utils import timezone

from tusoi.notifications.models import EmailState, Notification, NotificationKind
from tusoi.notifications.services import (
    notification_email_send,
    notifications_mark_read,
    notify,
    notify_many,
    reminders_create_many,
)
from tusoi.notifications.tasks import send_notification_emails

FAILING = "tusoi.notifications.tests.test_services.FailingBackend"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def _notify(user, **kw):
    data = {"kind": NotificationKind.REPORT_RETURNED, "title": "Báo cáo bị trả lại"}
    data.update(kw)
    return notify(user=user, **data)


def test_notify_emails_after_commit_through_the_job(writer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _notify(writer, body="Bổ sung phần nguyên nhân.", url="/reports/r/7/")
        assert notification.email_state == EmailState.PENDING
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.vn"]
    assert message.subject == "[TuSoi] Báo cáo bị trả lại"
    assert "Bổ sung phần nguyên nhân." in message.body and "/reports/r/7/" in message.body
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT


def test_notify_uses_the_member_records_address_when_the_account_has_none(
    tree, make_user, django_capture_on_commit_callbacks
):
    tree.member_a.email = "an.nguyen@example.vn"
    tree.member_a.save(update_fields=["email"])
    user = make_user(member=tree.member_a)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    assert mail.outbox[0].to == ["an.nguyen@example.vn"]


def test_notify_without_an_address_sends_no_email(stranger, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _notify(stranger)
    assert callbacks == []
    assert mail.outbox == []
    assert notification.email_state == EmailState.NONE


def test_a_failing_mail_server_marks_the_row_failed_and_the_retry_sends_it(writer, settings):
    notification = Notification.objects.create(
        user=writer, kind="report_accepted", title="Đã chấp nhận", email_state=EmailState.PENDING
    )
    settings.EMAIL_BACKEND = FAILING
    with pytest.raises(ConnectionRefusedError):
        notification_email_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_state == EmailState.FAILED
    assert "mail server down" in notification.email_error
    # The task's retry calls the service again: the failed row is sent this time.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_email_send(notification_id=notification.pk) == EmailState.SENT
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT and notification.email_error == ""
    assert len(mail.outbox) == 1
    # A sent notification is never sent twice.
    assert notification_email_send(notification_id=notification.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_the_single_email_task_is_retried_on_failure():
    from tusoi.notifications.tasks import send_notification_email

    assert send_notification_email.task_class.default_retries == 3


def test_the_batch_task_sends_the_rest_when_one_fails_and_then_fails_to_be_retried(
    writer, stranger, settings, monkeypatch
):
    ok = Notification.objects.create(
        user=writer, kind="report_accepted", title="Một", email_state=EmailState.PENDING
    )
    broken = Notification.objects.create(
        user=writer, kind="report_accepted", title="Hai", email_state=EmailState.PENDING
    )
    from tusoi.notifications import tasks

    real = tasks.notification_email_send

    def flaky(*, notification_id):
        if notification_id == broken.pk:
            raise ConnectionRefusedError("mail server down")
        return real(notification_id=notification_id)

    monkeypatch.setattr(tasks, "notification_email_send", flaky)
    with pytest.raises(RuntimeError):
        send_notification_emails.call_local([broken.pk, ok.pk])
    ok.refresh_from_db()
    assert ok.email_state == EmailState.SENT
    assert send_notification_emails.task_class.default_retries == 3


def test_notify_sends_one_reminder_a_day_per_person(writer):
    first = _notify(writer, kind=NotificationKind.REMINDER, title="Nhắc lần một")
    assert first is not None and first.reminder_day == timezone.localdate()
    assert _notify(writer, kind=NotificationKind.REMINDER, title="Nhắc lần hai") is None
    assert _notify(writer, kind=NotificationKind.DEADLINE, title="Sắp hết hạn") is None
    # Other kinds are never limited.
    assert _notify(writer) is not None and _notify(writer) is not None
    assert Notification.objects.filter(user=writer, reminder_day__isnull=False).count() == 1


def test_a_reminder_is_sent_again_the_next_day(writer, monkeypatch):
    _notify(writer, kind=NotificationKind.REMINDER, title="Hôm nay")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert _notify(writer, kind=NotificationKind.REMINDER, title="Ngày mai") is not None


def test_the_database_refuses_a_second_reminder_the_same_day(writer):
    today = timezone.localdate()
    Notification.objects.create(user=writer, kind="reminder", title="Một", reminder_day=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=writer, kind="deadline", title="Hai", reminder_day=today)


def test_the_database_refuses_an_unknown_kind(writer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=writer, kind="gossip", title="?")


def test_notify_many_counts_only_those_notified(writer, stranger):
    _notify(writer, kind=NotificationKind.REMINDER, title="Đã nhắc")
    sent = notify_many(users=[writer, stranger], kind=NotificationKind.REMINDER, title="Nhắc")
    assert sent == 1


def test_reminders_create_many_skips_who_was_reminded_today_and_mails_the_rest_in_one_job(
    writer, stranger, make_user, django_capture_on_commit_callbacks
):
    third = make_user(email="ba@example.vn")
    _notify(writer, kind=NotificationKind.REMINDER, title="Đã nhắc sáng nay")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ids = reminders_create_many(
            recipients=[
                (writer.pk, "an@example.vn"),
                (stranger.pk, ""),
                (third.pk, "ba@example.vn"),
            ],
            kind=NotificationKind.DEADLINE,
            title="Còn 3 ngày",
            url="/reports/my/",
        )
    created = Notification.objects.filter(pk__in=ids)
    assert {n.user_id for n in created} == {stranger.pk, third.pk}
    assert {n.user_id: n.email_state for n in created} == {
        stranger.pk: EmailState.NONE,
        third.pk: EmailState.SENT,
    }
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["ba@example.vn"]]
    again = reminders_create_many(
        recipients=[(third.pk, "ba@example.vn")], kind=NotificationKind.DEADLINE, title="Lại"
    )
    assert again == []


def test_reminders_create_many_refuses_a_kind_that_is_not_a_reminder(writer):
    with pytest.raises(ValueError, match="not a reminder kind"):
        reminders_create_many(recipients=[(writer.pk, "")], kind="report_accepted", title="x")


def test_mark_read_touches_only_the_users_own_unread_notifications(writer, stranger):
    mine = Notification.objects.create(user=writer, kind="reminder", title="Một")
    theirs = Notification.objects.create(user=stranger, kind="reminder", title="Hai")
    assert notifications_mark_read(user=writer, ids=[mine.pk, theirs.pk]) == 1
    assert notifications_mark_read(user=writer) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
