from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")


class Campaign(models.Model):
    """A political activity campaign issued by a committee for its whole subtree."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    title = models.CharField(_("title"), max_length=300)
    theme = models.CharField(_("theme"), max_length=300)
    description = models.TextField(_("purpose and requirements"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    report_due_on = models.DateField(
        _("reports due by"), null=True, blank=True, help_text=_("Empty: the end of the campaign.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    directives = models.TextField(
        _("linked directives"),
        blank=True,
        help_text=_("One per line, e.g. Chỉ thị số 28-CT/TW ngày 21/01/2019 của Ban Bí thư."),
    )
    # Campaign options (DOMAIN.md: the campaign decides what seed 003 left cells unsure about).
    chair_concludes_per_member = models.BooleanField(
        _("the meeting chair concludes on each member"), default=False
    )
    copy_threshold = models.DecimalField(
        _("copy warning threshold"),
        max_digits=3,
        decimal_places=2,
        default=0.5,
        help_text=_("Share of shared text (0–1) above which a report is flagged as a likely copy."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["status", "ends_on"], name="campaign_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("The campaign cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(copy_threshold__gt=0) & models.Q(copy_threshold__lte=1),
                name="campaign_copy_threshold_range",
                violation_error_message=_("The copy threshold is a share between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def due_on(self):
        return self.report_due_on or self.ends_on


class GuidingDocument(models.Model):
    """A document that guides the campaign: the issuing committee's guidance, or a lower
    committee's own plan attached without copying the campaign (Kế hoạch 02/KH-ĐU)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="documents")
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="guiding_documents",
    )
    number_symbol = models.CharField(
        _("number and symbol"), max_length=60, help_text=_("For example 06-HD/TU.")
    )
    issued_on = models.DateField(_("dated"))
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    file = models.FileField(_("file"), upload_to="campaigns/documents/%Y/", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("guiding document")
        verbose_name_plural = _("guiding documents")
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.number_symbol} – {self.summary}"
