"""Links to the CSV of a dashboard table, for the same period as the page.

    {% load governance_exports %}
    {% export_link "delivery" %}     a small "Download CSV" link (governance/exports.py TABLES)

Works inside the figures' inclusion tags too: it reads the page's query (`?period=`)
from the request the template is rendered for, and carries it over, pagination aside.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

# Query parameters of the page that are not about the figures' period or scope.
NOT_CARRIED = ("page", "people_page")


def export_url(request, table):
    url = reverse("dashboard_export", args=[table])
    if request is None:
        return url
    query = request.GET.copy()
    for name in NOT_CARRIED:
        query.pop(name, None)
    return f"{url}?{query.urlencode()}" if query else url


@register.simple_tag(takes_context=True)
def export_link(context, table):
    request = getattr(context, "request", None) or context.get("request")
    return format_html('<a class="cw-export" href="{}" download>{}</a>', export_url(request, table), _("Download CSV"))
