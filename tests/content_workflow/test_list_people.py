"""A list's people come with the names its texts need (names_attach's `people`): one
query for the page instead of a join of the user table per person and row."""

import pytest

from content_workflow import selectors, services
from content_workflow.models import ExpertInputRequest, TimeAllocationRequest
from content_workflow.transitions import Status

pytestmark = pytest.mark.django_db


def test_request_rows_carry_their_people_from_one_query(team, in_state, make_request, django_assert_num_queries):
    assigned = in_state(Status.ASSIGNED, title="Assigned")
    make_request(title="Asked of someone", preferred_expert=team.expert2, submit=True)
    make_request(title="Nobody yet", submit=True)
    rows = selectors.request_rows(team.lead).order_by("pk")
    rows = rows.filter(pk__in=list(rows.values_list("pk", flat=True)))  # the paginator's second step
    with django_assert_num_queries(2):  # the rows, then the people and the routing reasons' names
        found = list(rows)
        seen = [(r.requester, r.assignee, r.preferred_expert, r.routing_reason_text) for r in found]
    assert [(requester, assignee, preferred) for requester, assignee, preferred, _text in seen] == [
        (team.requester, team.expert, None),
        (team.requester, None, team.expert2),
        (team.requester, None, None),
    ]
    assert seen[0][0].get_full_name() == team.requester.get_full_name()
    # The ids stay as stored, and the rows are what a plain query gives.
    stored = ExpertInputRequest.objects.get(pk=assigned.pk)
    assert (found[0].assignee_id, found[0].requester_id) == (stored.assignee_id, stored.requester_id)
    assert seen[0][3] == stored.routing_reason_text


def test_allocation_rows_carry_the_requester_and_who_decided(team, in_state, django_assert_num_queries):
    def parked(**fields):
        request = in_state(Status.AWAITING_ALLOCATION, **fields)
        return request, TimeAllocationRequest.objects.get(request=request)

    _request, allocation = parked()
    services.allocation_reject(allocation=allocation, actor=team.manager, reason="Not this month")
    parked(title="Still open")
    rows = selectors.allocation_rows(team.manager).order_by("pk")
    with django_assert_num_queries(2):
        rows = list(rows)
        people = [(row.request.requester, row.decided_by, row.discipline.name) for row in rows]
    assert people == [(team.requester, team.manager, team.product.name), (team.requester, None, team.product.name)]
    assert TimeAllocationRequest.objects.get(pk=rows[0].pk).decided_by_id == team.manager.pk
