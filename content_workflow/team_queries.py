"""Reads of the team page and the manager's team card.

A discipline can have thousands of experts, so nothing here loads a whole team: the
summary per discipline is a few grouped queries, the experts come one page at a time,
and the figures of each expert (open load, contributions, ratings, absences) are
computed for the experts of that page only, one grouped query each. A fixed number of
queries whatever the size of the team.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.utils import timezone

from content_workflow.models import Contribution, ExpertInputRequest
from content_workflow.transitions import OPEN_WORK, Status
from disciplines.models import Absence, Membership

ZERO = Decimal(0)
DELIVERED = (Status.DELIVERED, Status.COMPLETED)
EXPERT = Membership.Function.EXPERT
MANAGER = Membership.Function.MANAGER


def _active(discipline_ids):
    return Membership.objects.filter(discipline_id__in=discipline_ids, user__is_active=True)


# --- The summary per discipline ------------------------------------------------------------------


@dataclass
class TeamSummary:
    """One discipline's team in figures, and its managers (few by nature, all listed)."""

    discipline: object
    experts: int = 0
    capacity: Decimal = ZERO
    open_load: Decimal = ZERO  # the open work of its experts, in any discipline
    away: int = 0  # members away today
    managers: list = field(default_factory=list)

    @property
    def has_team(self):
        return bool(self.experts or self.managers)


def team_summaries(disciplines, *, today=None, with_managers=True):
    """A TeamSummary per discipline, in the order given. Two queries, and two more for
    the managers (`with_managers`; the dashboard's card shows none)."""
    today = today or timezone.localdate()
    summaries = {discipline.pk: TeamSummary(discipline) for discipline in disciplines}
    ids = list(summaries)
    # Experts, capacity and who is away today, in one pass over the teams' memberships.
    away = Exists(Absence.objects.filter(user_id=OuterRef("user_id"), starts_on__lte=today, ends_on__gte=today))
    is_expert = Q(function=EXPERT)
    teams = (
        _active(ids)
        .filter(function__in=[EXPERT, MANAGER])
        .values("discipline_id")
        .annotate(
            n=Count("pk", filter=is_expert),
            hours=Sum("weekly_capacity_hours", filter=is_expert),
            away=Count("user_id", distinct=True, filter=away),
        )
    )
    for row in teams:
        summary = summaries[row["discipline_id"]]
        summary.experts, summary.capacity, summary.away = row["n"], row["hours"] or ZERO, row["away"]
    loads = (
        ExpertInputRequest.objects.filter(
            status__in=OPEN_WORK,
            assignee__memberships__discipline_id__in=ids,
            assignee__memberships__function=EXPERT,
            assignee__is_active=True,
        )
        .values("assignee__memberships__discipline_id")
        .annotate(hours=Sum("estimated_hours"))
    )
    for row in loads:
        summaries[row["assignee__memberships__discipline_id"]].open_load = row["hours"] or ZERO
    if with_managers:
        managers = (
            _active(ids)
            .filter(function=MANAGER)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "user_id")
        )
        for membership in managers.prefetch_related(_absences(today)):
            membership.user.away_now = is_away(membership.user, today)
            summaries[membership.discipline_id].managers.append(membership)
    return list(summaries.values())


# --- The experts, a page at a time ---------------------------------------------------------------


def team_experts(discipline_ids, *, query=""):
    """The active experts of these disciplines, by discipline and name; `query` matches
    the name or username. Plain rows: page them, then call `with_figures` on the page."""
    memberships = _active(discipline_ids).filter(function=EXPERT).select_related("user", "discipline")
    for word in (query or "").split()[:5]:
        memberships = memberships.filter(
            Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word) | Q(user__username__icontains=word)
        )
    return memberships.order_by(
        "discipline__position", "discipline__name", "user__last_name", "user__first_name", "user_id"
    )


def with_figures(memberships, *, today=None):
    """Sets on each expert membership (one page of them) in three queries:

    - `open_load`, `open_count`: estimated hours and number of requests assigned or
      accepted and not delivered, in any discipline (what routing weighs against the
      weekly capacity);
    - `delivered_count`, `hours_delivered`, `on_time_count`: contributions delivered for
      this discipline's requests (delivered or completed), and how many by the due date;
    - `rating_count`, `average_rating`: the requesters' ratings of those (None without);
    - `user.upcoming_absences` (with the deputy) and `user.away_now`.
    """
    today = today or timezone.localdate()
    memberships = list(memberships)
    user_ids = {m.user_id for m in memberships}
    open_work = {
        row["assignee_id"]: row
        for row in ExpertInputRequest.objects.filter(assignee_id__in=user_ids, status__in=OPEN_WORK)
        .values("assignee_id")
        .annotate(hours=Sum("estimated_hours"), n=Count("pk"))
    }
    delivered = {
        (row["author_id"], row["request__target_discipline_id"]): row
        for row in Contribution.objects.filter(author_id__in=user_ids, request__status__in=DELIVERED)
        .values("author_id", "request__target_discipline_id")
        .annotate(
            n=Count("pk"),
            hours=Sum("hours_spent"),
            on_time=Count("pk", filter=Q(request__delivered_at__date__lte=F("request__due_date"))),
            rated=Count("usefulness"),
            rating=Avg("usefulness"),
        )
    }
    absences = {}
    for absence in Absence.objects.filter(user_id__in=user_ids, ends_on__gte=today).select_related("deputy"):
        absences.setdefault(absence.user_id, []).append(absence)
    for membership in memberships:
        load = open_work.get(membership.user_id, {})
        membership.open_load = load.get("hours") or ZERO
        membership.open_count = load.get("n", 0)
        done = delivered.get((membership.user_id, membership.discipline_id), {})
        membership.delivered_count = done.get("n", 0)
        membership.hours_delivered = done.get("hours") or ZERO
        membership.on_time_count = done.get("on_time", 0)
        membership.rating_count = done.get("rated", 0)
        membership.average_rating = done.get("rating")
        user = membership.user
        user.upcoming_absences = sorted(absences.get(user.pk, []), key=lambda a: a.starts_on)
        user.away_now = is_away(user, today)
    return memberships


def _absences(today):
    return Prefetch(
        "user__absences",
        queryset=Absence.objects.filter(ends_on__gte=today).select_related("deputy").order_by("starts_on"),
        to_attr="upcoming_absences",
    )


def is_away(user, today):
    return any(absence.starts_on <= today <= absence.ends_on for absence in user.upcoming_absences)
