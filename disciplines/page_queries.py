"""Reads only the catalogue pages need; shared reads stay in selectors.py.

Every helper here loads what a page renders in a fixed number of queries.
"""

from dataclasses import dataclass

from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.db import models, router
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disciplines.models import Absence, Membership
from disciplines.permissions import can_edit_catalogue


def upcoming_absences():
    """Absences that have not ended yet: the ones that matter for routing and for readers."""
    return Absence.objects.filter(ends_on__gte=timezone.localdate()).select_related("deputy")


def people_visible_to(user):
    """Everyone with a membership; leads also see people without one, to give them a first membership."""
    people = get_user_model().objects.filter(is_active=True)
    if not can_edit_catalogue(user):
        people = people.filter(Exists(Membership.objects.filter(user=OuterRef("pk"))))
    return people.order_by("last_name", "first_name", "username")


def people_in(memberships):
    """People holding one of `memberships` (a filtered queryset), ordered by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .select_related("expertise")
        .order_by("last_name", "first_name", "username", "pk")
    )


def person_details():
    """Prefetches for a person's memberships and upcoming absences (use with prefetch_related_objects)."""
    return [
        Prefetch("memberships", queryset=Membership.objects.select_related("discipline")),
        Prefetch("absences", queryset=upcoming_absences(), to_attr="upcoming_absences"),
    ]


FUNCTION_HEADINGS = {
    Membership.Function.EXPERT: gettext_lazy("Experts"),
    Membership.Function.MANAGER: gettext_lazy("Managers"),
    Membership.Function.COMMUNICATOR: gettext_lazy("Communicators"),
}


# How many members of each function the discipline page lists; the rest are a link to People.
MEMBERS_SHOWN = 10


@dataclass
class MemberGroup:
    function: str
    heading: str
    members: list  # the first MEMBERS_SHOWN memberships, by name
    total: int

    @property
    def more(self):
        return self.total - len(self.members)


def members_by_function(discipline, *, shown=MEMBERS_SHOWN):
    """[MemberGroup, ...] in the order expert, manager, communicator: the first `shown`
    members of each by name (their user with `expertise` and `upcoming_absences`) and how
    many there are. Three queries, whatever the number of members.
    """
    memberships = Membership.objects.filter(discipline=discipline)
    totals = dict(memberships.order_by().values_list("function").annotate(n=Count("pk")))
    by_name = [F("user__last_name").asc(), F("user__first_name").asc(), F("user__username").asc(), F("pk").asc()]
    first = (
        memberships.annotate(rank=Window(RowNumber(), partition_by=F("function"), order_by=by_name))
        .filter(rank__lte=shown)
        .select_related("user", "user__expertise")
        .prefetch_related(Prefetch("user__absences", queryset=upcoming_absences(), to_attr="upcoming_absences"))
        .order_by(*by_name)
    )
    groups = {function: [] for function in Membership.Function}
    for membership in first:
        groups[membership.function].append(membership)
    return [
        MemberGroup(function, FUNCTION_HEADINGS[function], members, totals.get(function, 0))
        for function, members in groups.items()
    ]


def deletion_summary(obj):
    """What deleting `obj` would take with it, and what stops it, as lines for a confirmation page.

    Uses the collector that delete() itself uses, so models added later (budgets, requests)
    show up here without changes.
    """
    collector = NestedObjects(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])
    removed = []
    for model, objects in collector.model_objs.items():
        if model is type(obj):
            continue
        meta = model._meta
        name = meta.verbose_name if len(objects) == 1 else meta.verbose_name_plural
        removed.append(f"{len(objects)} {name}")
    blockers = set()
    for protected in collector.protected:
        kind = capfirst(protected._meta.verbose_name)
        # Hubs and spokes belong to an organisational model: name the model, which is what a lead edits.
        owner = getattr(protected, "model", None)
        if isinstance(owner, models.Model):
            blockers.add(_("%(kind)s in “%(owner)s”") % {"kind": kind, "owner": owner})
        else:
            blockers.add(f"{kind}: {protected}")
    return sorted(removed), sorted(blockers)
