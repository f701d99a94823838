"""How far ahead (and back) due dates and budget months may be planned.

A due date in year 9999 once sat in routing for good: every attempt ran off the
calendar computing its deadlines. Dates a person types are therefore kept within a
window (today to `MAX_PLANNING_DAYS` ahead; budget months from a year back, for
corrections, to the month of that last day). The services check it, so pages, API and
admin refuse the same dates with the same message naming the field. Dates that come
from stored rows (an allocation's month) are not re-checked: what was accepted stays
workable, and the deadline arithmetic is safe at the calendar's edges anyway.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from content_workflow.permissions import month_start

BUDGET_MONTHS_BACK = 12


def latest_due_date(today=None):
    return (today or timezone.localdate()) + timedelta(days=settings.MAX_PLANNING_DAYS)


def budget_months(today=None):
    """(first, last) month a budget may be approved for."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - BUDGET_MONTHS_BACK
    first = today.replace(year=index // 12, month=index % 12 + 1, day=1)
    return first, month_start(latest_due_date(today))


def due_date_problem(value, today=None):
    """What is wrong with `value` as a due date, or None."""
    today = today or timezone.localdate()
    if value < today:
        return _("Choose a due date from today on.")
    latest = latest_due_date(today)
    if value > latest:
        return _("Choose a due date no later than %(date)s.") % {"date": date_format(latest, "SHORT_DATE_FORMAT")}
    return None


def budget_month_problem(value, today=None):
    """What is wrong with `value` (any day of it) as a budget month, or None."""
    first, last = budget_months(today)
    if first <= month_start(value) <= last:
        return None
    return _("Choose a month from %(first)s to %(last)s.") % {
        "first": date_format(first, "YEAR_MONTH_FORMAT"),
        "last": date_format(last, "YEAR_MONTH_FORMAT"),
    }


def check_due_date(value, *, field="due_date"):
    if problem := due_date_problem(value):
        raise ValidationError({field: problem})


def check_budget_month(value, *, field="month"):
    if problem := budget_month_problem(value):
        raise ValidationError({field: problem})
