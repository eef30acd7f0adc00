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


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted")


# A report counts towards the campaign's targets in these states (DOMAIN.md: submitted or later;
# a returned report does not count until it is resubmitted). Issue 5 adds "presented".
COUNTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED, ReportStatus.ACCEPTED)
# The same rule as a filter: a report read at the thematic meeting counts whatever its state.
COUNTED_Q = models.Q(status__in=COUNTED_STATUSES) | models.Q(presented_at__isnull=False)
# States in which the writer may still change the text.
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Assessment(models.TextChoices):
    """A writer's answer to one checklist item; the section's guidance frames the question."""

    NO = "no", _("No")
    PARTLY = "partly", _("Partly")
    YES = "yes", _("Yes")


class ReportSource(models.TextChoices):
    TYPED = "typed", _("Typed in TuSoi")
    DOCX = "docx", _("Uploaded .docx")
    SCAN = "scan", _("Handwritten, scanned")


class SelfReview(models.Model):
    """A member's self-review report for one campaign (one per member and campaign).

    `content` is the writer's whole work as JSON: {"sections": {key: text}, "checklist":
    {key: {item code: {"answer": "no"|"partly"|"yes", "note": text}}}, "commitments": [{"key",
    "what", "due_on", "measure"}]}. Every save is also kept as a ReportRevision, and `version`
    rises by one each time, so a save based on an older version is refused, never merged."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="self_reviews"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="self_reviews"
    )
    template = models.ForeignKey(
        ReportTemplate, on_delete=models.PROTECT, related_name="self_reviews"
    )
    status = models.CharField(
        _("state"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    content = models.JSONField(_("content"), default=dict, blank=True)
    # Plain text of every section, commitment and checklist note: what is counted, searched,
    # exported and compared for copying.
    full_text = models.TextField(_("text"), blank=True, default="")
    char_count = models.PositiveIntegerField(_("characters"), default=0)
    version = models.PositiveIntegerField(default=0, editable=False)
    source = models.CharField(
        _("written as"), max_length=10, choices=ReportSource.choices, default=ReportSource.TYPED
    )
    original_file = models.FileField(
        _("original file"), upload_to="reports/originals/%Y/%m/", blank=True, max_length=300
    )
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    # Proxy entry (DOMAIN.md, seed 003): a secretary types or uploads the report of a member who
    # cannot, and says why; the member may confirm it later.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered on the member's behalf by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proxy_reason = models.CharField(
        _("why it was entered on their behalf"), max_length=500, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed by the member"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_late = models.BooleanField(_("submitted late"), default=False)
    returned_reason = models.TextField(_("why it was returned"), blank=True)
    # Set when the report is read at the cell's thematic meeting (meetings app): a report read
    # there counts as presented (DOMAIN.md), whatever its state.
    presented_at = models.DateTimeField(_("presented at the meeting"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned or accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("returned or accepted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-review report")
        verbose_name_plural = _("self-review reports")
        ordering = ["campaign", "member__name_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member"],
                name="selfreview_one_per_member",
                violation_error_message=_("This member already has a report in this campaign."),
            ),
        ]
        indexes = [
            models.Index(fields=["member", "campaign"], name="selfreview_member_idx"),
            models.Index(fields=["campaign", "status"], name="selfreview_campaign_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.campaign}"

    @property
    def is_counted(self) -> bool:
        return self.status in COUNTED_STATUSES or self.presented_at is not None

    @property
    def is_editable_status(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_proxy(self) -> bool:
        return self.entered_by_id is not None


class RevisionKind(models.TextChoices):
    AUTOSAVE = "autosave", _("Saved automatically")
    SAVE = "save", _("Saved")
    RESTORE = "restore", _("Restored from an earlier revision")
    UPLOAD = "upload", _("Text taken from an uploaded file")
    PROXY = "proxy", _("Entered on the member's behalf")
    CONFLICT = "conflict", _("Kept aside: edited elsewhere at the same time")
    SUBMIT = "submit", _("Submitted")


class ReportRevision(models.Model):
    """One save of a report, kept for ever. A save refused as stale (another tab or device
    saved first) is still kept, as a CONFLICT revision that never became current."""

    report = models.ForeignKey(SelfReview, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    kind = models.CharField(_("kind"), max_length=10, choices=RevisionKind.choices)
    content = models.JSONField(_("content"), default=dict)
    char_count = models.PositiveIntegerField(_("characters"), default=0)
    based_on_version = models.PositiveIntegerField(_("based on version"), default=0)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report revision")
        verbose_name_plural = _("report revisions")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} #{self.number}"


class ReportStateChange(models.Model):
    """Every change of a report's state, dated: figures as of a past cut-off read these."""

    report = models.ForeignKey(SelfReview, on_delete=models.CASCADE, related_name="state_changes")
    status = models.CharField(_("state"), max_length=20, choices=ReportStatus.choices)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("report state change")
        verbose_name_plural = _("report state changes")
        ordering = ["report", "at", "id"]
        indexes = [models.Index(fields=["report", "at"], name="report_state_at_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.status} {self.at:%Y-%m-%d}"


class CommitmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Commitment(models.Model):
    """One promise of a member's self-correction plan. Made from the report when it is
    submitted (matched by `key`, so a resubmission updates rather than duplicates), and
    followed up by the member and the cell long after the campaign closes."""

    report = models.ForeignKey(SelfReview, on_delete=models.CASCADE, related_name="commitments")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="commitments"
    )
    key = models.CharField(max_length=40)
    position = models.PositiveIntegerField(_("order"), default=0)
    what = models.TextField(_("what I will correct"))
    due_on = models.DateField(_("by when"), null=True, blank=True)
    measure = models.TextField(_("how it will be measured"), blank=True)
    status = models.CharField(
        _("progress"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.NOT_STARTED,
    )
    progress_note = models.TextField(_("progress note"), blank=True)
    progress_on = models.DateField(_("progress as of"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["report", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="commitment_key_unique"),
        ]
        indexes = [
            models.Index(fields=["member", "due_on"], name="commitment_member_due_idx"),
            models.Index(fields=["status", "due_on"], name="commitment_status_due_idx"),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    def is_overdue(self, today) -> bool:
        return bool(self.due_on and self.due_on < today and self.status != CommitmentStatus.DONE)


class CommitmentProgress(models.Model):
    """One progress entry on a commitment: who recorded what, when."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(_("progress"), max_length=20, choices=CommitmentStatus.choices)
    note = models.TextField(_("note"), blank=True)
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commitment progress")
        verbose_name_plural = _("commitment progress")
        ordering = ["commitment", "-on", "-id"]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.status} {self.on}"


# Copy detection (issue 7) -------------------------------------------------------------------------


class CopyMatchKind(models.TextChoices):
    REPORT = "report", _("Another report of the campaign")
    TEMPLATE = "template", _("The template's sample text")
    OWN = "own", _("The member's own report of another campaign")


class CopyCheck(models.Model):
    """The stored result of comparing a report's text with the campaign's other reports, the
    template's sample text and the member's reports of other campaigns: advice for the cell and
    its supervisors, never a verdict. One per report, replaced at each check."""

    report = models.OneToOneField(SelfReview, on_delete=models.CASCADE, related_name="copy_check")
    # The report's campaign, kept here so counts per campaign and subtree are one indexed query.
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="copy_checks"
    )
    checked_at = models.DateTimeField(_("checked at"))
    # Of the closest counterparts: plain Jaccard index and containment (share of this report's
    # phrases found in the other), and the app's score (containment with formulaic phrases left
    # out), which decides the flag.
    jaccard = models.FloatField(_("similarity"), default=0)
    containment = models.FloatField(_("share found elsewhere"), default=0)
    score = models.FloatField(_("copy score"), default=0)
    flagged = models.BooleanField(_("flagged as a likely copy"), default=False)
    match_count = models.PositiveSmallIntegerField(_("close texts"), default=0)
    # Whether this report's phrases were counted in the campaign's sample of formulaic language.
    in_sample = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("copy check")
        verbose_name_plural = _("copy checks")
        indexes = [
            models.Index(fields=["campaign", "flagged"], name="copycheck_campaign_flag_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.score:.2f}"


class CopyMatch(models.Model):
    """One close counterpart of a checked report: another report of the campaign, the
    template's sample text, or the member's own report of another campaign."""

    copy_check = models.ForeignKey(CopyCheck, on_delete=models.CASCADE, related_name="matches")
    kind = models.CharField(_("compared with"), max_length=10, choices=CopyMatchKind.choices)
    other_report = models.ForeignKey(
        SelfReview, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    jaccard = models.FloatField(_("similarity"))
    containment = models.FloatField(_("share found in it"))
    score = models.FloatField(_("copy score"))

    class Meta:
        verbose_name = _("copy match")
        verbose_name_plural = _("copy matches")
        ordering = ["copy_check", "-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["copy_check", "other_report"], name="copymatch_one_per_counterpart"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="template", other_report__isnull=True)
                | (~models.Q(kind="template") & models.Q(other_report__isnull=False)),
                name="copymatch_other_report_unless_template",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.copy_check_id} ~ {self.other_report_id or self.kind}: {self.score:.2f}"


class CopySample(models.Model):
    """How many reports of a campaign were counted into its sample of formulaic language (the
    first report checked in each cell, up to a bound), and whether the rare phrases were pruned
    once the sample was full."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="copy_sample"
    )
    reports = models.PositiveIntegerField(default=0)
    pruned = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.reports}"


class CopyPhrase(models.Model):
    """In how many reports of the campaign's sample a phrase (a word 3-shingle, by a stable
    64-bit hash) occurs: phrases in a large share of them are formulaic and weigh nothing in the
    app's copy score."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    shingle = models.BigIntegerField()
    reports = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "shingle"], name="copyphrase_unique"),
        ]
        indexes = [models.Index(fields=["campaign", "reports"], name="copyphrase_common_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.shingle}: {self.reports}"
