"""Who may do what with job profiles, assignments and assessments.

Assessments are private. A person's assessments are seen and written by:
- the person themselves (what they write is a self-assessment),
- a manager of their discipline: someone with a `Membership(function=manager)` in a
  discipline where the person is a member as expert or communicator (fellow managers of
  the same discipline are peers, not each other's manager),
- governance leads and superusers.
Nobody else sees them; pages and the API answer 404. Seeing and writing go together, so
one condition serves the assessment scope, the people list and the `can_assess` predicate.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from disciplines.models import Membership
from governance.permissions import can_manage_governance

TEAM_FUNCTIONS = (Membership.Function.EXPERT, Membership.Function.COMMUNICATOR)


def can_edit_profiles(user):
    """Job profiles, competency categories, competencies and the required-level matrix."""
    return can_manage_governance(user)


def can_manage_assignments(user):
    """Who holds which profile where."""
    return can_manage_governance(user)


def assessable_people_condition(viewer, user_field):
    """A Q on `user_field` (a user FK, or "pk" on users) for people whose assessments `viewer` sees and writes.

    None means no restriction (a governance lead). Built from Exists subqueries, so every
    list stays one query however many teams the viewer manages.
    """
    if can_manage_governance(viewer):
        return None
    managed = Membership.objects.filter(user=viewer, function=Membership.Function.MANAGER).values("discipline_id")
    in_team = Membership.objects.filter(
        user=OuterRef(user_field), function__in=TEAM_FUNCTIONS, discipline_id__in=managed
    )
    return Q(**{user_field: viewer.pk}) | Q(Exists(in_team))


def people_assessable_by(viewer):
    """Users whose assessments `viewer` may see and record (themselves included)."""
    users = get_user_model().objects.all()
    if not viewer.is_authenticated:
        return users.none()
    condition = assessable_people_condition(viewer, "pk")
    return users if condition is None else users.filter(condition)


def can_assess(viewer, person):
    """Record (and read) assessments of `person`; on oneself that is a self-assessment."""
    if not viewer.is_authenticated or person is None:
        return False
    if viewer.pk == person.pk or can_manage_governance(viewer):
        return True
    return people_assessable_by(viewer).filter(pk=person.pk).exists()


can_view_assessments = can_assess
