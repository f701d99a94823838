"""The catalogue API: everyone signed in reads, governance leads write, bad input names the field."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disciplines.models import Absence, ApplicationArea, Discipline, Expertise, Membership
from governance.access import Role, has_role, role_group

LISTS = [
    "/api/v1/disciplines/",
    "/api/v1/application-areas/",
    "/api/v1/memberships/",
    "/api/v1/expertise/",
    "/api/v1/absences/",
]


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def queries_for(api, url):
    """Queries one GET costs, after a first GET warmed per-user caches."""
    assert api.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def anna(make_user):
    return make_user(first_name="Anna", last_name="Arndt", username="anna")


# --- Who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_callers_are_refused(api_for, db, url):
    response = api_for(None).get(url)
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("persona", ["communicator", "expert", "manager", "executive", "outsider"])
def test_every_signed_in_user_reads_the_catalogue(api_for, request, url, persona, disciplines):
    assert api_for(request.getfixturevalue(persona)).get(url).status_code == 200


def test_lead_creates_a_discipline(api_for, lead, db):
    response = api_for(lead).post(
        "/api/v1/disciplines/",
        {"name": "Data protection", "slug": "data-protection", "kind": "legal", "colour": "#112233"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    created = Discipline.objects.get(slug="data-protection")
    assert body["id"] == created.pk
    assert (created.name, created.kind, created.colour) == ("Data protection", "legal", "#112233")
    assert body["area_count"] == 0 and body["application_areas"] == []


@pytest.mark.parametrize("persona", ["communicator", "expert", "manager", "executive", "outsider"])
def test_only_leads_write_the_catalogue(api_for, request, persona, disciplines):
    api = api_for(request.getfixturevalue(persona))
    marketing = disciplines["marketing"]
    created = api.post("/api/v1/disciplines/", {"name": "X", "slug": "x", "kind": "other"}, format="json")
    changed = api.patch(f"/api/v1/disciplines/{marketing.pk}/", {"name": "Hacked"}, format="json")
    deleted = api.delete(f"/api/v1/disciplines/{marketing.pk}/")
    assert (created.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)
    marketing.refresh_from_db()
    assert marketing.name == "Marketing"
    assert not Discipline.objects.filter(slug="x").exists()


def test_superuser_writes_too(api_for, superuser, disciplines):
    marketing = disciplines["marketing"]
    response = api_for(superuser).patch(f"/api/v1/disciplines/{marketing.pk}/", {"position": 99}, format="json")
    assert response.status_code == 200
    marketing.refresh_from_db()
    assert marketing.position == 99


# --- Disciplines ------------------------------------------------------------------------------


def test_a_bad_colour_names_the_field_and_changes_nothing(api_for, lead, disciplines):
    marketing = disciplines["marketing"]
    response = api_for(lead).patch(f"/api/v1/disciplines/{marketing.pk}/", {"colour": "red"}, format="json")
    assert response.status_code == 400
    assert "#rrggbb" in response.json()["colour"][0]
    marketing.refresh_from_db()
    assert marketing.colour != "red"


def test_a_taken_slug_names_the_field(api_for, lead, disciplines):
    response = api_for(lead).post(
        "/api/v1/disciplines/", {"name": "Other marketing", "slug": "marketing", "kind": "marketing"}, format="json"
    )
    assert response.status_code == 400
    assert "slug" in response.json()


def test_an_unknown_kind_names_the_field(api_for, lead, db):
    response = api_for(lead).post("/api/v1/disciplines/", {"name": "A", "slug": "a", "kind": "magic"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_disciplines_are_looked_up_by_id_and_found_by_slug(api_for, communicator, disciplines):
    api = api_for(communicator)
    marketing = disciplines["marketing"]
    detail = api.get(f"/api/v1/disciplines/{marketing.pk}/")
    assert detail.status_code == 200
    assert detail.json()["slug"] == "marketing"
    assert {a["title"] for a in detail.json()["application_areas"]} == set(
        marketing.application_areas.values_list("title", flat=True)
    )
    assert [d["id"] for d in results(api.get("/api/v1/disciplines/?slug=marketing"))] == [marketing.pk]
    assert api.get("/api/v1/disciplines/marketing/").status_code == 404


def test_disciplines_filter_by_kind_and_search_by_name(api_for, communicator, disciplines):
    api = api_for(communicator)
    legal = results(api.get("/api/v1/disciplines/?kind=legal"))
    assert legal and {d["kind"] for d in legal} == {"legal"}
    found = results(api.get("/api/v1/disciplines/?search=customer"))
    assert [d["slug"] for d in found] == ["customer-service"]
    assert api.get("/api/v1/disciplines/?kind=magic").status_code == 400


def test_a_discipline_in_use_by_a_model_is_not_deleted(api_for, lead, make_model, disciplines):
    make_model()
    hub_home = disciplines["corporate-communications"]
    response = api_for(lead).delete(f"/api/v1/disciplines/{hub_home.pk}/")
    assert response.status_code == 400
    assert "remove it there first" in str(response.json())
    assert Discipline.objects.filter(pk=hub_home.pk).exists()


def test_lead_deletes_an_unused_discipline(api_for, lead, db):
    spare = Discipline.objects.create(name="Spare", slug="spare")
    assert api_for(lead).delete(f"/api/v1/disciplines/{spare.pk}/").status_code == 204
    assert not Discipline.objects.filter(pk=spare.pk).exists()


# --- Application areas ------------------------------------------------------------------------


def test_lead_adds_and_changes_an_application_area(api_for, lead, disciplines):
    api = api_for(lead)
    sales = disciplines["sales"]
    created = api.post(
        "/api/v1/application-areas/", {"discipline": sales.pk, "title": "Trade fair follow-up"}, format="json"
    )
    assert created.status_code == 201, created.content
    area = ApplicationArea.objects.get(pk=created.json()["id"])
    assert (area.discipline, area.title) == (sales, "Trade fair follow-up")
    changed = api.patch(f"/api/v1/application-areas/{area.pk}/", {"title": "Trade fair leads"}, format="json")
    assert changed.status_code == 200
    area.refresh_from_db()
    assert area.title == "Trade fair leads"
    assert api.delete(f"/api/v1/application-areas/{area.pk}/").status_code == 204
    assert not ApplicationArea.objects.filter(pk=area.pk).exists()


def test_an_unknown_discipline_names_the_field(api_for, lead, db):
    response = api_for(lead).post("/api/v1/application-areas/", {"discipline": 999999, "title": "X"}, format="json")
    assert response.status_code == 400
    assert "discipline" in response.json()
    assert not ApplicationArea.objects.filter(title="X").exists()


def test_a_duplicate_area_title_names_the_title(api_for, lead, disciplines):
    marketing = disciplines["marketing"]
    taken = marketing.application_areas.first().title
    response = api_for(lead).post(
        "/api/v1/application-areas/", {"discipline": marketing.pk, "title": taken}, format="json"
    )
    assert response.status_code == 400
    assert "already has" in response.json()["title"][0]


def test_communicator_cannot_change_an_area(api_for, communicator, disciplines):
    area = disciplines["marketing"].application_areas.first()
    response = api_for(communicator).patch(f"/api/v1/application-areas/{area.pk}/", {"title": "X"}, format="json")
    assert response.status_code == 403
    area.refresh_from_db()
    assert area.title != "X"


def test_areas_filter_by_discipline(api_for, communicator, disciplines):
    sales = disciplines["sales"]
    found = results(api_for(communicator).get(f"/api/v1/application-areas/?discipline={sales.pk}&page_size=100"))
    assert found and {a["discipline"] for a in found} == {sales.pk}


# --- Memberships ------------------------------------------------------------------------------


def test_lead_adds_a_member_who_gets_the_role(api_for, lead, anna, disciplines):
    response = api_for(lead).post(
        "/api/v1/memberships/",
        {"user": anna.pk, "discipline": disciplines["sales"].pk, "function": "expert", "weekly_capacity_hours": "6"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["user_name"] == "Anna Arndt"
    membership = Membership.objects.get(user=anna)
    assert (membership.function, str(membership.weekly_capacity_hours)) == ("expert", "6.0")
    anna.refresh_from_db()
    assert has_role(anna, Role.EXPERT)


def test_a_duplicate_membership_names_the_user(api_for, lead, anna, disciplines):
    Membership.objects.create(user=anna, discipline=disciplines["sales"], function="expert")
    response = api_for(lead).post(
        "/api/v1/memberships/",
        {"user": anna.pk, "discipline": disciplines["sales"].pk, "function": "expert"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"user": ["Anna Arndt is already expert in Sales."]}
    assert Membership.objects.filter(user=anna).count() == 1


def test_capacity_out_of_range_names_the_field(api_for, lead, anna, disciplines):
    response = api_for(lead).post(
        "/api/v1/memberships/",
        {"user": anna.pk, "discipline": disciplines["sales"].pk, "function": "expert", "weekly_capacity_hours": 99},
        format="json",
    )
    assert response.status_code == 400
    assert "weekly_capacity_hours" in response.json()


def test_memberships_filter_by_discipline_function_and_user(api_for, communicator, anna, make_user, disciplines):
    bert = make_user(username="bert")
    sales, marketing = disciplines["sales"], disciplines["marketing"]
    mine = Membership.objects.create(user=anna, discipline=sales, function="expert")
    Membership.objects.create(user=anna, discipline=marketing, function="manager")
    Membership.objects.create(user=bert, discipline=sales, function="manager")
    api = api_for(communicator)
    assert [m["id"] for m in results(api.get(f"/api/v1/memberships/?discipline={sales.slug}&function=expert"))] == [
        mine.pk
    ]
    assert {m["user"] for m in results(api.get(f"/api/v1/memberships/?user={anna.pk}"))} == {anna.pk}
    assert len(results(api.get("/api/v1/memberships/?function=manager"))) == 2


def test_removing_the_last_membership_removes_the_role(api_for, lead, anna, disciplines):
    membership = Membership.objects.create(user=anna, discipline=disciplines["sales"], function="expert")
    anna.groups.add(role_group(Role.EXPERT))
    assert api_for(lead).delete(f"/api/v1/memberships/{membership.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not anna.groups.filter(name=Role.EXPERT.value).exists()


def test_communicator_cannot_add_a_member(api_for, communicator, anna, disciplines):
    response = api_for(communicator).post(
        "/api/v1/memberships/",
        {"user": anna.pk, "discipline": disciplines["sales"].pk, "function": "expert"},
        format="json",
    )
    assert response.status_code == 403
    assert not Membership.objects.exists()


# --- Expertise and absences -------------------------------------------------------------------


def test_lead_records_expertise_with_normalised_tags(api_for, lead, anna):
    api = api_for(lead)
    created = api.post(
        "/api/v1/expertise/",
        {"user": anna.pk, "tags": ["Pricing", " API ", "pricing"], "profile": "B2B"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["tags"] == ["pricing", "api"]
    changed = api.patch(f"/api/v1/expertise/{created.json()['id']}/", {"tags": ["security"]}, format="json")
    assert changed.status_code == 200
    expertise = Expertise.objects.get(user=anna)
    assert (expertise.tags, expertise.profile) == (["security"], "B2B")
    assert api.post("/api/v1/expertise/", {"user": anna.pk, "tags": []}, format="json").status_code == 400
    assert api.delete(f"/api/v1/expertise/{expertise.pk}/").status_code == 405


def test_a_too_long_tag_names_the_field(api_for, lead, anna):
    response = api_for(lead).post("/api/v1/expertise/", {"user": anna.pk, "tags": ["x" * 41]}, format="json")
    assert response.status_code == 400
    assert "tags" in response.json()
    assert not Expertise.objects.exists()


def test_communicator_cannot_record_expertise(api_for, communicator, anna):
    response = api_for(communicator).post("/api/v1/expertise/", {"user": anna.pk, "tags": ["x"]}, format="json")
    assert response.status_code == 403
    assert not Expertise.objects.exists()


def test_lead_records_changes_and_removes_an_absence(api_for, lead, anna, make_user):
    api = api_for(lead)
    deputy = make_user(username="bert")
    created = api.post(
        "/api/v1/absences/",
        {"user": anna.pk, "starts_on": "2026-05-04", "ends_on": "2026-05-08", "deputy": deputy.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    absence = Absence.objects.get(pk=created.json()["id"])
    # One date alone: the service still checks it against the other one.
    assert api.patch(f"/api/v1/absences/{absence.pk}/", {"ends_on": "2026-05-01"}, format="json").status_code == 400
    assert api.patch(f"/api/v1/absences/{absence.pk}/", {"ends_on": "2026-05-15"}, format="json").status_code == 200
    absence.refresh_from_db()
    assert absence.ends_on == datetime.date(2026, 5, 15)
    away = results(api.get("/api/v1/absences/?on=2026-05-12"))
    assert [a["id"] for a in away] == [absence.pk]
    assert results(api.get("/api/v1/absences/?on=2026-06-01")) == []
    assert api.delete(f"/api/v1/absences/{absence.pk}/").status_code == 204
    assert not Absence.objects.exists()


def test_an_absence_ending_before_it_starts_names_the_field(api_for, lead, anna):
    response = api_for(lead).post(
        "/api/v1/absences/", {"user": anna.pk, "starts_on": "2026-05-04", "ends_on": "2026-05-01"}, format="json"
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()
    assert not Absence.objects.exists()


def test_a_deputy_for_oneself_names_the_field(api_for, lead, anna):
    response = api_for(lead).post(
        "/api/v1/absences/",
        {"user": anna.pk, "starts_on": "2026-05-04", "ends_on": "2026-05-05", "deputy": anna.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "deputy" in response.json()


# --- Query counts --------------------------------------------------------------------------------


def _grow_catalogue(make_user, start, count):
    """`count` more disciplines, each with two areas, and one member each with expertise and an absence."""
    for n in range(start, start + count):
        discipline = Discipline.objects.create(name=f"Discipline {n}", slug=f"discipline-{n}")
        ApplicationArea.objects.create(discipline=discipline, title="First")
        ApplicationArea.objects.create(discipline=discipline, title="Second")
        person = make_user(username=f"person{n}")
        deputy = make_user(username=f"deputy{n}")
        Membership.objects.create(user=person, discipline=discipline, function="expert")
        Expertise.objects.create(user=person, tags=["a", "b"])
        Absence.objects.create(
            user=person, deputy=deputy, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 1, 2)
        )


@pytest.mark.parametrize("url", LISTS)
def test_lists_cost_the_same_queries_however_many_rows(
    api_for, communicator, make_user, disciplines, django_assert_num_queries, url
):
    api = api_for(communicator)
    url = f"{url}?page_size=100"
    _grow_catalogue(make_user, 0, 2)
    baseline = queries_for(api, url)
    _grow_catalogue(make_user, 2, 6)
    with django_assert_num_queries(baseline):
        response = api.get(url)
    assert response.json()["count"] >= 8
