"""The governance diagram: an organisational model drawn as SVG on the server.

    diagram_svg(model, units=None, badges_by_discipline=None, *, id_prefix=None, standalone=False, compact=False)
    build_diagram(model, units=None, badges_by_discipline=None, *, id_prefix=None, standalone=False)

`diagram_svg` returns the SVG markup (a SafeString); `build_diagram` returns a `Diagram` that
also carries the same structure as a text outline (hub -> spokes with liaisons), which
`templates/governance/_diagram.html` renders as a list next to the picture.

- `units`: the model's units from `governance.selectors.model_units(model)`. Pass them
  when the page already has them (the editor reads them for the RACI grid); otherwise
  they are read here (two queries, plus one for the executive sponsor unless the model
  was read with `select_related("executive_sponsor")`).
- `badges_by_discipline`: the seam for placing job profiles (or anything short) on the
  diagram. It maps a discipline id to a list of badges, each a short label ("CM") or a
  pair (short label, full name) such as ("SMM", "Social media manager"). A hub takes the
  badges of its home discipline, a spoke those of its discipline. Badges are drawn as
  small pills on the unit; when any are drawn, a legend below the diagram lists every
  short label (with its full name where one was given).
- `id_prefix`: ids of the <title> and <desc> elements; pass one when the same model is
  drawn twice on one page.
- `standalone`: add the XML declaration and a stylesheet processing instruction, for
  serving the SVG as a file of its own (`models:diagram`).
- `compact`: the one-column layout for narrow screens (see below).

Layout: the management awareness band runs across the top (with the executive sponsor).
Below it, a hub sits in the middle with its spokes on a ring around it; in a multiple hub
and spoke model the coordinating centre sits in the middle, the hubs on a ring around it
and each hub's spokes around that hub, turned away from the centre. A decentralized
model is a loose ring of units with no centre and no lines; a centralized model is its
one unit; a holistic model is drawn inside a dashed boundary for the whole workforce.
Spokes that hang off no hub (drafts) sit in a row of their own underneath.

`build_diagram` draws the model twice: the wide layout above, and a compact one for
narrow screens (`compact=True`): one column, indented like the text outline, each unit's
children hanging off a line down its left edge. The template shows one or the other by
CSS media query.

Security and CSP: every piece of text goes through `escape`; the SVG has no `style`
attribute and no <style> element. Colours, sizes and fonts are presentation attributes
(so the file reads well on its own), and CSS classes let static/css/diagram.css refine it.
This module decides what goes where; governance/diagram_render.py does the drawing.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from governance.diagram_render import (
    Renderer,
    clean_text,
    colour_of,
    discipline_label,
    person_name,
    unit_name,
    unit_pk,
)
from governance.models import ModelType
from governance.selectors import model_units

# --- Public API ---------------------------------------------------------------------------


@dataclass
class OutlineItem:
    """One line of the text alternative: a unit, its person, badges and the units under it."""

    kind: str  # "centre", "hub", "spoke" or "unit" (a decentralized unit)
    name: str
    discipline: str
    person: str
    badges: list = field(default_factory=list)
    children: list = field(default_factory=list)

    @property
    def role_label(self):
        return {
            "centre": _("Coordinating centre"),
            "hub": _("Hub"),
            "spoke": _("Spoke"),
            "unit": _("Unit"),
        }[self.kind]

    @property
    def person_label(self):
        return _("lead") if self.kind in ("centre", "hub") else _("liaison")


@dataclass
class Diagram:
    svg: str  # SafeString: the wide layout
    svg_compact: str  # SafeString: the same in one column, for narrow screens
    title: str
    description: str
    sponsor: str
    outline: list  # OutlineItem, nested
    loose: list  # OutlineItem: spokes that hang off no hub
    legend: list  # (short, full) pairs
    empty: bool


def diagram_svg(model, units=None, badges_by_discipline=None, *, id_prefix=None, standalone=False, compact=False):
    """The SVG markup of `model`'s diagram (see the module docstring for the arguments)."""
    diagram = build_diagram(model, units, badges_by_discipline, id_prefix=id_prefix, standalone=standalone)
    return diagram.svg_compact if compact else diagram.svg


def _title(model):
    return clean_text(
        _("Organisational model “%(name)s”: %(type)s") % {"name": model.name, "type": model.get_type_display()}
    )


# Drawn diagrams by everything they show (the text alternative says every name, person,
# badge and how the units hang together; the key adds language, ids and colours): the
# dashboards draw the same model on every view, and drawing it twice (wide and compact)
# was 3 ms of each. Kept per process, the oldest dropped first.
_DRAWINGS = {}
DRAWINGS_KEPT = 64


def build_diagram(model, units=None, badges_by_discipline=None, *, id_prefix=None, standalone=False):
    """The diagram of `model`: SVG markup plus the same content as a text outline."""
    units = model_units(model) if units is None else list(units)
    badges = _normalise_badges(badges_by_discipline)
    plan = _plan(model, units)
    sponsor = person_name(model.executive_sponsor) if model.executive_sponsor_id else ""
    title = _title(model)
    outline, loose = _outline(plan, badges)
    description = _describe(plan, outline, loose, sponsor)
    legend = _legend(units, badges)
    prefix = id_prefix or f"diagram-{model.pk or 'new'}"

    def render(compact):
        return Renderer(plan, badges, legend, sponsor, compact=compact).render(
            title=title,
            description=description,
            prefix=f"{prefix}-compact" if compact else prefix,
            standalone=standalone,
        )

    key = (
        get_language(),
        prefix,
        standalone,
        title,
        description,
        repr(outline),
        repr(loose),
        tuple(legend),
        plan.type,
        plan.mode,
        plan.missing,
        # The one thing drawn that the text leaves out: each discipline's colour.
        tuple((unit.discipline.pk, colour_of(unit.discipline)) for unit in units),
    )
    drawings = _DRAWINGS.get(key)
    if drawings is None:
        drawings = _DRAWINGS[key] = (render(compact=False), render(compact=True))
        while len(_DRAWINGS) > DRAWINGS_KEPT:
            _DRAWINGS.pop(next(iter(_DRAWINGS)))  # the oldest
    svg, svg_compact = drawings
    return Diagram(
        svg=svg,
        svg_compact=svg_compact,
        title=title,
        description=description,
        sponsor=sponsor,
        outline=outline,
        loose=loose,
        legend=legend,
        empty=not units,
    )


# --- What goes where ----------------------------------------------------------------------


@dataclass
class _Plan:
    """The model's shape, decided once and shared by the picture and the text alternative."""

    type: str
    mode: str  # "hub", "multi", "ring" or "empty"
    centre: object = None  # Unit: the hub (mode "hub") or the coordinating centre (mode "multi")
    hubs: list = field(default_factory=list)  # mode "multi": the hubs around the centre
    spokes: list = field(default_factory=list)  # the centre's own spokes; mode "ring": every unit
    loose: list = field(default_factory=list)  # spokes that hang off no hub, drawn apart
    missing: str = ""  # the text of a placeholder where a hub or centre is still missing
    spokes_of: dict = field(default_factory=dict)  # hub pk -> its spoke Units


def _plan(model, units):
    hubs = [unit for unit in units if unit.kind == "hub"]
    spokes = [unit for unit in units if unit.kind != "hub"]
    hub_pks = {unit_pk(hub.obj) for hub in hubs}
    spokes_of = {pk: [] for pk in hub_pks}
    loose = []
    for spoke in spokes:
        hub_pk = unit_pk(spoke.hub)
        if hub_pk in spokes_of:
            spokes_of[hub_pk].append(spoke)
        else:
            loose.append(spoke)
    plan = _Plan(type=model.type, mode="hub", spokes_of=spokes_of)

    if not units:
        plan.mode = "empty"
        plan.missing = _("No units yet")
        return plan
    if model.type == ModelType.DECENTRALIZED or (model.type == ModelType.HOLISTIC and not hubs):
        # Efforts at the edges: nobody in the middle, nothing connecting the units.
        plan.mode = "ring"
        plan.spokes = [*hubs, *spokes]
        return plan

    centres = [hub for hub in hubs if hub.is_coordinating_centre]
    plain = [hub for hub in hubs if not hub.is_coordinating_centre]
    centre = centres[0] if centres else None
    plain += centres[1:]  # a second centre (a broken draft) is drawn as a hub
    plan.loose = loose
    if not hubs:
        plan.missing = _("No hub yet")
    elif centre is None and len(plain) == 1:
        plan.centre = plain[0]
        plan.spokes = spokes_of[unit_pk(plain[0].obj)]
    elif centre is not None and not plain:
        plan.centre = centre
        plan.spokes = spokes_of[unit_pk(centre.obj)]
    else:
        plan.mode = "multi"
        plan.centre = centre
        plan.hubs = plain
        plan.spokes = spokes_of[unit_pk(centre.obj)] if centre else []
        if centre is None and model.type == ModelType.MULTIPLE_HUB_AND_SPOKE:
            plan.missing = _("No coordinating centre yet")
    return plan


# --- Text ---------------------------------------------------------------------------------


def _normalise_badges(badges_by_discipline):
    """{discipline id: [(short, full), ...]} from labels or (short, full) pairs."""
    result = {}
    for discipline_id, items in (badges_by_discipline or {}).items():
        pairs = []
        for item in items or ():
            short, full = (item, "") if isinstance(item, str) else (item[0], item[1] if len(item) > 1 else "")
            if str(short).strip():
                pairs.append((clean_text(short).strip(), clean_text(full or "").strip()))
        if pairs:
            result[discipline_id] = pairs
    return result


def _legend(units, badges):
    seen = {}
    for unit in units:
        for short, full in badges.get(unit.discipline.pk, ()):
            if short not in seen or (full and not seen[short]):
                seen[short] = full
    return list(seen.items())


def _outline_item(unit, kind, badges):
    return OutlineItem(
        kind=kind,
        name=unit_name(unit),
        discipline=discipline_label(unit),
        person=person_name(unit.person),
        badges=[short for short, _full in badges.get(unit.discipline.pk, ())],
    )


def _outline(plan, badges):
    def spoke_items(spokes, kind="spoke"):
        return [_outline_item(spoke, kind, badges) for spoke in spokes]

    def hub_item(hub, kind="hub"):
        item = _outline_item(hub, kind, badges)
        item.children = spoke_items(plan.spokes_of.get(unit_pk(hub.obj), []))
        return item

    loose = spoke_items(plan.loose)
    if plan.mode == "empty":
        return [], loose
    if plan.mode == "ring":
        return spoke_items(plan.spokes, "unit"), loose
    if plan.mode == "hub":
        return ([hub_item(plan.centre)] if plan.centre else []), loose
    hubs = [hub_item(hub) for hub in plan.hubs]
    if plan.centre is None:
        return hubs, loose
    centre = _outline_item(plan.centre, "centre", badges)
    centre.children = [*hubs, *spoke_items(plan.spokes)]
    return [centre], loose


def _say(item):
    """One unit in a sentence, for the <desc>."""
    if item.kind in ("hub", "centre"):
        text = _("%(role)s “%(name)s” (%(discipline)s)") % {
            "role": item.role_label,
            "name": item.name,
            "discipline": item.discipline,
        }
    else:
        text = item.name
    if item.person:
        text += ", " + _("%(role)s %(name)s") % {"role": item.person_label, "name": item.person}
    if item.badges:
        text += " [" + ", ".join(item.badges) + "]"
    return text


def _describe(plan, outline, loose, sponsor):
    sentences = [
        _("Management awareness: executive sponsor %(name)s.") % {"name": sponsor}
        if sponsor
        else _("Management awareness: no executive sponsor named yet.")
    ]

    def walk(items):
        for item in items:
            if item.children:
                sentences.append(
                    _("%(unit)s, with: %(children)s.")
                    % {"unit": _say(item), "children": "; ".join(_say(child) for child in item.children)}
                )
                walk([child for child in item.children if child.children])
            elif item.kind in ("hub", "centre"):
                sentences.append(_("%(unit)s, with no spokes yet.") % {"unit": _say(item)})

    if plan.mode == "empty":
        sentences.append(_("The model has no units yet."))
    elif plan.mode == "ring":
        sentences.append(
            _("Units without a centre, unaware of each other: %(units)s.")
            % {"units": "; ".join(_say(item) for item in outline)}
        )
    else:
        walk(outline)
    if plan.missing and plan.mode != "empty":
        sentences.append(plan.missing + ".")
    if loose:
        sentences.append(
            _("Not assigned to a hub yet: %(units)s.") % {"units": "; ".join(_say(item) for item in loose)}
        )
    if plan.type == ModelType.HOLISTIC:
        sentences.append(_("Every employee may take part, in an organised and consistent way."))
    return " ".join(sentences)
