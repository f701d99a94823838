from django import template
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from governance.diagram import build_diagram
from governance.selectors import model_units

register = template.Library()

# The short labels the talk's governance chart used for the three job profiles.
PROFILE_SHORT = {
    "community-manager": "CM",
    "social-media-manager": "SMM",
    "social-media-consultant": "SMC",
}


def _profile_names():
    return {
        "community-manager": _("community manager"),
        "social-media-manager": _("social media manager"),
        "social-media-consultant": _("social media consultant"),
    }


def _short(slug, name):
    return PROFILE_SHORT.get(slug) or "".join(word[0] for word in name.split() if word[:1].isalnum()).upper()[:4]


def profile_badges(viewer, units):
    """{discipline id: [(short, full), ...]}: the job profiles held now in each unit; one query.

    Read through `roles.selectors.assignment_list`, so whoever may not see assignments
    (nobody signed in) gets no badges. Profiles come in their matrix order, each once
    per unit however many people hold it there.
    """
    from roles.selectors import assignment_list

    keys = {unit.discipline.pk for unit in units}
    if viewer is None or not keys:
        return {}
    rows = (
        assignment_list(viewer, current=True)
        .filter(discipline_id__in=keys)
        .order_by("profile__position", "profile__name")
        .values_list("discipline_id", "profile__slug", "profile__name")
        .distinct()
    )
    names = _profile_names()
    badges = {}
    for discipline_id, slug, name in rows:
        badge = (_short(slug, name), names.get(slug, name))
        if badge not in badges.setdefault(discipline_id, []):
            badges[discipline_id].append(badge)
    return badges


@register.simple_tag(takes_context=True)
def governance_diagram(context, model, badges=None, id_prefix=None, units=None):
    """The server-rendered SVG diagram of `model` with its text alternative, in a <figure>.

    {% governance_diagram model %}
    {% governance_diagram model badges=badges_by_discipline id_prefix="draft" units=units %}

    See governance/diagram.py for the arguments; `badges` is its `badges_by_discipline`.
    Without `badges`, each hub and spoke shows the job profiles held there now (CM, SMM,
    SMC with a legend), read in one query; pass `badges=False` for a diagram without them.
    """
    units = model_units(model) if units is None else list(units)
    if badges is None:
        viewer = context.get("user") or getattr(context.get("request"), "user", None)
        badges = profile_badges(viewer, units)
    diagram = build_diagram(model, units, badges or None, id_prefix=id_prefix)
    return render_to_string("governance/_diagram.html", {"diagram": diagram, "model": model})
