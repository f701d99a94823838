"""Time allocation requests: extra hours asked of a discipline's managers.

Routing opens one when it found experts but no budget, and parks the request in
`awaiting_allocation`. A manager (or a deputy while granted) then approves (routing
resumes by itself), approves fewer hours (the requester accepts the smaller estimate or
withdraws), names an expert, or rejects with a reason (back to the requester as a draft).

Locks are always taken request first, then allocation, as routing and cancelling do,
so two of these never deadlock.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content_workflow.models import Notification, RequestEvent, TimeAllocationRequest
from content_workflow.models.messages import plain_hours
from content_workflow.notification_texts import bilingual_param, hours_param, month_param
from content_workflow.permissions import can_answer_offer, can_decide_allocation, month_start
from content_workflow.services.budgets import budget_approve
from content_workflow.services.notifications import display_name, notify, notify_managers
from content_workflow.services.requests import (
    _check_expert,
    assign,
    authorize,
    enqueue_routing,
    locked_request,
    manager_pick,
    move,
)
from content_workflow.transitions import Status
from governance.access import log_denied
from governance.errors import DomainError

AllocationStatus = TimeAllocationRequest.Status


class AllocationDecided(DomainError):
    def __init__(self):
        super().__init__(_("This time allocation request has been decided already."), code="allocation_decided")


def allocation_open(request, *, hours):
    """Ask the managers for `hours` more for `request` (the caller holds its lock)."""
    pending = TimeAllocationRequest.objects.filter(request=request, status__in=TimeAllocationRequest.PENDING).first()
    if pending is not None:
        return pending
    allocation = TimeAllocationRequest.objects.create(
        request=request,
        discipline_id=request.target_discipline_id,
        month=month_start(request.due_date),
        hours_requested=hours,
    )
    notify_managers(
        request.target_discipline_id,
        kind=Notification.Kind.ALLOCATION_REQUESTED,
        params={
            "title": request.title,
            "hours": hours_param(hours),
            "discipline": bilingual_param(request.target_discipline),
            "month": month_param(allocation.month),
        },
        request=request,
    )
    return allocation


def _lock(allocation):
    """Lock the request, then the allocation; return both, freshly read."""
    request = locked_request(allocation.request_id)
    locked = TimeAllocationRequest.objects.select_for_update().get(pk=allocation.pk)
    return request, locked


def _require_decider(actor, allocation, action):
    if not can_decide_allocation(actor, allocation):
        log_denied(actor, action, f"allocation:{allocation.pk}")
        raise PermissionDenied(_("Only the discipline's managers (or their deputies) decide on its time."))


def _decided(allocation, status, actor, **fields):
    allocation.status = status
    allocation.decided_by = actor
    allocation.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(allocation, name, value)
    allocation.save()
    return allocation


@transaction.atomic
def allocation_approve(*, allocation, actor, hours=None, reason=""):
    """Add hours to the month's budget. All asked for: routing resumes by itself.
    Fewer: the requester is offered the smaller estimate."""
    request, allocation = _lock(allocation)
    _require_decider(actor, allocation, "allocation_approve")
    if allocation.status != AllocationStatus.OPEN:
        raise AllocationDecided()
    hours = allocation.hours_requested if hours in (None, "") else Decimal(str(hours))
    if hours <= 0:
        raise ValidationError({"hours": _("Approve more than zero hours, or reject with a reason.")})
    budget_approve(
        actor=actor,
        discipline=allocation.discipline_id,
        month=allocation.month,
        hours=hours,
        reason=reason or _("Time allocation for “%(title)s”.") % {"title": request.title},
        idempotency_key=f"allocation:{allocation.pk}",
        allocation=allocation,
        request=request,
    )
    manager = display_name(actor)
    if hours >= allocation.hours_requested:
        _decided(allocation, AllocationStatus.APPROVED, actor, hours_approved=hours, reason=reason)
        move(
            request,
            to=Status.ROUTING,
            actor=actor,
            note=reason,
            data={"code": "allocation_approved", "hours": plain_hours(hours)},
        )
        enqueue_routing(request)
        notify(
            recipient=request.requester,
            kind=Notification.Kind.ALLOCATION_APPROVED,
            params={"manager": manager, "hours": hours_param(hours), "title": request.title},
            request=request,
        )
        return allocation

    offer = request.estimated_hours - (allocation.hours_requested - hours)
    _decided(
        allocation,
        AllocationStatus.PARTIALLY_APPROVED,
        actor,
        hours_approved=hours,
        offered_estimate=offer,
        reason=reason,
    )
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.BUDGET,
        actor=actor,
        note=reason,
        data={
            "code": "allocation_partial",
            "approved": plain_hours(hours),
            "requested": plain_hours(allocation.hours_requested),
            "offer": plain_hours(offer),
        },
    )
    notify(
        recipient=request.requester,
        kind=Notification.Kind.ALLOCATION_PARTIAL,
        params={
            "manager": manager,
            "approved": hours_param(hours),
            "requested": hours_param(allocation.hours_requested),
            "title": request.title,
            "offer": hours_param(offer),
        },
        request=request,
    )
    return allocation


@transaction.atomic
def allocation_accept_offer(*, allocation, actor):
    """The requester takes the smaller estimate; routing resumes with it."""
    request, allocation = _lock(allocation)
    if not can_answer_offer(actor, allocation):
        log_denied(actor, "allocation_accept_offer", f"allocation:{allocation.pk}")
        raise PermissionDenied(_("Only the requester answers this offer."))
    if allocation.status != AllocationStatus.PARTIALLY_APPROVED:
        raise AllocationDecided()
    allocation.status = AllocationStatus.OFFER_ACCEPTED
    allocation.save(update_fields=["status"])
    move(
        request,
        to=Status.ROUTING,
        actor=actor,
        data={"code": "offer_accepted", "estimate": plain_hours(allocation.offered_estimate)},
        estimated_hours=allocation.offered_estimate,
    )
    enqueue_routing(request)
    return allocation


def allocation_withdraw(*, allocation, actor, reason=""):
    """The requester would rather not: the request is cancelled (the allocation with it)."""
    from content_workflow.services.requests import request_cancel

    return request_cancel(request=allocation.request_id, actor=actor, reason=reason)


@transaction.atomic
def allocation_reject(*, allocation, actor, reason):
    """No more time: the request goes back to its requester as a draft, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so the requester can revise the request.")})
    request, allocation = _lock(allocation)
    _require_decider(actor, allocation, "allocation_reject")
    if allocation.status != AllocationStatus.OPEN:
        raise AllocationDecided()
    _decided(allocation, AllocationStatus.REJECTED, actor, reason=reason)
    move(request, to=Status.DRAFT, actor=actor, note=reason, data={"code": "allocation_rejected"})
    notify(
        recipient=request.requester,
        kind=Notification.Kind.ALLOCATION_REJECTED,
        params={"manager": display_name(actor), "title": request.title, "reason": reason},
        request=request,
    )
    return allocation


@transaction.atomic
def allocation_reassign(*, allocation, actor, expert, reason=""):
    """Grant the hours and name the expert who does the work, in one step."""
    request, allocation = _lock(allocation)
    _require_decider(actor, allocation, "allocation_reassign")
    if allocation.status != AllocationStatus.OPEN:
        raise AllocationDecided()
    extra = authorize(request, to=Status.ASSIGNED, actor=actor)
    _check_expert(request.target_discipline_id, expert, field="expert", requester_id=request.requester_id)
    budget_approve(
        actor=actor,
        discipline=allocation.discipline_id,
        month=allocation.month,
        hours=allocation.hours_requested,
        reason=reason or _("Time allocation for “%(title)s”.") % {"title": request.title},
        idempotency_key=f"allocation:{allocation.pk}",
        allocation=allocation,
        request=request,
    )
    _decided(allocation, AllocationStatus.REASSIGNED, actor, hours_approved=allocation.hours_requested, reason=reason)
    assign(
        request,
        expert=expert,
        actor=actor,
        reason=manager_pick(request, expert, actor),
        note=reason,
        extra=extra,
    )
    return allocation
