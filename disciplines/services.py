"""Every write to the discipline catalogue. Pages, API and admin call these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from disciplines.models import Absence, ApplicationArea, Discipline, Expertise, Membership
from disciplines.permissions import can_edit_catalogue
from governance.access import Role, log_denied, role_group

FUNCTION_ROLE = {
    Membership.Function.EXPERT: Role.EXPERT,
    Membership.Function.MANAGER: Role.MANAGER,
    Membership.Function.COMMUNICATOR: Role.COMMUNICATOR,
}


def _require_editor(actor, action):
    if not can_edit_catalogue(actor):
        log_denied(actor, action)
        raise PermissionDenied(_("Only governance leads change the discipline catalogue."))


def _save(instance, *, actor, action, **fields):
    """Set `fields`, validate the whole row (a clear error, never a half save) and save."""
    _require_editor(actor, action)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def _delete(instance, *, actor, action):
    _require_editor(actor, action)
    try:
        instance.delete()
    except ProtectedError as error:
        blockers = sorted({f"{obj._meta.verbose_name} “{obj}”" for obj in error.protected_objects})
        raise ValidationError(
            _("%(object)s is still used by %(blockers)s; remove it there first.")
            % {"object": instance, "blockers": ", ".join(blockers)}
        ) from None


def discipline_save(*, actor, discipline=None, **fields):
    return _save(discipline or Discipline(), actor=actor, action="discipline_save", **fields)


@transaction.atomic
def discipline_delete(*, actor, discipline):
    members = list(discipline.memberships.select_related("user"))
    _delete(discipline, actor=actor, action="discipline_delete")
    for membership in members:
        _drop_role_if_last(membership.user, membership.function)


def area_save(*, actor, area=None, **fields):
    return _save(area or ApplicationArea(), actor=actor, action="area_save", **fields)


def area_delete(*, actor, area):
    _delete(area, actor=actor, action="area_delete")


def _drop_role_if_last(user, function):
    """The role that goes with a function goes when the person's last such membership goes."""
    if not Membership.objects.filter(user=user, function=function).exists():
        user.groups.remove(role_group(FUNCTION_ROLE[function]))


@transaction.atomic
def membership_save(*, actor, membership=None, **fields):
    """Save a membership; the member also gets the role that goes with the function."""
    before = (membership.user, membership.function) if membership and membership.pk else None
    membership = _save(membership or Membership(), actor=actor, action="membership_save", **fields)
    membership.user.groups.add(role_group(FUNCTION_ROLE[membership.function]))
    if before and before != (membership.user, membership.function):
        _drop_role_if_last(*before)
    return membership


@transaction.atomic
def membership_delete(*, actor, membership):
    _delete(membership, actor=actor, action="membership_delete")
    _drop_role_if_last(membership.user, membership.function)


def normalise_tags(tags):
    """Lower-case, trimmed, unique, in the order given: 'Pricing, API ,pricing' -> ['pricing', 'api']."""
    if isinstance(tags, str):
        tags = tags.split(",")
    seen = []
    for tag in tags:
        tag = " ".join(str(tag).split()).lower()
        if tag and tag not in seen:
            if len(tag) > 40:
                raise ValidationError({"tags": _("A topic tag has at most 40 characters: “%(tag)s”.") % {"tag": tag}})
            seen.append(tag)
    return seen


def expertise_save(*, actor, user, tags, profile=""):
    expertise = Expertise.objects.filter(user=user).first() or Expertise(user=user)
    return _save(expertise, actor=actor, action="expertise_save", tags=normalise_tags(tags), profile=profile)


def recognition_opt_in_set(*, actor, user, opt_in):
    """Whether the management dashboard may name `user` beside their thanked
    contributions. Consent is the person's own: nobody else, not even a governance
    lead, sets it for them."""
    if actor.pk != user.pk:
        log_denied(actor, "recognition_opt_in_set", f"user:{user.pk}")
        raise PermissionDenied(_("Only the person themselves decides whether they are named."))
    expertise, _created = Expertise.objects.get_or_create(user=user)
    if expertise.recognition_opt_in != opt_in:
        expertise.recognition_opt_in = opt_in
        expertise.save(update_fields=["recognition_opt_in"])
    return expertise


def absence_save(*, actor, absence=None, **fields):
    absence = absence or Absence()
    for name in ("starts_on", "ends_on"):
        if fields.get(name) is None:
            raise ValidationError({name: _("Enter a date.")})
    if fields["ends_on"] < fields["starts_on"]:
        raise ValidationError({"ends_on": _("The absence cannot end before it starts.")})
    deputy = fields.get("deputy")
    user = fields.get("user") or (absence.user if absence.user_id else None)
    if deputy is not None and deputy == user:
        raise ValidationError({"deputy": _("Someone cannot deputise for themselves.")})
    return _save(absence, actor=actor, action="absence_save", **fields)


def absence_delete(*, actor, absence):
    _delete(absence, actor=actor, action="absence_delete")
