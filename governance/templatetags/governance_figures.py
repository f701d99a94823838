"""The dashboards' figures, from `governance.reporting`, with what each counts.

    {% load governance_figures %}
    {{ figure|figure_value }}        a Figure in its unit ("6 h", "83 %", "2.5 days", "4.0 / 5")
    {% figure_change figure as change %}  "+12 % vs previous period" (from the context's `changes`)
    {% period_menu %}                the period links of a dashboard
    {% hours_card %}  {% delivery_card %}  {% status_card %}   the executive dashboard's cards
    {% health_card %}                model health, each count linking to the rows it counts
    {% discipline_delivery_card %}   delivery per discipline (small groups withheld)
    {% thanks_card %}  {% person_figures_card %}   recognition (governance/recognition.py)

The cards read the period from the page's context (`period`, set by the dashboard view;
this month if missing) and what they share is computed once per request, so the page
costs a fixed number of queries.
"""

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _

from content_workflow.templatetags.workflow_manage import hours, lead_time, percent
from governance import reporting
from governance.figures_filter import known_disciplines

register = template.Library()


@register.filter
def figure_value(figure):
    if figure.suppressed:
        return _("fewer than %(count)s people") % {"count": reporting.MIN_PEOPLE}
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


def _signed(number, decimals=0):
    from django.utils.formats import number_format

    if not number:
        return "±0"
    sign = "+" if number > 0 else "\u2212"
    return sign + number_format(abs(number), decimal_pos=decimals)


# Period figures -> the request list's date filter that lists exactly the requests they
# count (content_workflow.api.filters, the same rules as governance.reporting).
DRILL_DOWN = {
    **dict.fromkeys(
        (
            "contributions",
            "hours_used",
            "hours_overrun",
            "hours_delivered",
            "lead_time",
            "lead_time_median",
            "lead_time_p90",
            "on_time",
            "rating",
        ),
        "delivered",
    ),
    "requests_opened": "submitted",
    "requests_completed": "completed",
    "requests_cancelled": "cancelled",
    "requests_declined": "declined",
    "requests_unroutable": "unroutable",
    "response_breaches": "escalated",
}


def figure_url(key, period, scope):
    """The request list of exactly the requests a period figure counts ("" for others)."""
    name = DRILL_DOWN.get(key)
    if name is None:
        return ""
    days = {f"{name}_after": period.start.isoformat(), f"{name}_before": period.end.isoformat()}
    return request_list_url(days, scope)


@register.simple_tag(takes_context=True)
def figure_link(context, figure):
    """Where a figure drills down to; none for a withheld figure (the list would count
    what the figure hides)."""
    scope = context.get("figures_scope")  # the cards pass the page's scope down
    if figure.suppressed or scope is None:
        return ""
    return figure_url(figure.key, _period(context), scope)


@register.simple_tag(takes_context=True)
def figure_change(context, figure):
    """The figure against the previous period of the same length ("+12 % vs previous
    period"), from the context's `changes` ({key: Change}); "" when there is nothing to
    compare (no figure then, withheld, or a card without changes)."""
    return change_text(context.get("changes"), figure)


def change_text(changes, figure):
    change = (changes or {}).get(figure.key)
    if change is None or change.previous is None:
        return ""
    if change.unit == "share":
        points = round(change.points)
        return _("%(change)s points vs previous period") % {"change": _signed(points)}
    if change.relative is None:
        # Nothing then and nothing now says nothing.
        return "" if not change.value else _("none in the previous period")
    return _("%(change)s %% vs previous period") % {"change": _signed(round(change.relative * 100))}


@register.filter
def get_item(mapping, key):
    """`mapping[key]`, or "" when it has none (a link that is not there)."""
    return (mapping or {}).get(key, "")


@register.filter
def hours_unit(value):
    """Hours with their unit: "4.5 h"."""
    return _("%(hours)s h") % {"hours": hours(value)}


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
    """The scope the page chose (`figures_scope`, see governance.figures_filter), else
    everything the reader may see."""
    chosen = context.get("figures_scope")
    if chosen is not None:
        return chosen
    return _cached(context, "scope", lambda request: reporting.Scope.for_user(request.user))


def _reports(context):
    """The period's figures and the previous period's (for the change), computed together
    once per page: the queries of one period (reporting.reports_by_period)."""
    period, scope = _period(context), _scope(context)
    return _cached(
        context,
        "reports",
        lambda request: reporting.reports_by_period(
            [period, period.previous()], scope, disciplines=known_disciplines(context)
        ),
    )


def _hours(context):
    return _reports(context)[0].hours


def _delivery(context):
    return _reports(context)[0].delivery


def _figures(context):
    """The period's figures, {key: Figure}."""
    return _reports(context)[0].figures


def _changes(context):
    """{key: Change} against the previous period of the same length."""
    return _cached(
        context, "changes", lambda request: reporting.compare(_figures(context), _reports(context)[1].figures)
    )


@register.inclusion_tag("governance/_period_menu.html", takes_context=True)
def period_menu(context):
    """The period links, the custom range and the scope (governance.figures_filter)."""
    current = context.get("period_key", reporting.DEFAULT_PERIOD)
    chosen = context.get("figures_filter")
    return {
        "choices": [(key, label, key == current) for key, (label, _compute) in reporting.PERIOD_CHOICES.items()],
        "period": _period(context),
        "chosen": chosen,
        # The links keep a scope that was chosen (and drop one that named nothing).
        "scope_param": chosen.scope_key if chosen and chosen.scope_key != "all" else None,
        "request": context["request"],
        "cache_minutes": settings.FIGURES_CACHE_SECONDS // 60,
    }


@register.inclusion_tag("content_workflow/_manage_card_budgets.html", takes_context=True)
def hours_card(context):
    figures = _hours(context)
    return {
        "figures_scope": _scope(context),
        "hours": figures,
        "rows": figures.rows,
        "scale": figures.scale,
        "period": figures.period,
        "manager": False,
        "changes": _changes(context),
    }


@register.inclusion_tag("governance/_figures_delivery.html", takes_context=True)
def delivery_card(context):
    return {
        "figures_scope": _scope(context),
        "delivery": _delivery(context),
        "period": _period(context),
        "min_people": reporting.MIN_PEOPLE,
        "changes": _changes(context),
    }


@register.inclusion_tag("governance/_figures_flow.html", takes_context=True)
def flow_card(context):
    """Requests through the period and extra time asked for, with their change."""
    figures = _figures(context)
    return {
        "figures_scope": _scope(context),
        "flow": [figures[key] for key in reporting.FLOW_KEYS],
        "allocations": [figures[key] for key in reporting.ALLOCATION_KEYS],
        "period": _period(context),
        "min_people": reporting.MIN_PEOPLE,
        "changes": _changes(context),
    }


@register.inclusion_tag("governance/_figures_status.html", takes_context=True)
def status_card(context):
    scope = _scope(context)
    now = reporting.request_status_figures(scope)
    links = {status.value: status_url(status, scope) for group in now.groups for status, _count in group.statuses}
    overdue = health_url("requests_overdue", scope, reporting.next_month(timezone.localdate()))
    return {"now": now, "links": links, "overdue_link": overdue}


def status_url(status, scope):
    """The request list of the requests in `status` now, in the scope (what a status row counts)."""
    return request_list_url({"status": getattr(status, "value", status)}, scope)


# --- Model health ------------------------------------------------------------------------------


def health_url(key, scope, next_month):
    """Where a health figure drills down to: a list of exactly the rows it counts."""
    from django.urls import reverse

    from governance.views.health import SLUGS

    if key in SLUGS:
        return reverse("health", args=[SLUGS[key]])
    if key == "health_vacancies":
        return reverse("roles:staffing") + "#vacancies-heading"
    rule = {"health_requests_stuck": "stuck", "requests_overdue": "past_due"}[key]
    return request_list_url({rule: "true"}, scope)


def request_list_url(filters, scope):
    """The request list (every visible request, `show=all`) with the drill-down `filters`,
    limited to the scope's disciplines: where every figure of requests links to."""
    from urllib.parse import urlencode

    from django.urls import reverse

    query = {"show": "all", **filters}
    if not scope.is_everything:
        query["disciplines"] = ",".join(str(pk) for pk in sorted(scope.discipline_ids)) or "0"
    return reverse("content_workflow:request_list") + "?" + urlencode(query)


@register.inclusion_tag("governance/_figures_health.html", takes_context=True)
def health_card(context):
    scope = _scope(context)
    request = context["request"]
    if not scope.is_everything and not scope.discipline_ids:
        return {"health": None}
    health = reporting.model_health(scope, viewer=request.user)
    links = [(item, health_url(item.key, scope, health.next_month)) for item in health.items]
    return {"health": health, "links": links, "whole": scope.is_everything}


# --- Charts ------------------------------------------------------------------------------------


@register.inclusion_tag("governance/_figures_trend.html", takes_context=True)
def trend_card(context):
    """Twelve months of hours and requests, as columns with their data tables."""
    from django.utils.formats import date_format

    from content_workflow import charts as bars
    from governance import charts

    period, scope = _period(context), _scope(context)
    months = reporting.trend(period, scope)
    columns = [date_format(month.month, "M") for month in months]

    # Each month's numbers (bars and table) lead to the requests they count.
    links = [
        {
            key: figure_url(figure, reporting.Period.month(month.month), scope)
            for key, figure in (
                ("used", "hours_used"),
                ("overrun", "hours_overrun"),
                ("opened", "requests_opened"),
                ("completed", "requests_completed"),
            )
        }
        for month in months
    ]

    def column_links(key):
        return tuple(link[key] for link in links)

    hours_chart = charts.column_chart(
        columns,
        [
            charts.Series("used", bars.USED, _("used"), tuple(m.used for m in months), column_links("used")),
            charts.Series(
                "overrun", bars.OVERRUN, _("overrun"), tuple(m.overrun for m in months), column_links("overrun")
            ),
        ],
        label=_("Hours used and overrun per month, the last twelve months"),
        stacked=True,
        format_value=hours_unit,
    )
    requests_chart = charts.column_chart(
        columns,
        [
            charts.Series("opened", OPENED, _("Opened"), tuple(m.opened for m in months), column_links("opened")),
            charts.Series(
                "completed", COMPLETED, _("Completed"), tuple(m.completed for m in months), column_links("completed")
            ),
        ],
        label=_("Requests opened and completed per month, the last twelve months"),
        whole=True,
    )
    return {
        "months": months,
        "month_links": zip(months, links, strict=True),
        "hours_chart": hours_chart,
        "hours_legend": [("used", bars.USED, _("used")), ("overrun", bars.OVERRUN, _("overrun"))],
        "requests_chart": requests_chart,
        "requests_legend": [("opened", OPENED, _("Opened")), ("completed", COMPLETED, _("Completed"))],
    }


OPENED = "#0ea5e9"
COMPLETED = "#15803d"


def _discipline_rows(context):
    period, scope = _period(context), _scope(context)
    return _cached(
        context,
        "discipline_rows",
        lambda request: reporting.delivery_by_discipline(period, scope, disciplines=known_disciplines(context)),
    )


def lead_time_bars(rows):
    """[(row, svg)] of the disciplines with lead times shown: the median filled, on to
    the 90th percentile, on one scale."""
    from content_workflow.templatetags.workflow_manage import lead_time as lead_text
    from governance import charts

    shown = [row for row in rows if not row.suppressed and row.lead_time_p90.value is not None]
    scale = max((row.lead_time_p90.value for row in shown), default=None)
    result = []
    for row in shown:
        label = _("%(discipline)s: median %(median)s, 90th percentile %(p90)s") % {
            "discipline": row.discipline.label,
            "median": lead_text(row.lead_time_median.value),
            "p90": lead_text(row.lead_time_p90.value),
        }
        result.append((row, charts.range_bar(row.lead_time_median.value, row.lead_time_p90.value, scale, label=label)))
    return result


# --- Recognition -------------------------------------------------------------------------------


@register.inclusion_tag("governance/_figures_discipline_delivery.html", takes_context=True)
def discipline_delivery_card(context):
    rows = _discipline_rows(context)
    period = _period(context)
    return {
        "rows": rows,
        # Each discipline's count leads to its requests delivered in the period (not for
        # a withheld row: the list would count what the row hides).
        "links": {
            row.discipline.pk: figure_url("contributions", period, reporting.Scope.of({row.discipline.pk}))
            for row in rows
            if not row.suppressed
        },
        "lead_bars": lead_time_bars(rows),
        "legend": [("median", "#1d4ed8", _("median")), ("p90", "#93c5fd", _("90th percentile"))],
        "period": _period(context),
        "min_people": reporting.MIN_PEOPLE,
    }


@register.inclusion_tag("governance/_figures_content.html", takes_context=True)
def content_card(context):
    """Pieces published, expert hours per piece, final-check turnaround (issue 11)."""
    return {"content": reporting.content_figures(_period(context), _scope(context)), "period": _period(context)}


@register.inclusion_tag("governance/_figures_thanks.html", takes_context=True)
def thanks_card(context):
    from governance import recognition

    period, scope = _period(context), _scope(context)
    return {"thanks": recognition.most_thanked(period, scope), "period": period}


PERSON_ROWS = 20


@register.inclusion_tag("governance/_figures_people.html", takes_context=True)
def person_figures_card(context):
    from django.core.paginator import Paginator

    from governance import recognition

    period, scope = _period(context), _scope(context)
    rows = recognition.person_figures(period, scope)
    if rows is None:
        return {"enabled": False}
    request = context["request"]
    page = Paginator(rows, PERSON_ROWS).get_page(request.GET.get("people_page"))
    return {"enabled": True, "page_obj": page, "period": period}
