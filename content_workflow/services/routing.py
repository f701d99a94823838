"""Routing: find the expert for a submitted request and reserve their time.

Safe to run twice, or on two workers at once: the first step claims the request with a
row lock (submitted/declined -> routing); the second step decides under a row lock and
does nothing unless the request is still routing. So however many copies run, one
assignment, one reservation.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content_workflow.models import ExpertInputRequest, Notification
from content_workflow.models.messages import plain_hours
from content_workflow.routing import rank_candidates, request_scope
from content_workflow.services.allocations import allocation_open
from content_workflow.services.budgets import month_label, reservation_shortfall, reserve_for_request
from content_workflow.services.notifications import notify_managers
from content_workflow.services.requests import apply, assign, authorize, locked_request
from content_workflow.transitions import Status

logger = logging.getLogger("content_workflow.routing")


def request_route(*, request_id, today=None):
    """Route one request; returns what happened: "assigned", "awaiting_allocation",
    "unroutable", or "skipped" (not waiting for routing: done before, or cancelled)."""
    with transaction.atomic():
        try:
            request = locked_request(request_id)
        except ExpertInputRequest.DoesNotExist:
            return "skipped"  # deleted since the message was sent
        if request.status in (Status.SUBMITTED, Status.DECLINED):
            authorize(request, to=Status.ROUTING, actor=None)
            apply(request, to=Status.ROUTING, actor=None)
        elif request.status != Status.ROUTING:
            return "skipped"
    with transaction.atomic():
        request = locked_request(request_id)
        if request.status != Status.ROUTING:
            return "skipped"  # another worker finished it while we waited for the lock
        return _decide(request, today=today or timezone.localdate())


def _decide(request, *, today):
    scope = request_scope(request.requester)
    if scope.is_empty or not scope.allows(request.target_discipline_id):
        code = "no_active_model" if scope.model_type is None and scope.is_empty else "out_of_scope"
        return _unroutable(request, {"code": code})

    ranking = rank_candidates(request, today=today)
    if not ranking.candidates:
        return _unroutable(request, ranking.reason())

    best = ranking.candidates[0]
    if reserve_for_request(request):
        authorize(request, to=Status.ASSIGNED, actor=None)
        assign(request, expert=best.user, actor=None, reason=best.reason())
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
        text=_("Nobody suitable was found for “%(title)s”: please pick an expert.") % {"title": request.title},
        request=request,
    )
    logger.info("request %s is unroutable: %s", request.pk, reason.get("code"))
    return "unroutable"
