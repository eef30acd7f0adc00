"""Forms of the campaign pages: they parse what people type (dates as dd/mm/yyyy) and leave
every rule about campaigns to `tusoi.campaigns.services`."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tusoi.campaigns.models import Campaign, GuidingDocument
from tusoi.members.forms import VnDateField

__all__ = ["CampaignEditForm", "CampaignForm", "DocumentForm"]


def _label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def _help(model: Any, name: str) -> Any:
    return model._meta.get_field(name).help_text


class CampaignForm(forms.Form):
    title = forms.CharField(label=_label(Campaign, "title"), max_length=300)
    theme = forms.CharField(label=_label(Campaign, "theme"), max_length=300)
    starts_on = VnDateField(label=_label(Campaign, "starts_on"))
    ends_on = VnDateField(label=_label(Campaign, "ends_on"))
    report_due_on = VnDateField(
        label=_label(Campaign, "report_due_on"),
        required=False,
        help_text=_help(Campaign, "report_due_on"),
    )
    description = forms.CharField(
        label=_label(Campaign, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    directives = forms.CharField(
        label=_label(Campaign, "directives"),
        required=False,
        help_text=_help(Campaign, "directives"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    chair_concludes_per_member = forms.BooleanField(
        label=_label(Campaign, "chair_concludes_per_member"), required=False
    )
    copy_threshold = forms.DecimalField(
        label=_label(Campaign, "copy_threshold"),
        help_text=_help(Campaign, "copy_threshold"),
        max_digits=3,
        decimal_places=2,
        initial="0.50",
        error_messages={"invalid": _("Enter a share between 0 and 1, for example 0.5.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # campaign_validate names every missing or inconsistent field in one pass.
        for field in self.fields.values():
            field.required = False

    def campaign_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CampaignForm.base_fields}


class CampaignEditForm(CampaignForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DocumentForm(forms.Form):
    number_symbol = forms.CharField(
        label=_label(GuidingDocument, "number_symbol"),
        max_length=60,
        help_text=_help(GuidingDocument, "number_symbol"),
    )
    issued_on = VnDateField(label=_label(GuidingDocument, "issued_on"))
    issuing_body = forms.CharField(label=_label(GuidingDocument, "issuing_body"), max_length=200)
    summary = forms.CharField(label=_label(GuidingDocument, "summary"), max_length=500)
    file = forms.FileField(
        label=_label(GuidingDocument, "file"),
        required=False,
        help_text=_("PDF, Word (.docx, .doc) or an image; at most 20 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label)
            field.error_messages["required"] = _("Enter the %(field)s.") % {
                "field": label[:1].lower() + label[1:]
            }


STATUS_ACTIONS = ("open", "close", "reopen", "archive")


class StatusForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in STATUS_ACTIONS])
    reason = forms.CharField(label=_("Reason for reopening"), max_length=500, required=False)
