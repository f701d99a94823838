"""The rules a model must keep to be published. Drafts may break them; publish may not.

`model_problems` returns every broken rule with a code (stable, for the API and tests)
and a message that says what to fix.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from governance.models import Activity, ModelType


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    activity_id: int | None = None

    def as_dict(self):
        return {"code": self.code, "message": str(self.message)}


def _names(items):
    return ", ".join(sorted(str(item) for item in items))


def model_problems(model, *, activities=None):
    """Every rule `model` breaks. Reads hubs, spokes and responsibilities in three queries."""
    hubs = list(model.hubs.select_related("home_discipline"))
    spokes = list(model.spokes.select_related("discipline", "hub"))
    cells = list(model.responsibilities.select_related("discipline"))
    if activities is None:
        activities = list(Activity.objects.all())
    return [
        *_structure_problems(model.type, hubs, spokes),
        *_placement_problems(hubs, spokes),
        *_raci_problems(activities, cells, hubs, spokes),
    ]


def _structure_problems(model_type, hubs, spokes):
    centres = [hub for hub in hubs if hub.is_coordinating_centre]
    plain_hubs = [hub for hub in hubs if not hub.is_coordinating_centre]
    loose_spokes = [spoke for spoke in spokes if spoke.hub_id is None]

    if model_type == ModelType.HUB_AND_SPOKE:
        if len(hubs) != 1:
            yield Problem(
                "hub_count",
                format_lazy(
                    _("A hub and spoke model has exactly one hub; this one has {count}. {fix}"),
                    count=len(hubs),
                    fix=_("Add the centre of excellence as its hub.")
                    if not hubs
                    else _("Remove hubs or choose multiple hub and spoke."),
                ),
            )
        if centres:
            yield Problem(
                "centre_not_allowed",
                _("Only a multiple hub and spoke model has a coordinating centre: untick it on the hub."),
            )
        if not spokes:
            yield Problem("no_spokes", _("A hub and spoke model needs at least one spoke: add the disciplines."))
    elif model_type == ModelType.MULTIPLE_HUB_AND_SPOKE:
        if len(plain_hubs) < 2:
            yield Problem(
                "hub_count",
                format_lazy(
                    _(
                        "A multiple hub and spoke model needs at least two hubs besides the coordinating centre; "
                        "it has {count}. Add the hubs of your brands, business units or regions."
                    ),
                    count=len(plain_hubs),
                ),
            )
        if len(centres) != 1:
            yield Problem(
                "centre_count",
                _("A multiple hub and spoke model needs exactly one coordinating centre: mark one hub as the centre."),
            )
    elif model_type == ModelType.CENTRALIZED:
        if len(hubs) != 1:
            yield Problem(
                "hub_count",
                _("A centralized model has exactly one owning unit: keep one hub, the unit that runs all accounts."),
            )
        if spokes:
            yield Problem(
                "spokes_not_allowed",
                format_lazy(
                    _(
                        "In a centralized model the central unit runs everything, so there are no spokes: "
                        "remove {names}."
                    ),
                    names=_names(spoke.discipline for spoke in spokes),
                ),
            )
    elif model_type == ModelType.DECENTRALIZED:
        if hubs:
            yield Problem(
                "hubs_not_allowed",
                format_lazy(
                    _("A decentralized model has no hub, nobody owns social media: remove {names}."),
                    names=_names(hubs),
                ),
            )
        if not spokes:
            yield Problem("no_units", _("Add the disciplines that use social media as units."))
    elif model_type == ModelType.HOLISTIC and not hubs and not spokes:
        yield Problem("no_units", _("Add the units that organise the company-wide participation."))

    if model_type in (ModelType.HUB_AND_SPOKE, ModelType.MULTIPLE_HUB_AND_SPOKE) and loose_spokes:
        yield Problem(
            "spoke_without_hub",
            format_lazy(
                _("Every spoke hangs off a hub: choose a hub for {names}."),
                names=_names(spoke.discipline for spoke in loose_spokes),
            ),
        )


def _placement_problems(hubs, spokes):
    places = defaultdict(list)
    for hub in hubs:
        places[hub.home_discipline].append(hub.name)
    for spoke in spokes:
        places[spoke.discipline].append(_("spoke"))
    for discipline, where in places.items():
        if len(where) > 1:
            yield Problem(
                "discipline_twice",
                format_lazy(
                    _("{discipline} sits in more than one place ({places}): a discipline sits in at most one."),
                    discipline=discipline,
                    places=_names(where),
                ),
            )


def _raci_problems(activities, cells, hubs, spokes):
    units = {hub.home_discipline_id for hub in hubs} | {spoke.discipline_id for spoke in spokes}
    by_activity = defaultdict(list)
    for cell in cells:
        if cell.discipline_id in units:
            by_activity[cell.activity_id].append(cell)
    for activity in activities:
        row = by_activity[activity.pk]
        accountable = [cell.discipline for cell in row if cell.is_accountable]
        if not accountable:
            yield Problem(
                "accountable_missing",
                format_lazy(
                    _("“{activity}” has no Accountable: mark exactly one unit A or A/R in the responsibility matrix."),
                    activity=activity,
                ),
                activity.pk,
            )
        elif len(accountable) > 1:
            yield Problem(
                "accountable_many",
                format_lazy(
                    _("“{activity}” has {count} Accountables ({names}): keep exactly one."),
                    activity=activity,
                    count=len(accountable),
                    names=_names(accountable),
                ),
                activity.pk,
            )
        if not any(cell.is_responsible for cell in row):
            yield Problem(
                "responsible_missing",
                format_lazy(
                    _("“{activity}” has nobody Responsible: mark at least one unit R or A/R."), activity=activity
                ),
                activity.pk,
            )
