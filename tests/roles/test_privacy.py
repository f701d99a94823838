"""Assessments are private: the person, their discipline's manager and governance leads see them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from disciplines.models import Membership
from roles import services
from roles.models import Assessment
from roles.permissions import can_assess, people_assessable_by
from roles.selectors import assessment_list, gap_analysis


@pytest.fixture
def assessed(team, competencies, lead):
    """The expert: one assessment by their manager and one self-assessment; the other expert: one by a lead."""
    law = competencies["law"]
    return {
        "by_manager": services.assessment_record(actor=team["manager"], person=team["expert"], competency=law, level=2),
        "by_self": services.assessment_record(actor=team["expert"], person=team["expert"], competency=law, level=4),
        "other": services.assessment_record(actor=lead, person=team["other_expert"], competency=law, level=3),
    }


def visible(user):
    return set(Assessment.objects.visible_to(user).values_list("pk", flat=True))


def test_a_person_sees_only_their_own(assessed, team):
    assert visible(team["expert"]) == {assessed["by_manager"].pk, assessed["by_self"].pk}
    assert visible(team["other_expert"]) == {assessed["other"].pk}


def test_the_discipline_manager_sees_their_team(assessed, team):
    assert visible(team["manager"]) == {assessed["by_manager"].pk, assessed["by_self"].pk}
    assert visible(team["other_manager"]) == {assessed["other"].pk}


def test_governance_leads_and_superusers_see_all(assessed, lead, superuser):
    assert visible(lead) == visible(superuser) == {a.pk for a in assessed.values()}


def test_everyone_else_sees_none(assessed, team, executive, outsider):
    for user in (team["communicator"], executive, outsider, AnonymousUser()):
        assert visible(user) == set()


def test_a_manager_sees_a_person_only_through_a_discipline_they_manage(assessed, team, disciplines):
    """Managing marketing while the expert is in product shows nothing; adding the expert to marketing does."""
    other_manager, expert = team["other_manager"], team["expert"]
    assert not can_assess(other_manager, expert)
    Membership.objects.create(user=expert, discipline=disciplines["marketing"], function=Membership.Function.EXPERT)
    assert can_assess(other_manager, expert)
    assert assessed["by_manager"].pk in visible(other_manager)


def test_a_manager_is_not_the_manager_of_a_fellow_manager(assessed, team, disciplines, competencies, lead):
    Membership.objects.create(
        user=team["other_manager"], discipline=disciplines["product"], function=Membership.Function.MANAGER
    )
    services.assessment_record(actor=lead, person=team["other_manager"], competency=competencies["law"], level=3)
    assert not can_assess(team["manager"], team["other_manager"])
    assert not Assessment.objects.visible_to(team["manager"]).filter(user=team["other_manager"]).exists()


def test_a_communicator_member_is_in_the_managers_team(assessed, team, disciplines):
    Membership.objects.create(
        user=team["manager"], discipline=disciplines["corporate-communications"], function=Membership.Function.MANAGER
    )
    assert can_assess(team["manager"], team["communicator"])


def test_people_assessable_by(team, lead, outsider):
    everyone = set(type(lead).objects.values_list("username", flat=True))
    names = {user: set(people_assessable_by(team[user]).values_list("username", flat=True)) for user in team}
    assert names["manager"] == {"manager", "expert"}
    assert names["other_manager"] == {"other_manager", "other_expert"}
    assert names["expert"] == {"expert"}
    assert names["communicator"] == {"communicator"}
    assert set(people_assessable_by(lead).values_list("username", flat=True)) == everyone
    assert set(people_assessable_by(outsider).values_list("username", flat=True)) == {"outsider"}
    assert not people_assessable_by(AnonymousUser()).exists()


def test_can_assess_matches_the_scope(team, lead, superuser, executive):
    expert = team["expert"]
    allowed = {team["manager"], expert, lead, superuser}
    for user in (*team.values(), lead, superuser, executive):
        assert can_assess(user, expert) is (user in allowed), user.username
    assert not can_assess(AnonymousUser(), expert)


def test_selectors_read_through_the_scope(assessed, team, active, lead, profiles, disciplines):
    """A viewer who may not see the expert's assessments gets no levels out of any selector."""
    services.assignment_create(
        actor=lead,
        user=team["expert"],
        profile=profiles["community-manager"],
        seniority="junior",
        discipline=disciplines["marketing"],
    )
    stranger = team["other_expert"]
    assert not assessment_list(stranger, person=team["expert"]).exists()
    analysis = gap_analysis(viewer=stranger, person=team["expert"])
    assert analysis.history == [] and all(row.level is None for row in analysis.rows)
    allowed = gap_analysis(viewer=team["manager"], person=team["expert"])
    assert len(allowed.history) == 2
