"""The database keeps the invariants even when a write goes around the services."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from roles.models import Assessment, RequiredLevel, RoleAssignment, UnitKind


@pytest.mark.parametrize("level", [0, 6])
def test_required_level_outside_1_to_5_is_refused_by_the_database(profiles, competencies, level):
    cell = RequiredLevel.objects.get(
        profile=profiles["social-media-consultant"], competency=competencies["strategy"], seniority="none"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RequiredLevel.objects.filter(pk=cell.pk).update(level=level)
    cell.refresh_from_db()
    assert cell.level == 5


def test_a_cell_exists_once_per_profile_competency_and_seniority(profiles, competencies):
    with pytest.raises(IntegrityError), transaction.atomic():
        RequiredLevel.objects.create(
            profile=profiles["community-manager"], competency=competencies["strategy"], seniority="junior", level=3
        )


@pytest.mark.parametrize("level", [0, 6])
def test_assessment_level_outside_1_to_5_is_refused_by_the_database(expert, manager, competencies, level):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(user=expert, assessed_by=manager, competency=competencies["law"], level=level)
    assert not Assessment.objects.exists()


def test_is_self_must_match_the_assessor(expert, manager, competencies):
    law = competencies["law"]
    for fields in ({"assessed_by": manager, "is_self": True}, {"assessed_by": expert, "is_self": False}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Assessment.objects.create(user=expert, competency=law, level=3, **fields)
    Assessment.objects.create(user=expert, competency=law, level=3, assessed_by=expert, is_self=True)
    Assessment.objects.create(user=expert, competency=law, level=3, assessed_by=None, is_self=False)
    assert Assessment.objects.count() == 2


def test_an_assignment_cannot_end_before_it_starts(expert, profiles, disciplines):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=expert,
            profile=profiles["social-media-consultant"],
            kind=UnitKind.HUB,
            discipline=disciplines["corporate-communications"],
            since=datetime.date(2026, 5, 2),
            until=datetime.date(2026, 5, 1),
        )


def test_a_profile_is_held_in_a_unit_once_at_a_time(expert, profiles, disciplines):
    fields = {
        "user": expert,
        "profile": profiles["social-media-consultant"],
        "kind": UnitKind.HUB,
        "discipline": disciplines["corporate-communications"],
    }
    RoleAssignment.objects.create(**fields, since=datetime.date(2025, 1, 1), until=datetime.date(2025, 12, 31))
    RoleAssignment.objects.create(**fields, since=datetime.date(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(**fields, since=datetime.date(2026, 2, 1))
