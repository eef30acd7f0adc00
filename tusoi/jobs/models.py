from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("finished")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


def result_upload_to(job: "Job", filename: str) -> str:
    return f"jobs/{job.pk or 'new'}/{filename}"


class Job(models.Model):
    """One background job: what it does, for whom, and how far it has got. Huey carries the
    work; this row is what pages read, so it is written by the worker as the job advances."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,  # jobs started from the command line belong to no one (superusers see them)
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    kind = models.CharField(_("kind"), max_length=50)
    label = models.CharField(_("description"), max_length=300)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    # [{"level": "info" | "warning" | "error", "text": "..."}], at most MAX_MESSAGES entries.
    messages = models.JSONField(_("messages"), default=list, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result_file = models.FileField(
        _("result file"), upload_to=result_upload_to, max_length=300, blank=True
    )
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_recent_idx"),
            models.Index(fields=["created_at"], name="job_created_idx"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def percent(self) -> int | None:
        """Whole percent done, when the total is known."""
        if not self.progress_total:
            return 100 if self.state == JobState.SUCCEEDED else None
        return min(100, self.progress_done * 100 // self.progress_total)
