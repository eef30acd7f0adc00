from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about. Later features add their own kinds here (with a
    migration: the database refuses unknown kinds)."""

    REPORT_RETURNED = "report_returned", _("Report returned")
    REPORT_ACCEPTED = "report_accepted", _("Report accepted")
    REPORT_PROXY = "report_proxy", _("Report entered on your behalf")
    REMINDER = "reminder", _("Reminder")
    DEADLINE = "deadline", _("Deadline coming")
    MEETING_NOT_REGISTERED = "meeting_not_registered", _("Thematic meeting not registered")
    MEETING_NOT_RECORDED = "meeting_not_recorded", _("Thematic meeting not recorded")
    MEETING_RECORDED = "meeting_recorded", _("Comments from the meeting recorded")


# Kinds that nag rather than inform: a person gets at most one of these a day.
REMINDER_KINDS = (
    NotificationKind.REMINDER,
    NotificationKind.DEADLINE,
    NotificationKind.MEETING_NOT_REGISTERED,
    NotificationKind.MEETING_NOT_RECORDED,
)


class EmailState(models.TextChoices):
    NONE = "none", _("No e-mail")
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class Notification(models.Model):
    """One message to one user, shown in the app and, where an address is known, e-mailed by
    a background job. `reminder_day` is set on reminder kinds only: the unique constraint on
    (user, reminder_day) is what keeps anyone from getting two reminders on one day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    reminder_day = models.DateField(null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email_state = models.CharField(
        _("e-mail"), max_length=10, choices=EmailState.choices, default=EmailState.NONE
    )
    email_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "reminder_day"],
                condition=models.Q(reminder_day__isnull=False),
                name="notification_one_reminder_a_day",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in NotificationKind]),
                name="notification_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title
