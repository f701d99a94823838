"""Forms for the organisational model editor.

They validate and translate input; the services hold the rules and do the writes.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from disciplines.models import Discipline, Membership
from governance.model_types import MODEL_TYPES
from governance.models import ModelType, Responsibility
from governance.services import CellChange


def person_name(user):
    return user.get_full_name() or user.get_username()


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


def _people(keep=None):
    """Active users, plus the one already chosen (so an edit never drops them silently)."""
    condition = Q(is_active=True)
    if keep is not None:
        condition |= Q(pk=keep.pk if hasattr(keep, "pk") else keep)
    return get_user_model().objects.filter(condition).order_by("first_name", "last_name", "username")


def _keep(initial, name):
    value = (initial or {}).get(name)
    return value if value not in ("", None) else None


class OrganisationalModelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    type = forms.ChoiceField(
        label=_("Type"), choices=ModelType.choices, initial=ModelType.HUB_AND_SPOKE, widget=forms.RadioSelect
    )
    executive_sponsor = PersonField(
        label=_("Executive sponsor"),
        queryset=None,
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("The member of management who backs the model and grants the experts' time."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executive_sponsor"].queryset = _people(_keep(self.initial, "executive_sponsor"))

    def type_options(self):
        """Each radio button with what DOMAIN.md says about its model type."""
        return [(radio, MODEL_TYPES[radio.data["value"]]) for radio in self["type"]]


class PublishForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,  # left empty: the model keeps its name
        help_text=_("The name everyone sees on the dashboards. A published model cannot be renamed later."),
    )


class HubForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, initial=_("Social media centre of excellence"))
    home_discipline = forms.ModelChoiceField(
        label=_("Home discipline"),
        queryset=Discipline.objects.all(),
        help_text=_("The discipline the hub sits in; it becomes a column of the responsibility matrix."),
    )
    lead = PersonField(label=_("Lead"), queryset=None, required=False, empty_label=_("Nobody yet"))
    is_coordinating_centre = forms.BooleanField(
        label=_("Coordinating centre"),
        required=False,
        help_text=_("Only in a multiple hub and spoke model: the centre that ties the hubs together."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = _people(_keep(self.initial, "lead"))


class LiaisonField(forms.ChoiceField):
    """People grouped by the discipline they work in; cleans to the user."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {}

    def offer(self, groups, keep=None):
        """`groups`: [(discipline, [user, ...])]; `keep`: the liaison already chosen."""
        choices = [("", _("Nobody yet"))]
        if keep is not None:
            self.people[str(keep.pk)] = keep
            choices.append((str(keep.pk), person_name(keep)))
        for discipline, people in groups:
            options = [(str(user.pk), person_name(user)) for user in people if keep is None or user.pk != keep.pk]
            if options:
                choices.append((discipline.label, options))
            self.people.update((str(user.pk), user) for user in people)
        self.choices = choices

    def clean(self, value):
        value = super().clean(value)
        return self.people.get(value) if value else None


class SpokeForm(forms.Form):
    """Offers only what the service allows: disciplines not yet in the model, and as
    liaison the people who work in one of them. The service checks both again."""

    discipline = forms.ModelChoiceField(label=_("Discipline"), queryset=Discipline.objects.none())
    hub = forms.ModelChoiceField(
        label=_("Hub"),
        queryset=None,
        required=False,
        empty_label=_("No hub"),
        help_text=_("The hub that enables this spoke. Only hubs of this model are offered."),
    )
    liaison = LiaisonField(
        label=_("Liaison"),
        required=False,
        help_text=_("The person in the discipline the hub talks to: someone who works in the spoke's discipline."),
    )

    def __init__(self, *args, model, spoke=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = model.hubs.all()
        taken = set(model.spokes.values_list("discipline_id", flat=True))
        taken |= set(model.hubs.values_list("home_discipline_id", flat=True))
        if spoke is not None:
            taken.discard(spoke.discipline_id)
        disciplines = list(Discipline.objects.exclude(pk__in=taken))
        self.fields["discipline"].queryset = Discipline.objects.exclude(pk__in=taken)
        members = defaultdict(dict)
        memberships = (
            Membership.objects.filter(discipline__in=disciplines, user__is_active=True)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__username")
        )
        for membership in memberships:
            members[membership.discipline_id][membership.user_id] = membership.user
        self.fields["liaison"].offer(
            [(discipline, list(members[discipline.pk].values())) for discipline in disciplines],
            keep=spoke.liaison if spoke is not None and spoke.liaison_id else None,
        )


# --- Responsibility grid ------------------------------------------------------------------

RACI_CHOICES = [
    ("", "–"),
    ("R", "R"),
    ("A", "A"),
    ("AR", "A/R"),
    ("C", "C"),
    ("I", "I"),
]
CELL_VALUES = frozenset(value for value, _label in RACI_CHOICES)
CELL_NAME = re.compile(r"^cell-(\d+)-(\d+)$")


def cell_name(activity_id, discipline_id):
    return f"cell-{activity_id}-{discipline_id}"


def seen_name(activity_id, discipline_id):
    return f"seen-{activity_id}-{discipline_id}"


@dataclass
class RaciSubmission:
    """A posted RACI grid, read against the grid as it is now.

    Each cell posts the value chosen (`cell-<activity>-<discipline>`) and the value the
    editor saw when the page loaded (`seen-<activity>-<discipline>`). Only cells whose two
    values differ become changes; the service compares `seen` with the database to find
    cells someone else changed meanwhile.
    """

    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # Cells edited for a unit or activity that left the grid since the page loaded.
    gone: list = field(default_factory=list)

    @classmethod
    def read(cls, data, grid):
        activities = {activity.pk: activity for activity in grid.activities}
        units = {unit.key: unit for unit in grid.units}
        submission = cls()
        for key in sorted(data.keys()):
            match = CELL_NAME.match(key)
            if not match:
                continue
            activity_id, discipline_id = int(match[1]), int(match[2])
            wanted, seen = data.get(key), data.get(seen_name(activity_id, discipline_id))
            activity, unit = activities.get(activity_id), units.get(discipline_id)
            where = (
                f"“{activity.label}” · {unit.discipline.label}"
                if activity and unit
                else f"{activity_id}-{discipline_id}"
            )
            if wanted not in CELL_VALUES:
                submission.errors.append(
                    _("%(cell)s: “%(value)s” is not a role. Choose R, A, A/R, C, I or leave the cell empty.")
                    % {"cell": where, "value": wanted}
                )
                continue
            if seen is None or seen not in CELL_VALUES:
                submission.errors.append(
                    _("%(cell)s: the form is incomplete. Reload the page and try again.") % {"cell": where}
                )
                continue
            if wanted == seen:
                continue
            if activity is None or unit is None:
                submission.gone.append(where)
                continue
            submission.changes.append(CellChange(activity_id, discipline_id, seen, wanted))
        return submission

    @property
    def is_valid(self):
        return not self.errors


def role_short(role):
    return "A/R" if role == Responsibility.Role.ACCOUNTABLE_RESPONSIBLE else role
