from django import forms
from django.utils.translation import gettext_lazy as _


class ReferencePasteForm(forms.Form):
    text = forms.CharField(
        label=_("Numbered list to add or correct"),
        help_text=_("One item per line, each starting with its number, e.g. “1.4. …” or “7) …”."),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=100_000,
    )


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("Heading"), max_length=300)
    guidance = forms.CharField(
        label=_("Guidance for the writer"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    min_chars = forms.IntegerField(label=_("Minimum length (characters)"), min_value=0)
    max_chars = forms.IntegerField(
        label=_("Maximum length (characters)"), min_value=1, max_value=100_000
    )

    def clean(self):
        data = super().clean()
        low, high = data.get("min_chars"), data.get("max_chars")
        if low is not None and high is not None and high < low:
            self.add_error("max_chars", _("The maximum length is below the minimum."))
        return data
