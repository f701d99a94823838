"""The job profile API: the same rules as the pages.

Leads write profiles, competencies, levels and assignments (403 for everyone else);
assessments are seen and written by the person, their discipline's manager and leads,
and for anyone else another person's assessment does not exist (404, absent from lists).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.access import roles_of
from roles import services
from roles.models import Assessment, Competency, RequiredLevel, RoleAssignment

API = "/api/v1"


@pytest.fixture
def expert_cm(team, active, lead, profiles, disciplines, days_ago):
    return services.assignment_create(
        actor=lead,
        user=team["expert"],
        profile=profiles["community-manager"],
        seniority="junior",
        discipline=disciplines["marketing"],
        since=days_ago(100),
    )


@pytest.fixture
def assessments(team, competencies, lead):
    expert, law = team["expert"], competencies["law"]
    return {
        "by_manager": services.assessment_record(actor=team["manager"], person=expert, competency=law, level=2),
        "by_self": services.assessment_record(actor=expert, person=expert, competency=law, level=4),
        "other": services.assessment_record(actor=lead, person=team["other_expert"], competency=law, level=3),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- Job profiles ----------------------------------------------------------------------------


def test_everyone_signed_in_reads_the_profiles(api_for, communicator, profiles):
    assert api_for().get(f"{API}/job-profiles/").status_code in (401, 403)
    response = api_for(communicator).get(f"{API}/job-profiles/")
    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()["results"]}
    assert set(rows) == set(profiles)
    assert rows["community-manager"]["seniorities"] == ["junior", "senior"]
    assert rows["social-media-consultant"]["seniorities"] == ["none"]
    assert rows["social-media-manager"]["label"] == "Social Media Manager"


def test_only_leads_change_a_profile(api_for, communicator, lead, profiles):
    smc = profiles["social-media-consultant"]
    url = f"{API}/job-profiles/{smc.pk}/"
    assert api_for(communicator).patch(url, {"description": "x"}, format="json").status_code == 403
    response = api_for(lead).patch(url, {"description": "Advises.", "slug": "hacked"}, format="json")
    assert response.status_code == 200, response.content
    smc.refresh_from_db()
    assert (smc.description, smc.slug) == ("Advises.", "social-media-consultant")
    assert api_for(lead).post(f"{API}/job-profiles/", {"name": "New"}, format="json").status_code == 405
    assert api_for(lead).delete(url).status_code == 405


# --- Competencies ----------------------------------------------------------------------------


def test_a_lead_adds_a_competency_with_its_matrix_row(api_for, lead, competencies):
    category = competencies["law"].category
    response = api_for(lead).post(
        f"{API}/competencies/",
        {"category": category.pk, "name": "Short video", "name_de": "Kurzvideo", "initial_level": 2},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["category_label"]) == ("short-video", category.label)
    assert "initial_level" not in body
    cells = RequiredLevel.objects.filter(competency_id=body["id"])
    assert cells.count() == 5 and {cell.level for cell in cells} == {2}


def test_competency_writes_name_the_field(api_for, lead, communicator, competencies):
    category = competencies["law"].category
    data = {"category": category.pk, "name": "Short video", "initial_level": 9}
    assert api_for(communicator).post(f"{API}/competencies/", data, format="json").status_code == 403
    response = api_for(lead).post(f"{API}/competencies/", data, format="json")
    assert response.status_code == 400
    assert "initial_level" in response.json()
    response = api_for(lead).post(f"{API}/competencies/", {**data, "initial_level": 1, "category": 9999}, format="json")
    assert response.status_code == 400
    assert "category" in response.json()
    response = api_for(lead).post(
        f"{API}/competencies/", {**data, "initial_level": 1, "name": "Intuition"}, format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()
    assert not Competency.objects.filter(name="Short video").exists()


def test_a_competency_someone_was_assessed_in_is_not_deleted(api_for, lead, communicator, assessments, competencies):
    law, seo = competencies["law"], competencies["seo-sea"]
    assert api_for(communicator).delete(f"{API}/competencies/{seo.pk}/").status_code == 403
    response = api_for(lead).delete(f"{API}/competencies/{law.pk}/")
    assert response.status_code == 400
    assert "cannot be deleted" in str(response.json())
    assert api_for(lead).delete(f"{API}/competencies/{seo.pk}/").status_code == 204
    assert not RequiredLevel.objects.filter(competency_id=seo.pk).exists()


# --- Required levels -------------------------------------------------------------------------


def test_required_levels_filter_by_profile_competency_and_seniority(api_for, communicator, profiles, competencies):
    api = api_for(communicator)
    cm, law = profiles["community-manager"], competencies["law"]
    response = api.get(f"{API}/required-levels/", {"profile": cm.pk, "competency": law.pk})
    rows = response.json()["results"]
    assert sorted((row["seniority"], row["level"]) for row in rows) == [("junior", 2), ("senior", 4)]
    response = api.get(f"{API}/required-levels/", {"profile": cm.pk, "seniority": "senior", "page_size": 100})
    assert response.json()["count"] == 24


def _cell(profiles, competencies, slug="social-media-manager", seniority="senior", competency="law"):
    return RequiredLevel.objects.get(profile=profiles[slug], seniority=seniority, competency=competencies[competency])


def test_only_leads_set_a_level(api_for, communicator, lead, profiles, competencies):
    cell = _cell(profiles, competencies)
    url = f"{API}/required-levels/{cell.pk}/"
    assert api_for(communicator).patch(url, {"level": 3}, format="json").status_code == 403
    response = api_for(lead).patch(url, {"level": 3, "seniority": "junior"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["level"] == 3
    cell.refresh_from_db()
    assert (cell.level, cell.seniority) == (3, "senior")


@pytest.mark.parametrize("level", [0, 6, -1, "2.5", "high", None])
def test_a_level_out_of_range_is_400_naming_level(api_for, lead, profiles, competencies, level):
    cell = _cell(profiles, competencies)
    response = api_for(lead).patch(f"{API}/required-levels/{cell.pk}/", {"level": level}, format="json")
    assert response.status_code == 400
    assert "level" in response.json()
    cell.refresh_from_db()
    assert cell.level == 5


# --- Role assignments ------------------------------------------------------------------------


def test_a_lead_assigns_and_ends_a_profile(api_for, lead, team, active, profiles, disciplines, days_ago):
    api = api_for(lead)
    response = api.post(
        f"{API}/role-assignments/",
        {
            "user": team["expert"].pk,
            "profile": profiles["social-media-manager"].pk,
            "seniority": "senior",
            "discipline": disciplines["corporate-communications"].pk,
            "since": days_ago(10).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["unit_kind"], body["is_current"], body["profile_label"]) == (
        "hub",
        True,
        "Social Media Manager (Senior)",
    )
    assert body["created_by"] == lead.pk
    response = api.post(f"{API}/role-assignments/{body['id']}/end/", {"until": days_ago(1).isoformat()}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["until"] == days_ago(1).isoformat()
    assert not response.json()["is_current"]
    again = api.post(f"{API}/role-assignments/{body['id']}/end/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_ended"


def test_assignment_writes_name_the_field(api_for, lead, team, active, profiles, disciplines):
    api = api_for(lead)
    base = {"user": team["expert"].pk, "profile": profiles["social-media-manager"].pk}
    response = api.post(
        f"{API}/role-assignments/",
        {**base, "discipline": disciplines["legal"].pk, "seniority": "senior"},
        format="json",
    )
    assert response.status_code == 400
    assert "discipline" in response.json()
    response = api.post(f"{API}/role-assignments/", {**base, "discipline": disciplines["marketing"].pk}, format="json")
    assert response.status_code == 400
    assert "seniority" in response.json()
    response = api.post(
        f"{API}/role-assignments/",
        {**base, "discipline": disciplines["marketing"].pk, "seniority": "principal"},
        format="json",
    )
    assert response.status_code == 400
    assert "seniority" in response.json()
    assert not RoleAssignment.objects.exists()


def test_only_leads_assign(api_for, communicator, manager, team, expert_cm, profiles, disciplines):
    data = {
        "user": team["other_expert"].pk,
        "profile": profiles["community-manager"].pk,
        "seniority": "junior",
        "discipline": disciplines["sales"].pk,
    }
    for user in (communicator, manager):
        api = api_for(user)
        assert api.get(f"{API}/role-assignments/").status_code == 200  # the organisation chart is open
        assert api.post(f"{API}/role-assignments/", data, format="json").status_code == 403
        assert api.post(f"{API}/role-assignments/{expert_cm.pk}/end/", {}, format="json").status_code == 403
        assert api.delete(f"{API}/role-assignments/{expert_cm.pk}/").status_code in (403, 405)
    assert RoleAssignment.objects.count() == 1
    expert_cm.refresh_from_db()
    assert expert_cm.until is None


def test_assignments_filter_current(api_for, lead, team, expert_cm, profiles, disciplines, days_ago):
    ended = services.assignment_create(
        actor=lead,
        user=team["communicator"],
        profile=profiles["community-manager"],
        seniority="senior",
        discipline=disciplines["sales"],
        since=days_ago(50),
    )
    services.assignment_end(actor=lead, assignment=ended, until=days_ago(5))
    api = api_for(team["communicator"])
    assert ids(api.get(f"{API}/role-assignments/")) == {expert_cm.pk, ended.pk}
    assert ids(api.get(f"{API}/role-assignments/", {"current": "true"})) == {expert_cm.pk}
    assert ids(api.get(f"{API}/role-assignments/", {"current": "false"})) == {ended.pk}
    assert ids(api.get(f"{API}/role-assignments/", {"user": team["expert"].pk})) == {expert_cm.pk}


# --- Assessments: privacy --------------------------------------------------------------------


def test_a_person_sees_their_own_assessments(api_for, team, assessments):
    api = api_for(team["expert"])
    assert ids(api.get(f"{API}/assessments/")) == {assessments["by_manager"].pk, assessments["by_self"].pk}
    assert api.get(f"{API}/assessments/{assessments['by_manager'].pk}/").status_code == 200
    assert api.get(f"{API}/assessments/{assessments['other'].pk}/").status_code == 404


def test_the_discipline_manager_and_leads_see_them(api_for, team, lead, assessments):
    expert_ids = {assessments["by_manager"].pk, assessments["by_self"].pk}
    assert ids(api_for(team["manager"]).get(f"{API}/assessments/")) == expert_ids
    assert ids(api_for(lead).get(f"{API}/assessments/")) == {a.pk for a in assessments.values()}
    detail = api_for(team["manager"]).get(f"{API}/assessments/{assessments['by_self'].pk}/").json()
    assert (detail["level"], detail["is_self"], detail["user_name"]) == (4, True, team["expert"].get_full_name())


def test_nobody_else_sees_them(api_for, team, executive, outsider, assessments):
    for user in (team["other_expert"], team["other_manager"], team["communicator"], executive, outsider):
        api = api_for(user)
        visible = ids(api.get(f"{API}/assessments/", {"user": team["expert"].pk}))
        assert visible == set(), user.username
        for key in ("by_manager", "by_self"):
            assert api.get(f"{API}/assessments/{assessments[key].pk}/").status_code == 404, user.username


def test_the_manager_records_an_assessment(api_for, team, competencies, expert_cm):
    response = api_for(team["manager"]).post(
        f"{API}/assessments/",
        {"user": team["expert"].pk, "competency": competencies["strategy"].pk, "level": 2, "note": "Q3 review"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["assessed_by"], body["is_self"], body["competency_label"]) == (
        team["manager"].pk,
        False,
        "Strategy development",
    )
    assessment = Assessment.objects.get(pk=body["id"])
    assert (assessment.level, assessment.note) == (2, "Q3 review")


def test_a_person_records_a_self_assessment(api_for, team, competencies):
    response = api_for(team["expert"]).post(
        f"{API}/assessments/",
        {"user": team["expert"].pk, "competency": competencies["law"].pk, "level": 4, "is_self": False},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_self"] is True


def test_nobody_else_records_one(api_for, team, competencies, executive):
    data = {"user": team["expert"].pk, "competency": competencies["law"].pk, "level": 3}
    for user in (team["other_expert"], team["other_manager"], team["communicator"], executive):
        response = api_for(user).post(f"{API}/assessments/", data, format="json")
        assert response.status_code == 400, user.username
        assert "user" in response.json()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"level": 6}, "level"),
        ({"level": 0}, "level"),
        ({"level": "2.5"}, "level"),
        ({"competency": 99999}, "competency"),
        ({"competency": "law"}, "competency"),
        ({"assessed_on": "2999-01-01"}, "assessed_on"),
    ],
)
def test_bad_assessments_are_400_naming_the_field(api_for, team, competencies, change, field):
    data = {"user": team["expert"].pk, "competency": competencies["law"].pk, "level": 3, **change}
    response = api_for(team["manager"]).post(f"{API}/assessments/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Assessment.objects.exists()


def test_assessments_are_never_changed(api_for, lead, assessments):
    url = f"{API}/assessments/{assessments['by_manager'].pk}/"
    assert api_for(lead).patch(url, {"level": 5}, format="json").status_code == 405
    assert api_for(lead).delete(url).status_code == 405


# --- Query counts ----------------------------------------------------------------------------


def _grow(lead, make_user, profiles, disciplines, competencies, start, count):
    units = ["corporate-communications", "marketing", "customer-service", "sales"]
    for n in range(start, start + count):
        person = make_user(username=f"person{n}")
        services.assignment_create(
            actor=lead,
            user=person,
            profile=profiles["community-manager"],
            seniority="junior",
            discipline=disciplines[units[n % len(units)]],
        )
        services.assessment_record(actor=lead, person=person, competency=competencies["law"], level=2)
        services.assessment_record(actor=person, person=person, competency=competencies["intuition"], level=4)
    category = competencies["law"].category
    services.competency_save(actor=lead, category=category, name=f"Extra {start}")


@pytest.mark.parametrize(
    "endpoint", ["job-profiles", "competencies", "required-levels", "role-assignments", "assessments"]
)
def test_list_endpoints_cost_the_same_queries_as_rows_grow(
    api_for, lead, active, make_user, profiles, disciplines, competencies, django_assert_num_queries, endpoint
):
    roles_of(lead)
    api = api_for(lead)
    url = f"{API}/{endpoint}/"
    _grow(lead, make_user, profiles, disciplines, competencies, 0, 1)
    api.get(url)
    with CaptureQueriesContext(connection) as before:
        first = api.get(url, {"page_size": 100})
    _grow(lead, make_user, profiles, disciplines, competencies, 1, 5)
    with django_assert_num_queries(len(before)):
        second = api.get(url, {"page_size": 100})
    assert first.status_code == second.status_code == 200
    if endpoint != "job-profiles":
        assert second.json()["count"] > first.json()["count"]


def test_the_assessment_list_of_a_manager_costs_the_same_queries(
    api_for, team, competencies, django_assert_num_queries
):
    manager, expert = team["manager"], team["expert"]
    roles_of(manager)
    api = api_for(manager)
    services.assessment_record(actor=manager, person=expert, competency=competencies["law"], level=2)
    with CaptureQueriesContext(connection) as before:
        api.get(f"{API}/assessments/")
    for slug in ("strategy", "intuition", "seo-sea"):
        services.assessment_record(actor=manager, person=expert, competency=competencies[slug], level=2)
        services.assessment_record(actor=expert, person=expert, competency=competencies[slug], level=3)
    with django_assert_num_queries(len(before)):
        assert api.get(f"{API}/assessments/").json()["count"] == 7


# --- Schema ----------------------------------------------------------------------------------


def test_the_endpoints_are_in_the_schema(client_for, communicator):
    schema = client_for(communicator).get("/api/schema/").content.decode()
    for path in (
        "/api/v1/job-profiles/",
        "/api/v1/competencies/",
        "/api/v1/required-levels/",
        "/api/v1/role-assignments/",
        "/api/v1/role-assignments/{id}/end/",
        "/api/v1/assessments/",
    ):
        assert path in schema
