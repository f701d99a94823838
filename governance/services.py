"""Every write to organisational models. Pages, API and admin call these, nothing else.

Each function checks the actor's permission, locks the model row so that an edit and a
publish never interleave, and refuses to touch a published model (copy it instead).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disciplines.models import Membership
from governance.access import log_denied
from governance.errors import DomainError
from governance.models import Hub, ModelType, OrganisationalModel, Responsibility, Spoke
from governance.permissions import can_manage_governance
from governance.validation import model_problems

MODEL_FIELDS = ("name", "type", "executive_sponsor", "notes")


class PublishRefused(DomainError):
    """Publishing found broken rules; `problems` lists them all (the API answers 400)."""

    http_status = 400

    def __init__(self, problems):
        super().__init__(_("The model cannot be published yet: fix the problems listed."), code="invalid_model")
        self.problems = problems

    def as_data(self):
        return {**super().as_data(), "problems": [problem.as_dict() for problem in self.problems]}


def _require_lead(actor, action):
    if not can_manage_governance(actor):
        log_denied(actor, action)
        raise PermissionDenied(_("Only governance leads change organisational models."))


def _locked_draft(model):
    """Re-read `model` under a row lock and make sure it is still a draft."""
    locked = OrganisationalModel.objects.select_for_update().get(pk=model.pk)
    if not locked.is_draft:
        raise DomainError(
            _("A published model cannot be edited: copy it to a draft and publish that."), code="not_draft"
        )
    return locked


def fitted_name(template, name, max_length, **params):
    """`template % {"name": name, **params}`, shortening `name` (with an ellipsis) so the
    result fits a column of `max_length`: a copy's " (version 2)", longer in German, must
    not overflow."""
    text = template % {"name": name, **params}
    excess = len(text) - max_length
    if excess <= 0:
        return text
    shortened = name[: max(len(name) - excess - 1, 0)].rstrip() + "…"
    return (template % {"name": shortened, **params})[:max_length]


# What a copy's name ends in: its version, in either language, or " (draft)" as copies were
# named before (a suffix that turned false once the copy was published).
COPY_SUFFIX = re.compile(r"\s+\((?:draft|Entwurf|version\s+\d+)\)$", re.IGNORECASE)


def without_copy_suffix(name):
    return COPY_SUFFIX.sub("", name)


def copy_name(source):
    """The source's name with the next version number: "Hub and spoke" (version 1 by
    implication) is copied as "Hub and spoke (version 2)", and a copy of that, or a second
    copy of the original, as "(version 3)". True before and after publishing."""
    base = without_copy_suffix(source.name)
    numbered = re.compile(re.escape(base) + r"\s+\(version\s+(\d+)\)$", re.IGNORECASE)
    taken = [
        int(match[1])
        for name in OrganisationalModel.objects.filter(name__startswith=base).values_list("name", flat=True)
        if (match := numbered.match(name))
    ]
    number = max([1, *taken]) + 1
    max_length = OrganisationalModel._meta.get_field("name").max_length
    return fitted_name(_("%(name)s (version %(number)s)"), base, max_length, number=number)


# `type` defaults to the model's own default, as the API documents it (the field is optional there).
def model_create(*, actor, name, type=ModelType.HUB_AND_SPOKE, executive_sponsor=None, notes=""):
    _require_lead(actor, "model_create")
    model = OrganisationalModel(
        name=name, type=type, executive_sponsor=executive_sponsor, notes=notes, created_by=actor
    )
    model.full_clean()
    model.save()
    return model


@transaction.atomic
def model_update(*, model, actor, **fields):
    _require_lead(actor, "model_update")
    locked = _locked_draft(model)
    for field, value in fields.items():
        if field not in MODEL_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def model_copy(*, source, actor, name=None):
    """A new draft with the source's hubs, spokes and responsibilities."""
    _require_lead(actor, "model_copy")
    copy = OrganisationalModel.objects.create(
        name=name or copy_name(source),
        type=source.type,
        executive_sponsor=source.executive_sponsor,
        notes=source.notes,
        based_on=source,
        created_by=actor,
    )
    hub_map = {}
    for hub in source.hubs.all():
        old_pk = hub.pk
        hub.pk = None
        hub.model = copy
        hub.save()
        hub_map[old_pk] = hub
    Spoke.objects.bulk_create(
        Spoke(model=copy, hub=hub_map.get(spoke.hub_id), discipline_id=spoke.discipline_id, liaison_id=spoke.liaison_id)
        for spoke in source.spokes.all()
    )
    Responsibility.objects.bulk_create(
        Responsibility(model=copy, activity_id=cell.activity_id, discipline_id=cell.discipline_id, role=cell.role)
        for cell in source.responsibilities.all()
    )
    return copy


@transaction.atomic
def model_delete(*, model, actor):
    _require_lead(actor, "model_delete")
    _locked_draft(model).delete()


@transaction.atomic
def model_publish(*, model, actor, name=None):
    """Validate, archive the active model and make this one active, in one transaction.

    `name`, when given, renames the model as it is published (the last moment it can be:
    a published model is never edited).

    Two publishes at once: the partial unique index lets one win; the other gets a
    clear conflict instead of a second active model.
    """
    _require_lead(actor, "model_publish")
    locked = _locked_draft(model)
    if name is not None and name.strip() and name.strip() != locked.name:
        locked.name = name.strip()
        others = [field.name for field in OrganisationalModel._meta.fields if field.name != "name"]
        locked.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    problems = model_problems(locked)
    if problems:
        raise PublishRefused(problems)
    now = timezone.now()
    try:
        with transaction.atomic():
            OrganisationalModel.objects.select_for_update().filter(status=OrganisationalModel.Status.ACTIVE).update(
                status=OrganisationalModel.Status.ARCHIVED
            )
            locked.status = OrganisationalModel.Status.ACTIVE
            locked.published_by = actor
            locked.published_at = now
            locked.save(update_fields=["name", "status", "published_by", "published_at", "updated_at"])
    except IntegrityError:
        raise DomainError(
            _("Another model was published at the same moment. Reload the page to see which one is active."),
            code="publish_conflict",
        ) from None
    return locked


# --- Units ---------------------------------------------------------------------------------


def _check_hub_belongs(model, hub):
    if hub is not None and hub.model_id != model.pk:
        raise ValidationError({"hub": _("Choose a hub of this model.")})


@transaction.atomic
def hub_save(*, model, actor, hub=None, name, home_discipline, lead=None, is_coordinating_centre=False):
    """Add a hub to a draft, or change one of its hubs."""
    _require_lead(actor, "hub_save")
    locked = _locked_draft(model)
    if hub is None:
        hub = Hub(model=locked)
    elif hub.model_id != locked.pk:
        raise ValidationError(_("This hub belongs to another model."))
    previous_home = hub.home_discipline_id
    hub.name = name
    hub.home_discipline = home_discipline
    hub.lead = lead
    hub.is_coordinating_centre = is_coordinating_centre
    hub.full_clean()
    hub.save()
    if previous_home and previous_home != home_discipline.pk:
        _drop_orphaned_cells(locked, previous_home)
    return hub


@transaction.atomic
def hub_remove(*, hub, actor):
    """Remove a hub; its spokes stay in the model without a hub until reassigned."""
    _require_lead(actor, "hub_remove")
    locked = _locked_draft(hub.model)
    home = hub.home_discipline_id
    Spoke.objects.filter(hub=hub).update(hub=None)
    hub.delete()
    _drop_orphaned_cells(locked, home)


def _check_not_a_hub_home(model, discipline):
    hub = model.hubs.filter(home_discipline=discipline).first()
    if hub is not None:
        raise ValidationError(
            {
                "discipline": _(
                    "%(discipline)s is already in this model as the home of the hub “%(hub)s”: "
                    "a discipline sits in one place only."
                )
                % {"discipline": discipline, "hub": hub.name}
            }
        )


def _check_liaison(liaison, discipline):
    """A spoke's liaison is someone active who works in that discipline (in any function)."""
    if not liaison.is_active or not Membership.objects.filter(user=liaison, discipline=discipline).exists():
        raise ValidationError(
            {
                "liaison": _(
                    "%(person)s does not work in %(discipline)s: choose the liaison from the people of that discipline."
                )
                % {"person": liaison.get_full_name() or liaison.get_username(), "discipline": discipline}
            }
        )


@transaction.atomic
def spoke_save(*, model, actor, spoke=None, discipline, hub=None, liaison=None):
    """Add a spoke to a draft, or change one of its spokes."""
    _require_lead(actor, "spoke_save")
    locked = _locked_draft(model)
    _check_hub_belongs(locked, hub)
    if spoke is None:
        spoke = Spoke(model=locked)
    elif spoke.model_id != locked.pk:
        raise ValidationError(_("This spoke belongs to another model."))
    previous = spoke.discipline_id
    if Spoke.objects.filter(model=locked, discipline=discipline).exclude(pk=spoke.pk).exists():
        raise ValidationError(
            {"discipline": _("%(discipline)s is already a spoke of this model.") % {"discipline": discipline}}
        )
    if discipline.pk != previous:
        _check_not_a_hub_home(locked, discipline)
    if liaison is not None and (liaison.pk != spoke.liaison_id or discipline.pk != previous):
        _check_liaison(liaison, discipline)
    spoke.discipline = discipline
    spoke.hub = hub
    spoke.liaison = liaison
    try:
        with transaction.atomic():
            spoke.save()
    except IntegrityError:  # the same discipline added by someone else a moment ago
        raise ValidationError(
            {"discipline": _("%(discipline)s is already a spoke of this model.") % {"discipline": discipline}}
        ) from None
    if previous and previous != discipline.pk:
        _drop_orphaned_cells(locked, previous)
    return spoke


@transaction.atomic
def spoke_remove(*, spoke, actor):
    _require_lead(actor, "spoke_remove")
    locked = _locked_draft(spoke.model)
    discipline = spoke.discipline_id
    spoke.delete()
    _drop_orphaned_cells(locked, discipline)


def _drop_orphaned_cells(model, discipline_id):
    """A discipline that left the model takes its responsibilities with it."""
    still_there = (
        model.hubs.filter(home_discipline_id=discipline_id).exists()
        or model.spokes.filter(discipline_id=discipline_id).exists()
    )
    if not still_there:
        model.responsibilities.filter(discipline_id=discipline_id).delete()


# --- Responsibilities -------------------------------------------------------------------


@dataclass(frozen=True)
class CellChange:
    """One edited cell of the RACI grid: what the editor saw, and what they want."""

    activity_id: int
    discipline_id: int
    seen: str  # "" for an empty cell
    wanted: str


@transaction.atomic
def responsibilities_update(*, model, actor, changes):
    """Apply the cells an editor changed; leave every other cell as it is now.

    A cell that someone else changed since the editor loaded the grid is not
    overwritten: it is returned as a conflict, so the editor can look and decide.
    """
    _require_lead(actor, "responsibilities_update")
    locked = _locked_draft(model)
    units = set(locked.hubs.values_list("home_discipline_id", flat=True)) | set(
        locked.spokes.values_list("discipline_id", flat=True)
    )
    valid_roles = set(Responsibility.Role.values)
    current = {
        (cell.activity_id, cell.discipline_id): cell
        for cell in locked.responsibilities.select_for_update().filter(activity_id__in={c.activity_id for c in changes})
    }
    conflicts = []
    for change in changes:
        if change.wanted and change.wanted not in valid_roles:
            raise ValidationError({"role": _("Choose R, A, A/R, C, I or leave the cell empty.")})
        if change.discipline_id not in units:
            raise ValidationError({"discipline": _("This discipline is not a unit of the model.")})
        cell = current.get((change.activity_id, change.discipline_id))
        now_value = cell.role if cell else ""
        if now_value == change.wanted:
            continue
        if now_value != change.seen:
            conflicts.append(change)
            continue
        if not change.wanted:
            cell.delete()
        elif cell:
            cell.role = change.wanted
            cell.save(update_fields=["role"])
        else:
            Responsibility.objects.create(
                model=locked, activity_id=change.activity_id, discipline_id=change.discipline_id, role=change.wanted
            )
    OrganisationalModel.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return conflicts
