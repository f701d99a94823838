"""The text of a notification, rendered when it is read, in the reader's language.

A notification stores what happened (its kind and a small JSON `params`), not a
sentence: the sentence is written here, in whatever language is active when the inbox,
the API or an e-mail renders it (`translation.override(language)` around the call for
an e-mail). Params hold display values captured when the notification was made
(names, titles, hours as numbers, dates and months as ISO strings), so rendering a page
of notifications reads nothing more from the database.

Params by key (the formatter is chosen by the key, the same in every kind):
- `title`, `expert`, `requester`, `manager`, `reason`, `note`, `deputy_for`: text as given;
- `discipline`: {"en": ..., "de": ...} (bilingual content) or plain text;
- `hours`, `spent`, `overrun`, `approved`, `requested`, `offer`: hours (numbers);
- `due`, `start`, `end`: ISO dates; `answer_by`: an ISO datetime; `month`: "YYYY-MM";
- `days`, `attempts`, `rating`: whole numbers;
- `variant`: which sentence of a kind that has more than one.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from content_workflow.models.messages import format_hours

HOURS = frozenset({"hours", "spent", "overrun", "approved", "requested", "offer"})
DATES = frozenset({"due", "start", "end"})


# --- Capturing (when a notification is made) ----------------------------------------------------


def hours_param(value):
    """Hours as a JSON number: 2.50 -> 2.5, 10.00 -> 10."""
    value = Decimal(str(value)).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def date_param(value):
    return value.isoformat()


def datetime_param(value):
    return value.isoformat()


def month_param(value):
    return f"{value.year:04d}-{value.month:02d}"


def bilingual_param(obj, field="name"):
    """A bilingual content value (a discipline's name) in both languages, so each reader
    gets theirs; just the one when the German is not filled in."""
    english = getattr(obj, field)
    german = getattr(obj, f"{field}_de", "") or ""
    return {"en": english, "de": german} if german and german != english else english


# --- Rendering (when it is read) ---------------------------------------------------------------


def _text(value):
    if isinstance(value, dict):  # bilingual: the reader's language, else English
        language = (get_language() or "en").split("-")[0]
        return value.get(language) or value.get("en") or next(iter(value.values()), "")
    return "" if value is None else str(value)


def _date(value):
    day = parse_date(str(value)) if value else None
    return date_format(day, "SHORT_DATE_FORMAT") if day else _text(value)


def _datetime(value):
    moment = parse_datetime(str(value)) if value else None
    if moment is None:
        return _text(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _month(value):
    try:
        year, month = str(value).split("-")[:2]
        return date_format(datetime.date(int(year), int(month), 1), "F Y")
    except (TypeError, ValueError):
        return _text(value)


def _hours(value):
    try:
        return format_hours(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return _text(value)


def _formatted(params):
    values = {}
    for key, value in params.items():
        if key in HOURS:
            values[key] = _hours(value)
        elif key in DATES:
            values[key] = _date(value)
        elif key == "answer_by":
            values[key] = _datetime(value)
        elif key == "month":
            values[key] = _month(value)
        else:
            values[key] = _text(value)
    return values


def _fill(template, values):
    """`template % values`, with one full stop where a value already ends in one: an
    English time ("9:32 p.m.") or a reason ("Too busy.") before the sentence's own stop
    would otherwise read "p.m.." (the same for "!", "?" and "…")."""
    for key, value in values.items():
        if value.endswith((".", "…", "!", "?")):
            template = template.replace(f"%({key})s.", f"%({key})s")
    return template % values


def _assigned(p):
    return gettext(
        "You are asked for expert input: “%(title)s”, due %(due)s. Please accept or decline by %(answer_by)s."
    )


def _cancelled(p):
    if p.get("variant") == "reassigned":
        return gettext("“%(title)s” was given to someone else; you need not work on it any more.")
    return gettext("“%(title)s” was cancelled; you need not work on it any more.")


def _completed(p):
    if p.get("variant") == "managers":
        text = gettext("%(requester)s thanked %(expert)s for the input on “%(title)s”.")
    else:
        text = gettext("%(requester)s completed “%(title)s” and thanks you for your input.")
    if p.get("rating"):
        text += gettext(" Usefulness: %(rating)s of 5.")
    if p.get("note"):
        text += gettext(" “%(note)s”")
    return text


def _escalation(p):
    return ngettext(
        "%(expert)s has not accepted or declined “%(title)s” within %(days)s business day: "
        "remind them, or give the request to someone else.",
        "%(expert)s has not accepted or declined “%(title)s” within %(days)s business days: "
        "remind them, or give the request to someone else.",
        int(p.get("days") or 0),
    )


def _stuck(p):
    return ngettext(
        "Routing “%(title)s” failed once: please pick an expert.",
        "Routing “%(title)s” failed %(attempts)s times: please pick an expert.",
        int(p.get("attempts") or 0),
    )


def _final_check(p):
    if p.get("variant") == "reminder":
        return gettext("Reminder: please check “%(title)s” before it goes out; it was due by %(answer_by)s.")
    return gettext("Please check “%(title)s” before it goes out, by %(answer_by)s: your input is in it.")


def _final_check_done(p):
    return {
        "approved": gettext("%(expert)s approved “%(title)s”."),
        "approved_with_changes": gettext("%(expert)s approved “%(title)s” with changes: see their comments."),
    }.get(p.get("variant"), gettext("%(expert)s asks for changes to “%(title)s”: see their comments."))


# One entry per kind: the sentence (a translatable template), or a function of the
# params that picks one (variants, plurals, optional parts).
TEMPLATES = {
    "assigned": _assigned,
    "accepted": _("%(expert)s accepted “%(title)s”."),
    "declined": _("%(expert)s declined “%(title)s”: %(reason)s. Routing looks for someone else."),
    "delivered": _("%(expert)s delivered input for “%(title)s”."),
    "completed": _completed,
    "cancelled": _cancelled,
    "reminder": _("Reminder: “%(title)s” is due %(due)s."),
    "due_tomorrow": _("“%(title)s” is due tomorrow (%(due)s)."),
    "overdue": _("“%(title)s” is overdue: it was due %(due)s."),
    "escalation": _escalation,
    "unroutable": _("Nobody suitable was found for “%(title)s”: please pick an expert."),
    "allocation_requested": _(
        "“%(title)s” needs %(hours)s h more of %(discipline)s's time in %(month)s than the budget has left: "
        "approve, approve fewer hours, name an expert, or reject."
    ),
    "allocation_approved": _("%(manager)s approved %(hours)s h for “%(title)s”; routing continues."),
    "allocation_partial": _(
        "%(manager)s approved %(approved)s of %(requested)s h for “%(title)s”. "
        "Accept an estimate of %(offer)s h, or withdraw the request."
    ),
    "allocation_rejected": _(
        "%(manager)s refused more time for “%(title)s”: %(reason)s Revise the request and submit it again, "
        "or cancel it."
    ),
    "overrun": _("%(expert)s spent %(spent)s h on “%(title)s”, %(overrun)s h more than estimated."),
    "stuck": _stuck,
    "final_check": _final_check,
    "final_check_done": _final_check_done,
    "deputy": _(
        "You stand in for %(manager)s in %(discipline)s from %(start)s to %(end)s: "
        "you approve time and receive escalations."
    ),
}


def notification_text(kind, params, fallback=""):
    """The sentence for a notification of `kind` with `params`, in the active language.

    `fallback` is the stored text of an old row whose params could not be recovered;
    it is shown as it was written when there is nothing to render from.
    """
    template = TEMPLATES.get(kind)
    if template is None or not params:
        return fallback
    values = _formatted(params)
    try:
        text = _fill(str(template if isinstance(template, Promise) else template(params)), values)
    except (KeyError, TypeError, ValueError):
        # A param missing (a row from an older version): the stored text, if any, is
        # better than half a sentence.
        return fallback or gettext("You have a new notification.")
    if params.get("deputy_for"):
        text += " " + gettext("(You stand in for %(manager)s.)") % {"manager": values["deputy_for"]}
    return text
