from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    # A context keeps these apart from same-worded labels elsewhere ("Created" as a date).
    CREATE = "create", pgettext_lazy("audit action", "Created")
    UPDATE = "update", pgettext_lazy("audit action", "Changed")
    MOVE = "move", pgettext_lazy("audit action", "Moved")
    STATUS = "status", pgettext_lazy("audit action", "Status changed")
    MERGE = "merge", pgettext_lazy("audit action", "Merged")
    DISMISS = "dismiss", pgettext_lazy("audit action", "Dismissed as not a duplicate")
    GRANT = "grant", pgettext_lazy("audit action", "Role granted")
    REVOKE = "revoke", pgettext_lazy("audit action", "Role revoked")
    ACCOUNT = "account", pgettext_lazy("audit action", "Account")
    DELETE = "delete", pgettext_lazy("audit action", "Deleted")


class AuditEvent(models.Model):
    """One change to a person's or an organisation's record; rows are only ever added."""

    Action = AuditAction

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target_type = models.CharField(_("record type"), max_length=40)
    target_id = models.BigIntegerField(_("record id"))
    target_repr = models.CharField(_("record"), max_length=300)
    # The organisation the record belongs to decides who may read the event (its subtree's staff).
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx"),
            models.Index(fields=["organization", "at"], name="audit_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AuditAction.values),
                name="audit_action_known",
                violation_error_message=_("Unknown audit action."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.target_repr}"
