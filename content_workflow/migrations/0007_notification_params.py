"""Notifications store what happened (`params`), and render their text when read.

Existing rows held a finished sentence, in English or (when the action was taken on a
German page) in German. The data step takes each sentence apart with the patterns the
code wrote it with, in both languages, and keeps the values as params (hours as
numbers, dates as ISO strings). A row that matches no pattern keeps its sentence in
`legacy_text` and is shown as it was written.

The patterns are copied here, not imported: later changes to the texts must not change
what this migration did.
"""

import datetime
import re
import zoneinfo

from django.conf import settings
from django.db import migrations, models

# kind -> [(variant or None, English, German)], as the code wrote them before this migration.
FORMATS = {
    "assigned": [
        (
            None,
            "You are asked for expert input: “%(title)s”, due %(due)s. Please accept or decline by %(answer_by)s.",
            "Sie werden um Experten-Input gebeten: „%(title)s“, fällig am %(due)s. "
            "Bitte nehmen Sie bis %(answer_by)s an oder lehnen Sie ab.",
        )
    ],
    "accepted": [(None, "%(expert)s accepted “%(title)s”.", "%(expert)s hat „%(title)s“ angenommen.")],
    "declined": [
        (
            None,
            "%(expert)s declined “%(title)s”: %(reason)s. Routing looks for someone else.",
            "%(expert)s hat „%(title)s“ abgelehnt: %(reason)s. Die Zuweisung sucht jemand anderen.",
        )
    ],
    "delivered": [
        (None, "%(expert)s delivered input for “%(title)s”.", "%(expert)s hat Input für „%(title)s“ geliefert.")
    ],
    "completed": [
        (
            "managers",
            "%(requester)s thanked %(expert)s for the input on “%(title)s”.",
            "%(requester)s hat %(expert)s für den Input zu „%(title)s“ gedankt.",
        ),
        (
            None,
            "%(requester)s completed “%(title)s” and thanks you for your input.",
            "%(requester)s hat „%(title)s“ abgeschlossen und dankt Ihnen für Ihren Input.",
        ),
    ],
    "cancelled": [
        (
            "reassigned",
            "“%(title)s” was given to someone else; you need not work on it any more.",
            "„%(title)s“ wurde an jemand anderen vergeben; Sie müssen nicht mehr daran arbeiten.",
        ),
        (
            None,
            "“%(title)s” was cancelled; you need not work on it any more.",
            "„%(title)s“ wurde abgebrochen; Sie müssen nicht mehr daran arbeiten.",
        ),
    ],
    "reminder": [(None, "Reminder: “%(title)s” is due %(due)s.", "Erinnerung: „%(title)s“ ist am %(due)s fällig.")],
    "due_tomorrow": [(None, "“%(title)s” is due tomorrow (%(due)s).", "„%(title)s“ ist morgen fällig (%(due)s).")],
    "overdue": [
        (
            None,
            "“%(title)s” is overdue: it was due %(due)s.",
            "„%(title)s“ ist überfällig: Fälligkeitsdatum war der %(due)s.",
        )
    ],
    "escalation": [
        (
            None,
            "%(expert)s has not accepted or declined “%(title)s” within %(days)s business day(s): "
            "remind them, or give the request to someone else.",
            "%(expert)s hat „%(title)s“ nicht innerhalb von %(days)s Werktag(en) angenommen oder abgelehnt: "
            "Erinnern Sie die Person oder geben Sie die Anfrage an jemand anderen.",
        )
    ],
    "unroutable": [
        (
            None,
            "Nobody suitable was found for “%(title)s”: please pick an expert.",
            "Für „%(title)s“ wurde niemand Passendes gefunden: Bitte wählen Sie einen Experten aus.",
        )
    ],
    "allocation_requested": [
        (
            None,
            "“%(title)s” needs %(hours)s h more of %(discipline)s's time in %(month)s than the budget has left: "
            "approve, approve fewer hours, name an expert, or reject.",
            "„%(title)s“ braucht im %(month)s %(hours)s h mehr Zeit von %(discipline)s, als das Budget noch hat: "
            "Genehmigen Sie, genehmigen Sie weniger Stunden, benennen Sie einen Experten oder lehnen Sie ab.",
        )
    ],
    "allocation_approved": [
        (
            None,
            "%(manager)s approved %(hours)s h for “%(title)s”; routing continues.",
            "%(manager)s hat %(hours)s h für „%(title)s“ genehmigt; die Zuweisung geht weiter.",
        )
    ],
    "allocation_partial": [
        (
            None,
            "%(manager)s approved %(approved)s of %(requested)s h for “%(title)s”. "
            "Accept an estimate of %(offer)s h, or withdraw the request.",
            "%(manager)s hat %(approved)s von %(requested)s h für „%(title)s“ genehmigt. "
            "Nehmen Sie eine Schätzung von %(offer)s h an oder ziehen Sie die Anfrage zurück.",
        )
    ],
    "allocation_rejected": [
        (
            None,
            "%(manager)s refused more time for “%(title)s”: %(reason)s Revise the request and submit it again, "
            "or cancel it.",
            "%(manager)s hat zusätzliche Zeit für „%(title)s“ abgelehnt: %(reason)s Überarbeiten Sie die Anfrage "
            "und reichen Sie sie erneut ein, oder brechen Sie sie ab.",
        )
    ],
    "overrun": [
        (
            None,
            "%(expert)s spent %(spent)s h on “%(title)s”, %(overrun)s h more than estimated.",
            "%(expert)s hat %(spent)s h für „%(title)s“ aufgewendet, %(overrun)s h mehr als geschätzt.",
        )
    ],
    "stuck": [
        (
            None,
            "Routing “%(title)s” failed %(attempts)s times: please pick an expert.",
            "Die Zuweisung von „%(title)s“ ist %(attempts)s-mal fehlgeschlagen: Bitte wählen Sie einen Experten aus.",
        )
    ],
    "deputy": [
        (
            None,
            "You stand in for %(manager)s in %(discipline)s from %(start)s to %(end)s: "
            "you approve time and receive escalations.",
            "Sie vertreten %(manager)s in %(discipline)s vom %(start)s bis %(end)s: "
            "Sie genehmigen Zeit und erhalten Eskalationen.",
        )
    ],
}
# Appended to a manager's notification when a deputy received it, and to a thank-you.
DEPUTY = {
    "en": re.compile(r"^(?P<text>.*) \(You stand in for (?P<name>.+)\.\)$"),
    "de": re.compile(r"^(?P<text>.*) \(Sie vertreten (?P<name>.+)\.\)$"),
}
NOTE = {
    "en": re.compile(r"^(?P<text>.*) “(?P<note>.*)”$", re.S),
    "de": re.compile(r"^(?P<text>.*) „(?P<note>.*)“$", re.S),
}
RATING = {
    "en": re.compile(r"^(?P<text>.*) Usefulness: (?P<rating>[1-5]) of 5\.$", re.S),
    "de": re.compile(r"^(?P<text>.*) Nützlichkeit: (?P<rating>[1-5]) von 5\.$", re.S),
}

HOURS = {"hours", "spent", "overrun", "approved", "requested", "offer"}
DATES = {"due", "start", "end"}
NUMBERS = {"days", "attempts", "rating"}
MONTHS = {
    "en": [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    "de": [
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ],
}


def _pattern(text):
    return re.compile("^" + re.sub(r"%\\\((\w+)\\\)s", r"(?P<\1>.+?)", re.escape(text)) + "$", re.S)


PATTERNS = [
    (kind, variant, language, _pattern(text))
    for kind, formats in FORMATS.items()
    for variant, english, german in formats
    for language, text in (("en", english), ("de", german))
]


def _hours(value, language):
    # German writes 1.234,5 and English 1,234.5.
    value = value.strip().replace(".", "").replace(",", ".") if language == "de" else value.strip().replace(",", "")
    number = float(value)
    return int(number) if number == int(number) else number


def _date(value, language):
    if language == "de":
        day, month, year = value.strip().split(".")
    else:
        month, day, year = value.strip().split("/")
    return datetime.date(int(year), int(month), int(day))


def _time(value, language):
    """English "9:32 p.m.", "9 a.m.", "noon", "midnight"; German "21:32"."""
    value = value.strip()
    if language == "de":
        hour, minute = value.split(":")
        return datetime.time(int(hour), int(minute))
    if value == "midnight":
        return datetime.time(0, 0)
    if value == "noon":
        return datetime.time(12, 0)
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))? ([ap])\.m\.", value)
    hour, minute = int(match[1]) % 12, int(match[2] or 0)
    return datetime.time(hour + (12 if match[3] == "p" else 0), minute)


def _datetime(value, language):
    day, _space, time = value.strip().partition(" ")
    moment = datetime.datetime.combine(_date(day, language), _time(time, language))
    return moment.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)).isoformat()


def _month(value, language):
    name, year = value.strip().rsplit(" ", 1)
    return f"{int(year):04d}-{MONTHS[language].index(name.lower()) + 1:02d}"


def _value(key, value, language):
    if key in HOURS:
        return _hours(value, language)
    if key in DATES:
        return _date(value, language).isoformat()
    if key == "answer_by":
        return _datetime(value, language)
    if key == "month":
        return _month(value, language)
    if key in NUMBERS:
        return int(value)
    return value


def params_from_text(kind, text):
    """The params of an old notification's sentence, or None if it cannot be taken apart."""
    for language in ("en", "de"):
        extra = {}
        rest = text
        deputy = DEPUTY[language].match(rest)
        if deputy:
            rest, extra["deputy_for"] = deputy["text"], deputy["name"]
        if kind == "completed":
            note = NOTE[language].match(rest)
            if note and note["text"].endswith("."):  # the note follows the sentence's full stop
                rest, extra["note"] = note["text"], note["note"]
            rating = RATING[language].match(rest)
            if rating:
                rest, extra["rating"] = rating["text"], int(rating["rating"])
        for pattern_kind, variant, pattern_language, pattern in PATTERNS:
            if pattern_kind != kind or pattern_language != language:
                continue
            match = pattern.match(rest)
            if match is None:
                continue
            try:
                params = {key: _value(key, value, language) for key, value in match.groupdict().items()}
            except (AttributeError, IndexError, TypeError, ValueError):
                continue
            if variant:
                params["variant"] = variant
            return {**params, **extra}
    return None


def forwards(apps, schema_editor):
    Notification = apps.get_model("content_workflow", "Notification")
    batch = []
    for notification in Notification.objects.only("pk", "kind", "legacy_text").iterator(chunk_size=2000):
        params = params_from_text(notification.kind, notification.legacy_text)
        if params is None:
            continue  # shown as it was written
        notification.params, notification.legacy_text = params, ""
        batch.append(notification)
        if len(batch) >= 1000:
            Notification.objects.bulk_update(batch, ["params", "legacy_text"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["params", "legacy_text"])


def backwards(apps, schema_editor):
    """Back to stored sentences: the English one, with the values as stored."""
    Notification = apps.get_model("content_workflow", "Notification")
    formats = {(kind, variant): english for kind, items in FORMATS.items() for variant, english, _german in items}
    batch = []
    for notification in Notification.objects.filter(legacy_text="").iterator(chunk_size=2000):
        params = notification.params or {}
        english = formats.get((notification.kind, params.get("variant")))
        try:
            text = english % {key: str(value) for key, value in params.items()} if english else ""
        except (KeyError, TypeError, ValueError):
            text = ""
        if params.get("rating"):
            text += f" Usefulness: {params['rating']} of 5."
        if params.get("note"):
            text += f" “{params['note']}”"
        if params.get("deputy_for"):
            text += f" (You stand in for {params['deputy_for']}.)"
        notification.legacy_text = text[:500]
        batch.append(notification)
    Notification.objects.bulk_update(batch, ["legacy_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("content_workflow", "0006_list_counts_and_own_contributions"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
        migrations.RenameField(model_name="notification", old_name="text", new_name="legacy_text"),
        migrations.AlterField(
            model_name="notification",
            name="legacy_text",
            field=models.CharField(blank=True, max_length=500, verbose_name="old text"),
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
