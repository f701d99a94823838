"""Importing people from a directory export: one service for the upload page, the API and
`manage.py import_people`.

Contract:
- `parse_csv(text)` and `rows_from_json(items)` turn a file or JSON rows into the same
  list of row dicts; `people_import(actor=..., rows=..., apply=..., deactivate_missing=...)`
  plans the change and, when `apply` is true and no row has an error, carries it out.
- The dry run and the apply compute the plan with the same function (`_plan`), so what
  the dry run shows is what applying does. Applying re-plans inside one transaction; the
  caller never hands over a diff.
- One bad row (unknown discipline or function, bad e-mail, negative capacity, a repeated
  e-mail...) and nothing is saved: every error is reported with its row number (the line
  of the CSV, the header being line 1; for JSON the position in the list, from 1).
- Idempotent: applying the same rows twice changes nothing the second time.
- People are never deleted. Those with a membership who are not in the file are listed;
  they are deactivated only with `deactivate_missing`. Superusers, staff and the person
  importing are never deactivated.
- Bulk by construction: existing users, memberships, profiles, expertise and role groups
  are read in a few queries (chunked IN lists), writes are bulk_create/bulk_update.

What a row says, for the person with that e-mail (matched case-insensitively):
- name (or first/last name): set when given; blank leaves the stored name.
- discipline + function + weekly capacity: within that discipline the file decides: the
  person's memberships there become the row's function, plus `manager` when the manager
  flag is set. Memberships in other disciplines are left alone (a person may belong to
  several disciplines; the directory knows only the main one). Blank capacity keeps an
  existing membership's hours (a new one gets the default, 4).
- expertise tags (separated by ; or |): replace the person's tags; blank leaves them.
- language (en/de, or the language's name): the preferred language; blank leaves it.
- New people get an account with an unusable password (they sign in through single
  sign-on, or an admin sets a password) and the e-mail as user name. A deactivated person
  who is back in the file is reactivated.
- Each membership's function brings its role (Django group), as `services.membership_save`
  does; a role goes when the import removed the person's last membership of that function.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import override

from disciplines.models import Discipline, Expertise, Membership
from disciplines.permissions import can_edit_catalogue
from disciplines.services import FUNCTION_ROLE, normalise_tags
from governance.access import log_denied, role_group
from governance.models import UserProfile

MAX_ROWS = 20000
MAX_ERRORS = 200  # reported at most; the count is always complete
CHUNK = 1000
BATCH = 500
DEFAULT_CAPACITY = Decimal("4.0")
MAX_CAPACITY = Decimal("60")

# Header names (lower-case, spaces and dashes as underscores) -> the field they fill.
COLUMNS = {
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "name": "name",
    "full_name": "name",
    "first_name": "first_name",
    "given_name": "first_name",
    "firstname": "first_name",
    "last_name": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "lastname": "last_name",
    "discipline": "discipline",
    "function": "function",
    "weekly_capacity": "capacity",
    "weekly_capacity_hours": "capacity",
    "capacity": "capacity",
    "hours": "capacity",
    "expertise": "tags",
    "expertise_tags": "tags",
    "tags": "tags",
    "topics": "tags",
    "manager": "manager",
    "manager_flag": "manager",
    "is_manager": "manager",
    "language": "language",
    # The same in German, as a German directory export names them.
    "vorname": "first_name",
    "nachname": "last_name",
    "disziplin": "discipline",
    "funktion": "function",
    "wochenkapazität": "capacity",
    "wochenstunden": "capacity",
    "themen": "tags",
    "sprache": "language",
}
ERROR_COLUMN = {"capacity": "weekly_capacity", "tags": "expertise"}
TRUE = {"1", "yes", "y", "true", "x", "ja", "j", "wahr"}
FALSE = {"", "0", "no", "n", "false", "nein", "falsch"}


class ImportError_(ValidationError):
    """The whole input is unusable (no e-mail column, too many rows, not text)."""


class ImportConflict(ImportError_):
    """A concurrent change made the apply fail; nothing was saved and a retry is safe."""


@dataclass
class RowError:
    row: int
    field: str
    message: str
    email: str = ""

    def as_dict(self):
        return {"row": self.row, "field": self.field, "message": self.message, "email": self.email}


@dataclass
class Change:
    """One person the import touches, and what changes for them (for the dry run)."""

    row: int
    email: str
    name: str
    changes: list = field(default_factory=list)

    def as_dict(self):
        return {"row": self.row, "email": self.email, "name": self.name, "changes": self.changes}


@dataclass
class Plan:
    rows: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0
    new_people: list = field(default_factory=list)
    changed_people: list = field(default_factory=list)
    unchanged: int = 0
    missing: list = field(default_factory=list)  # (id, email, name)
    deactivated: int = 0
    memberships_added: int = 0
    memberships_changed: int = 0
    memberships_removed: int = 0
    applied: bool = False
    # What apply writes; filled by _plan, not part of the report.
    ops: dict = field(default_factory=dict, repr=False)

    @property
    def ok(self):
        return not self.error_count

    @property
    def has_changes(self):
        return bool(self.new_people or self.changed_people or self.deactivated)

    def add_error(self, row, field_name, message, email=""):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            # Named as the sample file names the column.
            self.errors.append(RowError(row, ERROR_COLUMN.get(field_name, field_name), str(message), email))

    def summary(self):
        return {
            "rows": self.rows,
            "new_people": len(self.new_people),
            "changed_people": len(self.changed_people),
            "unchanged_people": self.unchanged,
            "missing_people": len(self.missing),
            "deactivated_people": self.deactivated,
            "memberships_added": self.memberships_added,
            "memberships_changed": self.memberships_changed,
            "memberships_removed": self.memberships_removed,
            "errors": self.error_count,
        }

    def as_dict(self, *, limit=None):
        cut = (lambda items: items[:limit]) if limit else (lambda items: items)
        return {
            "applied": self.applied,
            "valid": self.ok,
            "summary": self.summary(),
            "errors": [error.as_dict() for error in self.errors],
            "new_people": [c.as_dict() for c in cut(self.new_people)],
            "changed_people": [c.as_dict() for c in cut(self.changed_people)],
            "missing_people": [{"id": pk, "email": email, "name": name} for pk, email, name in cut(self.missing)],
        }


# --- Reading the input --------------------------------------------------------------------------


def _header_key(name):
    return "_".join(str(name or "").strip().lower().replace("-", " ").replace("_", " ").split())


def decode(content):
    """The text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252, which
    is what Excel writes as plain "CSV" in Germany."""
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportError_(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")) from None


def parse_csv(content):
    """Rows of a CSV file (bytes or text; comma, semicolon or tab separated; see `decode`)
    as (row number, dict) pairs with the fields of COLUMNS."""
    content = decode(content)
    if not content.strip():
        raise ImportError_(_("The file is empty."))
    first_line = content.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportError_(_("The file cannot be read as CSV: %(error)s") % {"error": exc}) from None
    keys = [COLUMNS.get(_header_key(name)) for name in header]
    if "email" not in keys:
        raise ImportError_(
            _("The first line must name the columns, with one called “email”. Download the sample to see them all.")
        )
    rows = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportError_(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
            row = {key: value for key, value in zip(keys, values, strict=False) if key}
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise ImportError_(
            _("Line %(line)s cannot be read as CSV: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from None
    return rows


def rows_from_json(items):
    """The API's rows: a list of objects with the CSV's column names, numbered from 1."""
    if not isinstance(items, list):
        raise ImportError_({"rows": [_("Send the rows as a list of objects.")]})
    if len(items) > MAX_ROWS:
        raise ImportError_({"rows": [_("At most %(max)s rows at once.") % {"max": MAX_ROWS}]})
    rows = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportError_({"rows": [_("Row %(row)s is not an object.") % {"row": number}]})
        row = {}
        for name, value in item.items():
            key = COLUMNS.get(_header_key(name))
            if key is None:
                continue
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            row[key] = "" if value is None else str(value)
        rows.append((number, row))
    return rows


# --- Validating one row ------------------------------------------------------------------------------


def _lookup_tables():
    disciplines = {}
    for discipline in Discipline.objects.only("pk", "slug", "name", "name_de"):
        for key in (discipline.slug, discipline.name, discipline.name_de):
            if key:
                disciplines.setdefault(key.strip().lower(), discipline)
    functions = {}
    for value, label in Membership.Function.choices:
        functions[value] = value
        for language in ("en", "de"):
            with override(language):
                functions[str(label).lower()] = value
    functions.update(
        {"experte": "expert", "expertin": "expert", "managerin": "manager", "kommunikator": "communicator"}
    )
    languages = {}
    for code, name in settings.LANGUAGES:
        languages[code.lower()] = code
        languages[str(name).lower()] = code
    languages.update({"english": "en", "englisch": "en", "german": "de", "deutsch": "de"})
    return disciplines, functions, languages


@dataclass
class Row:
    number: int
    email: str
    first_name: str | None
    last_name: str | None
    discipline: Discipline
    function: str
    capacity: Decimal | None
    tags: list | None
    manager: bool
    language: str | None


def _clean_row(number, raw, plan, tables):
    disciplines, functions, languages = tables
    email = " ".join((raw.get("email") or "").split()).lower()
    errors_before = plan.error_count

    def error(field_name, message):
        plan.add_error(number, field_name, message, email)

    if not email:
        error("email", _("The e-mail is missing."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            error("email", _("“%(value)s” is not a valid e-mail address.") % {"value": email})
        if len(email) > 150:
            error("email", _("The e-mail has more than 150 characters."))

    first = last = None
    if raw.get("first_name", "").strip() or raw.get("last_name", "").strip():
        first, last = raw.get("first_name", "").strip(), raw.get("last_name", "").strip()
    elif raw.get("name", "").strip():
        first, _space, last = " ".join(raw["name"].split()).rpartition(" ")
        if not first:
            first, last = last, ""
    if (first and len(first) > 150) or (last and len(last) > 150):
        error("name", _("A name has more than 150 characters."))

    discipline_text = (raw.get("discipline") or "").strip()
    discipline = disciplines.get(discipline_text.lower())
    if not discipline_text:
        error("discipline", _("The discipline is missing."))
    elif discipline is None:
        error(
            "discipline",
            _("There is no discipline “%(value)s” (give its short name or name).") % {"value": discipline_text},
        )

    function_text = (raw.get("function") or "").strip()
    function = functions.get(function_text.lower())
    if function is None:
        error(
            "function",
            _("“%(value)s” is not a function; use expert, manager or communicator.") % {"value": function_text},
        )

    capacity = None
    capacity_text = (raw.get("capacity") or "").strip().replace(",", ".")
    if capacity_text:
        try:
            capacity = Decimal(capacity_text)
            if not capacity.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            error("capacity", _("“%(value)s” is not a number of hours.") % {"value": raw.get("capacity")})
        else:
            if capacity < 0:
                error("capacity", _("The weekly capacity cannot be negative."))
            elif capacity > MAX_CAPACITY:
                error("capacity", _("The weekly capacity is at most %(max)s hours.") % {"max": MAX_CAPACITY})
            capacity = capacity.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    tags = None
    tags_text = (raw.get("tags") or "").strip()
    if tags_text:
        try:
            tags = normalise_tags(tags_text.replace("|", ";").split(";"))
        except ValidationError as exc:
            error("tags", " ".join(exc.messages))

    manager_text = (raw.get("manager") or "").strip().lower()
    if manager_text not in TRUE | FALSE:
        error("manager", _("“%(value)s” is not yes or no.") % {"value": raw.get("manager")})
    manager = manager_text in TRUE

    language = None
    language_text = (raw.get("language") or "").strip().lower()
    if language_text:
        language = languages.get(language_text)
        if language is None:
            error(
                "language",
                _("“%(value)s” is not an offered language (%(codes)s).")
                % {"value": raw.get("language"), "codes": ", ".join(code for code, _n in settings.LANGUAGES)},
            )

    if plan.error_count > errors_before:
        return None
    return Row(number, email, first, last, discipline, function, capacity, tags, manager, language)


# --- Planning -----------------------------------------------------------------------------------------


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _display(first, last, email):
    return " ".join(part for part in (first, last) if part) or email


def _plan(rows, *, actor, deactivate_missing, lock=False):
    """Everything the rows would change, with the writes ready in `plan.ops`."""
    User = get_user_model()
    plan = Plan(rows=len(rows))
    tables = _lookup_tables()
    cleaned = []
    first_row_of = {}
    for number, raw in rows:
        row = _clean_row(number, raw, plan, tables)
        email = " ".join((raw.get("email") or "").split()).lower()
        if email and email in first_row_of:
            plan.add_error(
                number, "email", _("The e-mail is already in row %(row)s.") % {"row": first_row_of[email]}, email
            )
            continue
        if email:
            first_row_of[email] = number
        if row is not None:
            cleaned.append(row)

    # Existing people, by e-mail and by the user name a new account would take.
    emails = [row.email for row in cleaned]
    users_by_email = {}
    users = User.objects.all()
    if lock:
        users = users.select_for_update()
    for chunk in _chunks(emails):
        for user in users.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            users_by_email.setdefault(user.email_lower, []).append(user)
    taken_usernames = set()
    for chunk in _chunks(emails):
        taken_usernames.update(
            u.lower() for u in User.objects.filter(username__in=chunk).values_list("username", flat=True)
        )

    for row in list(cleaned):
        found = users_by_email.get(row.email, [])
        if len(found) > 1:
            plan.add_error(
                row.number, "email", _("Several accounts have this e-mail; an admin must merge them first."), row.email
            )
            cleaned.remove(row)
        elif not found and row.email in taken_usernames:
            plan.add_error(
                row.number,
                "email",
                _("An account with this user name has another e-mail; an admin must fix it first."),
                row.email,
            )
            cleaned.remove(row)
    if not plan.ok:
        return plan

    existing_ids = [found[0].pk for found in users_by_email.values()]
    memberships = {}
    profiles = {}
    expertise = {}
    groups = {}
    group_of_function = {function: role_group(role) for function, role in FUNCTION_ROLE.items()}
    function_of_group = {group.pk: function for function, group in group_of_function.items()}
    through = User.groups.through
    for chunk in _chunks(existing_ids):
        for membership in Membership.objects.filter(user_id__in=chunk).only(
            "pk", "user_id", "discipline_id", "function", "weekly_capacity_hours"
        ):
            memberships.setdefault(membership.user_id, []).append(membership)
        for profile in UserProfile.objects.filter(user_id__in=chunk):
            profiles[profile.user_id] = profile
        for item in Expertise.objects.filter(user_id__in=chunk).only("pk", "user_id", "tags"):
            expertise[item.user_id] = item
        for user_id, group_id in through.objects.filter(user_id__in=chunk, group_id__in=function_of_group).values_list(
            "user_id", "group_id"
        ):
            groups.setdefault(user_id, set()).add(function_of_group[group_id])

    ops = {
        "new_users": [],  # (row, User)
        "update_users": {},  # pk -> User
        "user_fields": set(),
        "new_memberships": [],  # (row or user, Membership without user for new people)
        "update_memberships": [],
        "delete_memberships": [],
        "new_profiles": [],
        "update_profiles": [],
        "new_expertise": [],
        "update_expertise": [],
        "add_groups": set(),  # (user key, function); user key = pk or row email for new users
        "remove_groups": set(),
        "deactivate": [],
    }
    unusable = make_password(None)
    function_label = dict(Membership.Function.choices)

    for row in cleaned:
        found = users_by_email.get(row.email)
        user = found[0] if found else None
        changes = []
        if user is None:
            user = User(
                username=row.email,
                email=row.email,
                first_name=row.first_name or "",
                last_name=row.last_name or "",
                password=unusable,
                is_active=True,
            )
            key = row.email
            ops["new_users"].append(user)
            current = []
        else:
            key = user.pk
            current = memberships.get(user.pk, [])
            if row.first_name is not None and (user.first_name, user.last_name) != (row.first_name, row.last_name):
                changes.append(
                    _("name: %(old)s → %(new)s")
                    % {"old": user.get_full_name(), "new": _display(row.first_name, row.last_name, "")}
                )
                user.first_name, user.last_name = row.first_name, row.last_name
                ops["update_users"][user.pk] = user
                ops["user_fields"].update({"first_name", "last_name"})
            if not user.is_active:
                changes.append(_("reactivated"))
                user.is_active = True
                ops["update_users"][user.pk] = user
                ops["user_fields"].add("is_active")

        # Memberships in the row's discipline: exactly the row's function (+ manager).
        wanted = {row.function} | ({Membership.Function.MANAGER.value} if row.manager else set())
        here = {m.function: m for m in current if m.discipline_id == row.discipline.pk}
        for function in sorted(wanted):
            membership = here.get(function)
            label = f"{function_label[function]}, {row.discipline.label}"
            if membership is None:
                hours = row.capacity if row.capacity is not None else DEFAULT_CAPACITY
                ops["new_memberships"].append(
                    (user, Membership(discipline=row.discipline, function=function, weekly_capacity_hours=hours))
                )
                plan.memberships_added += 1
                changes.append(
                    _("new membership: %(membership)s, %(hours)s h a week") % {"membership": label, "hours": hours}
                )
            elif row.capacity is not None and membership.weekly_capacity_hours != row.capacity:
                changes.append(
                    _("%(membership)s: %(old)s → %(new)s h a week")
                    % {"membership": label, "old": membership.weekly_capacity_hours, "new": row.capacity}
                )
                membership.weekly_capacity_hours = row.capacity
                ops["update_memberships"].append(membership)
                plan.memberships_changed += 1
        removed = [m for function, m in here.items() if function not in wanted]
        for membership in removed:
            ops["delete_memberships"].append(membership.pk)
            plan.memberships_removed += 1
            changes.append(
                _("membership ends: %(membership)s")
                % {"membership": f"{function_label[membership.function]}, {row.discipline.label}"}
            )
        # Roles: what the memberships after the import imply.
        remaining = {m.function for m in current if m not in removed} | wanted
        held = groups.get(key, set())
        for function in wanted - held:
            ops["add_groups"].add((key, function))
        for function in {m.function for m in removed} - remaining:
            if function in held:
                ops["remove_groups"].add((key, function))

        if row.tags is not None:
            item = expertise.get(key)
            if item is None:
                ops["new_expertise"].append((user, Expertise(tags=row.tags)))
                changes.append(_("topics: %(tags)s") % {"tags": ", ".join(row.tags)})
            elif item.tags != row.tags:
                changes.append(
                    _("topics: %(old)s → %(new)s") % {"old": ", ".join(item.tags), "new": ", ".join(row.tags)}
                )
                item.tags = row.tags
                ops["update_expertise"].append(item)
        if row.language is not None:
            profile = profiles.get(key)
            if profile is None:
                ops["new_profiles"].append((user, UserProfile(language=row.language)))
                changes.append(_("language: %(language)s") % {"language": row.language})
            elif profile.language != row.language:
                changes.append(_("language: %(old)s → %(new)s") % {"old": profile.language or "–", "new": row.language})
                profile.language = row.language
                ops["update_profiles"].append(profile)

        change = Change(row.number, row.email, _display(user.first_name, user.last_name, row.email), changes)
        if not found:
            plan.new_people.append(change)
        elif changes:
            plan.changed_people.append(change)
        else:
            plan.unchanged += 1

    # People with a membership whom the file no longer lists.
    in_file = set(first_row_of)
    candidates = (
        User.objects.filter(is_active=True, is_superuser=False, is_staff=False, memberships__isnull=False)
        .distinct()
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", "email", "first_name", "last_name")
    )
    for pk, email, first, last in candidates.iterator(chunk_size=2000):
        if (email or "").lower() not in in_file and (actor is None or pk != actor.pk):
            plan.missing.append((pk, email, _display(first, last, email)))
    if deactivate_missing:
        ops["deactivate"] = [pk for pk, _e, _n in plan.missing]
        plan.deactivated = len(ops["deactivate"])
    plan.ops = ops
    return plan


def _execute(plan):
    User = get_user_model()
    ops = plan.ops
    if ops["new_users"]:
        User.objects.bulk_create(ops["new_users"], batch_size=BATCH)
    if ops["update_users"]:
        User.objects.bulk_update(list(ops["update_users"].values()), sorted(ops["user_fields"]), batch_size=BATCH)
    if ops["deactivate"]:
        for chunk in _chunks(ops["deactivate"]):
            User.objects.filter(pk__in=chunk).update(is_active=False)
    if ops["delete_memberships"]:
        for chunk in _chunks(ops["delete_memberships"]):
            Membership.objects.filter(pk__in=chunk).delete()
    new_memberships = []
    for user, membership in ops["new_memberships"]:
        membership.user_id = user.pk
        new_memberships.append(membership)
    Membership.objects.bulk_create(new_memberships, batch_size=BATCH)
    Membership.objects.bulk_update(ops["update_memberships"], ["weekly_capacity_hours"], batch_size=BATCH)
    new_expertise = []
    for user, item in ops["new_expertise"]:
        item.user_id = user.pk
        new_expertise.append(item)
    Expertise.objects.bulk_create(new_expertise, batch_size=BATCH)
    Expertise.objects.bulk_update(ops["update_expertise"], ["tags"], batch_size=BATCH)
    new_profiles = []
    for user, profile in ops["new_profiles"]:
        profile.user_id = user.pk
        new_profiles.append(profile)
    UserProfile.objects.bulk_create(new_profiles, batch_size=BATCH)
    UserProfile.objects.bulk_update(ops["update_profiles"], ["language"], batch_size=BATCH)

    # Role groups: new people are keyed by e-mail in the plan; they have pks now.
    pk_of = {user.email: user.pk for user in ops["new_users"]}
    group_of_function = {function: role_group(role) for function, role in FUNCTION_ROLE.items()}
    through = User.groups.through
    links = [
        through(user_id=pk_of.get(key, key), group_id=group_of_function[function].pk)
        for key, function in ops["add_groups"]
    ]
    through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
    by_function = {}
    for key, function in ops["remove_groups"]:
        by_function.setdefault(function, []).append(key)
    for function, keys in by_function.items():
        for chunk in _chunks(keys):
            through.objects.filter(user_id__in=chunk, group=group_of_function[function]).delete()


def people_import(*, actor, rows, apply=False, deactivate_missing=False):
    """Plan (and with `apply`, carry out) the import of `rows` (from parse_csv or rows_from_json).

    `actor` is the lead or admin importing; None only for the management command, which
    whoever runs it on the server is trusted to run. Returns the Plan; `plan.applied`
    says whether anything was written (never when a row has an error).
    """
    if actor is not None and not can_edit_catalogue(actor):
        log_denied(actor, "people_import")
        raise PermissionDenied(_("Only governance leads import people."))
    if not apply:
        return _plan(rows, actor=actor, deactivate_missing=deactivate_missing)
    try:
        with transaction.atomic():
            plan = _plan(rows, actor=actor, deactivate_missing=deactivate_missing, lock=True)
            if plan.ok:
                _execute(plan)
                plan.applied = True
    except IntegrityError:
        # Another import (or an admin) created one of these people or memberships at the
        # same moment; the transaction is rolled back whole, and running it again is safe.
        raise ImportConflict(
            _("Someone changed these people at the same moment; nothing was saved. Try again.")
        ) from None
    return plan


SAMPLE_ROWS = [
    [
        "email",
        "first_name",
        "last_name",
        "discipline",
        "function",
        "weekly_capacity",
        "expertise",
        "manager",
        "language",
    ],
    ["ada.lovelace@example.com", "Ada", "Lovelace", "product", "expert", "6", "api; pricing", "no", "en"],
    ["grace.hopper@example.com", "Grace", "Hopper", "it", "expert", "4", "security|cloud", "no", "de"],
    ["max.mustermann@example.com", "Max", "Mustermann", "marketing", "manager", "2", "", "yes", "de"],
    [
        "erika.musterfrau@example.com",
        "Erika",
        "Musterfrau",
        "corporate-communications",
        "communicator",
        "8",
        "",
        "no",
        "",
    ],
]


def sample_csv():
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(SAMPLE_ROWS)
    return out.getvalue()
