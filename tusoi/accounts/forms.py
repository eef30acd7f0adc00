from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from tusoi.accounts.selectors import user_find


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username (party card number)"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class FirstPasswordForm(SetPasswordForm):
    """Choosing one's own password after logging in with a one-time password."""


class ChangePasswordForm(PasswordChangeForm):
    """Changing one's password from the profile page (the current password is asked)."""


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “spreadsheet of branch A”."),
    )


class PersonField(forms.CharField):
    """A person named by username or party card number, resolved to their account."""

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        user = user_find(text)
        if user is None:
            raise forms.ValidationError(
                _(
                    "No account has the username or party card number “%(text)s”. "
                    "Create the member's account first."
                ),
                params={"text": text},
                code="unknown_person",
            )
        return user


class RoleGrantForm(forms.Form):
    person = PersonField(label=_("Person (username or party card number)"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, role_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices


class HandOverForm(forms.Form):
    person = PersonField(label=_("Hand over to (username or party card number)"), max_length=150)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
