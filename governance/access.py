"""Who someone is in the product: roles come from Django group membership.

The group names are the role values; a data migration creates the groups. Superusers
hold every role, so an admin can look at every dashboard.
"""

import logging

from django.db import models
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("governance.access")


class Role(models.TextChoices):
    GOVERNANCE_LEAD = "governance_lead", _("Governance lead")
    COMMUNICATOR = "communicator", _("Communicator")
    EXPERT = "expert", _("Expert")
    MANAGER = "manager", _("Manager")
    EXECUTIVE = "executive", _("Executive")


def roles_of(user):
    """The user's roles in a stable order, read once per request and cached on the user."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_governance_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = list(Role)
        else:
            names = set(user.groups.values_list("name", flat=True))
            cached = [role for role in Role if role.value in names]
        user._governance_roles = cached
    return cached


def role_group(role):
    """The group that carries `role` (created on first use, e.g. after a test flush)."""
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name=Role(role).value)[0]


def has_role(user, role):
    return role in roles_of(user)


def log_denied(user, action, target=""):
    """Failed authorisation is logged, so repeated probing shows up in the logs."""
    logger.warning("denied user=%s action=%s target=%s", getattr(user, "pk", None), action, target)
