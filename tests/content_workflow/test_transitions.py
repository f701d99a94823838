"""Every allowed and every forbidden transition, in the table and through the services."""

import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from content_workflow import services
from content_workflow.models import ExpertInputRequest, RequestEvent, Status, TimeAllocationRequest
from content_workflow.transitions import (
    TRANSITIONS,
    Actor,
    IllegalTransition,
    allowed_actors,
    check_transition,
    next_states,
)

ALL_PAIRS = list(itertools.product(Status.values, Status.values))


def test_every_state_has_a_row_and_final_states_lead_nowhere():
    assert set(TRANSITIONS) == set(Status.values)
    assert TRANSITIONS[Status.COMPLETED] == {} and TRANSITIONS[Status.CANCELLED] == {}
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(Status.values)
        assert all(actors for actors in targets.values()), "every move names who may make it"


@pytest.mark.parametrize(("current", "wanted"), ALL_PAIRS)
def test_the_table_allows_exactly_its_moves(current, wanted):
    if wanted in TRANSITIONS[current]:
        check_transition(current, wanted)
        assert allowed_actors(current, wanted)
    else:
        with pytest.raises(IllegalTransition) as caught:
            check_transition(current, wanted)
        assert caught.value.http_status == 409
        assert caught.value.code == "illegal_transition"
        assert caught.value.as_data()["code"] == "illegal_transition"
        assert allowed_actors(current, wanted) == frozenset()


def test_next_states_by_actor():
    assert next_states(Status.ASSIGNED, [Actor.ASSIGNEE]) == [Status.ACCEPTED, Status.DECLINED]
    assert next_states(Status.ASSIGNED, [Actor.REQUESTER]) == [Status.CANCELLED]
    assert next_states(Status.DELIVERED, [Actor.ASSIGNEE]) == []


# --- Through the services: each user action from each state ----------------------------------

ACTIONS = {
    # action: (target state, who acts)
    "submit": (Status.SUBMITTED, Actor.REQUESTER),
    "accept": (Status.ACCEPTED, Actor.ASSIGNEE),
    "decline": (Status.DECLINED, Actor.ASSIGNEE),
    "deliver": (Status.DELIVERED, Actor.ASSIGNEE),
    "complete": (Status.COMPLETED, Actor.REQUESTER),
    "cancel": (Status.CANCELLED, Actor.REQUESTER),
    "reassign": (Status.ASSIGNED, Actor.MANAGER),
}


def act(action, request, team):
    assignee = request.assignee or team.expert
    if action == "submit":
        return services.request_submit(request=request, actor=team.requester)
    if action == "accept":
        return services.request_accept(request=request, actor=assignee)
    if action == "decline":
        return services.request_decline(request=request, actor=assignee, reason="Not my field")
    if action == "deliver":
        return services.request_deliver(request=request, actor=assignee, text="Here it is", hours_spent="2")
    if action == "complete":
        return services.request_complete(request=request, actor=team.requester)
    if action == "cancel":
        return services.request_cancel(request=request, actor=team.requester)
    if action == "reassign":
        other = team.expert2 if request.assignee_id == team.expert.pk else team.expert
        return services.request_reassign(request=request, actor=team.manager, expert=other)
    raise AssertionError(action)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("state", Status.values)
def test_each_action_from_each_state(state, action, in_state, team, budget):
    request = in_state(state)
    assert request.status == state
    if state == Status.AWAITING_ALLOCATION:
        budget(10)  # a manager's pick still needs the hours
    wanted, actor = ACTIONS[action]
    events_before = RequestEvent.objects.filter(request=request).count()
    if actor in allowed_actors(state, wanted):
        moved = act(action, request, team)
        assert moved.status == wanted
        event = RequestEvent.objects.filter(request=request).last()
        assert (event.from_status, event.to_status) == (state, wanted)
        return
    # Not in the table: 409; in the table for someone else (the system): denied.
    expected = PermissionDenied if wanted in TRANSITIONS[state] else IllegalTransition
    with pytest.raises(expected):
        act(action, request, team)
    assert ExpertInputRequest.objects.get(pk=request.pk).status == state
    assert RequestEvent.objects.filter(request=request).count() == events_before


@pytest.mark.parametrize(
    "state", [s for s in Status.values if s not in (Status.SUBMITTED, Status.ROUTING, Status.DECLINED)]
)
def test_routing_leaves_requests_it_does_not_wait_for_alone(state, in_state):
    request = in_state(state)
    before = RequestEvent.objects.filter(request=request).count()
    assert services.request_route(request_id=request.pk) == "skipped"
    assert ExpertInputRequest.objects.get(pk=request.pk).status == state
    assert RequestEvent.objects.filter(request=request).count() == before


# --- The system's and the managers' moves ---------------------------------------------------


def test_routing_moves_submitted_through_routing_to_assigned(in_state):
    request = in_state(Status.SUBMITTED)
    assert services.request_route(request_id=request.pk) == "awaiting_allocation"  # no budget yet
    moves = list(RequestEvent.objects.filter(request=request).values_list("from_status", "to_status"))
    assert moves[-2:] == [(Status.SUBMITTED, Status.ROUTING), (Status.ROUTING, Status.AWAITING_ALLOCATION)]


def test_a_request_stuck_in_routing_is_decided(in_state, budget, team):
    budget(10)
    request = in_state(Status.ROUTING)
    assert services.request_route(request_id=request.pk) == "assigned"
    assert ExpertInputRequest.objects.get(pk=request.pk).assignee == team.expert


def test_declined_goes_back_to_routing_without_the_decliner(in_state, team):
    request = in_state(Status.DECLINED)
    assert request.assignee is None
    assert services.request_route(request_id=request.pk) == "assigned"
    request.refresh_from_db()
    assert request.assignee == team.expert2
    assert list(RequestEvent.objects.filter(request=request).values_list("to_status", flat=True))[-2:] == [
        Status.ROUTING,
        Status.ASSIGNED,
    ]


def test_declined_by_everyone_is_unroutable(in_state, team):
    request = in_state(Status.DECLINED)
    services.request_route(request_id=request.pk)
    request.refresh_from_db()
    services.request_decline(request=request, actor=request.assignee, reason="Me neither")
    assert services.request_route(request_id=request.pk) == "unroutable"
    request.refresh_from_db()
    assert request.status == Status.UNROUTABLE
    assert request.routing_reason == {
        "code": "no_candidates",
        "experts": 2,
        "absent": 0,
        "declined": 2,
        "busy": 0,
        "hours": "2.5",
        "nearest": [],
    }


def test_unroutable_then_the_manager_picks(in_state, team, budget):
    request = in_state(Status.UNROUTABLE)
    assert request.status == Status.UNROUTABLE
    request = services.request_reassign(request=request, actor=team.manager, expert=team.expert2)
    assert (request.status, request.assignee) == (Status.ASSIGNED, team.expert2)
    assert request.reserved_hours == Decimal("2.5")
    assert request.routing_reason_text == "Chosen by " + team.manager.get_full_name() + "."


def test_allocation_moves(in_state, team):
    approved = in_state(Status.AWAITING_ALLOCATION)
    rejected = in_state(Status.AWAITING_ALLOCATION, title="Second")
    allocation = TimeAllocationRequest.objects.get(request=approved)
    services.allocation_approve(allocation=allocation, actor=team.manager)
    assert ExpertInputRequest.objects.get(pk=approved.pk).status == Status.ROUTING

    allocation = TimeAllocationRequest.objects.get(request=rejected)
    services.allocation_reject(allocation=allocation, actor=team.manager, reason="Not this quarter.")
    assert ExpertInputRequest.objects.get(pk=rejected.pk).status == Status.DRAFT


def test_illegal_moves_are_refused_before_any_permission_question(in_state, team):
    request = in_state(Status.COMPLETED)
    with pytest.raises(IllegalTransition):
        services.request_accept(request=request, actor=team.outsider)


def test_a_wrong_actor_is_denied_on_a_legal_move(in_state, team):
    request = in_state(Status.ASSIGNED)
    with pytest.raises(PermissionDenied):
        services.request_accept(request=request, actor=team.expert2)
    with pytest.raises(PermissionDenied):
        services.request_cancel(request=request, actor=request.assignee)


MOVES = [(current, wanted) for current, targets in TRANSITIONS.items() for wanted in targets]


@pytest.mark.parametrize(("current", "wanted"), MOVES)
def test_every_move_out_of_the_states_that_can_be_late_clears_the_overdue_flag(current, wanted, make_request):
    """Each move of the table, through the one write path: the flag stays while the
    request can still be late, and goes when it is done or back with the requester."""
    from django.utils import timezone

    from content_workflow.services.requests import apply, locked_request
    from content_workflow.transitions import UNFINISHED

    request = make_request()
    ExpertInputRequest.objects.filter(pk=request.pk).update(status=current, overdue_since=timezone.now())
    apply(locked_request(request), to=wanted, actor=None)
    kept = ExpertInputRequest.objects.get(pk=request.pk).overdue_since is not None
    assert kept == (wanted in UNFINISHED)
