"""Texts for stored codes, rendered in the reader's language.

Routing reasons and timeline events are stored as {"code": ..., params}, not as text,
so a German reader sees German even when an English-speaking worker wrote the row.

People in that data are stored by id, as {"user": <id>} (a manager's deputy reached by an
escalation as {"user": <id>, "deputy_of": <id>}), never by name: the timelines are
append-only, and a name copied into them would outlive the person's erasure
(governance.personal_data). `describe` looks the names up when the text is read, so an
erased person shows as their pseudonym. Rows written before this change hold the name
as text; those render as they were written.
"""

import functools
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TEMPLATES = {
    "no_active_model": _("No organisational model is active, so nobody can be asked."),
    "out_of_scope": _("The active organisational model does not let the requester ask this discipline."),
    "no_candidates": _(
        "Nobody suitable: %(experts)s expert(s) in the discipline, %(absent)s absent, "
        "%(declined)s declined, %(busy)s without room in their weekly capacity."
    ),
    "no_budget": _(
        "Experts are available, but the %(month)s budget has %(remaining)s h left for %(hours)s h: "
        "%(shortfall)s h asked of the managers."
    ),
    "manager_pick": _("Chosen by %(manager)s."),
    "overbooked": _(
        "Over capacity: %(name)s has %(load)s h open and takes %(hours)s h more, with %(capacity)s h a week."
    ),
    "escalated": _("Not answered within %(days)s business day(s): escalated to %(names)s."),
    "reminder": _("Reminder sent to %(name)s."),
    "due_tomorrow": _("Due tomorrow: reminder sent to %(name)s."),
    "overdue": _("The due date %(due)s has passed."),
    "requeued": _("Routing queued again by the sweeper (attempt %(attempt)s of %(max)s)."),
    "gave_up": _("Routing failed %(attempts)s times; a manager picks an expert."),
    "allocation_approved": _("%(hours)s h approved."),
    "allocation_partial": _("%(approved)s of %(requested)s h approved; the requester may accept %(offer)s h."),
    "allocation_rejected": _("More time refused."),
    "offer_accepted": _("Estimate lowered to %(estimate)s h."),
    "delivered": _("%(hours)s h spent for an estimate of %(estimate)s h."),
    "overrun": _("%(hours)s h spent for an estimate of %(estimate)s h: %(overrun)s h over."),
    "shared": _("Shared with %(name)s."),
    "rating_changed": _("Rating changed from %(before)s to %(after)s of 5."),
    "rating_added": _("Rated %(after)s of 5."),
    "thanks_changed": _("Thank-you note changed."),
    # Content pieces (issue 11).
    "piece_version": _("Version %(number)s of the text saved."),
    "piece_rescheduled": _("Planned publish date changed from %(before)s to %(after)s."),
    "piece_published": _("Published at %(url)s on %(date)s."),
    "piece_request": _("Expert input requested: “%(title)s”."),
    "piece_edited": _("Changed: %(fields)s."),
    "piece_check": _("%(expert)s on version %(version)s: %(verdict)s."),
}


# --- People in stored data ---------------------------------------------------------------


def person_ref(user, *, deputy_of=None):
    """How stored data names a person (a user or their id): by id, see the module docstring."""
    marker = {"user": getattr(user, "pk", user)}
    if deputy_of is not None:
        marker["deputy_of"] = getattr(deputy_of, "pk", deputy_of)
    return marker


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_person(value):
    return isinstance(value, dict) and _is_id(value.get("user")) and set(value) <= {"user", "deputy_of"}


def person_ids(data):
    """The ids of every person `data` (a dict, list or scalar, nested) names."""
    if _is_person(data):
        return {data["user"]} | ({data["deputy_of"]} if _is_id(data.get("deputy_of")) else set())
    if isinstance(data, dict):
        data = data.values()
    elif not isinstance(data, list | tuple):
        return set()
    found = set()
    for value in data:
        found |= person_ids(value)
    return found


def _people(ids):
    """{id: user} for these ids, with the fields a name needs only; one query (none for no ids)."""
    if not ids:
        return {}
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=ids).only("pk", "username", "first_name", "last_name")
    return {user.pk: user for user in users}


def _names(users):
    """{id: display name} of {id: user}."""
    from content_workflow.services.notifications import display_name

    return {pk: display_name(user) for pk, user in users.items()}


def names_of(ids):
    """{id: display name} for the users with these ids, in one query (none for no ids)."""
    return _names(_people(ids))


def _person_fields(obj, paths):
    """(holder, foreign key to a user) for each path ("requester", "request__requester")
    on `obj`, the steps before the last already loaded with it."""
    for path in paths:
        *steps, name = path.split("__")
        holder = obj
        for step in steps:
            holder = getattr(holder, step)
        yield holder, holder._meta.get_field(name)


def _holders(obj):
    """`obj` and what comes loaded with it whose stored data may name people: objects
    with `person_data()` (the dicts they render) and `person_holders()` (nested ones)."""
    if hasattr(obj, "person_data"):
        yield obj
    for nested in obj.person_holders() if hasattr(obj, "person_holders") else ():
        yield from _holders(nested)


def names_attach(objects, *, people=()):
    """Load the names that the stored data of `objects` (and of what is prefetched with
    them) mentions, in one query, and give each of them the mapping: their texts then
    render without a query of their own. Call it for every list of events or requests
    whose texts are shown. Returns the mapping.

    `people`: paths of foreign keys to users on each object ("requester",
    "request__requester"); those users (name fields only) come from the same query and
    are set on the objects, instead of a join of the user table per person and row."""
    holders = [holder for obj in objects for holder in _holders(obj)]
    ids = set()
    for holder in holders:
        for data in holder.person_data():
            ids |= person_ids(data)
    named = [(holder, field) for obj in objects for holder, field in _person_fields(obj, people)]
    ids |= {getattr(holder, field.attname) for holder, field in named} - {None}
    users = _people(ids)
    names = _names(users)
    for holder in holders:
        holder._names = names
    for holder, field in named:
        pk = getattr(holder, field.attname)
        # The cache, not the attribute: the id stays as stored whatever is found.
        field.set_cached_value(holder, users.get(pk) if pk is not None else None)
    return names


class WithNames:
    """A QuerySet mixin: `.with_names()` makes the rows, once fetched (prefetches
    included), carry the names their texts need (`names_attach`), in one more query;
    `people` as for names_attach (leave them out of select_related)."""

    _with_names = False
    _name_people = ()

    def with_names(self, *, people=()):
        clone = self._chain()
        clone._with_names = True
        clone._name_people = tuple(people)
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._with_names = self._with_names
        clone._name_people = self._name_people
        return clone

    # QuerySet._fetch_all is Django's private hook where results (and their prefetches)
    # arrive; Django has no public "after fetch" hook. tests/governance/
    # test_erasure_timelines.py counts the queries, so a change in Django shows there.
    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._with_names:
            rows = [row for row in self._result_cache if hasattr(row, "_meta")]
            names_attach(rows, people=self._name_people)


class NamedQuerySet(WithNames, models.QuerySet):
    """The QuerySet of the timelines."""


def _resolved(value, names):
    """`value` with every stored person replaced by their name."""
    if _is_person(value):
        name = names.get(value["user"]) or gettext("(unknown person)")
        if "deputy_of" in value:
            manager = names.get(value["deputy_of"]) or gettext("(unknown person)")
            return gettext("%(deputy)s (deputy of %(manager)s)") % {"deputy": name, "manager": manager}
        return name
    if isinstance(value, list):
        return [_resolved(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _resolved(item, names) for key, item in value.items()}
    return value


def _listed(value):
    return ", ".join(str(item) for item in value) if isinstance(value, list | tuple) else value


def routing_match_text(data):
    """Why routing chose this expert, in sentences: whether the requester asked for them,
    which of the request's topics their expertise matches, and that the estimate fits
    their week (open load + estimate within weekly capacity, the rule in
    `content_workflow.routing`). Hours in the reader's number format."""
    hours = {key: format_hours(data[key]) for key in ("load", "hours", "capacity") if key in data}
    sentences = []
    if data.get("preferred"):
        sentences.append(gettext("The requester asked for this expert."))
    tags = data.get("tags") or []
    if tags:
        sentences.append(gettext("Their expertise covers the topics %(tags)s.") % {"tags": ", ".join(tags)})
    else:
        sentences.append(
            gettext(
                "None of the request's topics matches their expertise; among those with room, "
                "they had the least open work."
            )
        )
    if "hours" in data and Decimal(data.get("load") or 0) == 0:
        sentences.append(
            gettext("The %(hours)s h of this request fit into their %(capacity)s h a week; nothing else was open.")
            % hours
        )
    elif "hours" in data:
        sentences.append(
            gettext(
                "The %(hours)s h of this request and the %(load)s h they already had open fit into "
                "their %(capacity)s h a week."
            )
            % hours
        )
    elif {"load", "capacity"} <= hours.keys():  # written before routing counted the estimate in
        sentences.append(gettext("They had %(load)s h open of %(capacity)s h a week.") % hours)
    return " ".join(sentences)


def nearest_text(data):
    """Who came closest to having room, so a manager can decide whom to ask anyway."""
    people = [
        gettext("%(name)s (%(load)s h open of %(capacity)s h a week)") % person for person in data.get("nearest") or []
    ]
    if not people:
        return ""
    return gettext("Closest to having room for %(hours)s h: %(people)s.") % {
        "hours": data.get("hours", "?"),
        "people": ", ".join(people),
    }


def describe(data, names=None):
    """The text for a stored {"code": ..., params} (empty for unknown codes or no data).
    People stored by id are named from `names` ({id: display name}, see `names_attach`);
    without it they are looked up here, in one query."""
    if not data:
        return ""
    ids = person_ids(data)
    if ids:
        data = _resolved(data, names_of(ids) if names is None else names)
    code = data.get("code")
    if code == "matched":
        text = routing_match_text(data)
    elif code in TEMPLATES:
        params = {key: _listed(value) for key, value in data.items() if key not in ("code", "via")}
        try:
            text = str(TEMPLATES[code]) % params
        except (KeyError, TypeError, ValueError):
            # An old row that lacks a parameter still shows something sensible.
            text = str(TEMPLATES[code]).split("%")[0].strip()
    elif data.get("via") == "email_link":
        return gettext("By e-mail link.")
    else:
        return ""
    if data.get("via") == "email_link":
        text += " " + gettext("(by e-mail link)")
    if code == "no_candidates" and data.get("nearest"):
        text += " " + nearest_text(data)
    if data.get("overbooked"):
        text += " " + describe({"code": "overbooked", **data["overbooked"]})
    if data.get("deputy_for"):
        text += " " + gettext("(as deputy of %(manager)s)") % {"manager": data["deputy_for"]}
    return text


def format_hours(value):
    """Hours as people write them, in the active language: 2.50 -> "2.5", 10.00 -> "10"."""
    from django.utils.translation import get_language

    # A dashboard formats a few hundred hours, mostly the same few values; Django's
    # number_format looks the language's format up each time.
    return _formatted_hours(Decimal(value).normalize(), get_language())


@functools.lru_cache(maxsize=4096)
def _formatted_hours(value, language):
    from django.utils.formats import number_format

    places = max(-value.as_tuple().exponent, 0)
    return number_format(value, decimal_pos=places)


def plain_hours(value):
    """Hours for stored data, the same in every language: 2.50 -> "2.5"."""
    from decimal import Decimal

    return f"{Decimal(value).normalize():f}"
