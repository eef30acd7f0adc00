"""Forms of the activity and commendation pages: they parse what people type (dates as
dd/mm/yyyy) and leave every rule to `tusoi.activities.services`."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tusoi.activities.models import Activity, ActivityKind, Commendation, CommendationLevel
from tusoi.campaigns.models import Campaign
from tusoi.members.forms import VnDateField
from tusoi.members.models import Member
from tusoi.orgs.models import Organization

__all__ = ["ActivityForm", "AttachForm", "CommendationForm"]

# Up to this many candidates the form offers a list to pick from; beyond it, the person types
# the party card number or the organisation's code (a province has thousands).
PICK_LIST_MAX = 300


def _label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def _name_required_fields(form: forms.Form) -> None:
    """Django's own "This field is required." names no field; say which one."""
    for field in form.fields.values():
        label = str(field.label)
        field.error_messages["required"] = _("Enter the %(field)s.") % {
            "field": label[:1].lower() + label[1:]
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [f for f in (single(d, initial) for d in data) if f]
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


ATTACH_HELP = _(
    "PDF, images (JPEG, PNG), Word (.docx) or Excel (.xlsx) files; you may choose several."
)


class _CampaignChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Campaign) -> str:
        return f"{obj.title} ({obj.starts_on:%d/%m/%Y} – {obj.ends_on:%d/%m/%Y})"


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_label(Activity, "kind"),
        choices=[("", _("— choose the kind —")), *ActivityKind.choices],
    )
    # Not the model's "title": that word is translated for campaigns' titles.
    title = forms.CharField(label=_("Name of the activity"), max_length=300)
    on = VnDateField(label=_label(Activity, "on"))
    participants = forms.IntegerField(
        label=_label(Activity, "participants"),
        min_value=0,
        initial=0,
        required=False,
        help_text=_("How many people took part."),
        error_messages={"invalid": _("Enter a whole number.")},
    )
    campaign = _CampaignChoice(
        label=_label(Activity, "campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("— not part of a campaign —"),
    )
    summary = forms.CharField(
        label=_label(Activity, "summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was done, who took part, what came of it."),
    )
    files = MultipleFileField(label=_("Attachments"), required=False, help_text=ATTACH_HELP)

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        _name_required_fields(self)

    def activity_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ActivityForm.base_fields}


class AttachForm(forms.Form):
    files = MultipleFileField(label=_("Attachments"), help_text=ATTACH_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].error_messages["required"] = _("Choose at least one file to attach.")


SUBJECT_CHOICES = [("member", _("A member")), ("organization", _("An organisation"))]


class CommendationForm(forms.Form):
    """The commended member is named by party card number, the organisation by its code: a pick
    list offers them when there are few, a text box takes them otherwise."""

    subject = forms.ChoiceField(
        label=_("Who is commended"),
        choices=SUBJECT_CHOICES,
        widget=forms.RadioSelect,
        initial="member",
    )
    member = forms.CharField(label=_label(Commendation, "member"), required=False, max_length=20)
    commended_organization = forms.CharField(
        label=_label(Commendation, "commended_organization"), required=False, max_length=50
    )
    level = forms.ChoiceField(
        label=_label(Commendation, "level"),
        choices=[("", _("— choose the level —")), *CommendationLevel.choices],
    )
    on = VnDateField(label=_label(Commendation, "on"))
    campaign = _CampaignChoice(
        label=_label(Commendation, "campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("— not part of a campaign —"),
    )
    reason = forms.CharField(
        label=_label(Commendation, "reason"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        campaigns: QuerySet[Campaign],
        members: QuerySet[Member],
        organizations: QuerySet[Organization],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        _name_required_fields(self)
        picks = list(members[: PICK_LIST_MAX + 1])
        if len(picks) <= PICK_LIST_MAX:
            self.fields["member"].widget = forms.Select(
                choices=[
                    ("", _("— choose a member —")),
                    *((m.card_number, f"{m.full_name} – {m.cell.name}") for m in picks),
                ]
            )
        else:
            self.fields["member"].help_text = _("Type the member's party card number.")
        orgs = list(organizations[: PICK_LIST_MAX + 1])
        if len(orgs) <= PICK_LIST_MAX:
            self.fields["commended_organization"].widget = forms.Select(
                choices=[("", _("— choose an organisation —")), *((o.code, o.name) for o in orgs)]
            )
        else:
            self.fields["commended_organization"].help_text = _("Type the organisation's code.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        subject = data.get("subject")
        if subject == "member" and not data.get("member"):
            self.add_error("member", _("Choose the member to commend."))
        if subject == "organization" and not data.get("commended_organization"):
            self.add_error("commended_organization", _("Choose the organisation to commend."))
        return data
