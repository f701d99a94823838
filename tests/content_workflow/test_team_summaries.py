"""The team's figures per discipline (team page and the manager's dashboard card)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from content_workflow.team_queries import team_summaries
from disciplines.models import Absence, Membership

pytestmark = pytest.mark.django_db

EXPERT, MANAGER = Membership.Function.EXPERT, Membership.Function.MANAGER
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def away(person, starts_on, ends_on, deputy):
    Absence.objects.create(user=person, starts_on=starts_on, ends_on=ends_on, deputy=deputy)


def test_a_summary_counts_experts_capacity_and_each_person_away_today_once(team, member, django_assert_num_queries):
    before = team_summaries([team.product])[0]
    twice = member("product", EXPERT, username="away-twice", capacity=4)
    away(twice, TODAY - DAY, TODAY, team.expert)
    away(twice, TODAY, TODAY + DAY, team.expert)  # overlapping: still one person away
    back = member("product", EXPERT, username="back-today", capacity=3)
    away(back, TODAY - 3 * DAY, TODAY - DAY, team.expert)
    later = member("product", EXPERT, username="away-tomorrow", capacity=2)
    away(later, TODAY + DAY, TODAY + 2 * DAY, team.expert)
    gone = member("product", EXPERT, username="left", is_active=False)  # counts nowhere
    away(gone, TODAY, TODAY, team.expert)
    away(team.manager, TODAY, TODAY, team.expert)  # a manager away counts too
    other = member("marketing", EXPERT, username="elsewhere")
    away(other, TODAY, TODAY, team.expert)

    with django_assert_num_queries(2):
        card = team_summaries([team.product], with_managers=False)[0]
    with django_assert_num_queries(4):
        page = team_summaries([team.product])[0]

    for summary in (card, page):
        assert summary.experts == before.experts + 3
        assert summary.capacity == before.capacity + Decimal(9)
        assert summary.away == before.away + 2
    assert card.managers == []
    assert team.manager in [membership.user for membership in page.managers]
    assert next(m.user for m in page.managers if m.user == team.manager).away_now
