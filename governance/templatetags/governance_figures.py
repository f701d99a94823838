"""The dashboards' figures, from `governance.reporting`, with what each counts.

    {% load governance_figures %}
    {{ figure|figure_value }}        a Figure in its unit ("6 h", "83 %", "2.5 days", "4.0 / 5")
    {% period_menu %}                the period links of a dashboard
    {% hours_card %}  {% delivery_card %}  {% status_card %}   the executive dashboard's cards

The cards read the period from the page's context (`period`, set by the dashboard view;
this month if missing) and what they share is computed once per request, so the page
costs a fixed number of queries.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _

from content_workflow.templatetags.workflow_manage import hours, lead_time, percent
from governance import reporting

register = template.Library()


@register.filter
def figure_value(figure):
    value, unit = figure.value, figure.unit
    if unit == "hours":
        return _("%(hours)s h") % {"hours": hours(value)}
    if unit == "share":
        return percent(value)
    if unit == "duration":
        return lead_time(value)
    if unit == "rating":
        if value is None:
            return "–"
        return _("%(rating)s / 5") % {"rating": floatformat(value, 1)}
    return "–" if value is None else str(value)


def period_label(period):
    from django.utils.formats import date_format

    if period.is_one_month:
        return date_format(period.start, "YEAR_MONTH_FORMAT")
    return _("%(start)s to %(end)s") % {
        "start": date_format(period.start, "DATE_FORMAT"),
        "end": date_format(period.end, "DATE_FORMAT"),
    }


register.filter("period_label", period_label)


def _period(context):
    period = context.get("period")
    return period or reporting.Period.month(timezone.localdate())


def _cached(context, name, compute):
    """Once per request, whichever card asks first."""
    request = context["request"]
    key = f"_governance_figures_{name}"
    if not hasattr(request, key):
        setattr(request, key, compute(request))
    return getattr(request, key)


def _scope(context):
    return _cached(context, "scope", lambda request: reporting.Scope.for_user(request.user))


def _hours(context):
    period, scope = _period(context), _scope(context)
    return _cached(context, "hours", lambda request: reporting.hours_by_discipline(period, scope))


@register.inclusion_tag("governance/_period_menu.html", takes_context=True)
def period_menu(context):
    current = context.get("period_key", reporting.DEFAULT_PERIOD)
    return {
        "choices": [(key, label, key == current) for key, (label, _compute) in reporting.PERIOD_CHOICES.items()],
        "period": _period(context),
    }


@register.inclusion_tag("content_workflow/_manage_card_budgets.html", takes_context=True)
def hours_card(context):
    figures = _hours(context)
    return {"hours": figures, "rows": figures.rows, "scale": figures.scale, "period": figures.period, "manager": False}


@register.inclusion_tag("governance/_figures_delivery.html", takes_context=True)
def delivery_card(context):
    period, scope = _period(context), _scope(context)
    return {"delivery": reporting.delivery_figures(period, scope, hours=_hours(context)), "period": period}


@register.inclusion_tag("governance/_figures_status.html", takes_context=True)
def status_card(context):
    return {"now": reporting.request_status_figures(_scope(context))}
