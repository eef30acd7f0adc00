from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceList(models.Model):
    """An official numbered list a report refers to (the 27 manifestations, the 19 things a
    member must not do, the duties of Article 2): editable data, never code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=500, blank=True)
    expected_items = models.PositiveSmallIntegerField(
        _("number of items in the official text"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reference list")
        verbose_name_plural = _("reference lists")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class ReferenceItem(models.Model):
    reference_list = models.ForeignKey(
        ReferenceList, on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(_("number"), max_length=20)  # "1.2", "D3", "7"
    group = models.CharField(_("group"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    position = models.PositiveIntegerField(_("order"))

    class Meta:
        verbose_name = _("reference item")
        verbose_name_plural = _("reference items")
        ordering = ["reference_list", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference_list", "code"],
                name="reference_item_code_unique",
                violation_error_message=_("This number is already in the list."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"


class Audience(models.TextChoices):
    """Which members a template is for; the most specific matching template wins."""

    MEMBER = "member", _("Ordinary member")
    LEADER = "leader", _("Leader or manager")
    RETIRED = "retired", _("Retired member")
    NON_STATE_WORKER = "non_state_worker", _("Worker in a non-state enterprise")
    FREE_LABOURER = "free_labourer", _("Free labourer")


class ReportTemplate(models.Model):
    """The form a member's self-review report follows, for one audience of one campaign.
    A lower committee derives its own variant from its parent's (`derived_from`), overriding or
    adding sections; members below that committee then get the variant."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="report_templates"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("for the subtree of"),
        on_delete=models.PROTECT,
        related_name="report_templates",
    )
    audience = models.CharField(_("for"), max_length=20, choices=Audience.choices)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction shown to the writer"), blank=True)
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("derived from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["campaign", "organization__path", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization", "audience"],
                name="template_one_per_org_audience",
                violation_error_message=_(
                    "This organisation already has a template for this audience in the campaign."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title


class TemplateSection(models.Model):
    """One part of a template: free text with guidance and length bounds, or a checklist
    where the writer assesses themselves against each item of a reference list.
    In a derived template, a section with `replaces` set overrides that parent section."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHECKLIST = "checklist", _("Checklist")
        COMMITMENTS = "commitments", _("Self-correction plan")

    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("key"), max_length=40)  # stable across derived variants
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    heading = models.CharField(_("heading"), max_length=300)
    guidance = models.TextField(_("guidance for the writer"), blank=True)
    sample_text = models.TextField(
        _("sample text"),
        blank=True,
        help_text=_("Shown as an example; copying it is flagged like copying another report."),
    )
    required = models.BooleanField(_("required"), default=True)
    min_chars = models.PositiveIntegerField(_("minimum length (characters)"), default=0)
    max_chars = models.PositiveIntegerField(_("maximum length (characters)"), default=20000)
    reference_list = models.ForeignKey(
        ReferenceList,
        verbose_name=_("checklist"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveIntegerField(_("order"))
    removed = models.BooleanField(
        _("left out of this variant"), default=False, help_text=_("Hides the parent's section.")
    )

    class Meta:
        verbose_name = _("template section")
        verbose_name_plural = _("template sections")
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="section_key_unique"),
            models.CheckConstraint(
                condition=models.Q(max_chars__gte=models.F("min_chars")),
                name="section_length_bounds",
                violation_error_message=_("The maximum length is below the minimum."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="checklist") | models.Q(reference_list__isnull=False),
                name="section_checklist_has_list",
                violation_error_message=_("A checklist section needs a reference list."),
            ),
        ]

    def __str__(self) -> str:
        return self.heading
