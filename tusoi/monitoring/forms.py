"""Forms of the difficulties and progress report pages: they parse what people type (dates as
dd/mm/yyyy) and leave every rule to `tusoi.monitoring.services_progress`."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tusoi.members.forms import VnDateField
from tusoi.monitoring.models_progress import (
    DifficultyCategory,
    DifficultyKind,
    ProgressReport,
    ProgressReportKind,
)
from tusoi.monitoring.services_progress import EDITABLE_FIELDS

__all__ = ["DifficultyForm", "ProgressReportCreateForm", "ProgressReportForm"]


def _label(name: str) -> Any:
    return capfirst(ProgressReport._meta.get_field(name).verbose_name)


class DifficultyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you raise?"),
        choices=DifficultyKind.choices,
        initial=DifficultyKind.DIFFICULTY,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label=_("The difficulty is about"),
        choices=[("", _("— choose, for a difficulty —")), *DifficultyCategory.choices],
        required=False,
    )
    text = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the difficulty or proposal.")},
    )


class ProgressReportCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_label("kind"),
        choices=ProgressReportKind.choices,
        initial=ProgressReportKind.INTERIM,
        widget=forms.RadioSelect,
    )
    cut_off = VnDateField(
        label=_label("cut_off"),
        help_text=_("Today: the figures as they are now. An earlier day: as they stood then."),
        error_messages={"required": _("Enter the date the figures are taken at.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cut_off"].initial = timezone.localdate()


class ProgressReportForm(forms.Form):
    """The parts of a draft the committee writes; `version` is the one the page was read at."""

    number_symbol = forms.CharField(label=_label("number_symbol"), max_length=60, required=False)
    situation = forms.CharField(
        label=_("I. Implementation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("How the committee disseminated and organised the campaign."),
    )
    results = forms.CharField(
        label=_("II. Results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The figures below are added to the document after this part."),
    )
    shortcomings = forms.CharField(
        label=_("III. Shortcomings and their causes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The difficulties raised from below are added to the document after this."),
    )
    directions = forms.CharField(
        label=_("IV. Directions and tasks ahead"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    signer_role = forms.CharField(
        label=_label("signer_role"),
        max_length=120,
        required=False,
        help_text=_("For example T/M BAN THƯỜNG VỤ."),
    )
    signer_title = forms.CharField(
        label=_label("signer_title"),
        max_length=120,
        required=False,
        help_text=_("For example BÍ THƯ or PHÓ BÍ THƯ."),
    )
    signer_name = forms.CharField(label=_label("signer_name"), max_length=200, required=False)
    recipients = forms.CharField(
        label=_label("recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, as the “Nơi nhận” list prints them."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def report_fields(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in EDITABLE_FIELDS}


def report_initial(report: ProgressReport) -> dict[str, Any]:
    return {**{name: getattr(report, name) for name in EDITABLE_FIELDS}, "version": report.version}
