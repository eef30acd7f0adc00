"""Forms of the member registry pages: they parse what people type (dates as dd/mm/yyyy or
d/m/yy) and leave every rule about members to `tusoi.members.services`."""

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tusoi.members.models import ChangeKind, Gender, LifeSituation, Member
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action
from tusoi.orgs.selectors import cells, organizations_visible_to

_DAY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_vn_date(text: str, *, today: datetime.date) -> datetime.date | None:
    """dd/mm/yyyy, d/m/yy (also with '.' or '-'), or yyyy-mm-dd; None when it is not a date.
    A two-digit year is the latest year not after `today` (so 17/5/80 is 1980, 1/2/15 2015)."""
    text = text.strip()
    if m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DAY.fullmatch(text):
        day, month = int(m.group(1)), int(m.group(2))
        year = int(m.group(3))
        if len(m.group(3)) == 2:
            year += 2000 if year <= today.year % 100 else 1900
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


class VnDateField(forms.DateField):
    """A date typed the Vietnamese way (dd/mm/yyyy), shown back the same way."""

    widget = forms.DateInput(
        format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}
    )

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        day = parse_vn_date(str(value), today=timezone.localdate())
        if day is None:
            raise ValidationError(
                _("Enter a date as dd/mm/yyyy, for example 17/05/1980."), code="invalid"
            )
        return day


def _label(name: str) -> Any:
    return capfirst(Member._meta.get_field(name).verbose_name)


def _name_required_fields(form: forms.Form) -> None:
    """Django's own "This field is required." names no field; say which one."""
    for field in form.fields.values():
        label = str(field.label)
        field.error_messages["required"] = _("Enter the %(field)s.") % {
            "field": label[:1].lower() + label[1:]
        }


class MemberForm(forms.Form):
    """The registry fields of one member, as `member_create` and `member_update` take them."""

    full_name = forms.CharField(label=_label("full_name"), max_length=200)
    card_number = forms.CharField(label=_label("card_number"), max_length=20)
    birth_date = VnDateField(label=_label("birth_date"))
    gender = forms.ChoiceField(label=_label("gender"), choices=[("", "—"), *Gender.choices])
    citizen_id = forms.CharField(
        label=_label("citizen_id"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phone = forms.CharField(
        label=_label("phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_label("email"), required=False)
    admitted_on = VnDateField(label=_label("admitted_on"))
    official_on = VnDateField(
        label=_label("official_on"),
        required=False,
        help_text=_("Leave empty while the member is probationary."),
    )
    job = forms.CharField(label=_label("job"), max_length=200, required=False)
    position = forms.CharField(label=_label("position"), max_length=200, required=False)
    is_leader = forms.BooleanField(
        label=_label("is_leader"),
        required=False,
        help_text=Member._meta.get_field("is_leader").help_text,
    )
    life_situation = forms.ChoiceField(
        label=_label("life_situation"), choices=LifeSituation.choices, required=False
    )
    works_away = forms.BooleanField(label=_label("works_away"), required=False)
    elderly_frail = forms.BooleanField(label=_label("elderly_frail"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _name_required_fields(self)

    def member_fields(self) -> dict[str, Any]:
        """The cleaned values the services take (every registry field, nothing else)."""
        return {name: self.cleaned_data[name] for name in MemberForm.base_fields}


class MemberCreateForm(MemberForm):
    registered_on = VnDateField(
        label=_("In this cell since"),
        required=False,
        help_text=_("Empty means today. Figures for earlier dates count the member from here."),
    )

    def clean_registered_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("registered_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("The date is in the future."))
        return day


class MemberEditForm(MemberForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


STATUS_CHANGES = [
    (kind.value, kind.label)
    for kind in (
        ChangeKind.EXEMPTED,
        ChangeKind.EXEMPTION_ENDED,
        ChangeKind.TRANSFERRED_OUT,
        ChangeKind.RETURNED,
        ChangeKind.TRANSFERRED_IN,
        ChangeKind.MOVED,
        ChangeKind.LEFT,
    )
]
NEEDS_CELL = {ChangeKind.TRANSFERRED_IN.value, ChangeKind.MOVED.value}


class StatusChangeForm(forms.Form):
    """A dated change of status or cell; the target cell is named by its code and must lie in
    the cells the user may edit members of."""

    change = forms.ChoiceField(label=_("Change"), choices=[("", "—"), *STATUS_CHANGES])
    on = VnDateField(label=_("Date of the change"))
    to_cell = forms.CharField(
        label=_("Code of the cell the member goes to"),
        max_length=40,
        required=False,
        help_text=_("Only for a temporary transfer in to another cell or a move."),
    )
    reason = forms.CharField(
        label=_("Reason or decision"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _name_required_fields(self)
        if "on" not in self.initial:
            self.initial["on"] = timezone.localdate()

    def clean_to_cell(self) -> Organization | None:
        code = self.cleaned_data.get("to_cell", "").strip()
        if not code:
            return None
        cell = (
            cells(organizations_visible_to(self.user, Action.EDIT_MEMBERS))
            .filter(code__iexact=code)
            .first()
        )
        if cell is None:
            raise ValidationError(
                _("No cell with code %(code)s among the cells you may edit.") % {"code": code}
            )
        return cell

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("change") in NEEDS_CELL
            and not data.get("to_cell")
            and not self.has_error("to_cell")
        ):
            self.add_error("to_cell", _("Choose the cell the member goes to."))
        if data.get("change") not in NEEDS_CELL:
            data["to_cell"] = None
        return data
