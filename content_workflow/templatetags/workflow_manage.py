"""Bars, number formats and the dashboard cards of budgets, allocations and the team.

    {% load workflow_manage %}
    {{ value|hours }}  {{ share|percent }}  {{ duration|lead_time }}
    {% budget_bar row scale %}  {% load_bar load capacity %}  {% count_bar value scale label %}
    {% manager_budget_card %}  {% manager_allocation_card %}  {% manager_team_card %}

The cards read what they show themselves (the dashboards' view need not know them), in
a fixed number of queries; what two cards share is read once per request. The budget
card's figures come from governance.reporting, like the executive dashboard's cards
(governance_figures).
"""

from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from content_workflow import charts
from content_workflow.manage_queries import (
    acting_discipline_ids,
    acting_disciplines,
    allocation_queue,
)
from content_workflow.models import TimeAllocationRequest
from content_workflow.models.messages import format_hours
from content_workflow.team_queries import team_summaries
from governance.figures_filter import known_disciplines

register = template.Library()

PENDING_SHOWN = 3


@register.filter
def hours(value):
    if value in (None, ""):
        return ""
    return format_hours(value)


@register.filter
def percent(share):
    """0.834 -> "83 %" (in the active language's format); None -> "–"."""
    if share is None:
        return "–"
    return _("%(value)s %%") % {"value": number_format(round(Decimal(share) * 100), decimal_pos=0)}


@register.filter
def lead_time(duration):
    """A timedelta as days (one decimal) or, under a day, hours; None -> "–"."""
    if duration is None:
        return "–"
    seconds = Decimal(duration.total_seconds())
    if seconds < 3600:
        return _("under an hour")
    if seconds < 86400:
        value = (seconds / 3600).quantize(Decimal("0.1"))
        return ngettext("%(value)s hour", "%(value)s hours", int(value) if value == int(value) else 2) % {
            "value": number_format(value, decimal_pos=1 if value != int(value) else 0)
        }
    value = (seconds / 86400).quantize(Decimal("0.1"))
    return ngettext("%(value)s day", "%(value)s days", int(value) if value == int(value) else 2) % {
        "value": number_format(value, decimal_pos=1 if value != int(value) else 0)
    }


@register.filter
def share_of(part, whole):
    """part / whole, or None when there is no whole."""
    try:
        return Decimal(part) / Decimal(whole) if whole else None
    except (TypeError, ValueError, ArithmeticError):
        return None


@register.simple_tag
def budget_bar(row, scale):
    return charts.budget_bar(row, scale)


@register.simple_tag
def load_bar(load, capacity):
    return charts.load_bar(load, capacity)


@register.simple_tag
def count_bar(value, scale, label=""):
    return charts.count_bar(value, scale, label=label)


@register.inclusion_tag("content_workflow/_manage_legend.html")
def budget_legend():
    return {"parts": [(name, colour, text()) for name, colour, text in charts.BUDGET_PARTS]}


# --- Dashboard cards -------------------------------------------------------------------------


def _request(context):
    return context["request"]


def _cached(context, name, compute):
    """Once per request, whichever card asks first."""
    request = _request(context)
    key = f"_workflow_manage_{name}"
    if not hasattr(request, key):
        setattr(request, key, compute(request))
    return getattr(request, key)


def _acting(context):
    def read(request):
        ids = acting_discipline_ids(request.user)
        known = known_disciplines(context)  # the dashboard's filter read every discipline
        return [d for d in known if d.pk in ids] if known is not None else list(acting_disciplines(ids))

    return _cached(context, "acting", read)


@register.inclusion_tag("content_workflow/_manage_card_budgets.html", takes_context=True)
def manager_budget_card(context):
    # The same figures as the executive's card (governance.reporting), for this month and
    # the disciplines the manager acts for, so "used" means the same on every dashboard.
    from governance import reporting

    acting = _acting(context)
    ids = {discipline.pk for discipline in acting}
    hours = (
        reporting.hours_by_discipline(
            reporting.Period.month(timezone.localdate()),
            reporting.Scope.of(ids),
            always=acting,
            can_act=ids,
            disciplines=known_disciplines(context),
        )
        if acting
        else None
    )
    return {
        "hours": hours,
        "rows": hours.rows if hours else [],
        "scale": hours.scale if hours else 1,
        "period": reporting.Period.month(timezone.localdate()),
        "can_act": bool(acting),
        "manager": True,
    }


CARD_ALLOCATION_COLUMNS = (
    "request__title",
    "hours_requested",
    "discipline__name",
    "discipline__name_de",
    "created_at",
)


@register.inclusion_tag("content_workflow/_manage_card_allocations.html", takes_context=True)
def manager_allocation_card(context):
    acting = _acting(context)
    pending, count = [], 0
    if acting:
        queue = allocation_queue(_request(context).user, {d.pk for d in acting}).filter(
            status=TimeAllocationRequest.Status.OPEN
        )
        count = queue.count()
        # The card shows a title, the hours and the discipline of the oldest few.
        shown = queue.select_related(None).select_related("request", "discipline").only(*CARD_ALLOCATION_COLUMNS)
        pending = list(shown.order_by("created_at", "pk")[:PENDING_SHOWN]) if count else []
    return {"pending": pending, "count": count, "more": count - len(pending), "can_act": bool(acting)}


@register.inclusion_tag("content_workflow/_manage_card_team.html", takes_context=True)
def manager_team_card(context):
    acting = _acting(context)
    summaries = team_summaries(acting, with_managers=False) if acting else []
    return {"summaries": summaries, "can_act": bool(acting)}
