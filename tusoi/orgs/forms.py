from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tusoi.orgs.models import Organization
from tusoi.orgs.selectors import org_kinds


class OrganizationForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=org_kinds(), empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].error_messages["required"] = _("Enter the code.")
        self.fields["name"].error_messages["required"] = _("Enter the name.")
        self.fields["kind"].error_messages["invalid_choice"] = _("Choose a kind from the list.")


class MoveForm(forms.Form):
    """The new parent, typed by its code; it must lie within `allowed` (the user's scope)."""

    parent = forms.CharField(
        label=_("Code of the new parent organisation"),
        max_length=40,
        error_messages={"required": _("Enter the code of the new parent organisation.")},
    )

    def __init__(self, *args, allowed: QuerySet[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def clean_parent(self) -> Organization:
        code = self.cleaned_data["parent"].strip()
        parent = self.allowed.filter(code__iexact=code).first()
        if parent is None:
            raise forms.ValidationError(
                _("No organisation with code %(code)s within your scope."),
                params={"code": code},
                code="out_of_scope",
            )
        return parent
