"""The demo seeding step that seed_demo will call: idempotent, through the services."""

import pytest
from django.contrib.auth import get_user_model

from governance.demo import seed_accounts, seed_memberships, seed_model
from roles import demo
from roles.models import Assessment, RoleAssignment
from roles.selectors import gap_analysis, staffing


@pytest.fixture
def demo_world(db):
    seed_accounts(password="demo")
    admin = get_user_model().objects.get(username="admin")
    seed_memberships(actor=admin)
    seed_model(actor=admin)
    return admin


def snapshot():
    return (
        sorted(RoleAssignment.objects.values_list("user__username", "profile__slug", "seniority", "kind", "until")),
        sorted(Assessment.objects.values_list("user__username", "competency__slug", "assessed_by__username", "level")),
    )


def test_seed_assigns_demo_people_and_assesses_them(demo_world):
    demo.seed(actor=demo_world)
    assignments, assessments = snapshot()
    assert assignments == [
        ("communicator", "community-manager", "senior", "hub", None),
        ("expert", "community-manager", "junior", "spoke", None),
        ("lead", "social-media-consultant", "none", "hub", None),
    ]
    assessors = {(person, by) for person, _c, by, _l in assessments}
    assert assessors == {
        ("communicator", "lead"),
        ("communicator", "communicator"),
        ("expert", "manager"),
        ("expert", "expert"),
        ("lead", "lead"),
    }
    lead = get_user_model().objects.get(username="lead")
    analysis = gap_analysis(viewer=lead, person=get_user_model().objects.get(username="communicator"))
    assert analysis.falls_short and analysis.focus
    assert any(row.assessment and row.self_assessment for row in analysis.rows)
    assert staffing(viewer=lead).shortfalls


def test_seed_twice_changes_nothing(demo_world):
    demo.seed(actor=demo_world)
    before = snapshot()
    demo.seed(actor=demo_world)
    assert snapshot() == before


def test_seed_skips_missing_people(demo_world):
    get_user_model().objects.filter(username__in=["expert", "manager"]).delete()
    demo.seed(actor=demo_world)
    assert {a[0] for a in snapshot()[0]} == {"lead", "communicator"}


def test_seed_without_an_active_model_does_nothing(db):
    seed_accounts(password="demo")
    demo.seed(actor=get_user_model().objects.get(username="admin"))
    assert snapshot() == ([], [])
