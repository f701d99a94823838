"""Business days and the deadlines set when a request is assigned."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from content_workflow.models import ResponseTarget

DEFAULT_RESPONSE_DAYS = 2
REMINDER_SHARE = Decimal("0.75")  # remind the assignee when this share of the time is gone


def add_business_days(moment, days):
    """`moment` plus `days` weekdays, same time of day: Friday 15:00 + 2 is Tuesday 15:00."""
    current = moment
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:  # Monday .. Friday
            days -= 1
    return current


# The day after this one, and any time zone's offset, still fit the calendar.
LAST_DUE_DATE = date.max - timedelta(days=1)


def due_moment(due_date):
    """A request is due by the end of its due date, in the site's time zone.

    A due date at the calendar's very end (9999-12-31, stored before due dates had a
    window) counts as due a day earlier rather than running off the calendar.
    """
    return timezone.make_aware(datetime.combine(min(due_date, LAST_DUE_DATE) + timedelta(days=1), time.min))


def response_days(discipline_id):
    target = ResponseTarget.objects.filter(discipline_id=discipline_id).values_list("business_days", flat=True)
    return next(iter(target), DEFAULT_RESPONSE_DAYS)


def assignment_deadlines(request, *, now, days=None):
    """The fields a (re)assignment sets: when to answer by, when to remind, markers reset.
    `days`: the discipline's response target in business days, if the caller has it."""
    local_now = timezone.localtime(now)
    due = due_moment(request.due_date)
    reminder_at = None
    if due > now:
        seconds = (due - now).total_seconds() * float(REMINDER_SHARE)
        reminder_at = now + timedelta(seconds=seconds)
    return {
        "assigned_at": now,
        "response_due_at": add_business_days(
            local_now, response_days(request.target_discipline_id) if days is None else days
        ),
        "reminder_at": reminder_at,
        "reminded_at": None,
        "reminded_day_before_at": None,
        "escalated_at": None,
    }
