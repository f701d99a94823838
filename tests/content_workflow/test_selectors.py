"""Every list costs a fixed number of queries, whatever the number of rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content_workflow import selectors, services
from content_workflow.models import ExpertInputRequest, Status


def render_requests(rows):
    return [(r.title, r.requester.username, r.assignee and r.assignee.username, str(r.target_discipline)) for r in rows]


def count_queries(work):
    with CaptureQueriesContext(connection) as context:
        work()
    return len(context.captured_queries)


@pytest.fixture
def many(in_state, team):
    """add(n) adds n assigned requests (each with budget, events, notifications); 1 h
    each, so that five fit the two experts' weekly capacity."""

    def add(count):
        for i in range(count):
            in_state(Status.ASSIGNED, title=f"Request {i}", estimated_hours=Decimal(1))

    return add


@pytest.mark.parametrize("who", ["requester", "manager", "expert", "lead"])
def test_request_list_costs_the_same_for_one_or_many(many, team, who):
    user = getattr(team, who)
    many(1)
    one = count_queries(lambda: render_requests(selectors.request_list(user)))
    many(4)
    user = type(user).objects.get(pk=user.pk)
    five = count_queries(lambda: render_requests(selectors.request_list(user)))
    assert len(selectors.request_list(user)) >= 1
    assert one == five


def test_request_detail_costs_the_same_for_a_long_timeline(in_state, team):
    def render(pk):
        request = selectors.request_detail(team.manager).get(pk=pk)
        return [(e.actor and e.actor.username, e.text) for e in request.events.all()], list(request.allocations.all())

    short = in_state(Status.ASSIGNED)
    long = in_state(Status.DELIVERED, title="Long")
    services.request_complete(request=long, actor=team.requester)
    assert count_queries(lambda: render(short.pk)) == count_queries(lambda: render(long.pk))


def test_budget_allocation_and_notification_lists(in_state, team, budget):
    def render():
        budgets = [(b.discipline.name, b.remaining_hours, b.approved_by) for b in selectors.budget_list(team.manager)]
        allocations = [
            (a.request.title, a.request.requester.username, a.discipline.name, a.decided_by)
            for a in selectors.allocation_list(team.manager)
        ]
        notes = [(n.text, n.request and n.request.title) for n in selectors.notification_list(team.manager)]
        return budgets, allocations, notes

    in_state(Status.AWAITING_ALLOCATION)
    render()  # the manager's roles are read once and cached on the user
    one = count_queries(render)
    for i in range(3):
        in_state(Status.AWAITING_ALLOCATION, title=f"More {i}")
    budget(1, month=team.manager.date_joined.date())
    assert count_queries(render) == one
    assert len(selectors.allocation_list(team.manager, pending=True)) == 4


def test_my_work_and_team_contributions(in_state, team):
    in_state(Status.ASSIGNED)
    in_state(Status.COMPLETED, title="Done")
    assert [r.title for r in selectors.my_work(team.expert)] == ["Pricing explained"]
    rows = {m.user.username: (m.delivered_count, m.hours_spent) for m in selectors.team_contributions(team.product)}
    assert rows["eva"][0] == 1 and rows["eva"][1] == 2
    assert rows["erik"] == (0, None)


def test_the_open_load_index_covers_exactly_open_work():
    """cw_request_open_load is partial: its condition must stay the statuses OPEN_WORK
    names, or the team pages and routing sum open load from the table again."""
    from content_workflow.transitions import OPEN_WORK

    index = next(i for i in ExpertInputRequest._meta.indexes if i.name == "cw_request_open_load")
    (lookup, statuses) = index.condition.children[0]
    assert lookup == "status__in"
    assert set(statuses) == set(OPEN_WORK)


def test_the_communicators_cards_show_what_needs_them(in_state, team):
    """needs_you: a draft, delivered input, a smaller estimate offered; not work under way,
    not someone else's request. open_count: the requester's own unfinished requests."""
    from content_workflow.models import TimeAllocationRequest
    from content_workflow.page_queries import communicator_summary

    # First, while the month has no budget: it waits for time, and gets part of it.
    offered = in_state(Status.AWAITING_ALLOCATION, title="Offered", estimated_hours=Decimal(4))
    allocation = TimeAllocationRequest.objects.get(request=offered)
    services.allocation_approve(allocation=allocation, actor=team.manager, hours=Decimal(1), reason="Part of it")
    draft = in_state(Status.DRAFT, title="Draft")
    delivered = in_state(Status.DELIVERED, title="Delivered")
    in_state(Status.ASSIGNED, title="Under way")
    in_state(Status.COMPLETED, title="Done")
    ExpertInputRequest.objects.filter(title="Under way").update(requester=team.requester)
    someone_else = in_state(Status.DRAFT, title="Another's draft")
    ExpertInputRequest.objects.filter(pk=someone_else.pk).update(requester=team.expert2)

    cards = communicator_summary(team.requester)
    assert {r.title for r in cards["needs_you"]} == {draft.title, delivered.title, offered.title}
    assert cards["open_count"] == 4  # draft, delivered, offered, under way (not the completed one)
    assert "Another's draft" not in {r.title for r in cards["open_rows"]}
