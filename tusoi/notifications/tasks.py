"""E-mail of notifications, sent by the worker, retried when the mail server fails."""

from huey.contrib.djhuey import db_task

from tusoi.notifications.services import notification_email_send


@db_task(retries=3, retry_delay=60)
def send_notification_email(notification_id: int) -> str:
    return notification_email_send(notification_id=notification_id)


@db_task(retries=3, retry_delay=300)
def send_notification_emails(notification_ids: list[int]) -> int:
    """A batch (the daily deadline reminders): one failure does not stop the others; the task
    fails at the end so huey retries it, and a retry sends only what is not sent yet."""
    sent = 0
    failures = 0
    for notification_id in notification_ids:
        try:
            if notification_email_send(notification_id=notification_id) == "sent":
                sent += 1
        except Exception:  # recorded on the row by the service
            failures += 1
    if failures:
        raise RuntimeError(f"{failures} of {len(notification_ids)} notification e-mails failed")
    return sent
