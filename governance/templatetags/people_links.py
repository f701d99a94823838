"""Links to a person's page, as tags: pages that list hundreds of people (staffing, team,
a discipline's people) spent a third of their rendering time including a one-line
template per person.

Each link's address comes from a pattern reversed once per page (the staffing page
reversed 225 addresses that differ only in the id, 4 ms).
"""

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html

from governance.request_cache import remembered

register = template.Library()


def _name(person):
    return person.get_full_name() or person.get_username()


_SENTINEL = 918273645  # an id no address contains otherwise


def _url(view, pk):
    """reverse(view, args=[pk]), from the view's address reversed once per page view."""
    pattern = remembered(("person-url", view, get_script_prefix()), lambda: reverse(view, args=[_SENTINEL]))
    return pattern.replace(str(_SENTINEL), str(int(pk)))


@register.simple_tag
def person_link(person):
    """The person's name, linked to their page in the disciplines directory."""
    return format_html('<a href="{}">{}</a>', _url("disciplines:person", person.pk), _name(person))


@register.simple_tag
def assessed_person_link(person_id, who, visible):
    """The person's name, linked to their competency page when the reader may open it
    (`visible`: the ids the view found assessable), plain text otherwise."""
    if person_id in visible:
        return format_html('<a href="{}">{}</a>', _url("roles:person", person_id), _name(who))
    return _name(who)
