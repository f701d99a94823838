"""Read queries shared by pages and the API, ready to render: every list costs a fixed
number of queries whatever its length, and always starts from `visible_to(user)`."""

from django.db.models import Count, Prefetch, Q, Sum

from content_workflow.models import (
    Attachment,
    BudgetEntry,
    ExpertInputRequest,
    Notification,
    RequestEvent,
    TimeAllocationRequest,
    TimeBudget,
)
from content_workflow.routing import request_scope
from content_workflow.transitions import OPEN_WORK, ROUTABLE, UNFINISHED, Status
from disciplines.models import Discipline, Membership

# The people a request names: a list loads them with the names its texts need
# (request_rows), a single request joins them (REQUEST_RELATED).
REQUEST_PEOPLE = ("requester", "assignee", "preferred_expert")
REQUEST_RELATED = (*REQUEST_PEOPLE, "target_discipline")


def request_list(user, *, status=None, discipline=None):
    """Requests `user` may see, newest first; filter by status or discipline."""
    queryset = ExpertInputRequest.objects.visible_to(user).select_related(*REQUEST_RELATED)
    if status:
        queryset = queryset.filter(status__in=[status] if isinstance(status, str) else status)
    if discipline:
        queryset = queryset.filter(target_discipline=discipline)
    return queryset


def request_rows(user):
    """request_list for a list of requests with their people and routing reasons: the
    requester, assignee and preferred expert of the rows come with the names the reasons
    need, in one query for the page, instead of three joins of the user table per row."""
    return request_list(user).select_related(None).select_related("target_discipline").with_names(people=REQUEST_PEOPLE)


def stuck_requests_q(now):
    """Requests stuck now: nobody suitable was found (unroutable: a manager must pick
    someone), or waiting for routing past the time the sweeper re-sends it. The one
    rule of the model-health figure and the request list's `stuck` filter.

    Written as "one of these statuses, and unroutable or past its sweep time" so that
    PostgreSQL reads only those statuses' entries of the (status, next_sweep_at) index:
    the plain OR of the two cases made it read the whole index for the list's count
    (13.5 ms at 100,000 requests; under 1 ms this way, bench/plans)."""
    waiting = [Status.UNROUTABLE, *sorted(ROUTABLE)]
    return Q(status__in=waiting) & (Q(status=Status.UNROUTABLE) | Q(next_sweep_at__lte=now))


def past_due_requests_q(today):
    """Requests not finished whose due date has passed (today is not past due). The one
    rule of the "past their due date" figures and the request list's `past_due` filter."""
    return Q(status__in=UNFINISHED, due_date__lt=today)


# Each word of a search must appear in one of these (case-insensitive, anywhere in it).
# On PostgreSQL, trigram GIN indexes on UPPER(field) answer these LIKEs (migration 0003);
# SQLite scans, which is fine at the embedded default's size.
SEARCHED_FIELDS = ("title", "brief", "content_piece")
MAX_SEARCH_WORDS = 8


def request_search(queryset, query):
    """Requests matching every word of `query`; the one search of the pages and the API."""
    for word in (query or "").split()[:MAX_SEARCH_WORDS]:
        matches = Q()
        for field in SEARCHED_FIELDS:
            matches |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset


def request_detail(user):
    """The queryset for one request's page: timeline, contribution and allocations
    fetched with it (look the request up in it: another's request is not there), and the
    names of the people its routing reason and timeline store by id (one query)."""
    return (
        request_list(user)
        .with_names()
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor", "assignee")),
            Prefetch("allocations", queryset=TimeAllocationRequest.objects.select_related("decided_by")),
            Prefetch("contribution__attachments", queryset=Attachment.objects.order_by("pk")),
        )
        .select_related("contribution", "contribution__author", "reservation_budget", "piece")
    )


def my_work(user):
    """What is asked of `user` as an expert right now."""
    return request_list(user).filter(assignee=user, status__in=OPEN_WORK).order_by("due_date", "-priority")


def attachment_for_download(user, pk):
    """An attachment of a request `user` may see (else DoesNotExist: a 404)."""
    visible = ExpertInputRequest.objects.visible_to(user).values("pk")
    return Attachment.objects.select_related("contribution").get(pk=pk, contribution__request__in=visible)


def budget_list(user, *, month=None, discipline=None):
    queryset = TimeBudget.objects.visible_to(user).select_related("discipline", "approved_by")
    if month:
        queryset = queryset.filter(month=month.replace(day=1))
    if discipline:
        queryset = queryset.filter(discipline=discipline)
    return queryset


def budget_entries(budget):
    return BudgetEntry.objects.filter(budget=budget).select_related("actor", "request", "allocation")


ALLOCATION_PEOPLE = ("request__requester", "decided_by")
ALLOCATION_RELATED = ("request", "discipline", *ALLOCATION_PEOPLE)


def allocation_list(user, *, pending=False):
    queryset = TimeAllocationRequest.objects.visible_to(user).select_related(*ALLOCATION_RELATED)
    if pending:
        queryset = queryset.filter(status__in=TimeAllocationRequest.PENDING)
    return queryset


def allocation_rows(user):
    """allocation_list for a list of allocations with their people and capacity warnings,
    the people coming with the warnings' names (as request_rows)."""
    return (
        allocation_list(user)
        .select_related(None)
        .select_related("request", "discipline")
        .with_names(people=ALLOCATION_PEOPLE)
    )


def notification_list(user, *, unread=False):
    queryset = Notification.objects.visible_to(user).select_related("request")
    return queryset.unread() if unread else queryset


def unread_count(user):
    return Notification.objects.visible_to(user).unread().count()


def askable_disciplines(user):
    """The disciplines the request form offers `user`, and the rule that limits them
    (so the form says so before anyone submits)."""
    scope = request_scope(user)
    queryset = Discipline.objects.all()
    if scope.disciplines is not None:
        queryset = queryset.filter(pk__in=scope.disciplines)
    return queryset, scope


def discipline_experts(discipline):
    """The experts of a discipline, for a manager who picks one."""
    return (
        Membership.objects.filter(discipline=discipline, function=Membership.Function.EXPERT)
        .select_related("user", "user__expertise")
        .order_by("user__last_name", "user__first_name", "user_id")
    )


def team_contributions(discipline, *, since=None):
    """Who in a discipline contributes how much: delivered requests and hours per expert."""
    delivered = Q(
        user__contributions__request__target_discipline=discipline,
        user__contributions__request__status__in=[Status.DELIVERED, Status.COMPLETED],
    )
    if since:
        delivered &= Q(user__contributions__created_at__gte=since)
    return (
        discipline_experts(discipline)
        .annotate(
            delivered_count=Count("user__contributions", filter=delivered, distinct=True),
            hours_spent=Sum("user__contributions__hours_spent", filter=delivered),
        )
        .order_by("-hours_spent", "user_id")
    )
