"""Planning the people import against the database (`plan`), and carrying a plan out
(`execute`). Reads in a few chunked queries, writes in bulk; see the package docstring."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from disciplines.models import Expertise, Membership
from disciplines.people_import.rows import clean_row, lookup_tables
from disciplines.services import FUNCTION_ROLE
from governance.access import role_group
from governance.models import UserProfile

MAX_ERRORS = 200  # reported at most; the count is always complete
CHUNK = 1000
BATCH = 500
DEFAULT_CAPACITY = Decimal("4.0")
ERROR_COLUMN = {"capacity": "weekly_capacity", "tags": "expertise"}


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
    # What apply writes; filled by build_plan, not part of the report.
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


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _display(first, last, email):
    return " ".join(part for part in (first, last) if part) or email


def build_plan(rows, *, actor, deactivate_missing, lock=False):
    """Everything the rows would change, with the writes ready in `plan.ops`."""
    User = get_user_model()
    plan = Plan(rows=len(rows))
    tables = lookup_tables()
    cleaned = []
    first_row_of = {}
    for number, raw in rows:
        row = clean_row(number, raw, plan, tables)
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


def execute(plan):
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
