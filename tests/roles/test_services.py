"""Writes: who may make them, what is refused (with the field named), and nothing half-written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from governance import services as governance_services
from governance.errors import DomainError
from roles import services
from roles.models import Assessment, Competency, JobProfile, RequiredLevel, RoleAssignment, UnitKind
from roles.selectors import competency_matrix, staffing


def cell(profile, competency, seniority):
    return RequiredLevel.objects.get(profile=profile, competency=competency, seniority=seniority)


# --- Profiles and the matrix ----------------------------------------------------------------


def test_lead_edits_a_profile_but_not_its_slug(lead, profiles):
    profile = services.profile_update(
        actor=lead, profile=profiles["community-manager"], name="Community Lead", name_de="Community-Leitung"
    )
    assert (profile.name, profile.slug) == ("Community Lead", "community-manager")
    with pytest.raises(ValueError):
        services.profile_update(actor=lead, profile=profile, slug="other")
    with pytest.raises(ValueError):
        services.profile_update(actor=lead, profile=profile, has_seniorities=False)


def test_only_leads_edit_profiles_and_the_matrix(profiles, competencies, communicator, manager, expert, executive):
    profile, strategy = profiles["social-media-consultant"], competencies["strategy"]
    for user in (communicator, manager, expert, executive):
        with pytest.raises(PermissionDenied):
            services.profile_update(actor=user, profile=profile, name="Mine")
        with pytest.raises(PermissionDenied):
            services.required_level_set(actor=user, profile=profile, competency=strategy, seniority="none", level=1)
        with pytest.raises(PermissionDenied):
            services.competency_save(actor=user, name="Mine", category=strategy.category)
        with pytest.raises(PermissionDenied):
            services.category_save(actor=user, name="Mine")
    profile.refresh_from_db()
    assert profile.name == "Social Media Consultant"
    assert cell(profile, strategy, "none").level == 5
    assert Competency.objects.count() == 24


def test_lead_sets_a_required_level(lead, profiles, competencies):
    profile, seo = profiles["social-media-manager"], competencies["seo-sea"]
    services.required_level_set(actor=lead, profile=profile, competency=seo, seniority="senior", level="5")
    assert cell(profile, seo, "senior").level == 5
    assert cell(profile, seo, "junior").level == 2  # the other variant is its own cell


@pytest.mark.parametrize("level", [0, 6, -1, "", "high", None, 2.5, True])
def test_a_required_level_outside_1_to_5_is_refused_naming_the_field(lead, profiles, competencies, level):
    profile, seo = profiles["social-media-manager"], competencies["seo-sea"]
    with pytest.raises(ValidationError) as refused:
        services.required_level_set(actor=lead, profile=profile, competency=seo, seniority="senior", level=level)
    assert list(refused.value.message_dict) == ["level"]
    assert cell(profile, seo, "senior").level == 4


@pytest.mark.parametrize(
    ("profile", "seniority"), [("social-media-consultant", "senior"), ("community-manager", "none")]
)
def test_a_seniority_the_profile_is_not_held_in_is_refused(lead, profiles, competencies, profile, seniority):
    with pytest.raises(ValidationError) as refused:
        services.required_level_set(
            actor=lead, profile=profiles[profile], competency=competencies["law"], seniority=seniority, level=3
        )
    assert list(refused.value.message_dict) == ["seniority"]
    assert RequiredLevel.objects.count() == 24 * 5


def test_a_new_competency_keeps_the_matrix_complete(lead):
    category = services.category_save(actor=lead, name="Digital competence", name_de="Digitalkompetenz")
    assert category.slug == "digital-competence"
    competency = services.competency_save(
        actor=lead, category=category, name="Short video", name_de="Kurzvideo", initial_level=2
    )
    assert competency.slug == "short-video"
    assert competency_matrix().missing() == []
    assert set(RequiredLevel.objects.filter(competency=competency).values_list("level", flat=True)) == {2}
    assert RequiredLevel.objects.filter(competency=competency).count() == 5


def test_a_new_competency_with_a_bad_initial_level_writes_nothing(lead, competencies):
    with pytest.raises(ValidationError) as refused:
        services.competency_save(actor=lead, category=competencies["law"].category, name="Video", initial_level=9)
    assert "initial_level" in refused.value.message_dict
    assert Competency.objects.count() == 24


def test_a_duplicate_competency_name_is_refused(lead, competencies):
    with pytest.raises(ValidationError) as refused:
        services.competency_save(actor=lead, category=competencies["law"].category, name="Intuition")
    assert "name" in refused.value.message_dict


def test_deleting_a_competency_takes_its_matrix_row_unless_someone_was_assessed(lead, expert, competencies):
    services.competency_delete(actor=lead, competency=competencies["seo-sea"])
    assert not RequiredLevel.objects.filter(competency_id=competencies["seo-sea"].pk).exists()
    services.assessment_record(actor=lead, person=expert, competency=competencies["law"], level=3)
    with pytest.raises(ValidationError, match="assessed"):
        services.competency_delete(actor=lead, competency=competencies["law"])
    assert Competency.objects.filter(pk=competencies["law"].pk).exists()
    assert RequiredLevel.objects.filter(competency=competencies["law"]).count() == 5


def test_a_category_with_competencies_cannot_be_deleted(lead, competencies):
    with pytest.raises(ValidationError, match="still holds competencies"):
        services.category_delete(actor=lead, category=competencies["law"].category)


# --- Assignments ----------------------------------------------------------------------------


def test_lead_assigns_a_profile_in_the_hub_and_a_spoke(lead, active, communicator, expert, profiles, disciplines):
    in_hub = services.assignment_create(
        actor=lead,
        user=communicator,
        profile=profiles["community-manager"],
        seniority="senior",
        discipline=disciplines["corporate-communications"],
    )
    in_spoke = services.assignment_create(
        actor=lead,
        user=expert,
        profile=profiles["community-manager"],
        seniority="junior",
        discipline=disciplines["sales"],
    )
    assert (in_hub.kind, in_spoke.kind) == (UnitKind.HUB, UnitKind.SPOKE)
    assert in_hub.since == timezone.localdate() and in_hub.until is None and in_hub.created_by == lead
    assert in_hub.profile_label == "Community Manager (Senior)"


def test_consultant_needs_no_seniority_and_managers_need_one(lead, active, expert, profiles, disciplines):
    hub = disciplines["corporate-communications"]
    consultant = services.assignment_create(
        actor=lead, user=expert, profile=profiles["social-media-consultant"], discipline=hub
    )
    assert consultant.seniority == "none" and consultant.profile_label == "Social Media Consultant"
    with pytest.raises(ValidationError) as refused:
        services.assignment_create(actor=lead, user=expert, profile=profiles["social-media-manager"], discipline=hub)
    assert list(refused.value.message_dict) == ["seniority"]
    assert RoleAssignment.objects.count() == 1


def test_an_assignment_must_point_at_a_unit_of_the_active_model(lead, make_model, expert, profiles, disciplines):
    consultant = profiles["social-media-consultant"]
    with pytest.raises(ValidationError, match="no active organisational model") as refused:
        services.assignment_create(actor=lead, user=expert, profile=consultant, discipline=disciplines["sales"])
    assert list(refused.value.message_dict) == ["discipline"]
    make_model(publish=True)
    with pytest.raises(ValidationError, match="neither a hub nor a spoke") as refused:
        services.assignment_create(actor=lead, user=expert, profile=consultant, discipline=disciplines["legal"])
    assert list(refused.value.message_dict) == ["discipline"]
    assert not RoleAssignment.objects.exists()


def test_only_leads_assign_profiles(active, communicator, manager, expert, executive, profiles, disciplines, lead):
    for user in (communicator, manager, expert, executive):
        with pytest.raises(PermissionDenied):
            services.assignment_create(
                actor=user, user=user, profile=profiles["social-media-consultant"], discipline=disciplines["sales"]
            )
    assignment = services.assignment_create(
        actor=lead, user=expert, profile=profiles["social-media-consultant"], discipline=disciplines["sales"]
    )
    with pytest.raises(PermissionDenied):
        services.assignment_end(actor=manager, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.until is None and RoleAssignment.objects.count() == 1


def test_a_promotion_ends_the_previous_assignment(lead, active, communicator, profiles, disciplines, days_ago):
    fields = {
        "actor": lead,
        "user": communicator,
        "profile": profiles["community-manager"],
        "discipline": disciplines["marketing"],
    }
    junior = services.assignment_create(**fields, seniority="junior", since=days_ago(100))
    senior = services.assignment_create(**fields, seniority="senior", since=days_ago(10))
    junior.refresh_from_db()
    assert junior.until == days_ago(11) and senior.until is None
    with pytest.raises(ValidationError) as refused:
        services.assignment_create(**fields, seniority="junior", since=days_ago(10))
    assert list(refused.value.message_dict) == ["since"]
    assert RoleAssignment.objects.count() == 2


def test_ending_an_assignment(lead, active, expert, profiles, disciplines, days_ago):
    assignment = services.assignment_create(
        actor=lead,
        user=expert,
        profile=profiles["social-media-consultant"],
        discipline=disciplines["sales"],
        since=days_ago(30),
    )
    with pytest.raises(ValidationError) as refused:
        services.assignment_end(actor=lead, assignment=assignment, until=days_ago(31))
    assert list(refused.value.message_dict) == ["until"]
    ended = services.assignment_end(actor=lead, assignment=assignment)
    assert ended.until == timezone.localdate()
    with pytest.raises(DomainError) as twice:
        services.assignment_end(actor=lead, assignment=assignment)
    assert twice.value.code == "already_ended"


def test_an_until_before_since_is_refused_on_create(lead, active, expert, profiles, disciplines, days_ago):
    with pytest.raises(ValidationError) as refused:
        services.assignment_create(
            actor=lead,
            user=expert,
            profile=profiles["social-media-consultant"],
            discipline=disciplines["sales"],
            since=days_ago(1),
            until=days_ago(2),
        )
    assert list(refused.value.message_dict) == ["until"]


def test_assignments_survive_a_new_model_version(lead, active, communicator, profiles, disciplines):
    """A new version copies the hub rows; assignments follow the unit's discipline, not the row."""
    services.assignment_create(
        actor=lead,
        user=communicator,
        profile=profiles["social-media-manager"],
        seniority="senior",
        discipline=disciplines["corporate-communications"],
    )
    copy = governance_services.model_copy(source=active, actor=lead)
    governance_services.model_publish(model=copy, actor=lead)
    result = staffing(viewer=lead)
    assert result.model == copy
    hub = result.units[0]
    assert hub.unit.obj.model_id == copy.pk
    assert [(p.slug, [a.user for a in held]) for p, held in hub.holders] == [("social-media-manager", [communicator])]
    assert not hub.vacancies


# --- Assessments ----------------------------------------------------------------------------


def test_manager_records_an_assessment_of_their_team(team, competencies, days_ago):
    assessment = services.assessment_record(
        actor=team["manager"],
        person=team["expert"],
        competency=competencies["law"],
        level=3,
        note="Solid on privacy.",
        assessed_on=days_ago(3),
    )
    assert (assessment.assessed_by, assessment.is_self, assessment.assessed_on) == (
        team["manager"],
        False,
        days_ago(3),
    )


def test_a_person_records_a_self_assessment(team, competencies):
    assessment = services.assessment_record(
        actor=team["expert"], person=team["expert"], competency=competencies["law"], level=4
    )
    assert assessment.is_self and assessment.assessed_on == timezone.localdate()


def test_lead_and_superuser_assess_anyone(team, lead, superuser, competencies):
    for actor in (lead, superuser):
        assessment = services.assessment_record(
            actor=actor, person=team["other_expert"], competency=competencies["law"], level=2
        )
        assert not assessment.is_self


def test_nobody_else_records_assessments(team, executive, outsider, competencies):
    expert = team["expert"]
    for actor in (team["other_expert"], team["communicator"], team["other_manager"], executive, outsider):
        with pytest.raises(PermissionDenied):
            services.assessment_record(actor=actor, person=expert, competency=competencies["law"], level=3)
    # a manager does not assess a fellow manager of the same discipline
    with pytest.raises(PermissionDenied):
        services.assessment_record(
            actor=team["manager"], person=team["other_manager"], competency=competencies["law"], level=3
        )
    assert not Assessment.objects.exists()


def test_permission_is_checked_before_the_input(team, competencies):
    with pytest.raises(PermissionDenied):
        services.assessment_record(
            actor=team["other_expert"], person=team["expert"], competency=competencies["law"], level=99
        )


@pytest.mark.parametrize("level", [0, 6, "", None, "five", 3.5])
def test_an_assessment_level_outside_1_to_5_is_refused(team, competencies, level):
    with pytest.raises(ValidationError) as refused:
        services.assessment_record(
            actor=team["manager"], person=team["expert"], competency=competencies["law"], level=level
        )
    assert list(refused.value.message_dict) == ["level"]
    assert not Assessment.objects.exists()


def test_an_assessment_cannot_be_dated_in_the_future(team, competencies):
    with pytest.raises(ValidationError) as refused:
        services.assessment_record(
            actor=team["manager"],
            person=team["expert"],
            competency=competencies["law"],
            level=3,
            assessed_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert list(refused.value.message_dict) == ["assessed_on"]
    assert not Assessment.objects.exists()


def test_profiles_in_use_cannot_disappear(lead, active, expert, profiles, disciplines):
    services.assignment_create(
        actor=lead, user=expert, profile=profiles["social-media-consultant"], discipline=disciplines["sales"]
    )
    with pytest.raises(ProtectedError):
        JobProfile.objects.get(slug="social-media-consultant").delete()
