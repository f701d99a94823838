"""Whom a requester may ask, and who is best placed to answer. Reads only.

`request_scope` applies the active organisational model; `rank_candidates` filters and
scores the experts of a discipline for one request. The routing *service*
(`services.routing.request_route`) turns the result into an assignment.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from content_workflow.models.messages import plain_hours
from content_workflow.transitions import OPEN_WORK, Status
from disciplines.models import Absence, Expertise, Membership
from governance.models import ModelType
from governance.selectors import active_model


@dataclass(frozen=True)
class Scope:
    """The disciplines someone may ask; `disciplines is None` means every discipline."""

    disciplines: frozenset | None
    model_type: str | None = None
    message: str = ""  # why the scope is what it is, for the form

    @property
    def is_empty(self):
        return self.disciplines is not None and not self.disciplines

    def allows(self, discipline):
        discipline_id = getattr(discipline, "pk", discipline)
        return self.disciplines is None or discipline_id in self.disciplines


NOBODY = frozenset()


def request_scope(user, *, model=None):
    """Which disciplines `user` may ask for expert input under the active model.

    - hub and spoke: a communicator of the hub asks the hub's spokes and the hub's own
      discipline;
    - multiple hub and spoke: a hub's communicators ask their own hub's spokes and the
      coordinating centre;
    - centralized: only the central unit's communicators ask, anyone;
    - decentralized: only inside one's own discipline;
    - holistic: anyone asks anyone.
    Admins ask anyone. No active model: nobody asks anyone. Three queries at most.
    """
    if not user.is_authenticated:
        return Scope(NOBODY, message=_("Sign in first."))
    model = model or active_model()
    if model is None:
        return Scope(NOBODY, message=_("No organisational model is active yet, so nobody can be asked."))
    if user.is_superuser or model.type == ModelType.HOLISTIC:
        return Scope(None, model.type, _("In the holistic model anyone may ask anyone."))
    own = set(
        Membership.objects.filter(user=user, function=Membership.Function.COMMUNICATOR).values_list(
            "discipline_id", flat=True
        )
    )
    if model.type == ModelType.DECENTRALIZED:
        return Scope(frozenset(own), model.type, _("In the decentralized model you ask inside your own discipline."))

    hubs = list(model.hubs.all())
    spokes = list(model.spokes.all())
    mine = [hub for hub in hubs if hub.home_discipline_id in own]
    if model.type == ModelType.CENTRALIZED:
        if mine:
            return Scope(None, model.type, _("As the central unit you may ask anyone."))
        return Scope(NOBODY, model.type, _("In the centralized model only the central unit's communicators ask."))

    allowed = set()
    for hub in mine:
        allowed |= {spoke.discipline_id for spoke in spokes if spoke.hub_id == hub.pk}
        if model.type == ModelType.HUB_AND_SPOKE:
            allowed.add(hub.home_discipline_id)
        else:
            allowed |= {centre.home_discipline_id for centre in hubs if centre.is_coordinating_centre}
    if model.type == ModelType.HUB_AND_SPOKE:
        message = _("A communicator of the hub asks the hub's spokes and the hub's own discipline.")
    else:
        message = _("A hub's communicators ask their own hub's spokes and the coordinating centre.")
    return Scope(frozenset(allowed), model.type, message)


@dataclass
class Candidate:
    user: object
    capacity: Decimal
    load: Decimal = Decimal(0)
    matched: list = field(default_factory=list)
    preferred: bool = False

    def sort_key(self):
        # Preferred first, then most topics matched, then least open load; the user's id
        # breaks ties, so the same facts always give the same answer.
        return (not self.preferred, -len(self.matched), self.load, self.user.pk)

    def reason(self):
        return {
            "code": "matched",
            "tags": self.matched,
            "load": plain_hours(self.load),
            "capacity": plain_hours(self.capacity),
            "preferred": self.preferred,
        }


@dataclass
class Ranking:
    candidates: list  # best first
    counts: dict  # experts, absent, declined, busy: why people dropped out

    def reason(self):
        if self.candidates:
            return self.candidates[0].reason()
        return {"code": "no_candidates", **self.counts}


def open_loads(user_ids):
    """Estimated hours of the work each user has accepted or been given and not delivered."""
    from content_workflow.models import ExpertInputRequest

    rows = (
        ExpertInputRequest.objects.filter(assignee_id__in=user_ids, status__in=OPEN_WORK)
        .values("assignee_id")
        .annotate(load=Sum("estimated_hours"))
    )
    return {row["assignee_id"]: row["load"] or Decimal(0) for row in rows}


def rank_candidates(request, *, today):
    """The target discipline's experts who could take `request`, best first.

    Drops the requester, the absent, those who declined this request and those whose
    open load already fills their weekly capacity; five queries whatever the team size.
    """
    from content_workflow.models import RequestEvent

    memberships = list(
        Membership.objects.filter(discipline_id=request.target_discipline_id, function=Membership.Function.EXPERT)
        .exclude(user_id=request.requester_id)
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    ids = [membership.user_id for membership in memberships]
    absent = set(
        Absence.objects.filter(user_id__in=ids, starts_on__lte=today, ends_on__gte=today).values_list(
            "user_id", flat=True
        )
    )
    declined = set(
        RequestEvent.objects.filter(request=request, to_status=Status.DECLINED).values_list("actor_id", flat=True)
    )
    loads = open_loads(ids)
    tags = {
        user_id: set(tags) for user_id, tags in Expertise.objects.filter(user_id__in=ids).values_list("user_id", "tags")
    }
    wanted = list(request.topic_tags or [])

    counts = {"experts": len(ids), "absent": 0, "declined": 0, "busy": 0}
    candidates = []
    for membership in memberships:
        user_id = membership.user_id
        load = loads.get(user_id, Decimal(0))
        if user_id in absent:
            counts["absent"] += 1
        elif user_id in declined:
            counts["declined"] += 1
        elif load >= membership.weekly_capacity_hours:
            counts["busy"] += 1
        else:
            candidates.append(
                Candidate(
                    user=membership.user,
                    capacity=membership.weekly_capacity_hours,
                    load=load,
                    matched=[tag for tag in wanted if tag in tags.get(user_id, ())],
                    preferred=user_id == request.preferred_expert_id,
                )
            )
    candidates.sort(key=Candidate.sort_key)
    return Ranking(candidates, counts)
