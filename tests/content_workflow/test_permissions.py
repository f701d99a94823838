"""Who sees what (one scoping queryset per model) and who may do what, at the service level."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from guardian.shortcuts import assign_perm

from content_workflow import services
from content_workflow.models import (
    ExpertInputRequest,
    ExpertInputRequestUserObjectPermission,
    Notification,
    Status,
    TimeAllocationRequest,
    TimeBudget,
)
from content_workflow.permissions import can_request

PERSONAS = [
    "requester",  # asked for it
    "other_requester",  # a communicator of the same hub
    "assignee",  # the expert it is assigned to
    "expert2",  # an expert of the same discipline, not assigned
    "other_expert",  # an expert of another discipline
    "manager",  # manager of the target discipline
    "other_manager",  # manager of another discipline
    "lead",
    "executive",
    "admin",
    "outsider",
]


def persona(team, name, request=None):
    if name == "assignee":
        return request.assignee if request is not None and request.assignee else team.expert
    return getattr(team, name)


# --- Visibility ---------------------------------------------------------------------------------

SEES_REQUEST = {"requester", "assignee", "manager", "lead", "executive", "admin"}


@pytest.mark.parametrize("name", PERSONAS)
def test_who_sees_a_request(in_state, team, name):
    request = in_state(Status.ASSIGNED)
    visible = ExpertInputRequest.objects.visible_to(persona(team, name, request)).filter(pk=request.pk).exists()
    assert visible == (name in SEES_REQUEST)


@pytest.mark.parametrize("name", PERSONAS)
def test_a_draft_is_the_requesters_private_work(make_request, team, name):
    """Until it is submitted, only the requester (and admins) see a request: not the
    discipline's manager, not governance leads or executives, in lists and counts alike."""
    draft = make_request()
    visible = ExpertInputRequest.objects.visible_to(persona(team, name)).filter(pk=draft.pk)
    assert visible.count() == (1 if name in {"requester", "admin"} else 0)


def test_a_reader_with_drafts_of_their_own_sees_those_and_no_others(make_request, team):
    others = make_request()
    submitted = make_request(submit=True)
    assert set(ExpertInputRequest.objects.visible_to(team.lead)) == {submitted}
    own = make_request()
    # Readers who also ask for input (a lead with a communicator's role) have drafts too.
    ExpertInputRequest.objects.filter(pk=own.pk).update(requester=team.lead)
    assert set(ExpertInputRequest.objects.visible_to(team.lead)) == {submitted, own}
    assert others not in ExpertInputRequest.objects.visible_to(team.executive)


def test_a_former_assignee_still_sees_it(in_state, team):
    request = in_state(Status.ASSIGNED)
    services.request_reassign(request=request, actor=team.manager, expert=team.expert2)
    assert ExpertInputRequest.objects.visible_to(team.expert).filter(pk=request.pk).exists()
    assert ExpertInputRequest.objects.visible_to(team.expert2).filter(pk=request.pk).exists()


def test_a_declining_expert_still_sees_what_they_declined(in_state, team):
    request = in_state(Status.DECLINED)
    assert ExpertInputRequest.objects.visible_to(team.expert).filter(pk=request.pk).exists()


def test_a_shared_request_is_visible_to_the_colleague_and_the_group(in_state, team, make_user):
    request = in_state(Status.ASSIGNED)
    services.request_share(request=request, actor=team.requester, user=team.outsider)
    assert ExpertInputRequestUserObjectPermission.objects.filter(user=team.outsider).exists()  # direct FK table
    assert ExpertInputRequest.objects.visible_to(team.outsider).filter(pk=request.pk).exists()
    assert team.outsider.has_perm("content_workflow.view_expertinputrequest", request)

    reader = make_user()
    group = Group.objects.create(name="Readers")
    reader.groups.add(group)
    assign_perm("content_workflow.view_expertinputrequest", group, request)
    assert ExpertInputRequest.objects.visible_to(reader).filter(pk=request.pk).exists()
    with pytest.raises(PermissionDenied):
        services.request_share(request=request, actor=team.expert, user=team.expert2)


def test_visibility_lists_each_request_once(in_state, team):
    request = in_state(Status.ASSIGNED)
    services.request_reassign(request=request, actor=team.manager, expert=team.expert2)
    services.request_share(request=request, actor=team.requester, user=team.expert)
    assert list(ExpertInputRequest.objects.visible_to(team.expert)) == [request]


SEES_BUDGET = {"manager", "lead", "executive", "admin"}


@pytest.mark.parametrize("name", PERSONAS)
def test_who_sees_a_budget(budget, team, name):
    product_budget = budget(10)
    visible = TimeBudget.objects.visible_to(persona(team, name)).filter(pk=product_budget.pk).exists()
    assert visible == (name in SEES_BUDGET)


def test_a_budget_can_be_shared_for_reading(budget, team):
    product_budget = budget(10)
    assign_perm("content_workflow.view_timebudget", team.expert, product_budget)
    assert TimeBudget.objects.visible_to(team.expert).filter(pk=product_budget.pk).exists()


SEES_ALLOCATION = {"requester", "manager", "lead", "executive", "admin"}


@pytest.mark.parametrize("name", PERSONAS)
def test_who_sees_an_allocation(in_state, team, name):
    request = in_state(Status.AWAITING_ALLOCATION)
    allocation = TimeAllocationRequest.objects.get(request=request)
    user = persona(team, name, request)
    visible = TimeAllocationRequest.objects.visible_to(user).filter(pk=allocation.pk).exists()
    assert visible == (name in SEES_ALLOCATION)


def test_notifications_are_private(in_state, team):
    in_state(Status.ASSIGNED)
    assert Notification.objects.visible_to(team.expert).exists()
    assert not Notification.objects.visible_to(team.manager).filter(recipient=team.expert).exists()
    notice = Notification.objects.filter(recipient=team.expert).first()
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(notification=notice, actor=team.manager)
    services.notification_mark_read(notification=notice, actor=team.expert)
    assert Notification.objects.get(pk=notice.pk).read_at is not None


def test_who_may_ask_at_all(team):
    assert can_request(team.requester)
    assert not can_request(team.spoke_communicator)  # a spoke, in hub and spoke
    assert not can_request(team.executive)
    assert not can_request(team.outsider)
    assert can_request(team.admin)


# --- Actions ------------------------------------------------------------------------------------


def _share(request, team, actor):
    return services.request_share(request=request, actor=actor, user=team.outsider)


ACTIONS = {
    # action: (state to start from, the service call, who may)
    "update": (
        Status.DRAFT,
        lambda request, team, actor: services.request_update(request=request, actor=actor, title="New title"),
        {"requester"},
    ),
    "submit": (
        Status.DRAFT,
        lambda request, team, actor: services.request_submit(request=request, actor=actor),
        {"requester"},
    ),
    "accept": (
        Status.ASSIGNED,
        lambda request, team, actor: services.request_accept(request=request, actor=actor),
        {"assignee"},
    ),
    "decline": (
        Status.ASSIGNED,
        lambda request, team, actor: services.request_decline(request=request, actor=actor, reason="No"),
        {"assignee"},
    ),
    "deliver": (
        Status.ACCEPTED,
        lambda request, team, actor: services.request_deliver(request=request, actor=actor, text="x", hours_spent=1),
        {"assignee"},
    ),
    "complete": (
        Status.DELIVERED,
        lambda request, team, actor: services.request_complete(request=request, actor=actor),
        {"requester"},
    ),
    "cancel": (
        Status.ASSIGNED,
        lambda request, team, actor: services.request_cancel(request=request, actor=actor),
        {"requester", "admin"},
    ),
    "reassign": (
        Status.ASSIGNED,
        lambda request, team, actor: services.request_reassign(request=request, actor=actor, expert=team.expert2),
        {"manager", "admin"},
    ),
    "share": (Status.ASSIGNED, lambda request, team, actor: _share(request, team, actor), {"requester", "admin"}),
    "approve_budget": (
        Status.ASSIGNED,
        lambda request, team, actor: services.budget_approve(
            actor=actor, discipline=team.product, month=request.due_date, hours=1, reason="x"
        ),
        {"manager", "admin"},
    ),
    "approve_allocation": (
        Status.AWAITING_ALLOCATION,
        lambda request, team, actor: services.allocation_approve(
            allocation=TimeAllocationRequest.objects.get(request=request), actor=actor
        ),
        {"manager", "admin"},
    ),
    "response_target": (
        Status.DRAFT,
        lambda request, team, actor: services.response_target_set(
            actor=actor, discipline=team.product, business_days=3
        ),
        {"manager", "admin"},
    ),
}


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(in_state, team, action, name):
    state, call, allowed = ACTIONS[action]
    request = in_state(state)
    actor = persona(team, name, request)
    if name in allowed:
        call(request, team, actor)
    else:
        with pytest.raises(PermissionDenied):
            call(request, team, actor)
        assert ExpertInputRequest.objects.get(pk=request.pk).status == state


def test_refusals_are_logged(in_state, team, caplog):
    request = in_state(Status.ASSIGNED)
    with pytest.raises(PermissionDenied):
        services.request_accept(request=request, actor=team.outsider)
    assert f"denied user={team.outsider.pk} action=request_to_accepted" in caplog.text


def test_counting_what_someone_sees_counts_each_request_once(in_state, make_request, team):
    """count() adds up one count per reason to see a request; the reasons overlap (the
    manager asked for input in their own discipline, was assigned it before, and it was
    shared with them), and every request must still count once, filters included."""
    overlapping = in_state(Status.ASSIGNED)
    ExpertInputRequest.objects.filter(pk=overlapping.pk).update(requester=team.manager)
    overlapping.refresh_from_db()
    services.request_reassign(request=overlapping, actor=team.manager, expert=team.expert2)
    for colleague in (team.expert, team.expert2):  # a former assignee, and the assignee
        services.request_share(request=overlapping, actor=team.manager, user=colleague)
    in_state(Status.ASSIGNED)
    ExpertInputRequest.objects.filter(pk=make_request().pk).update(requester=team.manager)  # a draft of their own
    make_request()  # somebody else's draft: nobody else sees it
    make_request(submit=True, target_discipline=team.marketing)
    ExpertInputRequest.objects.filter(pk=make_request().pk).update(requester=team.lead)  # a reader's draft

    for user in (team.manager, team.expert, team.expert2, team.requester, team.lead, team.executive, team.outsider):
        visible = ExpertInputRequest.objects.visible_to(user)
        assert visible.count() == len(list(visible)), user
        assigned = visible.filter(status=Status.ASSIGNED)
        assert assigned.count() == len(list(assigned)), user
    assert ExpertInputRequest.objects.visible_to(team.manager).count() == 3
