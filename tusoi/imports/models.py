from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ORGS = "orgs", _("Organisations")
    MEMBERS = "members", _("Party members")
    ROLES = "roles", _("Role grants")


class ImportUpload(models.Model):
    """One workbook uploaded for import: checked in the background, shown for confirmation,
    then applied all-or-nothing in the background."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        APPLYING = "applying", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_uploads"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("into"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file"), max_length=255)
    size = models.PositiveIntegerField(default=0)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.CHECKING
    )
    # Counts of the plan or the result: rows, created, updated, unchanged, errors, warnings.
    summary = models.JSONField(default=dict, blank=True)
    # Problems found by the check: [{row, column, header, value, message, warning}], capped.
    problems = models.JSONField(default=list, blank=True)
    error_file = models.FileField(upload_to="imports/errors/%Y/%m/", blank=True)
    check_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    apply_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "created_at"], name="import_owner_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_busy(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.APPLYING)
