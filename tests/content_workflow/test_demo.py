from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from content_workflow import demo, demo_history
from content_workflow.models import ExpertInputRequest, Status, TimeAllocationRequest, TimeBudget
from governance.demo import seed_accounts, seed_memberships, seed_model
from tests.content_workflow.test_budgets import assert_consistent


@pytest.fixture
def demo_world(db, disciplines):
    seed_accounts(password="demo")
    admin = get_user_model().objects.get(username="admin")
    seed_memberships(actor=admin)
    seed_model(actor=admin)
    return admin


def test_seed_makes_budgets_and_requests_in_several_states(demo_world):
    made = demo.seed(actor=demo_world)
    assert {r.status for r in made} == {
        Status.DRAFT,
        Status.ASSIGNED,
        Status.ACCEPTED,
        Status.DELIVERED,
        Status.COMPLETED,
        Status.AWAITING_ALLOCATION,
        Status.UNROUTABLE,
    }
    # This and next month for product and the hub, and product's year of history.
    assert TimeBudget.objects.count() == 4 + demo_history.MONTHS
    product = TimeBudget.objects.filter(discipline__slug="product", month__gte=timezone.localdate().replace(day=1))
    product = product.order_by("month").first()
    assert product.approved_hours == Decimal(20)
    assert product.approved_by.username == "manager"
    assert TimeAllocationRequest.objects.filter(status="open").count() == 1
    by_title = {r.title: r for r in made}
    assert by_title["Pricing FAQ for service replies"].assignee.username == "expert"
    assert by_title["Security white paper: quotes"].assignee.username == "expert2"


def product_loads():
    """(open load, weekly capacity) of each product expert: what the manager's dashboard
    and team page show as "open of capacity a week"."""
    from django.db.models import Sum

    from content_workflow.transitions import OPEN_WORK
    from disciplines.models import Membership

    experts = Membership.objects.filter(discipline__slug="product", function=Membership.Function.EXPERT)
    return [
        (
            ExpertInputRequest.objects.filter(assignee=m.user_id, status__in=OPEN_WORK).aggregate(
                hours=Sum("estimated_hours")
            )["hours"]
            or 0,
            m.weekly_capacity_hours,
        )
        for m in experts
    ]


def test_the_demo_managers_team_never_reads_more_load_than_capacity(demo_world):
    made = {request.title: request for request in demo.seed(actor=demo_world)}
    assert all(load <= capacity for load, capacity in product_loads())
    keynote = ExpertInputRequest.objects.get(pk=made["Developer conference keynote series"].pk)
    assert keynote.status == Status.UNROUTABLE and "Closest to having room for 30 h" in keynote.routing_reason_text

    # The manager approves the time asked for; routing resumes and stays within capacity.
    from content_workflow import services

    manager = get_user_model().objects.get(username="manager")
    allocation = TimeAllocationRequest.objects.get(status="open")
    services.allocation_approve(allocation=allocation, actor=manager, reason="Launch matters")
    assert services.request_route(request_id=allocation.request_id) == "assigned"
    assert all(load <= capacity for load, capacity in product_loads())


def test_seed_is_idempotent(demo_world):
    demo.seed(actor=demo_world)
    before = ExpertInputRequest.objects.count()
    assert demo.seed(actor=demo_world) == []
    assert ExpertInputRequest.objects.count() == before
    history = ExpertInputRequest.objects.filter(title__startswith=demo_history.TITLE).count()
    assert before == len(demo.DEMO_REQUESTS) + history
    assert TimeBudget.objects.count() == 4 + demo_history.MONTHS
    assert all(budget.entries.filter(kind="approve").count() == 1 for budget in TimeBudget.objects.all())


def test_the_demo_has_a_year_of_history_for_the_dashboards(demo_world):
    """Every one of the last twelve months has requests opened and delivered, by at least
    three of product's experts (so the figures are not withheld), and the ledger holds."""
    from governance import reporting
    from governance.reporting import Period, Scope

    demo.seed(actor=demo_world)
    months = reporting.trend(Period.month(timezone.localdate()), Scope.everything())
    assert all(month.opened and month.used for month in months[:-1])
    last_month = Period.month(timezone.localdate()).previous()
    assert not reporting.delivery_figures(last_month, Scope.everything()).suppressed
    for budget in TimeBudget.objects.all():
        assert_consistent(budget)


def test_seed_skips_without_the_demo_users(db):
    assert demo.seed(actor=None) == []
