from django.db import models
from django.utils.translation import gettext_lazy as _


class SeedBatch(models.Model):
    """One finished batch of `tusoi seed`, committed with the batch's rows: a re-run skips the
    batches recorded here, so a killed run resumes after the last finished one."""

    run = models.CharField(_("run"), max_length=60)
    batch = models.PositiveIntegerField(_("batch"))
    label = models.CharField(_("label"), max_length=255, blank=True)
    organizations = models.PositiveIntegerField(_("organisations"), default=0)
    cells = models.PositiveIntegerField(_("cells"), default=0)
    members = models.PositiveIntegerField(_("members"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    finished_at = models.DateTimeField(_("finished at"), auto_now_add=True)

    class Meta:
        verbose_name = _("seed batch")
        verbose_name_plural = _("seed batches")
        ordering = ["run", "batch"]
        constraints = [
            models.UniqueConstraint(fields=["run", "batch"], name="seedbatch_run_batch_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run} #{self.batch}"


class SeedDeferredIndex(models.Model):
    """An index or unique constraint the seed dropped for a large PostgreSQL load; kept here
    until it is rebuilt, so a killed run's next start still knows how to restore it."""

    table = models.CharField(max_length=100)
    name = models.CharField(max_length=100, unique=True)
    definition = models.TextField()
    is_constraint = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("index deferred by the seed")
        verbose_name_plural = _("indexes deferred by the seed")

    def __str__(self) -> str:
        return self.name
