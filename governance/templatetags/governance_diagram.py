from django import template
from django.template.loader import render_to_string

from governance.diagram import build_diagram

register = template.Library()


@register.simple_tag
def governance_diagram(model, badges=None, id_prefix=None, units=None):
    """The server-rendered SVG diagram of `model` with its text alternative, in a <figure>.

    {% governance_diagram model %}
    {% governance_diagram model badges=badges_by_discipline id_prefix="draft" units=units %}

    See governance/diagram.py for the arguments; `badges` is its `badges_by_discipline`.
    """
    diagram = build_diagram(model, units, badges, id_prefix=id_prefix)
    return render_to_string("governance/_diagram.html", {"diagram": diagram, "model": model})
