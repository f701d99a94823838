"""Forms for the organisational model editor.

They validate and translate input; the services hold the rules and do the writes.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from disciplines.models import Discipline
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


class SpokeForm(forms.Form):
    discipline = forms.ModelChoiceField(label=_("Discipline"), queryset=Discipline.objects.all())
    hub = forms.ModelChoiceField(
        label=_("Hub"),
        queryset=None,
        required=False,
        empty_label=_("No hub"),
        help_text=_("The hub that enables this spoke. Only hubs of this model are offered."),
    )
    liaison = PersonField(
        label=_("Liaison"),
        queryset=None,
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("The person in the discipline the hub talks to."),
    )

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = model.hubs.all()
        self.fields["liaison"].queryset = _people(_keep(self.initial, "liaison"))


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
