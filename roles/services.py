"""Every write to job profiles, the matrix, role assignments and assessments.

Pages, API and admin call these, nothing else. Each checks the actor's permission first,
validates the whole row (a ValidationError naming the field, never a half write) and
saves inside a transaction.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from governance.access import log_denied
from governance.errors import DomainError
from governance.selectors import active_model
from roles.models import (
    MAX_LEVEL,
    MIN_LEVEL,
    Assessment,
    Competency,
    CompetencyCategory,
    JobProfile,
    RequiredLevel,
    RoleAssignment,
    Seniority,
    UnitKind,
)
from roles.permissions import can_assess, can_edit_profiles, can_manage_assignments

PROFILE_FIELDS = (
    "name",
    "name_de",
    "description",
    "description_de",
    "responsibilities",
    "responsibilities_de",
    "position",
)
CATEGORY_FIELDS = ("slug", "name", "name_de", "description", "description_de", "position")
COMPETENCY_FIELDS = ("category", *CATEGORY_FIELDS)


def _require(allowed, actor, action, message):
    if not allowed:
        log_denied(actor, action)
        raise PermissionDenied(message)


def _require_editor(actor, action):
    _require(can_edit_profiles(actor), actor, action, _("Only governance leads change job profiles and the matrix."))


def _set_fields(instance, fields, allowed):
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"{name} cannot be changed here")
        setattr(instance, name, value)


def clean_level(level, field="level"):
    """A whole number from 1 to 5, or a ValidationError naming `field`."""
    message = _("Choose a level from %(min)d to %(max)d.") % {"min": MIN_LEVEL, "max": MAX_LEVEL}
    if isinstance(level, bool):
        raise ValidationError({field: message})
    try:
        number = int(level)
    except (TypeError, ValueError):
        raise ValidationError({field: message}) from None
    if number != level and str(number) != str(level).strip():  # 2.5 is not a level
        raise ValidationError({field: message})
    if not MIN_LEVEL <= number <= MAX_LEVEL:
        raise ValidationError({field: message})
    return number


def _check_seniority(profile, seniority):
    if seniority not in profile.seniorities:
        if profile.has_seniorities:
            message = _("%(profile)s is held as junior or senior: choose one.")
        else:
            message = _("%(profile)s has no junior and senior variants: choose “—”.")
        raise ValidationError({"seniority": message % {"profile": profile}})


# --- Profiles and the matrix ----------------------------------------------------------------


@transaction.atomic
def profile_update(*, actor, profile, **fields):
    """Change a profile's names, description, responsibilities or position (the slug stays)."""
    _require_editor(actor, "profile_update")
    locked = JobProfile.objects.select_for_update().get(pk=profile.pk)
    _set_fields(locked, fields, PROFILE_FIELDS)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def required_level_set(*, actor, profile, competency, seniority, level):
    """Set one cell of the matrix: the level `profile` (at `seniority`) needs in `competency`."""
    _require_editor(actor, "required_level_set")
    level = clean_level(level)
    _check_seniority(profile, seniority)
    cell, _created = RequiredLevel.objects.update_or_create(
        profile=profile, competency=competency, seniority=seniority, defaults={"level": level}
    )
    return cell


@transaction.atomic
def category_save(*, actor, category=None, **fields):
    _require_editor(actor, "category_save")
    category = category or CompetencyCategory()
    _set_fields(category, fields, CATEGORY_FIELDS)
    if not category.slug and category.name:
        category.slug = slugify(category.name)[:60]
    category.full_clean()
    category.save()
    return category


def category_delete(*, actor, category):
    _require_editor(actor, "category_delete")
    try:
        category.delete()
    except ProtectedError:
        raise ValidationError(
            _("%(category)s still holds competencies; move or delete them first.") % {"category": category}
        ) from None


@transaction.atomic
def competency_save(*, actor, competency=None, initial_level=MIN_LEVEL, **fields):
    """Add or change a competency.

    A new competency gets `initial_level` (default 1, basic) for every profile and
    seniority in the same transaction, so the matrix never has an empty cell; the lead
    then sets the real levels with required_level_set.
    """
    _require_editor(actor, "competency_save")
    is_new = competency is None or competency.pk is None
    competency = competency or Competency()
    _set_fields(competency, fields, COMPETENCY_FIELDS)
    if not competency.slug and competency.name:
        competency.slug = slugify(competency.name)[:60]
    if is_new:
        initial_level = clean_level(initial_level, "initial_level")
    competency.full_clean()
    competency.save()
    if is_new:
        RequiredLevel.objects.bulk_create(
            RequiredLevel(profile=profile, competency=competency, seniority=seniority, level=initial_level)
            for profile in JobProfile.objects.all()
            for seniority in profile.seniorities
        )
    return competency


def competency_delete(*, actor, competency):
    """Delete a competency and its matrix row; refused once someone has been assessed in it."""
    _require_editor(actor, "competency_delete")
    try:
        with transaction.atomic():
            competency.delete()
    except ProtectedError:
        raise ValidationError(
            _("People have been assessed in %(competency)s, so it cannot be deleted: their history would go.")
            % {"competency": competency}
        ) from None


# --- Role assignments -----------------------------------------------------------------------


def _unit_kind(discipline):
    """Where `discipline` sits in the active model: hub or spoke (a ValidationError when nowhere)."""
    model = active_model()
    if model is None:
        raise ValidationError({"discipline": _("There is no active organisational model yet: publish one first.")})
    if model.hubs.filter(home_discipline=discipline).exists():
        return UnitKind.HUB
    if model.spokes.filter(discipline=discipline).exists():
        return UnitKind.SPOKE
    raise ValidationError(
        {
            "discipline": _("%(discipline)s is neither a hub nor a spoke of the active model “%(model)s”.")
            % {"discipline": discipline, "model": model}
        }
    )


@transaction.atomic
def assignment_create(*, actor, user, profile, discipline, seniority=None, since=None, until=None, note=""):
    """`user` holds `profile` at `seniority` in the unit of the active model that `discipline` is.

    A person holds a profile in a unit once at a time: when they already hold it there
    (a junior becoming senior, say), that assignment ends the day before this one starts.
    """
    _require(
        can_manage_assignments(actor),
        actor,
        "assignment_create",
        _("Only governance leads assign job profiles."),
    )
    seniority = seniority or (Seniority.NONE if not profile.has_seniorities else "")
    _check_seniority(profile, seniority)
    since = since or timezone.localdate()
    if until is not None and until < since:
        raise ValidationError({"until": _("An assignment cannot end before it starts.")})
    kind = _unit_kind(discipline)
    previous = (
        RoleAssignment.objects.select_for_update()
        .filter(user=user, profile=profile, discipline=discipline, until__isnull=True)
        .first()
    )
    if previous is not None:
        if since <= previous.since:
            raise ValidationError(
                {
                    "since": _(
                        "%(person)s holds this profile here since %(date)s; the new assignment must start later."
                    )
                    % {"person": user, "date": previous.since}
                }
            )
        previous.until = since - datetime.timedelta(days=1)
        previous.save(update_fields=["until"])
    assignment = RoleAssignment(
        user=user,
        profile=profile,
        seniority=seniority,
        kind=kind,
        discipline=discipline,
        since=since,
        until=until,
        note=note,
        created_by=actor,
    )
    assignment.full_clean()
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        # Someone assigned the same person at the same moment; the open-once index kept one.
        raise DomainError(
            _("This person was just assigned this profile here by someone else. Reload and look."),
            code="assignment_conflict",
        ) from None
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment, until=None):
    """End an assignment on `until` (today by default); the row stays as history."""
    _require(
        can_manage_assignments(actor),
        actor,
        "assignment_end",
        _("Only governance leads end job profile assignments."),
    )
    locked = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.until is not None:
        raise DomainError(
            _("This assignment already ended on %(date)s.") % {"date": locked.until}, code="already_ended"
        )
    until = until or timezone.localdate()
    if until < locked.since:
        raise ValidationError({"until": _("An assignment cannot end before it starts.")})
    locked.until = until
    locked.save(update_fields=["until"])
    return locked


# --- Assessments ----------------------------------------------------------------------------


@transaction.atomic
def assessment_record(*, actor, person, competency, level, note="", assessed_on=None):
    """Record `person`'s level in `competency` as `actor` sees it.

    The person themselves (a self-assessment), a manager of their discipline and
    governance leads may; everyone else is refused (and the pages show them nothing).
    """
    if not can_assess(actor, person):
        log_denied(actor, "assessment_record", f"user:{getattr(person, 'pk', None)}")
        raise PermissionDenied(_("You cannot assess this person."))
    level = clean_level(level)
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("An assessment cannot be dated in the future.")})
    assessment = Assessment(
        user=person,
        competency=competency,
        level=level,
        assessed_by=actor,
        assessed_on=assessed_on,
        note=note,
        is_self=actor.pk == person.pk,
    )
    assessment.full_clean()
    assessment.save()
    return assessment
