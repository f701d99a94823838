"""The admin of job profiles, the matrix, assignments and assessments: it loads, and writes through the services."""

import pytest
from django.urls import reverse

from roles import services
from roles.models import Assessment, Competency, CompetencyCategory, JobProfile, RequiredLevel, RoleAssignment

MODELS = [JobProfile, CompetencyCategory, Competency, RequiredLevel, RoleAssignment, Assessment]


@pytest.fixture
def filled(team, active, lead, profiles, disciplines, competencies):
    assignment = services.assignment_create(
        actor=lead,
        user=team["expert"],
        profile=profiles["community-manager"],
        seniority="junior",
        discipline=disciplines["marketing"],
    )
    assessment = services.assessment_record(
        actor=team["manager"], person=team["expert"], competency=competencies["law"], level=2
    )
    return {"assignment": assignment, "assessment": assessment}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_loads_with_search_and_filters(client_for, superuser, filled, model):
    client = client_for(superuser)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert client.get(admin_url(model, "changelist"), {"q": "law"}).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_change_page_loads(client_for, superuser, filled, model):
    obj = model.objects.first()
    assert client_for(superuser).get(admin_url(model, "change", obj.pk)).status_code == 200


def test_a_new_competency_gets_its_matrix_row(client_for, superuser, competencies):
    category = competencies["law"].category
    response = client_for(superuser).post(
        admin_url(Competency, "add"),
        {"category": category.pk, "slug": "short-video", "name": "Short video", "name_de": "", "position": 30},
    )
    assert response.status_code == 302, response.content
    competency = Competency.objects.get(slug="short-video")
    assert RequiredLevel.objects.filter(competency=competency).count() == 5


def test_a_level_is_set_through_the_service_and_bounded(client_for, superuser, profiles, competencies):
    cell = RequiredLevel.objects.get(
        profile=profiles["social-media-manager"], seniority="senior", competency=competencies["law"]
    )
    client = client_for(superuser)
    response = client.post(admin_url(RequiredLevel, "change", cell.pk), {"level": 7})
    assert response.status_code == 200  # the form shows the error
    cell.refresh_from_db()
    assert cell.level == 5
    assert client.post(admin_url(RequiredLevel, "change", cell.pk), {"level": 3}).status_code == 302
    cell.refresh_from_db()
    assert cell.level == 3


def test_an_assignment_outside_the_active_model_is_refused_with_a_message(
    client_for, superuser, team, active, profiles, disciplines
):
    client = client_for(superuser)
    response = client.post(
        admin_url(RoleAssignment, "add"),
        {
            "user": team["expert"].pk,
            "profile": profiles["social-media-manager"].pk,
            "seniority": "senior",
            "discipline": disciplines["legal"].pk,
            "since": "2026-01-05",
            "note": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Nothing was saved" in response.text
    assert not RoleAssignment.objects.exists()
    response = client.post(
        admin_url(RoleAssignment, "add"),
        {
            "user": team["expert"].pk,
            "profile": profiles["social-media-manager"].pk,
            "seniority": "senior",
            "discipline": disciplines["corporate-communications"].pk,
            "since": "2026-01-05",
            "note": "",
        },
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get()
    assert (assignment.kind, assignment.created_by) == ("hub", superuser)


def test_ending_assignments_from_the_changelist(client_for, superuser, filled):
    response = client_for(superuser).post(
        admin_url(RoleAssignment, "changelist"),
        {"action": "end_today", "_selected_action": [filled["assignment"].pk]},
    )
    assert response.status_code == 302
    filled["assignment"].refresh_from_db()
    assert filled["assignment"].until is not None


def test_an_assessment_is_recorded_by_the_admin_user(client_for, superuser, team, competencies):
    response = client_for(superuser).post(
        admin_url(Assessment, "add"),
        {"user": team["expert"].pk, "competency": competencies["law"].pk, "level": 3, "assessed_on": "2026-01-05"},
    )
    assert response.status_code == 302, response.content
    assessment = Assessment.objects.get()
    assert (assessment.assessed_by, assessment.is_self) == (superuser, False)


def test_staff_see_only_the_assessments_the_pages_would_show_them(client_for, make_user, filled):
    from django.contrib.auth.models import Permission

    staff = make_user(username="staffer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_assessment"))
    client = client_for(staff)
    response = client.get(admin_url(Assessment, "changelist"))
    assert response.status_code == 200
    assert "0 assessments" in response.text
    assert client.get(admin_url(Assessment, "change", filled["assessment"].pk)).status_code == 302  # not found
