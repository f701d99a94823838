"""Fixtures for the job profile tests: the default matrix by slug, a team, an active model.

The team: `manager` manages Product, where `expert` is an expert; `communicator` works in
Corporate Communications (the hub); `other_expert` and `other_manager` are in Marketing.
"""

import datetime

import pytest
from django.utils import timezone

from disciplines.models import Membership
from governance.access import Role
from roles.models import Competency, JobProfile

Function = Membership.Function


@pytest.fixture
def profiles(db):
    return {profile.slug: profile for profile in JobProfile.objects.all()}


@pytest.fixture
def competencies(db):
    return {competency.slug: competency for competency in Competency.objects.select_related("category")}


@pytest.fixture
def other_expert(make_user):
    return make_user(Role.EXPERT, username="other_expert")


@pytest.fixture
def other_manager(make_user):
    return make_user(Role.MANAGER, username="other_manager")


@pytest.fixture
def team(disciplines, expert, manager, communicator, other_expert, other_manager):
    for user, slug, function in (
        (expert, "product", Function.EXPERT),
        (manager, "product", Function.MANAGER),
        (communicator, "corporate-communications", Function.COMMUNICATOR),
        (other_expert, "marketing", Function.EXPERT),
        (other_manager, "marketing", Function.MANAGER),
    ):
        Membership.objects.create(user=user, discipline=disciplines[slug], function=function)
    return {
        "expert": expert,
        "manager": manager,
        "communicator": communicator,
        "other_expert": other_expert,
        "other_manager": other_manager,
    }


@pytest.fixture
def active(make_model):
    """The published hub and spoke model: hub in corporate communications; marketing, service, sales spokes."""
    return make_model(name="Active model", publish=True)


@pytest.fixture
def days_ago():
    def date(days):
        return timezone.localdate() - datetime.timedelta(days=days)

    return date
