"""Time allocation requests: routing finds experts but no budget; a manager decides."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from content_workflow import services
from content_workflow.models import ExpertInputRequest, Notification, RequestEvent, Status, TimeAllocationRequest
from content_workflow.services import AllocationDecided

AS = TimeAllocationRequest.Status


@pytest.fixture
def parked(routed):
    """A request waiting for time: the budget has 1 h left for an estimate of 2.5 h."""

    def make(**fields):
        request = routed(budget_hours=1, **fields)
        assert request.status == Status.AWAITING_ALLOCATION
        return request, TimeAllocationRequest.objects.get(request=request)

    return make


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_routing_without_budget_asks_the_managers_for_the_shortfall(parked, team):
    request, allocation = parked()
    assert (allocation.status, allocation.hours_requested) == (AS.OPEN, Decimal("1.5"))
    assert allocation.month == request.due_date.replace(day=1)
    assert request.reserved_hours == 0
    assert "1.5 h asked of the managers" in request.routing_reason_text
    notice = Notification.objects.get(recipient=team.manager, kind=Notification.Kind.ALLOCATION_REQUESTED)
    assert "needs 1.5 h more" in notice.text
    assert not Notification.objects.filter(recipient=team.other_manager).exists()


def test_approval_adds_the_hours_and_routing_resumes_by_itself(parked, team, django_capture_on_commit_callbacks):
    request, allocation = parked()
    with django_capture_on_commit_callbacks(execute=True):
        services.allocation_approve(allocation=allocation, actor=team.manager, reason="Launch matters")
    allocation, request = reload(allocation), reload(request)
    assert (allocation.status, allocation.hours_approved, allocation.decided_by) == (
        AS.APPROVED,
        Decimal("1.5"),
        team.manager,
    )
    assert request.status == Status.ASSIGNED  # the routing task ran after the commit
    budget = request.reservation_budget
    assert (budget.approved_hours, budget.reserved_hours) == (Decimal("2.5"), Decimal("2.5"))
    assert budget.entries.get(allocation=allocation).note == "Launch matters"
    assert Notification.objects.filter(recipient=team.requester, kind=Notification.Kind.ALLOCATION_APPROVED).exists()


def test_fewer_hours_offer_a_smaller_estimate_the_requester_accepts(parked, team):
    request, allocation = parked()
    services.allocation_approve(allocation=allocation, actor=team.manager, hours="0.5", reason="Tight month")
    allocation = reload(allocation)
    assert (allocation.status, allocation.offered_estimate) == (AS.PARTIALLY_APPROVED, Decimal("1.5"))
    assert reload(request).status == Status.AWAITING_ALLOCATION
    notice = Notification.objects.get(recipient=team.requester, kind=Notification.Kind.ALLOCATION_PARTIAL)
    assert "approved 0.5 of 1.5 h" in notice.text and "Accept an estimate of 1.5 h" in notice.text

    with pytest.raises(PermissionDenied):
        services.allocation_accept_offer(allocation=allocation, actor=team.manager)
    services.allocation_accept_offer(allocation=allocation, actor=team.requester)
    request = reload(request)
    assert (request.status, request.estimated_hours) == (Status.ROUTING, Decimal("1.5"))
    assert services.request_route(request_id=request.pk) == "assigned"
    request = reload(request)
    assert request.reserved_hours == Decimal("1.5")
    assert request.reservation_budget.remaining_hours == 0


def test_fewer_hours_the_requester_withdraws(parked, team):
    request, allocation = parked()
    services.allocation_approve(allocation=allocation, actor=team.manager, hours="0.5", reason="Tight")
    services.allocation_withdraw(allocation=allocation, actor=team.requester, reason="Not worth it then")
    assert reload(request).status == Status.CANCELLED
    assert reload(allocation).status == AS.WITHDRAWN


def test_rejection_goes_back_to_the_requester_who_revises_and_resubmits(parked, team, budget):
    request, allocation = parked()
    with pytest.raises(ValidationError):
        services.allocation_reject(allocation=allocation, actor=team.manager, reason="")
    services.allocation_reject(allocation=allocation, actor=team.manager, reason="Not before the release.")
    request = reload(request)
    assert request.status == Status.DRAFT
    assert request.events.last().note == "Not before the release."
    notice = Notification.objects.get(recipient=team.requester, kind=Notification.Kind.ALLOCATION_REJECTED)
    assert "Not before the release." in notice.text

    request = services.request_update(request=request, actor=team.requester, estimated_hours=Decimal("1"))
    services.request_submit(request=request, actor=team.requester)
    assert services.request_route(request_id=request.pk) == "assigned"


def test_reassign_grants_the_hours_and_names_the_expert(parked, team):
    request, allocation = parked()
    services.allocation_reassign(allocation=allocation, actor=team.manager, expert=team.expert2, reason="Erik knows")
    request = reload(request)
    assert (request.status, request.assignee, request.reserved_hours) == (
        Status.ASSIGNED,
        team.expert2,
        Decimal("2.5"),
    )
    assert reload(allocation).status == AS.REASSIGNED
    assert Notification.objects.filter(recipient=team.expert2, kind=Notification.Kind.ASSIGNED).exists()


@pytest.mark.parametrize("decide", ["approve", "reject", "reassign"])
def test_an_allocation_is_decided_once(parked, team, decide):
    _request, allocation = parked()
    services.allocation_approve(allocation=allocation, actor=team.manager)
    with pytest.raises(AllocationDecided) as caught:
        if decide == "approve":
            services.allocation_approve(allocation=allocation, actor=team.manager)
        elif decide == "reject":
            services.allocation_reject(allocation=allocation, actor=team.manager, reason="x")
        else:
            services.allocation_reassign(allocation=allocation, actor=team.manager, expert=team.expert2)
    assert caught.value.http_status == 409
    assert reload(allocation).budget_entries.count() == 1


@pytest.mark.parametrize("who", ["other_manager", "lead", "executive", "requester", "expert", "outsider"])
def test_only_the_disciplines_managers_decide(parked, team, who):
    _request, allocation = parked()
    for decide in (
        lambda actor: services.allocation_approve(allocation=allocation, actor=actor),
        lambda actor: services.allocation_reject(allocation=allocation, actor=actor, reason="x"),
        lambda actor: services.allocation_reassign(allocation=allocation, actor=actor, expert=team.expert2),
    ):
        with pytest.raises(PermissionDenied):
            decide(getattr(team, who))
    assert reload(allocation).status == AS.OPEN


def test_an_admin_may_decide(parked, team):
    _request, allocation = parked()
    services.allocation_approve(allocation=allocation, actor=team.admin)
    assert reload(allocation).status == AS.APPROVED


def test_the_timeline_records_each_decision(parked, team):
    request, allocation = parked()
    services.allocation_approve(allocation=allocation, actor=team.manager, hours="0.5", reason="Tight")
    event = RequestEvent.objects.filter(request=request, kind=RequestEvent.Kind.BUDGET).get()
    assert event.text == "0.5 of 1.5 h approved; the requester may accept 1.5 h."
    assert ExpertInputRequest.objects.get(pk=request.pk).events.count() == 5
