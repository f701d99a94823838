"""Read queries shared by pages and the API, ready to render (no queries per row)."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from governance.models import Activity, OrganisationalModel, Responsibility
from governance.request_cache import remembered


def model_list(user):
    return (
        OrganisationalModel.objects.visible_to(user)
        .select_related("created_by", "published_by", "executive_sponsor")
        .annotate(hub_count=Count("hubs", distinct=True), spoke_count=Count("spokes", distinct=True))
    )


def active_model():
    """The active model, read once per page view (the diagram and the cards all ask)."""
    return remembered(
        ("active_model",),
        lambda: (
            OrganisationalModel.objects.filter(status=OrganisationalModel.Status.ACTIVE)
            .select_related("executive_sponsor")
            .first()
        ),
    )


@dataclass
class Unit:
    """A column of the RACI grid and a node of the diagram: a hub or a spoke."""

    discipline: object
    kind: str  # "hub" or "spoke"
    name: str
    person: object  # the hub's lead or the spoke's liaison
    hub: object = None  # the hub a spoke hangs off
    obj: object = None
    is_coordinating_centre: bool = False
    spokes: list = field(default_factory=list)

    @property
    def key(self):
        return self.discipline.pk


def model_units(model):
    """Hubs first (the centre before the others), then spokes; two queries, once per page
    view for a model (the diagram and model health both draw on them)."""
    return list(remembered(("model_units", model.pk), lambda: _model_units(model)))


def _model_units(model):
    hubs = list(model.hubs.select_related("home_discipline", "lead"))
    spokes = list(model.spokes.select_related("discipline", "liaison", "hub"))
    units = [
        Unit(
            discipline=hub.home_discipline,
            kind="hub",
            name=hub.name,
            person=hub.lead,
            obj=hub,
            is_coordinating_centre=hub.is_coordinating_centre,
        )
        for hub in hubs
    ]
    by_hub = {unit.obj.pk: unit for unit in units}
    for spoke in spokes:
        unit = Unit(
            discipline=spoke.discipline,
            kind="spoke",
            name=str(spoke.discipline),
            person=spoke.liaison,
            hub=spoke.hub,
            obj=spoke,
        )
        units.append(unit)
        if spoke.hub_id in by_hub:
            by_hub[spoke.hub_id].spokes.append(unit)
    return units


@dataclass
class RaciGrid:
    activities: list
    units: list
    cells: dict  # (activity_id, discipline_id) -> role code

    def rows(self):
        for activity in self.activities:
            yield activity, [(unit, self.cells.get((activity.pk, unit.key), "")) for unit in self.units]


def raci_grid(model, units=None):
    units = model_units(model) if units is None else units
    cells = {
        (activity_id, discipline_id): role
        for activity_id, discipline_id, role in model.responsibilities.values_list(
            "activity_id", "discipline_id", "role"
        )
    }
    return RaciGrid(activities=list(Activity.objects.all()), units=units, cells=cells)


@dataclass
class Change:
    what: str  # "added", "removed", "changed"
    subject: str
    before: str = ""
    after: str = ""


@dataclass
class ModelDiff:
    model: list
    units: list
    responsibilities: list

    @property
    def is_empty(self):
        return not (self.model or self.units or self.responsibilities)


def _unit_summary(unit):
    if unit.kind == "hub":
        if unit.is_coordinating_centre:
            text = _("coordinating centre “%(name)s”") % {"name": unit.name}
        else:
            text = _("hub “%(name)s”") % {"name": unit.name}
    else:
        text = _("spoke of “%(hub)s”") % {"hub": unit.hub.name} if unit.hub else _("spoke without hub")
    if unit.person:
        text += f", {unit.person.get_full_name() or unit.person.get_username()}"
    return text


def model_diff(draft, base):
    """What publishing `draft` would change against `base` (usually the active model)."""
    model_changes = []
    for label, attr in ((_("type"), "get_type_display"), (_("executive sponsor"), "executive_sponsor")):
        before, after = getattr(base, attr), getattr(draft, attr)
        before, after = (before() if callable(before) else before), (after() if callable(after) else after)
        if str(before or "") != str(after or ""):
            model_changes.append(Change("changed", label, str(before or "–"), str(after or "–")))

    base_units = {unit.key: unit for unit in model_units(base)}
    draft_units = {unit.key: unit for unit in model_units(draft)}
    unit_changes = []
    for key, unit in draft_units.items():
        if key not in base_units:
            unit_changes.append(Change("added", str(unit.discipline), after=_unit_summary(unit)))
        elif _unit_summary(unit) != _unit_summary(base_units[key]):
            unit_changes.append(
                Change("changed", str(unit.discipline), _unit_summary(base_units[key]), _unit_summary(unit))
            )
    for key, unit in base_units.items():
        if key not in draft_units:
            unit_changes.append(Change("removed", str(unit.discipline), before=_unit_summary(unit)))

    def cells(model):
        return {
            (cell.activity, cell.discipline): cell.short
            for cell in Responsibility.objects.filter(model=model).select_related("activity", "discipline")
        }

    base_cells, draft_cells = cells(base), cells(draft)
    cell_changes = []
    for key in sorted(set(base_cells) | set(draft_cells), key=lambda k: (k[0].position, k[1].position)):
        before, after = base_cells.get(key, ""), draft_cells.get(key, "")
        if before == after:
            continue
        what = "added" if not before else "removed" if not after else "changed"
        cell_changes.append(Change(what, f"{key[0]} · {key[1]}", before, after))
    return ModelDiff(model_changes, unit_changes, cell_changes)
