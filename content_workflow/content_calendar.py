"""The content calendar: which period a page shows, the grid of days by channel, and the
iCalendar feed. Reads only; `pieces_selectors` does the queries (two per page)."""

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from content_workflow import pieces_selectors
from content_workflow.models import Channel, FinalCheck, PieceStatus

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
# The years the calendar pages through (the date arithmetic of a page stays in range).
YEARS = (1990, 2999)
# How far back the feed looks: calendars keep what they saw, the feed need not repeat it.
FEED_PAST_DAYS = 60
FEED_CHECKS = 200  # open final checks in the feed, soonest first


class BadPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str  # "month" or "week"
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def days(self):
        return [self.start + datetime.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def param(self):
        if self.kind == "month":
            return {"month": f"{self.start:%Y-%m}"}
        year, week, _weekday = self.start.isocalendar()
        return {"week": f"{year}-W{week:02d}"}

    def shifted(self, step):
        if self.kind == "week":
            return week_period(self.start + datetime.timedelta(weeks=step))
        first = self.start.replace(day=1)
        if step > 0:
            return month_period((first + datetime.timedelta(days=32)).replace(day=1))
        return month_period((first - datetime.timedelta(days=1)).replace(day=1))

    def other_view(self):
        """The week of the month's first day, or the month of the week's Thursday."""
        if self.kind == "month":
            return week_period(self.start)
        return month_period(self.start + datetime.timedelta(days=3))


def month_period(day):
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return Period("month", first, following - datetime.timedelta(days=1))


def week_period(day):
    monday = day - datetime.timedelta(days=day.weekday())
    return Period("week", monday, monday + datetime.timedelta(days=6))


def period_from(params, today):
    """The period of `?month=2026-12` or `?week=2026-W49` (default: this month). Raises
    `BadPeriod` with a message for a value that names no period."""
    week, month = params.get("week", ""), params.get("month", "")
    try:
        if week:
            match = WEEK.match(week.strip())
            if not match or not YEARS[0] <= int(match[1]) <= YEARS[1]:
                raise ValueError
            return week_period(datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1))
        if month:
            match = MONTH.match(month.strip())
            if not match or not YEARS[0] <= int(match[1]) <= YEARS[1]:
                raise ValueError
            return month_period(datetime.date(int(match[1]), int(match[2]), 1))
    except ValueError:
        raise BadPeriod(
            _("“%(value)s” is not a month like 2026-12 or a week like 2026-W49; showing this month.")
            % {"value": (week or month)[:20]}
        ) from None
    return month_period(today)


@dataclass
class Day:
    date: datetime.date
    cells: list = field(default_factory=list)  # (channel label, entries) per channel column

    @property
    def empty(self):
        return not any(entries for _label, entries in self.cells)


@dataclass(frozen=True)
class Entry:
    kind: str  # "planned", "published" or "input_due"
    piece: object
    request: object = None


def grid(user, period):
    """(channels shown, days): every day of the period, with the pieces and input due
    dates of each channel that has any (in the order of `Channel`)."""
    pieces = pieces_selectors.calendar_pieces(user, period.start, period.end)
    due = pieces_selectors.calendar_input_due(user, period.start, period.end)
    entries = [
        (
            piece.calendar_date,
            piece.channel,
            Entry("published" if piece.status == PieceStatus.PUBLISHED else "planned", piece),
        )
        for piece in pieces
    ]
    entries += [
        (request.due_date, request.piece.channel, Entry("input_due", request.piece, request)) for request in due
    ]
    used = {channel for _date, channel, _entry in entries}
    channels = [(value, label) for value, label in Channel.choices if value in used]
    column = {value: index for index, (value, _label) in enumerate(channels)}
    days = {day: Day(day, [(label, []) for _value, label in channels]) for day in period.days}
    for date, channel, entry in entries:
        days[date].cells[column[channel]][1].append(entry)
    return channels, list(days.values())


def feed_calendar(user, *, today, site):
    """The user's own due dates as an iCalendar (bytes): requests assigned to or accepted
    by them (due date), final checks waiting for them (answer-by day), and the pieces
    they own (planned publish date). All-day events
    with stable UIDs, so a calendar app updates an event when a date moves."""
    from icalendar import Calendar, Event

    requests, pieces = pieces_selectors.feed_items(user, since=today - datetime.timedelta(days=FEED_PAST_DAYS))
    calendar = Calendar()
    calendar.add("prodid", "-//Social media governance//content calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("My due dates"))
    stamp = datetime.datetime.now(datetime.UTC)
    for request in requests:
        event = Event()
        event.add("uid", f"request-{request.pk}@{site}")
        event.add("dtstamp", stamp)
        event.add("dtstart", request.due_date)
        event.add("dtend", request.due_date + datetime.timedelta(days=1))
        event.add("summary", _("Input due: %(title)s") % {"title": request.title})
        if request.piece_id:
            event.add("description", _("For the piece “%(piece)s”.") % {"piece": request.piece.title})
        calendar.add_component(event)
    checks = FinalCheck.objects.filter(expert=user, verdict=FinalCheck.Verdict.PENDING).select_related("piece")
    for check in checks.order_by("due_at")[:FEED_CHECKS]:
        due = timezone.localtime(check.due_at).date()
        event = Event()
        event.add("uid", f"check-{check.pk}@{site}")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + datetime.timedelta(days=1))
        event.add("summary", _("Final check due: %(title)s") % {"title": check.piece.title})
        calendar.add_component(event)
    for piece in pieces:
        event = Event()
        event.add("uid", f"piece-{piece.pk}@{site}")
        event.add("dtstamp", stamp)
        event.add("dtstart", piece.planned_publish_date)
        event.add("dtend", piece.planned_publish_date + datetime.timedelta(days=1))
        event.add(
            "summary",
            _("Publish: %(title)s (%(channel)s)") % {"title": piece.title, "channel": piece.get_channel_display()},
        )
        calendar.add_component(event)
    return calendar.to_ical()
