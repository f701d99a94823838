"""Forms for job profiles, the matrix, assignments and assessments.

They validate and translate input; `roles.services` holds the rules and does the writes.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disciplines.models import Discipline
from roles.models import MAX_LEVEL, MIN_LEVEL, JobProfile, Seniority
from roles.services import clean_level

LEVEL_NAMES = {
    1: _("Basic"),
    2: _("Developing"),
    3: _("Proficient"),
    4: _("Advanced"),
    5: _("Expert"),
}


def level_choices(blank):
    return [("", blank), *((level, f"{level} · {LEVEL_NAMES[level]}") for level in range(MIN_LEVEL, MAX_LEVEL + 1))]


# --- Profiles --------------------------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    class Meta:
        model = JobProfile
        fields = [
            "name",
            "name_de",
            "description",
            "description_de",
            "responsibilities",
            "responsibilities_de",
            "position",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_de": forms.Textarea(attrs={"rows": 4}),
            "responsibilities": forms.Textarea(attrs={"rows": 4}),
            "responsibilities_de": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "responsibilities": _("One per line, or separated by semicolons; the profile page lists them."),
        }


# --- The matrix -----------------------------------------------------------------------------

LEVEL_NAME = re.compile(r"^level-(\d+)-(junior|senior|none)-(\d+)$")


def level_name(profile_id, seniority, competency_id):
    return f"level-{profile_id}-{seniority}-{competency_id}"


def level_seen_name(profile_id, seniority, competency_id):
    return f"seen-{profile_id}-{seniority}-{competency_id}"


@dataclass(frozen=True)
class LevelChange:
    profile: object
    seniority: str
    competency: object
    seen: int | None
    wanted: int

    @property
    def where(self):
        column = self.profile.label
        if self.seniority != Seniority.NONE:
            column = f"{column} ({Seniority(self.seniority).label})"
        return f"“{self.competency.label}” · {column}"


@dataclass
class LevelSubmission:
    """A posted matrix, read against the matrix as it is now.

    Each cell posts the level chosen (`level-<profile>-<seniority>-<competency>`) and the
    level the editor saw when the page loaded (`seen-…`). Only cells whose two values
    differ become changes; the view compares `seen` with the database to leave alone
    cells someone else changed meanwhile.
    """

    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @classmethod
    def read(cls, data, matrix):
        profiles = {column.profile.pk: column.profile for column in matrix.columns}
        columns = {(column.profile.pk, column.seniority) for column in matrix.columns}
        competencies = {
            competency.pk: competency for category in matrix.categories for competency in category.competencies.all()
        }
        submission = cls()
        for key in sorted(data.keys()):
            match = LEVEL_NAME.match(key)
            if not match:
                continue
            profile_id, seniority, competency_id = int(match[1]), match[2], int(match[3])
            profile, competency = profiles.get(profile_id), competencies.get(competency_id)
            if profile is None or competency is None or (profile_id, seniority) not in columns:
                submission.errors.append(
                    _("A cell of the matrix no longer exists (%(cell)s). Reload the page and try again.")
                    % {"cell": key}
                )
                continue
            seen_raw = data.get(level_seen_name(profile_id, seniority, competency_id), "")
            change = LevelChange(profile, seniority, competency, None, 0)
            try:
                wanted = clean_level(data.get(key))
            except ValidationError as exc:
                submission.errors.append(f"{change.where}: {' '.join(exc.messages)}")
                continue
            seen = int(seen_raw) if seen_raw.isdigit() else None
            if wanted == seen:
                continue
            submission.changes.append(LevelChange(profile, seniority, competency, seen, wanted))
        return submission

    @property
    def is_valid(self):
        return not self.errors


# --- Assignments ----------------------------------------------------------------------------


def unit_label(unit):
    kind = _("Hub") if unit.kind == "hub" else _("Spoke")
    if unit.kind == "hub" and unit.name and unit.name != unit.discipline.label:
        return f"{kind} · {unit.name} ({unit.discipline.label})"
    return f"{kind} · {unit.discipline.label}"


class PersonLookupField(forms.CharField):
    """Someone active, named by username or e-mail. A text field, because a select of
    everyone would list thousands; person-search.js suggests names from `search_url`."""

    def __init__(self, *, search_url, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "data-search-url": search_url})

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        people = get_user_model().objects.filter(is_active=True)
        matches = list(people.filter(Q(username__iexact=value) | Q(email__iexact=value))[:2])
        if len(matches) != 1:  # nobody, or an e-mail two people share
            raise ValidationError(
                _("Nobody active has the username or e-mail “%(value)s”."), code="unknown", params={"value": value}
            )
        return matches[0]


class AssignmentForm(forms.Form):
    user = PersonLookupField(
        label=_("Person"),
        search_url=reverse_lazy("roles:person_search"),
        help_text=_("Their username or e-mail; type a name to get suggestions."),
    )
    profile = forms.ModelChoiceField(label=_("Job profile"), queryset=None, empty_label=None)
    seniority = forms.ChoiceField(
        label=_("Seniority"),
        required=False,
        choices=[("", "—"), (Seniority.JUNIOR, Seniority.JUNIOR.label), (Seniority.SENIOR, Seniority.SENIOR.label)],
        help_text=_("Junior or senior for community and social media managers; “—” for the consultant."),
    )
    discipline = forms.TypedChoiceField(
        label=_("Unit"),
        coerce=int,
        help_text=_("A hub or spoke of the active organisational model."),
    )
    since = forms.DateField(label=_("Since"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.key: unit for unit in units}
        self.fields["profile"].queryset = JobProfile.objects.all()
        self.fields["discipline"].choices = [("", "—"), *((unit.key, unit_label(unit)) for unit in units)]
        self.fields["since"].initial = timezone.localdate

    def clean_discipline(self):
        return self.units[self.cleaned_data["discipline"]].discipline

    def clean_seniority(self):
        return self.cleaned_data["seniority"] or None


class AssignmentFilterForm(forms.Form):
    """The filters of the assignment list (GET: every field optional, a bad value ignored)."""

    # Labels unlike the assignment form's on the same page, so each names one field.
    q = forms.CharField(label=_("Filter by name"), required=False, max_length=100, widget=forms.SearchInput)
    profile = forms.ModelChoiceField(
        label=_("Filter by profile"),
        queryset=JobProfile.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All profiles"),
    )
    unit = forms.ModelChoiceField(
        label=_("Filter by unit"),
        queryset=Discipline.objects.order_by("position", "name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All units"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="filter-%s", **kwargs)

    def values(self):
        """{q, profile, unit} for `selectors.assignment_rows`; a bad field counts as empty."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in ("q", "profile", "unit")}


class EndAssignmentForm(forms.Form):
    until = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The assignment stays in the history; it no longer counts from the day after."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = timezone.localdate


# --- Assessments ----------------------------------------------------------------------------


@dataclass
class AssessmentRow:
    competency: object
    field: object  # the bound field
    required: int | None = None
    latest: object = None  # the latest assessment of this kind (self or not)


class AssessmentForm(forms.Form):
    """One select per competency (blank: not assessed this time), a date and a note for all of them."""

    assessed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate
        self.categories = categories
        for category in categories:
            for competency in category.competencies.all():
                self.fields[self.level_field(competency)] = forms.IntegerField(
                    label=competency.label,
                    required=False,
                    min_value=MIN_LEVEL,
                    max_value=MAX_LEVEL,
                    widget=forms.Select(choices=level_choices(_("not assessed"))),
                )

    @staticmethod
    def level_field(competency):
        return f"level-{competency.pk}"

    def groups(self, gap_rows=(), is_self=False):
        """[(category, [AssessmentRow])] in matrix order, with the required and latest levels where known."""
        rows = {row.competency.pk: row for row in gap_rows}
        result = []
        for category in self.categories:
            items = []
            for competency in category.competencies.all():
                gap_row = rows.get(competency.pk)
                latest = None
                if gap_row is not None:
                    latest = gap_row.self_assessment if is_self else gap_row.assessment
                items.append(
                    AssessmentRow(
                        competency=competency,
                        field=self[self.level_field(competency)],
                        required=gap_row.required if gap_row else None,
                        latest=latest,
                    )
                )
            result.append((category, items))
        return result

    def levels(self):
        """[(competency, level)] for every competency given a level."""
        return [
            (competency, self.cleaned_data[self.level_field(competency)])
            for category in self.categories
            for competency in category.competencies.all()
            if self.cleaned_data.get(self.level_field(competency)) is not None
        ]

    def clean_assessed_on(self):
        value = self.cleaned_data["assessed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("An assessment cannot be dated in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.levels():
            raise ValidationError(_("Choose a level for at least one competency."))
        return cleaned
