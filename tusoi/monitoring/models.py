from django.db import models
from django.utils.translation import gettext_lazy as _


class TallyState(models.Model):
    """Marks a campaign whose per-cell tallies are built; from then on the writers' events keep
    them right. Only open campaigns are maintained: a closed campaign's tallies stay as they were
    when it closed, and reopening rebuilds them."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="tally_state"
    )
    built_at = models.DateTimeField(_("built at"))

    class Meta:
        verbose_name = _("tally state")
        verbose_name_plural = _("tally states")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.built_at:%Y-%m-%d %H:%M}"


COUNTERS = (
    "members_in_scope",
    "leaders_in_scope",
    "reports_counted",
    "leader_reports_counted",
    "meeting_registered",
    "meeting_held",
)


class CellTally(models.Model):
    """One cell's part of a campaign's figures, recomputed from the cell's own rows inside the
    transaction of every change to them; dashboards sum these rows by tree prefix. Every cell of
    an open campaign's tree has its row. `path` is the cell's tree path, copied so a dashboard
    reads this table alone (one covering index range), and moved with the tree."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="cell_tallies"
    )
    cell = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="tallies")
    path = models.CharField(max_length=255, default="")
    members_in_scope = models.PositiveIntegerField(default=0)
    leaders_in_scope = models.PositiveIntegerField(default=0)
    reports_counted = models.PositiveIntegerField(default=0)
    leader_reports_counted = models.PositiveIntegerField(default=0)
    meeting_registered = models.PositiveSmallIntegerField(default=0)  # 0 or 1
    meeting_held = models.PositiveSmallIntegerField(default=0)  # 0 or 1

    class Meta:
        verbose_name = _("cell tally")
        verbose_name_plural = _("cell tallies")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "cell"], name="celltally_campaign_cell"),
        ]
        indexes = [
            # The dashboard's only read: a path range of one campaign, answered from the index
            # alone (the counters are part of it) on both engines.
            models.Index(fields=["campaign", "path", *COUNTERS], name="celltally_reading_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.cell_id}"


# Difficulties, proposals and progress reports live beside (C3); imported so Django sees them.
from tusoi.monitoring.models_progress import *  # noqa: E402, F403
