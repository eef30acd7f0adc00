"""Forms of the meeting registration pages. They parse what was typed (Vietnamese dates, times,
member checkboxes); the services decide what is allowed and say what is wrong.

The registration form works without JavaScript: a "number of phases" field and an "update"
button re-render the form with that many phase blocks, keeping everything already typed."""

import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tusoi.meetings.services.registration import MAX_NOTE, MAX_PHASES, MAX_REASON, PhaseInput
from tusoi.members.forms import VnDateField

RELAYOUT = "relayout"  # the name of the button that only changes the number of phases


class PhaseForm(forms.Form):
    on = VnDateField(label=_("Date"), required=False)
    at = forms.TimeField(
        label=_("Starts at"),
        required=False,
        input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"],
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm", "type": "time"}),
        error_messages={"invalid": _("Enter a time as hh:mm, for example 08:00.")},
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    online_link = forms.CharField(
        label=_("Online link"),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    members = forms.TypedMultipleChoiceField(
        label=_("Members in this phase"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, member_choices: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = member_choices

    def phase_input(self) -> PhaseInput:
        data = self.cleaned_data
        return PhaseInput(
            on=data.get("on"),
            at=data.get("at"),
            place=data.get("place", ""),
            online_link=data.get("online_link", ""),
            member_ids=list(data.get("members") or []),
        )


class MeetingForm(forms.Form):
    """The number of phases, the version the form was opened on and, for a change, the reason."""

    phase_count = forms.TypedChoiceField(
        label=_("Number of phases"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, MAX_PHASES + 1)],
        initial=1,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when a date moves (a postponement) or a phase is dropped."),
    )


def phase_count_from(data: QueryDict | dict[str, Any] | None, default: int) -> int:
    try:
        count = int((data or {}).get("phase_count", default))
    except (TypeError, ValueError):
        return default
    return min(max(count, 1), MAX_PHASES)


def phase_forms(
    data: QueryDict | None,
    count: int,
    member_choices: list[tuple[int, str]],
    initial: list[dict[str, Any]] | None = None,
) -> list[PhaseForm]:
    """`count` phase forms, bound to the posted data (typed values kept) or filled from
    `initial`."""
    initial = initial or []
    return [
        PhaseForm(
            data,
            prefix=f"phase-{n}",
            member_choices=member_choices,
            initial=initial[n - 1] if n <= len(initial) else None,
        )
        for n in range(1, count + 1)
    ]


def phase_initial(phases: list[Any]) -> list[dict[str, Any]]:
    """Initial values of the phase forms from stored phases."""
    return [
        {
            "on": p.on,
            "at": p.at,
            "place": p.place,
            "online_link": p.online_link,
            "members": [m.pk for m in p.members.all()],
        }
        for p in phases
    ]


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why the meeting is cancelled"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VisitNoteForm(forms.Form):
    attended = forms.BooleanField(label=_("I attended the meeting"), required=False, initial=True)
    text = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def month_from(text: str | None) -> datetime.date | None:
    """`YYYY-MM` -> the first day of that month; None when it is not one."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return None
