"""Whom a requester may ask, and who is best placed to answer. Reads only.

`request_scope` applies the active organisational model; `rank_candidates` filters and
scores the experts of a discipline for one request. The routing *service*
(`services.routing.request_route`) turns the result into an assignment.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from content_workflow.models.messages import person_ref, plain_hours
from content_workflow.transitions import OPEN_WORK, Status
from disciplines.models import Absence, Expertise, Membership
from governance.models import Hub, ModelType, OrganisationalModel, Spoke


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


def _model_facts(user, model):
    """The organisational model (the active one, or `model`), its hubs and spokes and
    the disciplines `user` is a communicator of, as the rows of ONE query:
    (kind, id, discipline_id, is_coordinating_centre, model type)."""
    where = {"status": OrganisationalModel.Status.ACTIVE} if model is None else {"pk": model.pk}
    through = {f"model__{key}": value for key, value in where.items()}
    no_text, no_id = Value("", output_field=CharField()), Value(None, output_field=IntegerField())
    models = OrganisationalModel.objects.filter(**where).values_list(Value("model"), "pk", no_id, Value(False), "type")
    hubs = Hub.objects.filter(**through).values_list(
        Value("hub"), "pk", "home_discipline_id", "is_coordinating_centre", no_text
    )
    spokes = Spoke.objects.filter(**through).values_list(
        Value("spoke"), "hub_id", "discipline_id", Value(False), no_text
    )
    own = Membership.objects.filter(user=user, function=Membership.Function.COMMUNICATOR).values_list(
        Value("own"), no_id, "discipline_id", Value(False), no_text
    )
    parts = [part.order_by() for part in (models, hubs, spokes, own)]
    return list(parts[0].union(*parts[1:], all=True).order_by())


def request_scope(user, *, model=None):
    """Which disciplines `user` may ask for expert input under the active model.

    - hub and spoke: a communicator of the hub asks the hub's spokes and the hub's own
      discipline;
    - multiple hub and spoke: a hub's communicators ask their own hub's spokes and the
      coordinating centre;
    - centralized: only the central unit's communicators ask, anyone;
    - decentralized: only inside one's own discipline;
    - holistic: anyone asks anyone.
    Admins ask anyone. No active model: nobody asks anyone. One query (routing runs
    this for every request).
    """
    if not user.is_authenticated:
        return Scope(NOBODY, message=_("Sign in first."))
    rows = _model_facts(user, model)
    model_type = next((text for kind, _id, _discipline, _centre, text in rows if kind == "model"), None)
    if model_type is None:
        return Scope(NOBODY, message=_("No organisational model is active yet, so nobody can be asked."))
    if user.is_superuser or model_type == ModelType.HOLISTIC:
        return Scope(None, model_type, _("In the holistic model anyone may ask anyone."))
    own = {discipline for kind, _id, discipline, _centre, _text in rows if kind == "own"}
    if model_type == ModelType.DECENTRALIZED:
        return Scope(frozenset(own), model_type, _("In the decentralized model you ask inside your own discipline."))

    hubs = [(pk, discipline, centre) for kind, pk, discipline, centre, _text in rows if kind == "hub"]
    spokes = [(hub_id, discipline) for kind, hub_id, discipline, _centre, _text in rows if kind == "spoke"]
    mine = [hub for hub in hubs if hub[1] in own]
    if model_type == ModelType.CENTRALIZED:
        if mine:
            return Scope(None, model_type, _("As the central unit you may ask anyone."))
        return Scope(NOBODY, model_type, _("In the centralized model only the central unit's communicators ask."))

    allowed = set()
    for hub_id, home, _centre in mine:
        allowed |= {discipline for spoke_hub, discipline in spokes if spoke_hub == hub_id}
        if model_type == ModelType.HUB_AND_SPOKE:
            allowed.add(home)
        else:
            allowed |= {discipline for _pk, discipline, centre in hubs if centre}
    if model_type == ModelType.HUB_AND_SPOKE:
        message = _("A communicator of the hub asks the hub's spokes and the hub's own discipline.")
    else:
        message = _("A hub's communicators ask their own hub's spokes and the coordinating centre.")
    return Scope(frozenset(allowed), model_type, message)


# Capacity, as routing counts it: an expert takes a request only if their open load
# (the estimates of everything assigned to or accepted by them and not yet delivered, in
# any discipline) plus this request's estimate fits ONE WEEK of their capacity in the
# target discipline. Open work has no schedule of its own, so it is not spread over
# the weeks until the due date: the team page and the dashboards show "open of
# capacity a week", and routing never makes that read more than the capacity. A
# request bigger than anyone's free week is for a manager to decide (they may
# overbook, with a warning on record).
NEAREST = 3  # how many of those without room an unroutable reason names


@dataclass
class Candidate:
    user_id: int
    name: str
    capacity: Decimal
    load: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)  # the request's estimate
    matched: list = field(default_factory=list)
    preferred: bool = False
    username: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    email_choice: str | None = None  # NotificationPreference.email, None: the default

    def as_user(self):
        """The expert as a User with only what assigning and notifying read (the rest
        deferred, as `.only()` would leave it): routing needs no query to load them."""
        user = get_user_model().from_db(
            None,
            ["id", "username", "first_name", "last_name", "email"],
            [self.user_id, self.username, self.first_name, self.last_name, self.email],
        )
        user.email_choice = self.email_choice  # as services.notifications.with_email_choice
        return user

    def reason(self):
        return {
            "code": "matched",
            "tags": self.matched,
            "load": plain_hours(self.load),
            "hours": plain_hours(self.hours),
            "capacity": plain_hours(self.capacity),
            "preferred": self.preferred,
        }

    def as_nearest(self):
        return {
            "name": person_ref(self.user_id),
            "load": plain_hours(self.load),
            "capacity": plain_hours(self.capacity),
        }


@dataclass
class Ranking:
    candidates: list  # those with room, best first
    counts: dict  # experts, absent, declined, busy: why people dropped out
    nearest: list = field(default_factory=list)  # those without room, most room first
    hours: Decimal = Decimal(0)

    @property
    def best(self):
        return self.candidates[0] if self.candidates else None

    def reason(self):
        if self.candidates:
            return self.candidates[0].reason()
        return {
            "code": "no_candidates",
            **self.counts,
            "hours": plain_hours(self.hours),
            "nearest": [candidate.as_nearest() for candidate in self.nearest],
        }


LOAD = DecimalField(max_digits=10, decimal_places=2)


def open_load_subquery(user_ref):
    """The open load of the user at `user_ref`, summed in the database per row."""
    from content_workflow.models import ExpertInputRequest

    work = ExpertInputRequest.objects.filter(assignee=user_ref, status__in=OPEN_WORK).order_by()
    return Coalesce(
        Subquery(work.values("assignee").annotate(total=Sum("estimated_hours")).values("total")[:1]),
        Value(Decimal(0)),
        output_field=LOAD,
    )


def _full_name(first, last, username):
    # As User.get_full_name() or get_username(), without building User objects.
    return f"{first} {last}".strip() or username


class HasTag(Func):
    """1 when the JSON list of tags holds `tag`, else 0; on PostgreSQL and SQLite, so
    that routing ranks in the database instead of reading every expert."""

    output_field = IntegerField()
    # Only compiled SQL (a column reference) is put into these; the tag is a parameter.
    SQLITE = "(CASE WHEN EXISTS (SELECT 1 FROM json_each({}) WHERE json_each.value = %s) THEN 1 ELSE 0 END)"
    POSTGRESQL = "(CASE WHEN {} @> jsonb_build_array(%s::text) THEN 1 ELSE 0 END)"

    def __init__(self, tags, tag):
        super().__init__(tags)
        self.tag = tag

    def _sql(self, template, compiler):
        tags, params = compiler.compile(self.source_expressions[0])
        return template.format(tags), (*params, self.tag)

    def as_sql(self, compiler, connection, **extra_context):
        return self._sql(self.SQLITE, compiler)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self._sql(self.POSTGRESQL, compiler)


class HasAnyTag(Func):
    """True when the JSON list of tags holds any of `wanted` (a non-empty list)."""

    output_field = BooleanField()
    # As in HasTag: only a compiled column and placeholders go in; the tags are parameters.
    SQLITE = "EXISTS (SELECT 1 FROM json_each({}) WHERE json_each.value IN ({}))"
    POSTGRESQL = "{} ?| %s::text[]"

    def __init__(self, tags, wanted):
        super().__init__(tags)
        self.wanted = list(wanted)

    def as_sql(self, compiler, connection, **extra_context):
        tags, params = compiler.compile(self.source_expressions[0])
        marks = ", ".join(["%s"] * len(self.wanted))
        return self.SQLITE.format(tags, marks), (*params, *self.wanted)

    def as_postgresql(self, compiler, connection, **extra_context):
        tags, params = compiler.compile(self.source_expressions[0])
        return self.POSTGRESQL.format(tags), (*params, self.wanted)


def _experts(request, today):
    """The discipline's experts (not the requester), each with their open load and
    whether they are away today or declined this request, computed in the database."""
    from content_workflow.models import RequestEvent

    expert = OuterRef("user_id")
    return (
        Membership.objects.filter(
            discipline_id=request.target_discipline_id, function=Membership.Function.EXPERT, user__is_active=True
        )
        .exclude(user_id=request.requester_id)
        .annotate(
            # A subquery per expert, each an index-only lookup (cw_request_open_load). It
            # replaced a join to open work grouped by every selected column: at 2,000
            # experts that grouping cost a third of the ranking and its planning 5 ms.
            load=open_load_subquery(expert),
            absent=Exists(Absence.objects.filter(user=expert, starts_on__lte=today, ends_on__gte=today)),
            declined=Exists(RequestEvent.objects.filter(request=request, to_status=Status.DECLINED, actor=expert)),
        )
    )


def _candidate(request, row):
    user_id, capacity, load, tags, first, last, username, email, email_choice = row
    tags = set(tags or ())
    return Candidate(
        user_id=user_id,
        name=_full_name(first, last, username),
        capacity=capacity,
        load=load,
        hours=request.estimated_hours,
        matched=[tag for tag in request.topic_tags or [] if tag in tags],
        preferred=user_id == request.preferred_expert_id,
        username=username,
        first_name=first,
        last_name=last,
        email=email,
        email_choice=email_choice,
    )


CANDIDATE_COLUMNS = (
    "user_id",
    "weekly_capacity_hours",
    "load",
    "user__expertise__tags",
    "user__first_name",
    "user__last_name",
    "user__username",
    "user__email",
    "user__notification_preference__email",
)


def _likely(request, wanted):
    """Who would rank above anyone matching no topic: the preferred expert and those
    matching at least one of `wanted`, as a filter on their ids; None when that is
    everybody (no topics, nobody named).

    The discipline's experts matching a topic are read on their own (one query), so
    that the ranking looks only at their memberships. As a condition of the
    ranking itself, PostgreSQL worked out the open load of every member of the
    discipline before it matched the tags: 5 of the ranking's 9 ms at 2,000 experts."""
    if not wanted and not request.preferred_expert_id:
        return None
    ids = {request.preferred_expert_id} - {None}
    if wanted:
        matching = Expertise.objects.filter(
            HasAnyTag(F("tags"), wanted),
            user__memberships__discipline_id=request.target_discipline_id,
            user__memberships__function=Membership.Function.EXPERT,
        )
        ids.update(matching.values_list("user_id", flat=True))
    return Q(user_id__in=ids)


def rank_candidates(request, *, today, limit=None):
    """The target discipline's experts who could take `request`, best first (the best
    `limit` of them, if given: routing asks for one).

    Drops the requester, the absent, those who declined this request and those without
    room for its estimate (see the capacity rule above); then preferred first, most
    topics matched, least open load, the user's id. Filtering and ranking happen in the
    database whatever the team size (the load a subquery on an index; absence and
    declines EXISTS; topic matches `HasTag`), so a discipline of 2,000 experts sends
    back one row. With a `limit`, one query for who matches a topic, one ranking them,
    and a third over everyone only if they fall short. Only when nobody fits, two more
    queries say why and who came closest.
    """
    experts = _experts(request, today)
    wanted = list(dict.fromkeys(request.topic_tags or []))
    matched = sum((HasTag(F("user__expertise__tags"), tag) for tag in wanted), Value(0))
    preferred = Value(0)
    if request.preferred_expert_id:
        preferred = Case(When(user_id=request.preferred_expert_id, then=Value(1)), default=Value(0))
    ranked = (
        experts.filter(absent=False, declined=False, load__lte=F("weekly_capacity_hours") - request.estimated_hours)
        .annotate(matched=matched, preferred=preferred)
        .order_by("-preferred", "-matched", "load", "user_id")
        .values_list(*CANDIDATE_COLUMNS)
    )
    candidates = []
    likely = _likely(request, wanted) if limit else None
    if likely is not None:
        # Whenever enough of those who match a topic (or were asked for by name) fit, the
        # best `limit` are among them, ahead of everyone who matches none: ask about them
        # first, a fraction of a large team, and about everyone only if they fall short.
        candidates = [_candidate(request, row) for row in ranked.filter(likely)[:limit]]
        if len(candidates) < limit:
            candidates = []
    if not candidates:
        candidates = [_candidate(request, row) for row in (ranked[:limit] if limit else ranked)]
    if candidates:
        return Ranking(candidates, {}, hours=request.estimated_hours)

    flags = list(experts.values_list("absent", "declined"))
    absent = sum(1 for away, _declined in flags if away)
    declined = sum(1 for away, said_no in flags if said_no and not away)
    counts = {"experts": len(flags), "absent": absent, "declined": declined, "busy": len(flags) - absent - declined}
    closest = (
        experts.filter(absent=False, declined=False)
        .annotate(room=F("weekly_capacity_hours") - F("load"))
        .order_by("-room", "user_id")
        .values_list(*CANDIDATE_COLUMNS)[:NEAREST]
    )
    return Ranking([], counts, [_candidate(request, row) for row in closest], request.estimated_hours)


def expert_room(expert, request):
    """(open load, weekly capacity) of `expert` in `request`'s discipline; one query.

    Capacity None: not an expert there (the caller refuses that on its own)."""
    row = (
        Membership.objects.filter(
            user=expert, discipline_id=request.target_discipline_id, function=Membership.Function.EXPERT
        )
        .annotate(load=open_load_subquery(OuterRef("user_id")))
        .values_list("load", "weekly_capacity_hours")
        .first()
    )
    return row or (Decimal(0), None)
