"""The questionnaire of “Which model fits us?” (the rules are in governance/fit.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.fit import Brands, Maturity, Voice

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
ERRORS = {
    "required": _("Choose one of the answers."),
    "invalid_choice": _("Choose one of the answers listed."),
}


class FitForm(forms.Form):
    regulated = forms.TypedChoiceField(
        label=_("Do you work in a regulated industry?"),
        help_text=_("For example banking, insurance, pharma or energy, where content may need approval."),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages=ERRORS,
    )
    brands = forms.ChoiceField(
        label=_("How many brands or business units run their own social media?"),
        choices=Brands.choices,
        widget=forms.RadioSelect,
        error_messages=ERRORS,
    )
    maturity = forms.ChoiceField(
        label=_("How mature is your social media?"),
        choices=Maturity.choices,
        widget=forms.RadioSelect,
        error_messages=ERRORS,
    )
    voice = forms.ChoiceField(
        label=_("How far may employees speak for the company?"),
        choices=Voice.choices,
        widget=forms.RadioSelect,
        error_messages=ERRORS,
    )
