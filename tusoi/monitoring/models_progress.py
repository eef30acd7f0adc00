"""Difficulties and proposals raised from below, and progress reports sent upward (issue 6,
items 4 and 5). Imported at the end of `tusoi/monitoring/models.py`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = [
    "Difficulty",
    "DifficultyCategory",
    "DifficultyKind",
    "ProgressReport",
    "ProgressReportKind",
    "ProgressReportStatus",
]


class DifficultyKind(models.TextChoices):
    DIFFICULTY = "difficulty", _("Difficulty")
    PROPOSAL = "proposal", _("Proposal")


class DifficultyCategory(models.TextChoices):
    """The difficulties seed 003 reports from below, in the order reports list them."""

    WORKING_AWAY = "working_away", _("Members working far from home")
    ELDERLY_FRAIL = "elderly_frail", _("Elderly or frail members")
    NO_TIME = "no_time", _("Workers with no time")
    LARGE_CELL = "large_cell", _("Large cells")
    UNCLEAR_PROCEDURE = "unclear_procedure", _("Unclear procedure")
    OTHER = "other", _("Other")


class Difficulty(models.Model):
    """A difficulty (khó khăn, vướng mắc: with a category) or a proposal (kiến nghị, đề xuất: no
    category) an organisation raised in a campaign; the committees above read them rolled up."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="difficulties",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="difficulties",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DifficultyKind.choices)
    category = models.CharField(
        _("category"), max_length=30, choices=DifficultyCategory.choices, blank=True
    )
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("difficulty or proposal")
        verbose_name_plural = _("difficulties and proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "organization"], name="difficulty_campaign_org_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="difficulty", category__in=DifficultyCategory.values)
                    | models.Q(kind="proposal", category="")
                ),
                name="difficulty_category_by_kind",
                violation_error_message=_("A difficulty has a category; a proposal has none."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ProgressReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim review")
    FINAL = "final", _("Final review")


class ProgressReportStatus(models.TextChoices):
    # A context keeps these apart from the self-review report's states of the same words.
    DRAFT = "draft", pgettext_lazy("progress report state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("progress report state", "Sent")


class ProgressReport(models.Model):
    """A committee's progress report (báo cáo sơ kết / tổng kết) on a campaign up to a cut-off
    date: the figures are a snapshot taken when it is generated (regenerated on demand while a
    draft), the narrative is the committee's; once sent to the parent committee it is
    read-only. `version` refuses an edit made on a stale page."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProgressReportKind.choices)
    cut_off = models.DateField(_("figures as of"))
    status = models.CharField(
        _("state"),
        max_length=20,
        choices=ProgressReportStatus.choices,
        default=ProgressReportStatus.DRAFT,
    )
    number_symbol = models.CharField(
        _("number and symbol"), max_length=60, blank=True, help_text=_("For example 15-BC/ĐU.")
    )
    situation = models.TextField(_("Implementation"), blank=True)
    results = models.TextField(_("Results"), blank=True)
    shortcomings = models.TextField(_("Shortcomings and their causes"), blank=True)
    directions = models.TextField(_("Directions and tasks ahead"), blank=True)
    signer_role = models.CharField(_("signing on behalf of"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line."))
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("figures taken"))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-cut_off", "-id"]
        indexes = [
            models.Index(
                fields=["campaign", "organization", "status"], name="progress_report_org_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization", "kind", "cut_off"],
                name="progress_report_one_per_cut_off",
                violation_error_message=_(
                    "This committee already has a report of this kind with this cut-off date."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="progress_report_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organization} {self.cut_off:%d/%m/%Y}"

    @property
    def is_draft(self) -> bool:
        return self.status == ProgressReportStatus.DRAFT
