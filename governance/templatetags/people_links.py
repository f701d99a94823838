"""Links to a person's page, as tags: pages that list hundreds of people (staffing, team,
a discipline's people) spent a third of their rendering time including a one-line
template per person."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def _name(person):
    return person.get_full_name() or person.get_username()


@register.simple_tag
def person_link(person):
    """The person's name, linked to their page in the disciplines directory."""
    return format_html('<a href="{}">{}</a>', reverse("disciplines:person", args=[person.pk]), _name(person))


@register.simple_tag
def assessed_person_link(person_id, who, visible):
    """The person's name, linked to their competency page when the reader may open it
    (`visible`: the ids the view found assessable), plain text otherwise."""
    if person_id in visible:
        return format_html('<a href="{}">{}</a>', reverse("roles:person", args=[person_id]), _name(who))
    return _name(who)
