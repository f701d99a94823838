"""Reads only the request pages need; shared reads stay in selectors.py.

Everything here starts from the scoping querysets (`visible_to`) or from the user's own
rows, and loads what a page renders in a fixed number of queries.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from content_workflow import selectors
from content_workflow.models import (
    Contribution,
    ExpertInputRequest,
    TimeAllocationRequest,
    TimeBudget,
)
from content_workflow.permissions import actors_for, can_change_rating, can_edit_request, month_start
from content_workflow.transitions import FINAL, Status, next_states

# Work due within this many days counts as "due soon" on the inbox and the dashboards.
DUE_SOON_DAYS = 3
# Requests that still need someone to do something (the requester included).
OPEN = frozenset(Status) - FINAL


# --- Months and budgets ------------------------------------------------------------------------


def next_month(month):
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def months_from(day, count):
    """`count` first-of-months, starting with `day`'s month."""
    months = [month_start(day)]
    while len(months) < count:
        months.append(next_month(months[-1]))
    return months


@dataclass
class BudgetRow:
    discipline: object
    cells: list  # [(month, remaining hours or None when no budget exists), ...]

    @property
    def has_budget(self):
        return any(left is not None for _month, left in self.cells)


def remaining_budgets(disciplines, months):
    """The hours left per discipline and month, for the request form (one query).

    Requesters see only what is left, not the ledger, and only for the disciplines they
    may ask: enough to choose a due month the budget can carry.
    """
    disciplines = list(disciplines)
    budgets = TimeBudget.objects.filter(discipline__in=[d.pk for d in disciplines], month__in=months).only(
        "discipline_id", "month", "approved_hours", "reserved_hours", "used_hours"
    )
    left = {(budget.discipline_id, budget.month): max(budget.remaining_hours, 0) for budget in budgets}
    return [BudgetRow(d, [(month, left.get((d.pk, month))) for month in months]) for d in disciplines]


def budget_for(request):
    """(budget or None, remaining hours) of the request's discipline in its due month.

    The reservation's budget when the request holds one (already loaded with it), else
    one query.
    """
    budget = request.reservation_budget
    if budget is None:
        budget = TimeBudget.objects.filter(
            discipline_id=request.target_discipline_id, month=month_start(request.due_date)
        ).first()
    return budget, (max(budget.remaining_hours, 0) if budget else None)


# --- Lists ------------------------------------------------------------------------------------------


def request_rows(user, *, mine=True, status="", query=""):
    """The rows of "My requests": asked by `user` (or every request they may see),
    filtered by status ("open" for everything not finished) and a search term."""
    queryset = selectors.request_list(user)
    if mine:
        queryset = queryset.filter(requester=user)
    if status == "open":
        queryset = queryset.filter(status__in=OPEN)
    elif status:
        queryset = queryset.filter(status=status)
    return selectors.request_search(queryset, query).order_by("-updated_at", "-pk")


def contributions_of(user):
    """What `user` delivered, newest first, with the requester's rating and thanks.
    Two queries whatever the count: the page and its total.

    No visibility filter: the author of a contribution was the request's assignee, and
    assignees now or before always see the request (a delivered request is never a
    draft). Filtering through the visible requests anyway made PostgreSQL join and
    sort every contribution the expert ever made to show the newest three."""
    return (
        Contribution.objects.filter(author=user)
        .select_related("request", "request__requester", "request__target_discipline")
        .order_by("-created_at", "-pk")
    )


@dataclass
class WorkItem:
    request: object
    due_soon: bool
    overdue: bool


def work_items(user, *, today=None):
    """The expert's open work (from `selectors.my_work`), with its urgency. One query."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    items = []
    for request in selectors.my_work(user):
        overdue = request.is_overdue or request.due_date < today
        items.append(WorkItem(request, due_soon=not overdue and request.due_date <= soon, overdue=overdue))
    return items


def work_sections(user, *, today=None):
    """The inbox, split: waiting for an answer, and accepted (in progress)."""
    items = work_items(user, today=today)
    return {
        "waiting": [item for item in items if item.request.status == Status.ASSIGNED],
        "in_progress": [item for item in items if item.request.status == Status.ACCEPTED],
        "overdue_count": sum(item.overdue for item in items),
        "due_soon_count": sum(item.due_soon for item in items),
    }


# --- Dashboards -----------------------------------------------------------------------------------

DASHBOARD_ROWS = 5


def communicator_summary(user, *, today=None):
    """The communicator's cards: what needs them (a draft to submit, input to complete, a
    smaller estimate to answer) and their open requests by due date. Three queries."""
    today = today or timezone.localdate()
    # The requester sees their own requests whatever else visibility says, so their own
    # open ones need no visibility filter: the requester index then finds them alone.
    mine = ExpertInputRequest.objects.filter(requester=user, status__in=OPEN).select_related(*selectors.REQUEST_RELATED)
    offer_waiting = TimeAllocationRequest.objects.filter(
        request=OuterRef("pk"), status=TimeAllocationRequest.Status.PARTIALLY_APPROVED
    )
    needs_you = Q(status__in=[Status.DRAFT, Status.DELIVERED]) | Exists(offer_waiting)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return {
        "needs_you": list(mine.filter(needs_you).order_by("due_date", "pk")[:DASHBOARD_ROWS]),
        "open_rows": list(mine.order_by("due_date", "pk")[:DASHBOARD_ROWS]),
        "open_count": mine.count(),
        "today": today,
        "soon": soon,
    }


def expert_summary(user, *, today=None):
    """The expert's cards: what waits for an answer, and accepted work by due date. One query."""
    items = work_items(user, today=today)
    waiting = [item for item in items if item.request.status == Status.ASSIGNED]
    in_progress = [item for item in items if item.request.status == Status.ACCEPTED]
    return {
        "waiting": waiting[:DASHBOARD_ROWS],
        "waiting_count": len(waiting),
        "in_progress": in_progress[:DASHBOARD_ROWS],
        "in_progress_count": len(in_progress),
        "overdue_count": sum(item.overdue for item in items),
        "due_soon_count": sum(item.due_soon for item in items),
    }


# --- One request --------------------------------------------------------------------------------------


def pending_offer(request):
    """The allocation whose smaller estimate waits for the requester (from the prefetch)."""
    return next(
        (a for a in request.allocations.all() if a.status == TimeAllocationRequest.Status.PARTIALLY_APPROVED), None
    )


def pending_allocation(request):
    return next((a for a in request.allocations.all() if a.is_pending), None)


def completion(request):
    """The completion event (its note carries the thanks), from the prefetched timeline."""
    return next((e for e in reversed(request.events.all()) if e.to_status == Status.COMPLETED), None)


# Which button needs which move in the transition table.
ACTION_TARGETS = {
    "submit": Status.SUBMITTED,
    "cancel": Status.CANCELLED,
    "accept": Status.ACCEPTED,
    "decline": Status.DECLINED,
    "deliver": Status.DELIVERED,
    "complete": Status.COMPLETED,
}


def available_actions(user, request):
    """The actions `user` may take on `request` now, by name (what the page offers).

    Only what to show: the services check everything again under a row lock.
    """
    actors = actors_for(user, request)
    targets = set(next_states(request.status, actors))
    actions = {name for name, target in ACTION_TARGETS.items() if target in targets}
    if can_edit_request(user, request):
        actions.add("edit")
    if can_change_rating(user, request):
        actions.add("rate")
    offer = pending_offer(request)
    if offer is not None and user.pk == request.requester_id:
        actions |= {"accept_offer", "withdraw"}
    return actions
