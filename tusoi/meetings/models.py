from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingStatus(models.TextChoices):
    # A context keeps these apart from "Registered" in the member registry's history.
    REGISTERED = "registered", pgettext_lazy("meeting state", "Registered")
    HELD = "held", pgettext_lazy("meeting state", "Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting state", "Cancelled")


class Meeting(models.Model):
    """A cell's thematic meeting (sinh hoạt chuyên đề) for a campaign, registered with the
    committee above. It has one phase, or several for a large cell (phân kỳ); it counts as held
    once every phase is held (DOMAIN.md). `version` guards the live record against two people
    overwriting each other."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="meetings"
    )
    cell = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("cell"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    status = models.CharField(
        _("state"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.REGISTERED
    )
    is_phased = models.BooleanField(_("held in phases"), default=False)
    chair = models.CharField(_("chaired by"), max_length=200, blank=True)
    secretary_name = models.CharField(_("minutes taken by"), max_length=200, blank=True)
    comments_to_committee = models.TextField(_("comments to the cell committee"), blank=True)
    conclusion = models.TextField(_("the meeting's conclusion"), blank=True)
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    signed_minutes = models.FileField(
        _("signed minutes (scan)"), upload_to="meetings/minutes/%Y/", blank=True, max_length=300
    )
    signed_minutes_name = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thematic meeting")
        verbose_name_plural = _("thematic meetings")
        ordering = ["campaign", "cell__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "cell"],
                name="meeting_one_per_cell",
                violation_error_message=_("This cell has already registered its meeting."),
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="meeting_campaign_status_idx")]

    def __str__(self) -> str:
        return f"{self.cell} – {self.campaign}"


class MeetingPhase(models.Model):
    """One sitting of a meeting: when and where, and (for a phased meeting) which members it
    covers. Each member of the cell is covered by exactly one phase of a phased meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("phase"))
    on = models.DateField(_("date"))
    at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True, max_length=500)
    held = models.BooleanField(_("held"), default=False)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    members = models.ManyToManyField(
        "members.Member", verbose_name=_("members covered"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("meeting phase")
        verbose_name_plural = _("meeting phases")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="phase_number_unique"),
        ]
        indexes = [models.Index(fields=["on"], name="phase_on_idx")]

    def __str__(self) -> str:
        return f"{self.meeting_id} #{self.number} {self.on:%d/%m/%Y}"


class MeetingChange(models.Model):
    """A change or postponement of a registered meeting, with its reason: history is kept."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    phase_number = models.PositiveSmallIntegerField(_("phase"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting change")
        verbose_name_plural = _("meeting changes")
        ordering = ["meeting", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.at:%Y-%m-%d}"


class Attendance(models.Model):
    """Whether a member of the cell attended a phase, and why not."""

    phase = models.ForeignKey(MeetingPhase, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=True)
    absence_reason = models.CharField(_("reason for absence"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["phase", "member"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.phase_id} {self.member_id} {self.present}"


class Guest(models.Model):
    """Someone from outside the cell at a phase: an official of the committee above, a
    supervisor (linked to their account when they have one) or another guest."""

    phase = models.ForeignKey(MeetingPhase, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position and unit"), max_length=300, blank=True)
    is_higher_official = models.BooleanField(_("official of a higher committee"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["phase", "id"]

    def __str__(self) -> str:
        return self.name


class Presentation(models.Model):
    """A member reading their report at a phase, the comments on it and the chair's conclusion
    (when the campaign asks for one). A report read at the meeting counts as presented."""

    phase = models.ForeignKey(MeetingPhase, on_delete=models.CASCADE, related_name="presentations")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(
        "reports.SelfReview",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presentations",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    conclusion = models.TextField(_("the chair's conclusion"), blank=True)

    class Meta:
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        ordering = ["phase", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "member"], name="presentation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.phase_id} {self.member_id}"


class Comment(models.Model):
    """A comment made at the meeting on a member's report (`presentation` set) or addressed to
    the cell committee (`presentation` empty). The speaker is a member of the cell or a guest."""

    phase = models.ForeignKey(MeetingPhase, on_delete=models.CASCADE, related_name="comments")
    presentation = models.ForeignKey(
        Presentation, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    speaker_member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speaker_name = models.CharField(_("speaker"), max_length=200, blank=True)
    text = models.TextField(_("comment"))
    position = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["phase", "presentation", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class VisitNote(models.Model):
    """A supervisor's note on a meeting they were assigned to follow (their role grant on the
    cell or above is the assignment)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="visit_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(_("attended the meeting"), default=True)
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervisor's note")
        verbose_name_plural = _("supervisors' notes")
        ordering = ["meeting", "-created_at"]

    def __str__(self) -> str:
        return self.text[:80]
