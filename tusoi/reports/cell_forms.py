"""Forms of the cell's pages: reviewing a report, reminders, commitment progress. They only
parse what was posted; the services decide what is allowed."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tusoi.members.forms import VnDateField
from tusoi.reports.models import CommitmentStatus
from tusoi.reports.services.reviews import MAX_NOTE_CHARS


class ReturnForm(forms.Form):
    # Not required here: the service says why an empty reason is refused.
    reason = forms.CharField(
        label=_("Why it is returned"),
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MemberIdsField(forms.Field):
    """Several member ids posted under one name (the checkboxes of a list)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise ValidationError(_("Select members from the list."), code="invalid") from None


class RemindForm(forms.Form):
    ALL = "all"
    SELECTED = "selected"

    send_to = forms.ChoiceField(choices=[(ALL, ALL), (SELECTED, SELECTED)])
    member = MemberIdsField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("send_to") == self.SELECTED and not data.get("member"):
            raise ValidationError(_("Select at least one member to remind."))
        return data

    def member_ids(self) -> list[int] | None:
        """None means everyone without a counted report."""
        if self.cleaned_data["send_to"] == self.ALL:
            return None
        return self.cleaned_data["member"]


class CommitmentProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Progress"), choices=CommitmentStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    on = VnDateField(label=_("As of"), required=False)
