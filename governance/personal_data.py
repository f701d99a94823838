"""Personal data: what the app holds about one person (export), erasing a person, and the
retention of assessments.

Which tables hold a person: a generic walk over every installed model for foreign keys
(and one-to-ones) to AUTH_USER_MODEL (`user_references`), so a model added later is
covered without a change here. Only what must differ per table is listed explicitly:
secrets left out of the export, rows that are the person's alone (deleted on erasure),
free texts they wrote (cleared). The append-only tables (never changed) are the models
with the `AppendOnly` mixin, found the same generic way.

Erasure (`personal_data_erase`), admin-only, one transaction, logged:
- The account stays, pseudonymised: user name `erased-<id>`, name "Erased person <id>",
  no e-mail, deactivated, an unusable password, no groups or permissions. Every row that
  points at the person keeps pointing at that account, so requests, contributions,
  timelines, the budget ledger and the figures keep their integrity and show the pseudonym.
- Deleted, because they are the person's alone and nothing else relies on them: API
  tokens, sessions, one-time form tokens, notification settings and inbox, profile
  (language), expertise (tags, profile text, consent to be named), absences, memberships,
  object permissions, and the assessments about them.
- Cleared (set blank): free texts they wrote about people, which have no value without the
  author: notes on role assignments (theirs, or that they made), comments of assessments
  they gave, thank-you notes they wrote to experts.
- Kept, with every mention of their name, user name or e-mail replaced by the pseudonym:
  the work records others rely on (their contributions' input text, their requests'
  titles and briefs, allocation reasons, organisational model notes, admin log texts,
  other people's notifications). That replacement runs over every editable text, char and
  JSON column of every model, so a mention anywhere is caught.
- Not changed: the append-only tables (request and piece timelines, the budget ledger,
  the pieces' text versions; database triggers refuse any UPDATE). They point at the
  pseudonymised account. What the system writes into a timeline names people by id
  (shared with, reminder sent to, escalated to, chosen by, over capacity, as deputy of,
  closest to having room, final check by; see content_workflow.models.messages), and the
  name is looked up when the timeline is read, so it shows the pseudonym after erasure.
  What can still hold the name there is free text other people typed (timeline notes, a
  piece's text versions) and entries written before timelines stored ids; those stay,
  and the confirmation page counts them beforehand (`name_snapshots`).

Retention: assessments older than ASSESSMENT_RETENTION_DAYS are deleted by a periodic
job (`assessments_expire`, governance.tasks.expire_old_assessments).
"""

import datetime
import logging
import re

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access import log_denied

logger = logging.getLogger("governance.personal_data")


# Secrets: their existence is exported, their value never.
SECRET_FIELDS = {
    "auth.User": {"password"},
    "authtoken.Token": {"key"},
    "content_workflow.SubmissionToken": {"token"},
}
# (model label, user field): rows that are the person's alone, deleted on erasure.
DELETED_ON_ERASURE = [
    ("authtoken.Token", "user"),
    ("content_workflow.SubmissionToken", "user"),
    ("content_workflow.NotificationPreference", "user"),
    ("content_workflow.Notification", "recipient"),
    ("governance.UserProfile", "user"),
    ("disciplines.Expertise", "user"),
    ("disciplines.Absence", "user"),
    ("disciplines.Membership", "user"),
    ("roles.Assessment", "user"),
    ("guardian.UserObjectPermission", "user"),
    ("content_workflow.TimeBudgetUserObjectPermission", "user"),
    ("content_workflow.ExpertInputRequestUserObjectPermission", "user"),
]
# (model label, field that points at the author, text field): free texts cleared on erasure.
CLEARED_ON_ERASURE = [
    ("roles.RoleAssignment", "user", "note"),
    ("roles.RoleAssignment", "created_by", "note"),
    ("roles.Assessment", "assessed_by", "note"),
    ("content_workflow.Contribution", "request__requester", "thanks"),
]
# Tables that name the person by user name rather than a foreign key (sign-in records of
# django-axes): exported, and deleted on erasure.
BY_USERNAME = ["axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"]
TEXT_TYPES = ("CharField", "TextField", "EmailField", "SlugField", "JSONField", "URLField")


def can_erase(user):
    return user.is_authenticated and user.is_active and user.is_superuser


def can_export_for(actor, person):
    """Everyone downloads their own data; admins anyone's."""
    return actor.is_authenticated and (actor.pk == person.pk or actor.is_superuser)


def user_references():
    """Every (model, field) with a foreign key or one-to-one to the user model, concrete
    models only (proxies would list the same rows twice)."""
    User = get_user_model()
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                found.append((model, field))
    return found


def append_only_labels():
    """The tables never changed: every model with the `AppendOnly` mixin (their database
    triggers refuse UPDATE and DELETE)."""
    from content_workflow.models.append_only import AppendOnly

    return frozenset(model._meta.label for model in apps.get_models() if issubclass(model, AppendOnly))


def text_columns(model):
    return [f for f in model._meta.concrete_fields if f.get_internal_type() in TEXT_TYPES]


def free_text_columns(model):
    """The text columns a mention may be replaced in: not choices, slugs or unique keys,
    whose values mean something to the code (a status, a token, an idempotency key)."""
    return [
        f
        for f in text_columns(model)
        if not f.choices and not f.unique and f.get_internal_type() != "SlugField" and not f.primary_key
    ]


# --- Export ---------------------------------------------------------------------------------------


def _row(obj, hidden):
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in hidden:
            data[field.name] = "(secret, not exported)"
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, datetime.datetime | datetime.date | datetime.time):
            value = value.isoformat()
        elif isinstance(value, models.Model):
            value = value.pk
        elif value is not None and not isinstance(value, str | int | float | bool | list | dict):
            value = str(value)
        data[field.attname if field.is_relation else field.name] = value
    return data


def personal_data_export(*, actor, user):
    """Everything the app holds about `user`, as a JSON-ready dict: the account, and every
    row of every table that refers to them, grouped by table, each with the fields by which
    it refers to them. Other people appear only as ids."""
    if not can_export_for(actor, user):
        log_denied(actor, "personal_data_export", f"user:{user.pk}")
        raise PermissionDenied(_("Only the person themselves or an admin downloads this."))
    User = get_user_model()
    account = _row(User.objects.get(pk=user.pk), SECRET_FIELDS["auth.User"])
    account["groups"] = sorted(user.groups.values_list("name", flat=True))
    account["permissions"] = sorted(user.user_permissions.values_list("codename", flat=True))
    tables = {}
    for model, field in user_references():
        label = model._meta.label
        hidden = SECRET_FIELDS.get(label, set())
        rows = tables.setdefault(label, {})
        for obj in model._default_manager.filter(**{field.name: user.pk}).order_by("pk").iterator(chunk_size=500):
            entry = rows.setdefault(obj.pk, {"refers_to_you_as": [], **_row(obj, hidden)})
            entry["refers_to_you_as"].append(field.name)
    for label in BY_USERNAME:
        if not apps.is_installed(label.split(".")[0]):
            continue
        model = apps.get_model(label)
        found = [
            {"refers_to_you_as": ["username"], **_row(obj, set())}
            for obj in model._default_manager.filter(username=user.get_username()).order_by("pk")
        ]
        if found:
            tables[label] = {row["id"]: row for row in found}
    logger.info("personal data exported user=%s by=%s", user.pk, actor.pk)
    return {
        "exported_at": timezone.now().isoformat(),
        "account": account,
        "tables": {label: list(rows.values()) for label, rows in sorted(tables.items()) if rows},
    }


# --- Erasure --------------------------------------------------------------------------------------


def pseudonym_of(user):
    return {"username": f"erased-{user.pk}", "first_name": "Erased", "last_name": f"person {user.pk}"}


def pseudonym_text(user):
    names = pseudonym_of(user)
    return f"{names['first_name']} {names['last_name']}"


def identifiers_of(user):
    """What identifies the person in a text: full name both ways round, user name, e-mail.
    A first or last name alone is not searched: "Max" or "Berg" would hit unrelated words."""
    first, last = user.first_name.strip(), user.last_name.strip()
    found = {user.email.strip(), user.get_username().strip()}
    if first and last:
        found |= {f"{first} {last}", f"{last}, {first}", f"{last} {first}"}
    elif first or last:
        found.add(first or last)
    return sorted((s for s in found if len(s) >= 3), key=len, reverse=True)


def _json_escaped(text):
    """How a JSON column stores `text` where the backend keeps JSON as escaped ASCII (SQLite)."""
    import json

    return json.dumps(text)[1:-1]


def _mentions(model, field, identifiers):
    """Rows of `model` whose `field` mentions any identifier (case-insensitive)."""
    if field.get_internal_type() == "JSONField":
        queryset = model._default_manager.annotate(_as_text=Cast(field.name, models.TextField()))
        condition = Q()
        for ident in identifiers:
            condition |= Q(_as_text__icontains=ident) | Q(_as_text__icontains=_json_escaped(ident))
        return queryset.filter(condition)
    condition = Q()
    for ident in identifiers:
        condition |= Q(**{f"{field.name}__icontains": ident})
    return model._default_manager.filter(condition)


def _replace(value, pattern, replacement):
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_replace(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pattern, replacement) for k, v in value.items()}
    return value


def _scrubbable_models():
    append_only = append_only_labels()
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.proxy or label in append_only or label in ("auth.User", "sessions.Session"):
            continue
        yield model


def _pattern(identifiers):
    """Whole words only: a user name such as "eva" must not match "relevant" or "Evans"."""
    return re.compile("|".join(rf"(?<!\w){re.escape(ident)}(?!\w)" for ident in identifiers), re.IGNORECASE)


def _matches(value, pattern):
    if isinstance(value, str):
        return bool(pattern.search(value))
    if isinstance(value, list):
        return any(_matches(v, pattern) for v in value)
    if isinstance(value, dict):
        return any(_matches(v, pattern) for v in value.values())
    return False


def name_snapshots(user):
    """How many rows of the append-only tables mention `user` by name or e-mail (they stay)."""
    identifiers = identifiers_of(user)
    if not identifiers:
        return 0
    pattern = _pattern(identifiers)
    found = set()
    for label in sorted(append_only_labels()):
        model = apps.get_model(label)
        for field in text_columns(model):
            # The database finds the candidates (a superset); the pattern decides.
            for pk, value in _mentions(model, field, identifiers).values_list("pk", field.name).iterator():
                if _matches(value, pattern):
                    found.add((label, pk))
    return len(found)


def open_work(user):
    """Unfinished requests the person asked for and open work assigned to them: the
    confirmation page asks to hand them over first (erasure does not move them)."""
    from content_workflow.models import ExpertInputRequest
    from content_workflow.transitions import FINAL, OPEN_WORK

    requests = ExpertInputRequest.objects
    return {
        "assigned": requests.filter(assignee=user, status__in=OPEN_WORK).count(),
        "requested": requests.filter(requester=user).exclude(status__in=FINAL).count(),
    }


def _delete_sessions(user):
    from django.contrib.sessions.models import Session

    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def personal_data_erase(*, actor, user):
    """Erase `user` as the module docstring says. Returns a report of what was done."""
    if not can_erase(actor):
        log_denied(actor, "personal_data_erase", f"user:{user.pk}")
        raise PermissionDenied(_("Only admins erase people."))
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot erase yourself."))
    if user.is_superuser:
        raise ValidationError(_("Take the admin rights away before erasing this person."))
    if user.username == pseudonym_of(user)["username"]:
        raise ValidationError(_("This person is already erased."))
    identifiers = identifiers_of(user)
    replacement = pseudonym_text(user)
    report = {"deleted": {}, "cleared": 0, "replaced": 0, "snapshots_kept": name_snapshots(user)}

    for label, field_name, text_field in CLEARED_ON_ERASURE:
        model = apps.get_model(label)
        report["cleared"] += (
            model._default_manager.filter(**{field_name: user.pk})
            .exclude(**{text_field: ""})
            .update(**{text_field: ""})
        )
    for label, field_name in DELETED_ON_ERASURE:
        model = apps.get_model(label)
        count, _by_model = model._default_manager.filter(**{field_name: user.pk}).delete()
        if count:
            report["deleted"][label] = count
    report["deleted"]["sessions.Session"] = _delete_sessions(user)
    for label in BY_USERNAME:
        if apps.is_installed(label.split(".")[0]):
            count, _by_model = apps.get_model(label)._default_manager.filter(username=user.get_username()).delete()
            if count:
                report["deleted"][label] = count

    if identifiers:
        # The database finds the candidates (a superset); the pattern decides.
        pattern = _pattern(identifiers)
        for model in _scrubbable_models():
            for field in free_text_columns(model):
                for pk, value in _mentions(model, field, identifiers).values_list("pk", field.name).iterator():
                    replaced = _replace(value, pattern, replacement)
                    if replaced != value:
                        model._default_manager.filter(pk=pk).update(**{field.name: replaced})
                        report["replaced"] += 1

    user.groups.clear()
    user.user_permissions.clear()
    # An UPDATE of the user row alone: the append-only rows keep pointing at it.
    User.objects.filter(pk=user.pk).update(
        **pseudonym_of(user),
        email="",
        is_active=False,
        is_staff=False,
        password=make_password(None),
        last_login=None,
    )
    _log(actor, user, report)
    return report


def _log(actor, user, report):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        user=actor,
        content_type=ContentType.objects.get_for_model(user),
        object_id=str(user.pk),
        object_repr=pseudonym_of(user)["username"],
        action_flag=CHANGE,
        change_message="Personal data erased",
    )
    logger.warning("personal data erased user=%s by=%s report=%s", user.pk, actor.pk, report)


# --- Retention ----------------------------------------------------------------------------------


def assessments_expire(*, today=None):
    """Delete assessments older than ASSESSMENT_RETENTION_DAYS. Safe to run twice."""
    from roles.models import Assessment

    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.ASSESSMENT_RETENTION_DAYS)
    count, _by_model = Assessment.objects.filter(assessed_on__lt=cutoff).delete()
    if count:
        logger.info("deleted %s assessments from before %s", count, cutoff)
    return count
