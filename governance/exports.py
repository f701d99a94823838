"""The dashboard's tables as rows for a CSV file, and its figures as plain numbers.

Every table here is built from the same `governance.reporting` call as the card on the
page, for the same period and scope, so the CSV holds the page's numbers; the JSON API
(`governance/api/reports.py`) serves `reporting.summary()` through `figure_data`, so
page, CSV and JSON agree. A withheld figure (fewer than MIN_PEOPLE people) has no
number here either: its cells say "fewer than 3 people".

    table = TABLES["hours"]
    header, rows = table.build(period, scope, user=user, today=today)
    # (build answers None where the table is not on the page: per person, not agreed)

Numbers are written as numbers, in the figure's unit: hours, counts, a share as a
fraction 0-1, a duration (lead time) in days, a rating 1-5. The `text` column is the
page's own wording of the value ("83 %", "2.5 days").
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import reporting

DAY_SECONDS = Decimal(86400)
CENTS = Decimal("0.01")


def hours_number(value):
    """Hours to two places, however the database summed them ("30" or "30.00")."""
    return None if value is None else Decimal(value).quantize(CENTS)


def figure_number(figure):
    """The value of `figure` as a plain number in its unit (None: no data or withheld)."""
    value = figure.value
    if figure.suppressed or value is None:
        return None
    # By the value's type as well as the unit, so a figure added to reporting later with
    # another unit still comes out as a number.
    if isinstance(value, datetime.timedelta):
        return (Decimal(value.total_seconds()) / DAY_SECONDS).quantize(CENTS)
    if figure.unit == "hours":
        return hours_number(value)
    if figure.unit == "share":
        return Decimal(value).quantize(Decimal("0.0001"))
    if isinstance(value, float):
        return round(value, 2)
    return value


def figure_text(figure):
    """The value as the page writes it ("6 h", "83 %", "fewer than 3 people")."""
    from governance.templatetags.governance_figures import figure_value

    return figure_value(figure)


def figure_data(figure):
    """One figure as the API and the CSV give it."""
    return {
        "key": figure.key,
        "label": str(figure.label),
        "explanation": str(figure.explanation),
        "value": figure_number(figure),
        "unit": figure.unit,
        "suppressed": figure.suppressed,
        "text": figure_text(figure),
    }


def _withheld():
    return _("fewer than %(count)s people") % {"count": reporting.MIN_PEOPLE}


# --- The tables ---------------------------------------------------------------------------------


def _figure_table(figures):
    header = [_("Key"), _("Figure"), _("Value"), _("Unit"), _("As shown"), _("Withheld"), _("What it counts")]
    rows = []
    for figure in figures:
        data = figure_data(figure)
        rows.append(
            [
                data["key"],
                data["label"],
                data["value"],
                data["unit"],
                data["text"],
                data["suppressed"],
                data["explanation"],
            ]
        )
    return header, rows


def hours_table(period, scope, **_context):
    """Hours by discipline (the "Budget use" card), with a total row."""
    hours = reporting.hours_by_discipline(period, scope)
    names = ("approved", "reserved", "used", "overrun", "remaining")
    header = [_("Discipline"), *(f"{reporting.DEFINITIONS[f'hours_{name}'].label} (h)" for name in names)]
    rows = [[row.discipline.label, *(hours_number(getattr(row, name)) for name in names)] for row in hours.rows]
    rows.append([_("All disciplines"), *(hours_number(figure.value) for figure in hours.figures)])
    return header, rows


def delivery_table(period, scope, **_context):
    """What the model delivers: the delivery card's figures."""
    return _figure_table(reporting.delivery_figures(period, scope).figures)


def discipline_delivery_table(period, scope, **_context):
    """Delivery by discipline; a discipline with too few people shows the text, not numbers."""
    rows = reporting.delivery_by_discipline(period, scope)
    keys = ("contributions", "hours_delivered", "lead_time_median", "lead_time_p90", "lead_time", "rating")
    units = {"hours": " (h)", "duration": f" ({_('days')})", "rating": " (1-5)", "count": ""}
    header = [_("Discipline")]
    for key in keys:
        definition = reporting.DEFINITIONS[key]
        header.append(f"{definition.label}{units[definition.unit]}")
    result = []
    for row in rows:
        if row.suppressed:
            result.append([row.discipline.label, *([_withheld()] * len(keys))])
        else:
            result.append([row.discipline.label, *(figure_number(getattr(row, key)) for key in keys)])
    return header, result


def status_table(period, scope, *, today=None, **_context):
    """Requests now: each figure's total (no status), then its statuses; then past due."""
    now = reporting.request_status_figures(scope, today=today)
    header = [_("Figure"), _("Status"), _("Requests")]
    rows = []
    for group in now.groups:
        rows.append([group.figure.label, "", group.figure.value])
        rows += [[group.figure.label, status.label, count] for status, count in group.statuses]
    rows.append([now.overdue.label, "", now.overdue.value])
    return header, rows


def health_table(period, scope, *, user=None, today=None, **_context):
    """Model health now (the items the card shows to this reader)."""
    health = reporting.model_health(scope, today=today, viewer=user)
    return _figure_table(item.figure for item in health.items)


def people_table(period, scope, **_context):
    """Per person (only where the installation turned PERSON_FIGURES on; else None: no table)."""
    from governance import recognition

    rows = recognition.person_figures(period, scope)
    if rows is None:
        return None
    header = [_("Expert"), _("Contributions"), _("Hours"), _("Average rating")]

    def name(row):
        full = f"{row['author__first_name']} {row['author__last_name']}".strip()
        return full or row["author__username"]

    def lines():
        for row in rows.iterator(chunk_size=2000):
            rating = None if row["rating"] is None else round(float(row["rating"]), 2)
            yield [name(row), row["contributions"], hours_number(row["hours"]), rating]

    return header, lines()


def summary_table(period, scope, *, today=None, **_context):
    """Every figure of `reporting.summary()`: what the API answers, as CSV."""
    return _figure_table(reporting.summary(period, scope, today=today).values())


@dataclass(frozen=True)
class Table:
    title: str
    build: object
    # A snapshot of now (no period in the file name).
    now: bool = False


# URL slug -> table, in the dashboard's order.
TABLES = {
    "hours": Table(gettext_lazy("Budget use"), hours_table),
    "delivery": Table(gettext_lazy("What the model delivers"), delivery_table),
    "status": Table(gettext_lazy("Requests now"), status_table, now=True),
    "health": Table(gettext_lazy("Model health"), health_table, now=True),
    "disciplines": Table(gettext_lazy("Delivery by discipline"), discipline_delivery_table),
    "people": Table(gettext_lazy("Per person"), people_table),
    "summary": Table(gettext_lazy("All figures"), summary_table),
}


def reader_scope(user):
    """The scope of the figures `user` may read, or None when they may read none: those
    who read everything (executives, governance leads, admins) all disciplines, a manager
    (or deputy) the disciplines they manage, as on the dashboards and the health lists."""
    scope = reporting.Scope.for_user(user)
    if scope.is_everything or scope.discipline_ids:
        return scope
    return None
