"""E-mail of notifications, sent by the worker, retried when the mail server fails."""

from huey.contrib.djhuey import db_task

from tusoi.notifications.services import notification_email_send


@db_task(retries=3, retry_delay=60)
def send_notification_email(notification_id: int) -> str:
    return notification_email_send(notification_id=notification_id)
