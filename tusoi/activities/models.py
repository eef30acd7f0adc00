from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    """Supplementary activities of a campaign (seed 002)."""

    SEMINAR = "seminar", _("Seminar or conference")
    FORUM = "forum", _("Forum or discussion")
    VETERAN_EXCHANGE = "veteran_exchange", _("Exchange with veteran members")
    GRATITUDE = "gratitude", _("Gratitude visit or charity")
    COUNSELLING = "counselling", _("Counselling of members who strayed")
    OTHER = "other", _("Other")


class Activity(models.Model):
    """One supplementary activity an organisation ran, optionally for a campaign."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=300)
    on = models.DateField(_("date"))
    participants = models.PositiveIntegerField(_("participants"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supplementary activity")
        verbose_name_plural = _("supplementary activities")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["campaign", "on"], name="activity_campaign_on_idx")]

    def __str__(self) -> str:
        return self.title


class ActivityAttachment(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="activities/%Y/", max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.name


class CommendationLevel(models.TextChoices):
    CELL = "cell", _("By the cell")
    GRASSROOTS = "grassroots", _("By the grassroots committee")
    UPPER = "upper", _("By the upper-level committee")
    PROVINCE = "province", _("By the provincial committee")
    CENTRAL = "central", _("Central")


class Commendation(models.Model):
    """A commendation (biểu dương, khen thưởng) of a member or an organisation, given by a
    committee."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="commendations_given",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member commended"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    commended_organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation commended"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    level = models.CharField(_("level"), max_length=20, choices=CommendationLevel.choices)
    reason = models.TextField(_("reason"))
    on = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, commended_organization__isnull=True)
                | models.Q(member__isnull=True, commended_organization__isnull=False),
                name="commendation_one_subject",
                violation_error_message=_("Commend either a member or an organisation."),
            ),
        ]

    def __str__(self) -> str:
        return self.reason[:80]
