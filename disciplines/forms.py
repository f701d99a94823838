"""Forms for the catalogue pages. They validate input and translate it; the rules live in services and models."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from disciplines.models import RESERVED_SLUGS, ApplicationArea, Discipline, Membership


class ColourInput(forms.TextInput):
    input_type = "color"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker sends ISO dates whatever the page language.
        super().__init__(attrs, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.get_username()})" if full_name else obj.get_username()


def active_people():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class DisciplineForm(forms.ModelForm):
    class Meta:
        model = Discipline
        fields = ["name", "name_de", "slug", "kind", "description", "description_de", "colour", "position"]
        widgets = {
            "colour": ColourInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_de": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "slug": _("Used in addresses, for example customer-service. Left empty, it is made from the name."),
            "position": _("Disciplines are listed by position, then by name."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Without JavaScript nobody fills the slug for the user, so an empty one is made from the name.
        self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name") and "slug" not in self.errors:
            slug = slugify(cleaned["name"])[:60]
            if not slug or slug in RESERVED_SLUGS:
                self.add_error("slug", _("Enter a short name."))
            else:
                cleaned["slug"] = slug
        return cleaned


class ApplicationAreaForm(forms.ModelForm):
    class Meta:
        model = ApplicationArea
        fields = ["title", "title_de", "description", "description_de", "position"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_de": forms.Textarea(attrs={"rows": 4}),
        }


class MembershipForm(forms.ModelForm):
    user = PersonChoiceField(queryset=active_people(), label=_("Person"))

    class Meta:
        model = Membership
        fields = ["user", "discipline", "function", "weekly_capacity_hours"]
        error_messages = {
            NON_FIELD_ERRORS: {
                "unique_together": _(
                    "This person already has this function in this discipline. Edit that membership instead."
                ),
            },
        }


class ExpertiseForm(forms.Form):
    tags = forms.CharField(
        label=_("Topic tags"),
        required=False,
        max_length=1000,
        help_text=_("Separate tags with commas, for example: pricing, api, data protection."),
    )
    profile = forms.CharField(
        label=_("Profile"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What this person knows about, in a few sentences."),
    )


class RecognitionForm(forms.Form):
    recognition_opt_in = forms.BooleanField(
        label=_("Name me beside my most thanked contributions"),
        required=False,
        help_text=_(
            "The management dashboard shows the contributions requesters thanked most. Without your consent "
            "it says “an expert in” your discipline instead of your name. You can change this at any time."
        ),
    )


class AbsenceForm(forms.Form):
    """The dates are checked by services.absence_save, so pages and API give the same message."""

    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("To"), widget=DateInput())
    deputy = PersonChoiceField(
        queryset=active_people(),
        label=_("Deputy"),
        required=False,
        empty_label=_("Nobody"),
        help_text=_("Who acts for this person while they are away (optional)."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = active_people().exclude(pk=person.pk)
