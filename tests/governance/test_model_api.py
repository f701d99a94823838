"""Organisational models through the API: who sees and changes what, publishing, copying, RACI cells."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disciplines.models import Membership
from governance.models import Activity, Hub, OrganisationalModel, Responsibility, Spoke

Status = OrganisationalModel.Status

LISTS = ["/api/v1/org-models/", "/api/v1/hubs/", "/api/v1/spokes/", "/api/v1/responsibilities/", "/api/v1/activities/"]
READERS = ["communicator", "expert", "manager", "executive", "outsider"]


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def queries_for(api, url):
    """Queries one GET costs, after a first GET warmed per-user caches (the user's roles)."""
    assert api.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def active(make_model):
    return make_model(name="Active model", publish=True)


@pytest.fixture
def draft(make_model):
    return make_model(name="Draft model")


def first_activity():
    return Activity.objects.order_by("position").first()


# --- Reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_callers_are_refused(api_for, db, url):
    assert api_for(None).get(url).status_code in (401, 403)


@pytest.mark.parametrize("persona", READERS)
def test_everyone_reads_published_models_but_no_drafts(api_for, request, persona, active, draft):
    api = api_for(request.getfixturevalue(persona))
    assert [m["id"] for m in results(api.get("/api/v1/org-models/"))] == [active.pk]
    assert api.get(f"/api/v1/org-models/{active.pk}/").status_code == 200
    assert api.get(f"/api/v1/org-models/{draft.pk}/").status_code == 404


def test_drafts_units_and_cells_are_invisible_to_a_communicator(api_for, communicator, active, draft):
    api = api_for(communicator)
    for url in ("/api/v1/hubs/", "/api/v1/spokes/", "/api/v1/responsibilities/"):
        assert {row["model"] for row in results(api.get(f"{url}?page_size=100"))} == {active.pk}
        assert results(api.get(f"{url}?model={draft.pk}")) == []
    assert api.get(f"/api/v1/hubs/{draft.hubs.get().pk}/").status_code == 404
    assert api.get(f"/api/v1/spokes/{draft.spokes.first().pk}/").status_code == 404
    assert api.get(f"/api/v1/responsibilities/{draft.responsibilities.first().pk}/").status_code == 404


def test_lead_sees_drafts_too(api_for, lead, active, draft):
    listed = results(api_for(lead).get("/api/v1/org-models/"))
    assert [m["id"] for m in listed] == [draft.pk, active.pk]  # drafts first
    assert listed[0]["status"] == "draft" and listed[0]["hub_count"] == 1 and listed[0]["spoke_count"] == 3
    statuses = results(api_for(lead).get("/api/v1/org-models/?status=active"))
    assert [m["id"] for m in statuses] == [active.pk]


def test_the_detail_carries_units_and_problems(api_for, lead, make_model):
    model = make_model(complete_raci=False)
    body = api_for(lead).get(f"/api/v1/org-models/{model.pk}/").json()
    assert [hub["name"] for hub in body["hubs"]] == ["Centre of excellence"]
    assert len(body["spokes"]) == 3
    assert {p["code"] for p in body["problems"]} == {"accountable_missing", "responsible_missing"}
    assert all(p["message"] for p in body["problems"])


def test_activities_are_read_only(api_for, lead, communicator, db):
    listed = results(api_for(communicator).get("/api/v1/activities/?page_size=100"))
    assert [a["slug"] for a in listed] == list(Activity.objects.order_by("position").values_list("slug", flat=True))
    assert api_for(lead).post("/api/v1/activities/", {"name": "X", "slug": "x"}, format="json").status_code == 405


# --- Creating, changing, deleting models --------------------------------------------------------


def test_lead_creates_a_draft(api_for, lead, executive):
    response = api_for(lead).post(
        "/api/v1/org-models/",
        {"name": "Next year", "type": "multiple_hub_and_spoke", "executive_sponsor": executive.pk, "notes": "n"},
        format="json",
    )
    assert response.status_code == 201, response.content
    model = OrganisationalModel.objects.get(pk=response.json()["id"])
    assert (model.name, model.type, model.status, model.created_by) == (
        "Next year",
        "multiple_hub_and_spoke",
        Status.DRAFT,
        lead,
    )
    assert model.executive_sponsor == executive
    assert response.json()["problems"] and response.json()["hubs"] == []


def test_a_status_sent_by_the_client_is_ignored(api_for, lead, db):
    response = api_for(lead).post(
        "/api/v1/org-models/", {"name": "Sneaky", "type": "centralized", "status": "active"}, format="json"
    )
    assert response.status_code == 201
    assert OrganisationalModel.objects.get(name="Sneaky").status == Status.DRAFT


def test_an_unknown_type_names_the_field(api_for, lead, db):
    response = api_for(lead).post("/api/v1/org-models/", {"name": "X", "type": "anarchy"}, format="json")
    assert response.status_code == 400
    assert "type" in response.json()
    assert not OrganisationalModel.objects.exists()


@pytest.mark.parametrize("persona", READERS)
def test_only_leads_change_models(api_for, request, persona, active, draft):
    api = api_for(request.getfixturevalue(persona))
    assert api.post("/api/v1/org-models/", {"name": "X", "type": "centralized"}, format="json").status_code == 403
    for model in (active, draft):
        assert api.patch(f"/api/v1/org-models/{model.pk}/", {"name": "X"}, format="json").status_code == 403
        assert api.delete(f"/api/v1/org-models/{model.pk}/").status_code == 403
        assert api.post(f"/api/v1/org-models/{model.pk}/publish/").status_code == 403
        assert api.post(f"/api/v1/org-models/{model.pk}/copy/").status_code == 403
    assert sorted(OrganisationalModel.objects.values_list("name", "status")) == [
        ("Active model", Status.ACTIVE),
        ("Draft model", Status.DRAFT),
    ]


def test_lead_edits_a_draft(api_for, lead, draft):
    response = api_for(lead).patch(
        f"/api/v1/org-models/{draft.pk}/", {"name": "Renamed", "notes": "why"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"
    draft.refresh_from_db()
    assert (draft.name, draft.notes, draft.type) == ("Renamed", "why", "hub_and_spoke")


def test_editing_an_active_model_is_a_conflict(api_for, lead, active):
    response = api_for(lead).patch(f"/api/v1/org-models/{active.pk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_draft"
    active.refresh_from_db()
    assert active.name == "Active model"


def test_lead_deletes_drafts_only(api_for, lead, active, draft):
    api = api_for(lead)
    assert api.delete(f"/api/v1/org-models/{active.pk}/").status_code == 409
    assert api.delete(f"/api/v1/org-models/{draft.pk}/").status_code == 204
    assert list(OrganisationalModel.objects.values_list("pk", flat=True)) == [active.pk]


# --- Publish, copy, diff -----------------------------------------------------------------------


def test_a_refused_publish_lists_the_broken_rules(api_for, lead, make_model):
    model = make_model(complete_raci=False)
    response = api_for(lead).post(f"/api/v1/org-models/{model.pk}/publish/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_model" and body["detail"]
    assert {"accountable_missing", "responsible_missing"} == {p["code"] for p in body["problems"]}
    model.refresh_from_db()
    assert model.status == Status.DRAFT


def test_publishing_archives_the_previous_active_model(api_for, lead, active, draft):
    response = api_for(lead).post(f"/api/v1/org-models/{draft.pk}/publish/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active" and response.json()["published_by"] == lead.pk
    active.refresh_from_db()
    draft.refresh_from_db()
    assert (active.status, draft.status) == (Status.ARCHIVED, Status.ACTIVE)


def test_publishing_a_published_model_is_a_conflict(api_for, lead, active):
    response = api_for(lead).post(f"/api/v1/org-models/{active.pk}/publish/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_draft"


def test_a_draft_cannot_be_published_by_someone_who_cannot_see_it(api_for, communicator, draft):
    assert api_for(communicator).post(f"/api/v1/org-models/{draft.pk}/publish/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_copying_makes_a_draft_with_the_same_units_and_cells(api_for, lead, active):
    response = api_for(lead).post(f"/api/v1/org-models/{active.pk}/copy/", {"name": "Next"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    copy = OrganisationalModel.objects.get(pk=body["id"])
    assert (copy.name, copy.status, copy.based_on, body["based_on"]) == ("Next", Status.DRAFT, active, active.pk)
    assert (len(body["hubs"]), len(body["spokes"])) == (1, 3)
    assert copy.responsibilities.count() == active.responsibilities.count()
    active.refresh_from_db()
    assert active.status == Status.ACTIVE


def test_copying_without_a_name_names_the_draft_after_the_source(api_for, lead, active):
    response = api_for(lead).post(f"/api/v1/org-models/{active.pk}/copy/")
    assert response.status_code == 201
    assert response.json()["name"] == "Active model (version 2)"


def test_a_copy_name_that_is_too_long_names_the_field(api_for, lead, active):
    response = api_for(lead).post(f"/api/v1/org-models/{active.pk}/copy/", {"name": "x" * 121}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    assert OrganisationalModel.objects.count() == 1


def test_diff_against_the_active_model(api_for, lead, active, disciplines):
    api = api_for(lead)
    copy_id = api.post(f"/api/v1/org-models/{active.pk}/copy/").json()["id"]
    spoke = Spoke.objects.get(model_id=copy_id, discipline=disciplines["sales"])
    assert api.delete(f"/api/v1/spokes/{spoke.pk}/").status_code == 204
    diff = api.get(f"/api/v1/org-models/{copy_id}/diff/")
    assert diff.status_code == 200
    body = diff.json()
    assert body["base"] == active.pk
    assert [(c["what"], c["subject"]) for c in body["units"]] == [("removed", "Sales")]
    assert body["model"] == [] and body["responsibilities"] == []


def test_diff_without_anything_to_compare_with_is_not_found(api_for, lead, draft):
    assert api_for(lead).get(f"/api/v1/org-models/{draft.pk}/diff/").status_code == 404


def test_diff_does_not_compare_with_a_hidden_draft(api_for, communicator, active, draft):
    response = api_for(communicator).get(f"/api/v1/org-models/{active.pk}/diff/?base={draft.pk}")
    assert response.status_code == 404


# --- Hubs and spokes ---------------------------------------------------------------------------


def test_lead_adds_changes_and_removes_a_hub(api_for, lead, draft, disciplines):
    api = api_for(lead)
    created = api.post(
        "/api/v1/hubs/",
        {"model": draft.pk, "name": "Legal desk", "home_discipline": disciplines["legal"].pk, "lead": lead.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    hub = Hub.objects.get(pk=created.json()["id"])
    assert (hub.model, hub.name, hub.lead) == (draft, "Legal desk", lead)
    assert api.patch(f"/api/v1/hubs/{hub.pk}/", {"name": "Legal"}, format="json").status_code == 200
    hub.refresh_from_db()
    assert (hub.name, hub.home_discipline) == ("Legal", disciplines["legal"])
    assert api.delete(f"/api/v1/hubs/{hub.pk}/").status_code == 204
    assert not Hub.objects.filter(pk=hub.pk).exists()


def test_an_unknown_home_discipline_names_the_field(api_for, lead, draft):
    response = api_for(lead).post(
        "/api/v1/hubs/", {"model": draft.pk, "name": "X", "home_discipline": 999999}, format="json"
    )
    assert response.status_code == 400
    assert "home_discipline" in response.json()


def test_a_hub_does_not_move_to_another_model(api_for, lead, draft, make_model):
    other = make_model(name="Other")
    hub = draft.hubs.get()
    response = api_for(lead).patch(f"/api/v1/hubs/{hub.pk}/", {"model": other.pk}, format="json")
    assert response.status_code == 400
    assert "model" in response.json()


def test_units_of_an_active_model_are_not_changed(api_for, lead, active, disciplines):
    api = api_for(lead)
    hub = active.hubs.get()
    added = api.post(
        "/api/v1/hubs/", {"model": active.pk, "name": "X", "home_discipline": disciplines["legal"].pk}, format="json"
    )
    renamed = api.patch(f"/api/v1/hubs/{hub.pk}/", {"name": "X"}, format="json")
    removed = api.delete(f"/api/v1/spokes/{active.spokes.first().pk}/")
    assert (added.status_code, renamed.status_code, removed.status_code) == (409, 409, 409)
    assert added.json()["code"] == "not_draft"
    assert (active.hubs.count(), active.spokes.count(), active.hubs.get().name) == (1, 3, hub.name)


@pytest.mark.parametrize("persona", READERS)
def test_only_leads_change_units(api_for, request, persona, active, disciplines):
    api = api_for(request.getfixturevalue(persona))
    hub, spoke = active.hubs.get(), active.spokes.first()
    assert api.patch(f"/api/v1/hubs/{hub.pk}/", {"name": "X"}, format="json").status_code == 403
    assert api.delete(f"/api/v1/spokes/{spoke.pk}/").status_code == 403
    added = api.post("/api/v1/spokes/", {"model": active.pk, "discipline": disciplines["legal"].pk}, format="json")
    assert added.status_code == 403
    assert (active.hubs.get().name, active.spokes.count()) == (hub.name, 3)


def test_lead_adds_and_moves_a_spoke(api_for, lead, draft, disciplines):
    Membership.objects.create(user=lead, discipline=disciplines["legal"], function=Membership.Function.EXPERT)
    api = api_for(lead)
    hub = draft.hubs.get()
    created = api.post(
        "/api/v1/spokes/",
        {"model": draft.pk, "discipline": disciplines["legal"].pk, "hub": hub.pk, "liaison": lead.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    spoke = Spoke.objects.get(pk=created.json()["id"])
    assert (spoke.discipline, spoke.hub, spoke.liaison) == (disciplines["legal"], hub, lead)
    assert api.patch(f"/api/v1/spokes/{spoke.pk}/", {"hub": None}, format="json").status_code == 200
    spoke.refresh_from_db()
    assert (spoke.hub, spoke.discipline) == (None, disciplines["legal"])


def test_a_discipline_twice_as_spoke_names_the_discipline(api_for, lead, draft, disciplines):
    response = api_for(lead).post(
        "/api/v1/spokes/", {"model": draft.pk, "discipline": disciplines["sales"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "already a spoke" in response.json()["discipline"][0]
    assert draft.spokes.count() == 3


def test_a_hub_of_another_model_names_the_hub(api_for, lead, draft, make_model, disciplines):
    other = make_model(name="Other")
    response = api_for(lead).post(
        "/api/v1/spokes/",
        {"model": draft.pk, "discipline": disciplines["legal"].pk, "hub": other.hubs.get().pk},
        format="json",
    )
    assert response.status_code == 400
    assert "hub" in response.json()


# --- Responsibilities --------------------------------------------------------------------------


def test_cells_filter_by_model_activity_and_discipline(api_for, communicator, active, make_model, disciplines):
    make_model(name="Second", publish=True)  # archives `active`, still readable
    api = api_for(communicator)
    activity = first_activity()
    home = disciplines["corporate-communications"]
    cells = results(api.get(f"/api/v1/responsibilities/?model={active.pk}&activity={activity.pk}&discipline={home.pk}"))
    assert [(c["model"], c["activity"], c["discipline"], c["role"]) for c in cells] == [
        (active.pk, activity.pk, home.pk, "AR")
    ]
    assert (
        len(results(api.get(f"/api/v1/responsibilities/?model={active.pk}&page_size=100"))) == Activity.objects.count()
    )


def test_lead_sets_changes_and_empties_a_cell(api_for, lead, draft, disciplines):
    api = api_for(lead)
    activity, sales = first_activity(), disciplines["sales"]
    created = api.post(
        "/api/v1/responsibilities/",
        {"model": draft.pk, "activity": activity.pk, "discipline": sales.pk, "role": "C"},
        format="json",
    )
    assert created.status_code == 201, created.content
    cell = Responsibility.objects.get(model=draft, activity=activity, discipline=sales)
    assert (created.json()["id"], cell.role) == (cell.pk, "C")
    changed = api.patch(f"/api/v1/responsibilities/{cell.pk}/", {"role": "I", "seen": "C"}, format="json")
    assert changed.status_code == 200, changed.content
    cell.refresh_from_db()
    assert cell.role == "I"
    assert api.delete(f"/api/v1/responsibilities/{cell.pk}/").status_code == 204
    assert not Responsibility.objects.filter(pk=cell.pk).exists()


def test_a_role_outside_raci_names_the_field(api_for, lead, draft, disciplines):
    response = api_for(lead).post(
        "/api/v1/responsibilities/",
        {"model": draft.pk, "activity": first_activity().pk, "discipline": disciplines["sales"].pk, "role": "X"},
        format="json",
    )
    assert response.status_code == 400
    assert "role" in response.json()
    assert not Responsibility.objects.filter(model=draft, discipline=disciplines["sales"]).exists()


def test_a_discipline_outside_the_model_names_the_field(api_for, lead, draft, disciplines):
    response = api_for(lead).post(
        "/api/v1/responsibilities/",
        {"model": draft.pk, "activity": first_activity().pk, "discipline": disciplines["legal"].pk, "role": "C"},
        format="json",
    )
    assert response.status_code == 400
    assert "discipline" in response.json()


def test_a_cell_changed_since_it_was_seen_is_a_conflict(api_for, lead, draft):
    cell = draft.responsibilities.order_by("activity__position").first()  # the hub's "AR"
    response = api_for(lead).patch(f"/api/v1/responsibilities/{cell.pk}/", {"role": "C", "seen": "A"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "cell_conflict" and response.json()["current_role"] == "AR"
    cell.refresh_from_db()
    assert cell.role == "AR"


def test_creating_a_cell_that_someone_filled_meanwhile_is_a_conflict(api_for, lead, draft, disciplines):
    cell = draft.responsibilities.order_by("activity__position").first()
    payload = {"model": draft.pk, "activity": cell.activity_id, "discipline": cell.discipline_id, "role": "R"}
    response = api_for(lead).post("/api/v1/responsibilities/", payload, format="json")
    assert response.status_code == 409
    assert response.json()["current_role"] == "AR"
    # Saying what one saw overwrites it.
    response = api_for(lead).post("/api/v1/responsibilities/", {**payload, "seen": "AR"}, format="json")
    assert response.status_code == 201
    cell.refresh_from_db()
    assert cell.role == "R"


def test_a_bad_seen_value_names_the_field(api_for, lead, draft):
    cell = draft.responsibilities.first()
    response = api_for(lead).patch(f"/api/v1/responsibilities/{cell.pk}/", {"role": "C", "seen": "Z"}, format="json")
    assert response.status_code == 400
    assert "seen" in response.json()


def test_cells_of_an_active_model_are_not_changed(api_for, lead, active):
    cell = active.responsibilities.first()
    response = api_for(lead).patch(f"/api/v1/responsibilities/{cell.pk}/", {"role": "C"}, format="json")
    assert response.status_code == 409
    cell.refresh_from_db()
    assert cell.role == "AR"


@pytest.mark.parametrize("persona", READERS)
def test_only_leads_change_cells(api_for, request, persona, active, disciplines):
    api = api_for(request.getfixturevalue(persona))
    cell = active.responsibilities.first()
    assert api.patch(f"/api/v1/responsibilities/{cell.pk}/", {"role": "C"}, format="json").status_code == 403
    assert api.delete(f"/api/v1/responsibilities/{cell.pk}/").status_code == 403
    payload = {"model": active.pk, "activity": cell.activity_id, "discipline": disciplines["sales"].pk, "role": "C"}
    assert api.post("/api/v1/responsibilities/", payload, format="json").status_code == 403
    cell.refresh_from_db()
    assert cell.role == "AR" and active.responsibilities.count() == Activity.objects.count()


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lead", "communicator"])
@pytest.mark.parametrize("url", LISTS)
def test_lists_cost_the_same_queries_however_many_rows(
    api_for, request, make_model, django_assert_num_queries, persona, url
):
    api = api_for(request.getfixturevalue(persona))
    url = f"{url}?page_size=100"
    make_model(name="One", publish=True)
    make_model(name="Draft one")
    baseline = queries_for(api, url)
    for n in range(3):
        Activity.objects.create(name=f"Extra activity {n}", slug=f"extra-{n}", position=100 + n)
        make_model(name=f"More {n}", publish=True)
        make_model(name=f"Draft {n}", spokes=("marketing", "sales", "legal", "human-resources"))
    with django_assert_num_queries(baseline):
        response = api.get(url)
    assert response.status_code == 200
    assert baseline <= 3  # count, rows, at most the user's roles
