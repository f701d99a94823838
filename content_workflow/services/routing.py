"""Routing: find the expert for a submitted request and reserve their time.

Safe to run twice, or on two workers at once: everything happens in one transaction
under the request's row lock; the request is claimed (submitted/declined -> routing)
and decided in it, and nothing is done unless it is still waiting for routing. So
however many copies run, one assignment, one reservation.

Cheap by construction, because every request passes through here: a bounded number of
queries whatever the size of the discipline (the scope is one query, the candidates
with their load, absence, declines and expertise are one more), and e-mails are only
enqueued, after the commit, never sent from here.
"""

import logging

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from content_workflow.models import ExpertInputRequest, Notification, ResponseTarget
from content_workflow.models.messages import plain_hours
from content_workflow.routing import rank_candidates, request_scope
from content_workflow.services.allocations import allocation_open
from content_workflow.services.budgets import month_label, reservation_shortfall, reserve_for_request
from content_workflow.services.deadlines import DEFAULT_RESPONSE_DAYS
from content_workflow.services.notifications import notify_managers
from content_workflow.services.requests import apply, assign, authorize
from content_workflow.transitions import Status

logger = logging.getLogger("content_workflow.routing")


def _locked(request_id):
    """The request under a row lock, with its requester and the discipline's response
    target (business days), in one query."""
    days = ResponseTarget.objects.filter(discipline=OuterRef("target_discipline")).values("business_days")[:1]
    return (
        ExpertInputRequest.objects.select_for_update(of=("self",))
        .select_related("requester")
        .annotate(response_days=Coalesce(Subquery(days), DEFAULT_RESPONSE_DAYS))
        .filter(pk=request_id)
        .first()
    )


def request_route(*, request_id, today=None):
    """Route one request; returns what happened: "assigned", "awaiting_allocation",
    "unroutable", or "skipped" (not waiting for routing: done before, or cancelled)."""
    with transaction.atomic():
        request = _locked(request_id)
        if request is None:
            return "skipped"  # deleted since the message was sent
        if request.status in (Status.SUBMITTED, Status.DECLINED):
            authorize(request, to=Status.ROUTING, actor=None)
            # The claim is on the timeline; the row itself is written once, by the decision.
            apply(request, to=Status.ROUTING, actor=None, save=False)
        elif request.status != Status.ROUTING:
            return "skipped"  # another worker finished it while we waited for the lock
        return _decide(request, today=today or timezone.localdate())


def _decide(request, *, today):
    scope = request_scope(request.requester)
    if scope.is_empty or not scope.allows(request.target_discipline_id):
        code = "no_active_model" if scope.model_type is None and scope.is_empty else "out_of_scope"
        return _unroutable(request, {"code": code})

    ranking = rank_candidates(request, today=today, limit=1)
    if ranking.best is None:
        return _unroutable(request, ranking.reason())

    if reserve_for_request(request):
        expert = ranking.best.as_user()
        authorize(request, to=Status.ASSIGNED, actor=None)
        assign(request, expert=expert, actor=None, reason=ranking.reason(), response_days=request.response_days)
        return "assigned"

    shortfall, remaining = reservation_shortfall(request)
    # Zero only if hours came free since the reservation failed: ask for all of it.
    shortfall = shortfall or request.estimated_hours
    reason = {
        "code": "no_budget",
        "month": month_label(request.due_date),
        "remaining": plain_hours(remaining),
        "hours": plain_hours(request.estimated_hours),
        "shortfall": plain_hours(shortfall),
    }
    authorize(request, to=Status.AWAITING_ALLOCATION, actor=None)
    apply(request, to=Status.AWAITING_ALLOCATION, actor=None, data=reason, routing_reason=reason)
    allocation_open(request, hours=shortfall)
    return "awaiting_allocation"


def _unroutable(request, reason):
    authorize(request, to=Status.UNROUTABLE, actor=None)
    apply(request, to=Status.UNROUTABLE, actor=None, data=reason, routing_reason=reason, assignee=None)
    notify_managers(
        request.target_discipline_id,
        kind=Notification.Kind.UNROUTABLE,
        params={"title": request.title},
        request=request,
    )
    logger.info("request %s is unroutable: %s", request.pk, reason.get("code"))
    return "unroutable"
