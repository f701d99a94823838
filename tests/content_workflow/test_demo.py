from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from content_workflow import demo
from content_workflow.models import ExpertInputRequest, Status, TimeAllocationRequest, TimeBudget
from governance.demo import seed_accounts, seed_memberships, seed_model


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
    }
    assert TimeBudget.objects.count() == 4
    product = TimeBudget.objects.filter(discipline__slug="product").order_by("month").first()
    assert product.approved_hours == Decimal(20)
    assert product.approved_by.username == "manager"
    assert TimeAllocationRequest.objects.filter(status="open").count() == 1
    by_title = {r.title: r for r in made}
    assert by_title["Pricing FAQ for service replies"].assignee.username == "expert"
    assert by_title["Security white paper: quotes"].assignee.username == "expert2"


def test_seed_is_idempotent(demo_world):
    demo.seed(actor=demo_world)
    assert demo.seed(actor=demo_world) == []
    assert ExpertInputRequest.objects.count() == len(demo.DEMO_REQUESTS)
    assert TimeBudget.objects.count() == 4
    assert TimeBudget.objects.filter(discipline__slug="product").first().entries.filter(kind="approve").count() == 1


def test_seed_skips_without_the_demo_users(db):
    assert demo.seed(actor=None) == []
