from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXEMPT = "exempt", _("Exempt from party activity")
    TRANSFERRED_OUT = "transferred_out", _("Temporarily transferred out")
    LEFT = "left", _("No longer a member here")


class LifeSituation(models.TextChoices):
    NONE = "", _("Working in the state sector or other")
    RETIRED = "retired", _("Retired")
    NON_STATE_WORKER = "non_state_worker", _("Worker in a non-state enterprise")
    FREE_LABOURER = "free_labourer", _("Free labourer")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Member(models.Model):
    """A party member. `cell` is where the member attends now; `status` the current state.
    Every change of cell or status is also kept as a dated MembershipPeriod."""

    card_number = models.CharField(_("party card number"), max_length=20, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    citizen_id = models.CharField(_("citizen ID number"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    admitted_on = models.DateField(_("date admitted"))
    official_on = models.DateField(
        _("official date"), null=True, blank=True, help_text=_("Empty while probationary.")
    )
    cell = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("cell"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    job = models.CharField(_("job"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    is_leader = models.BooleanField(
        _("leader or manager"),
        default=False,
        help_text=_("Writes the leader variant of the report, covering promises on appointment."),
    )
    life_situation = models.CharField(
        _("life situation"), max_length=20, choices=LifeSituation.choices, blank=True, default=""
    )
    works_away = models.BooleanField(_("working far from home"), default=False)
    elderly_frail = models.BooleanField(_("elderly or frail"), default=False)
    status = models.CharField(
        _("activity status"),
        max_length=20,
        choices=MemberStatus.choices,
        default=MemberStatus.ACTIVE,
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    # Set while the member temporarily attends here from another cell of the tree.
    home_cell = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("home cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members_away",
    )
    transferred_in_from = models.CharField(
        _("temporarily transferred in from"), max_length=255, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_duplicates",
    )
    name_key = models.CharField(max_length=600, editable=False, default="")
    search_name = models.CharField(max_length=200, editable=False, default="", db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["name_key", "card_number"]
        indexes = [
            models.Index(fields=["cell", "name_key"], name="member_cell_name_idx"),
            models.Index(fields=["search_name", "birth_date"], name="member_dupe_idx"),
            models.Index(fields=["cell", "status"], name="member_cell_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=~models.Q(citizen_id=""),
                name="member_citizen_id_unique",
                violation_error_message=_("This citizen ID number belongs to another member."),
            ),
            models.CheckConstraint(
                condition=models.Q(admitted_on__gt=models.F("birth_date")),
                name="member_admitted_after_birth",
                violation_error_message=_("The admission date must be after the date of birth."),
            ),
            models.CheckConstraint(
                condition=models.Q(official_on__isnull=True)
                | models.Q(official_on__gte=models.F("admitted_on")),
                name="member_official_after_admitted",
                violation_error_message=_("The official date cannot be before admission."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.card_number})"

    @property
    def is_probationary(self) -> bool:
        return self.official_on is None


class ChangeKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    EXEMPTED = "exempted", _("Exempted from party activity")
    EXEMPTION_ENDED = "exemption_ended", _("Exemption ended")
    TRANSFERRED_OUT = "transferred_out", _("Temporarily transferred out")
    RETURNED = "returned", _("Returned from temporary transfer")
    TRANSFERRED_IN = "transferred_in", _("Temporarily transferred in")
    MOVED = "moved", _("Moved to another cell")
    LEFT = "left", _("Left")
    MERGED = "merged", _("Merged as a duplicate")


class MembershipPeriod(models.Model):
    """A stretch of time during which a member had one cell and one status; figures as of any
    date read the period covering that date (valid_from <= d < valid_to)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="periods")
    cell = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="membership_periods"
    )
    status = models.CharField(max_length=20, choices=MemberStatus.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    change = models.CharField(_("change"), max_length=20, choices=ChangeKind.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership period")
        verbose_name_plural = _("membership history")
        ordering = ["member", "valid_from", "id"]
        indexes = [
            models.Index(fields=["cell", "valid_from"], name="period_cell_from_idx"),
            models.Index(fields=["member", "valid_from"], name="period_member_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(valid_to__isnull=True),
                name="period_one_open_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status} {self.valid_from}–{self.valid_to or ''}"


class DuplicateDismissal(models.Model):
    """A person decided that two similar records are different people."""

    member_low = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    member_high = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member_low", "member_high"], name="dismissal_pair_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(member_low__lt=models.F("member_high")),
                name="dismissal_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_low_id} ≠ {self.member_high_id}"
