"""The browser editor for organisational models: who may read, who may change, and what sticks."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import services
from governance.models import Activity, Hub, ModelType, OrganisationalModel, Responsibility, Spoke
from governance.selectors import raci_grid


def full_grid(model):
    """The RACI form as the page posts it untouched: every cell with the value it showed."""
    grid = raci_grid(model)
    data = {}
    for activity in grid.activities:
        for unit in grid.units:
            value = grid.cells.get((activity.pk, unit.key), "")
            data[f"cell-{activity.pk}-{unit.key}"] = value
            data[f"seen-{activity.pk}-{unit.key}"] = value
    return data


def _cells(wanted):
    """Cells the editor changed: (activity, discipline) -> role."""
    return {f"cell-{activity.pk}-{discipline.pk}": role for (activity, discipline), role in wanted.items()}


def cells_of(model):
    return {(c.activity_id, c.discipline_id): c.role for c in Responsibility.objects.filter(model=model)}


@pytest.fixture
def activity():
    return Activity.objects.get(slug="content-production")


# --- The happy path ----------------------------------------------------------------------


def test_lead_creates_edits_fills_and_publishes_a_model(client_for, lead, executive, disciplines, make_model):
    previous = make_model(name="Old model", publish=True)
    client = client_for(lead)

    response = client.post(
        reverse("models:create"), {"name": "Hub 2026", "type": ModelType.HUB_AND_SPOKE, "notes": "First try"}
    )
    model = OrganisationalModel.objects.get(name="Hub 2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("models:detail", args=[model.pk])
    assert model.is_draft and model.created_by == lead

    response = client.post(
        reverse("models:edit", args=[model.pk]),
        {"name": "Hub and spoke 2026", "type": ModelType.HUB_AND_SPOKE, "executive_sponsor": executive.pk},
    )
    assert response.status_code == 302
    model.refresh_from_db()
    assert (model.name, model.executive_sponsor, model.notes) == ("Hub and spoke 2026", executive, "")

    client.post(
        reverse("models:hub_add", args=[model.pk]),
        {
            "name": "Centre of excellence",
            "home_discipline": disciplines["corporate-communications"].pk,
            "lead": lead.pk,
        },
    )
    hub = Hub.objects.get(model=model)
    assert (hub.lead, hub.is_coordinating_centre) == (lead, False)
    for slug in ("marketing", "customer-service"):
        response = client.post(
            reverse("models:spoke_add", args=[model.pk]), {"discipline": disciplines[slug].pk, "hub": hub.pk}
        )
        assert response.status_code == 302
    assert set(Spoke.objects.filter(model=model, hub=hub).values_list("discipline__slug", flat=True)) == {
        "marketing",
        "customer-service",
    }

    # Before the RACI is filled in, publishing is not offered and the page says why.
    page = client.get(reverse("models:detail", args=[model.pk]))
    assert "Before you can publish" in page.text
    assert "has no Accountable" in page.text
    assert "Hub and spoke 2026" in page.text

    comms, marketing = disciplines["corporate-communications"], disciplines["marketing"]
    overrides = {(a, comms): "AR" for a in Activity.objects.all()}
    campaigns = Activity.objects.get(slug="campaigns")
    overrides[(campaigns, comms)] = "C"
    overrides[(campaigns, marketing)] = "AR"
    response = client.post(reverse("models:raci", args=[model.pk]), full_grid(model) | _cells(overrides))
    assert response.status_code == 302
    assert cells_of(model)[(campaigns.pk, marketing.pk)] == "AR"
    assert cells_of(model)[(campaigns.pk, comms.pk)] == "C"
    assert "Nothing left to fix" in client.get(response["Location"]).text

    confirm = client.get(reverse("models:publish", args=[model.pk]))
    assert confirm.status_code == 200
    assert "Old model" in confirm.text  # what it replaces, and the differences
    assert "diff-removed" in confirm.text and "Sales" in confirm.text  # a spoke the draft drops

    response = client.post(reverse("models:publish", args=[model.pk]))
    assert response.status_code == 302
    model.refresh_from_db()
    previous.refresh_from_db()
    assert model.status == OrganisationalModel.Status.ACTIVE
    assert model.published_by == lead and model.published_at is not None
    assert previous.status == OrganisationalModel.Status.ARCHIVED
    assert "is now the active model" in client.get(response["Location"]).text


def test_new_model_form_explains_each_type_and_takes_the_questionnaires_choice(client_for, lead):
    page = client_for(lead).get(reverse("models:create") + "?type=multiple_hub_and_spoke")
    assert page.status_code == 200
    assert re.search(r'value="multiple_hub_and_spoke"[^>]*checked', page.text)
    assert not re.search(r'value="hub_and_spoke"[^>]*checked', page.text)
    for text in ("Structure", "Strengths", "Weaknesses", "Fits when", "Multinationals with many brands"):
        assert text in page.text


def test_new_model_with_bad_input_shows_errors_and_creates_nothing(client_for, lead):
    response = client_for(lead).post(reverse("models:create"), {"name": "", "type": "matrix"})
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert "Select a valid choice" in response.text
    assert not OrganisationalModel.objects.exists()


# --- Publishing --------------------------------------------------------------------------


def test_publish_is_refused_with_every_problem_and_nothing_changes(client_for, lead, make_model, activity):
    active = make_model(name="Active", publish=True)
    draft = make_model(name="Incomplete")
    hub_discipline = draft.hubs.get().home_discipline_id
    services.responsibilities_update(
        model=draft, actor=lead, changes=[services.CellChange(activity.pk, hub_discipline, "AR", "R")]
    )
    client = client_for(lead)

    confirm = client.get(reverse("models:publish", args=[draft.pk]))
    assert "“Content production” has no Accountable" in confirm.text
    assert "Publish now" not in confirm.text

    response = client.post(reverse("models:publish", args=[draft.pk]))
    assert response.status_code == 400
    assert "“Content production” has no Accountable" in response.text
    assert "cannot be published yet" in response.text
    draft.refresh_from_db()
    active.refresh_from_db()
    assert draft.status == OrganisationalModel.Status.DRAFT and draft.published_at is None
    assert active.status == OrganisationalModel.Status.ACTIVE


def test_first_publish_says_there_is_no_active_model_yet(client_for, lead, make_model):
    draft = make_model()
    client = client_for(lead)
    assert "There is no active model yet" in client.get(reverse("models:detail", args=[draft.pk])).text
    assert "There is no active model yet" in client.get(reverse("models:publish", args=[draft.pk])).text
    client.post(reverse("models:publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == OrganisationalModel.Status.ACTIVE


def test_draft_page_lists_the_differences_to_the_active_model(client_for, lead, make_model, disciplines):
    make_model(name="Active", spokes=["marketing", "sales"], publish=True)
    draft = make_model(name="Next", spokes=["marketing", "human-resources"])
    page = client_for(lead).get(reverse("models:detail", args=[draft.pk])).text
    assert "Changes against the active model" in page
    assert "diff-added" in page and "Human Resources" in page
    assert "diff-removed" in page and "Sales" in page


# --- RACI --------------------------------------------------------------------------------


def test_raci_editor_shows_one_select_per_cell_with_what_was_seen(client_for, lead, make_model, activity):
    model = make_model(spokes=["marketing"])
    hub = model.hubs.get().home_discipline_id
    page = client_for(lead).get(reverse("models:raci", args=[model.pk]))
    assert page.status_code == 200
    assert f'name="cell-{activity.pk}-{hub}"' in page.text
    assert f'<input type="hidden" name="seen-{activity.pk}-{hub}" value="AR">' in page.text
    assert page.text.count('<select name="cell-') == Activity.objects.count() * 2
    assert ">A/R</option>" in page.text


def test_raci_save_reports_a_conflict_and_keeps_the_other_changes(client_for, lead, make_model, disciplines, activity):
    model = make_model()
    marketing, sales = disciplines["marketing"], disciplines["sales"]
    campaigns = Activity.objects.get(slug="campaigns")
    data = full_grid(model) | _cells({(activity, marketing): "R", (campaigns, sales): "C"})
    # Meanwhile another lead makes marketing consulted on content production.
    services.responsibilities_update(
        model=model, actor=lead, changes=[services.CellChange(activity.pk, marketing.pk, "", "C")]
    )

    response = client_for(lead).post(reverse("models:raci", args=[model.pk]), data)

    assert response.status_code == 200
    assert "Someone else changed these cells" in response.text
    assert "“Content production” · Marketing: now C (you chose R)" in response.text
    cells = cells_of(model)
    assert cells[(activity.pk, marketing.pk)] == "C"  # theirs stays
    assert cells[(campaigns.pk, sales.pk)] == "C"  # mine is saved
    # The grid shows the current values, so saving again starts from them.
    assert f'name="seen-{activity.pk}-{marketing.pk}" value="C"' in response.text


def test_raci_garbage_value_is_a_clear_error_and_changes_nothing(client_for, lead, make_model, disciplines, activity):
    model = make_model()
    before = cells_of(model)
    marketing = disciplines["marketing"]
    data = (
        full_grid(model)
        | _cells({(activity, marketing): "X"})
        | {f"cell-{activity.pk}-{model.hubs.get().home_discipline_id}": ""}
    )
    response = client_for(lead).post(reverse("models:raci", args=[model.pk]), data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.text
    assert "“X” is not a role" in response.text
    assert cells_of(model) == before


def test_raci_save_shows_what_is_left_to_fix(client_for, lead, make_model, activity):
    model = make_model()
    hub = model.hubs.get().home_discipline
    client = client_for(lead)
    response = client.post(
        reverse("models:raci", args=[model.pk]), full_grid(model) | _cells({(activity, hub): ""}), follow=True
    )
    assert "Responsibilities saved (1 changed)" in response.text
    assert "“Content production” has no Accountable" in response.text
    assert (activity.pk, hub.pk) not in cells_of(model)


def test_raci_for_a_unit_removed_meanwhile_is_not_saved_and_says_so(
    client_for, lead, make_model, disciplines, activity
):
    model = make_model()
    sales = disciplines["sales"]
    data = full_grid(model) | _cells({(activity, sales): "C"})
    services.spoke_remove(spoke=model.spokes.get(discipline=sales), actor=lead)
    response = client_for(lead).post(reverse("models:raci", args=[model.pk]), data)
    assert response.status_code == 200
    assert "removed meanwhile" in response.text
    assert (activity.pk, sales.pk) not in cells_of(model)


# --- Published models stay as they are ---------------------------------------------------


def test_editing_an_active_model_is_refused(client_for, lead, make_model, disciplines, activity):
    model = make_model(name="Active", publish=True)
    client = client_for(lead)
    before = cells_of(model)

    page = client.get(reverse("models:edit", args=[model.pk]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("models:detail", args=[model.pk])
    assert "A published model cannot be edited" in page.text

    posts = [
        (reverse("models:edit", args=[model.pk]), {"name": "Renamed", "type": ModelType.CENTRALIZED}),
        (reverse("models:hub_add", args=[model.pk]), {"name": "Hub 2", "home_discipline": disciplines["legal"].pk}),
        (reverse("models:spoke_add", args=[model.pk]), {"discipline": disciplines["legal"].pk}),
        (reverse("models:raci", args=[model.pk]), full_grid(model) | _cells({(activity, disciplines["sales"]): "C"})),
        (reverse("models:delete", args=[model.pk]), {}),
        (reverse("models:publish", args=[model.pk]), {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("models:detail", args=[model.pk])
    model.refresh_from_db()
    assert (model.name, model.type, model.status) == ("Active", ModelType.HUB_AND_SPOKE, "active")
    assert model.hubs.count() == 1 and model.spokes.count() == 3
    assert cells_of(model) == before


def test_a_model_published_while_the_form_was_open_is_refused_not_a_500(client_for, lead, make_model, monkeypatch):
    """The view read a draft; by the time the service holds the lock, it is published."""
    from governance.views import models as views

    model = make_model()
    stale = OrganisationalModel.objects.get(pk=model.pk)
    services.model_publish(model=model, actor=lead)
    monkeypatch.setattr(views, "_visible_model", lambda request, pk: stale)
    client = client_for(lead)
    response = client.post(reverse("models:edit", args=[model.pk]), {"name": "Late", "type": ModelType.HOLISTIC})
    assert response.status_code == 302
    assert response["Location"] == reverse("models:detail", args=[model.pk])
    monkeypatch.undo()
    assert "A published model cannot be edited" in client.get(response["Location"]).text
    model.refresh_from_db()
    assert (model.name, model.status) == ("Draft model", OrganisationalModel.Status.ACTIVE)


def test_copy_makes_a_draft_with_the_same_hubs_spokes_and_cells(client_for, lead, make_model):
    source = make_model(name="Active", publish=True)
    client = client_for(lead)
    assert "Copy to a draft" in client.get(reverse("models:detail", args=[source.pk])).text
    assert client.get(reverse("models:copy", args=[source.pk])).status_code == 405

    response = client.post(reverse("models:copy", args=[source.pk]))
    copy = OrganisationalModel.objects.exclude(pk=source.pk).get()
    assert response["Location"] == reverse("models:detail", args=[copy.pk])
    assert copy.is_draft and copy.based_on == source
    assert list(copy.hubs.values_list("name", "home_discipline")) == list(
        source.hubs.values_list("name", "home_discipline")
    )
    assert set(copy.spokes.values_list("discipline", "hub__name")) == set(
        source.spokes.values_list("discipline", "hub__name")
    )
    assert set(cells_of(copy).items()) == set(cells_of(source).items())


# --- Units ---------------------------------------------------------------------------------


def test_a_spokes_hub_must_be_one_of_this_models_hubs(client_for, lead, make_model, disciplines):
    mine, other = make_model(name="Mine", spokes=[]), make_model(name="Other", spokes=[])
    foreign_hub = other.hubs.get()
    response = client_for(lead).post(
        reverse("models:spoke_add", args=[mine.pk]), {"discipline": disciplines["sales"].pk, "hub": foreign_hub.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not mine.spokes.exists()


def test_a_discipline_is_a_spoke_only_once(client_for, lead, make_model, disciplines):
    model = make_model(spokes=["sales"])
    response = client_for(lead).post(
        reverse("models:spoke_add", args=[model.pk]), {"discipline": disciplines["sales"].pk}
    )
    assert response.status_code == 200
    # Not even offered (the service's refusal, for the API, is in test_spoke_choices).
    assert "Select a valid choice" in response.text
    assert model.spokes.count() == 1


def test_units_of_another_model_are_not_found(client_for, lead, make_model):
    mine, other = make_model(name="Mine"), make_model(name="Other")
    client = client_for(lead)
    assert client.get(reverse("models:hub_edit", args=[mine.pk, other.hubs.get().pk])).status_code == 404
    assert client.get(reverse("models:spoke_delete", args=[mine.pk, other.spokes.first().pk])).status_code == 404


def test_edit_and_remove_units_after_a_confirmation(client_for, lead, make_model, disciplines, activity):
    model = make_model(spokes=["marketing", "sales"])
    hub = model.hubs.get()
    sales = model.spokes.get(discipline=disciplines["sales"])
    services.responsibilities_update(
        model=model, actor=lead, changes=[services.CellChange(activity.pk, sales.discipline_id, "", "C")]
    )
    client = client_for(lead)

    response = client.post(
        reverse("models:hub_edit", args=[model.pk, hub.pk]),
        {"name": "Social CoE", "home_discipline": hub.home_discipline_id, "is_coordinating_centre": "on"},
    )
    assert response.status_code == 302
    hub.refresh_from_db()
    assert (hub.name, hub.is_coordinating_centre) == ("Social CoE", True)

    confirm = client.get(reverse("models:spoke_delete", args=[model.pk, sales.pk]))
    assert confirm.status_code == 200
    assert "its responsibilities leave the matrix" in confirm.text
    assert model.spokes.filter(pk=sales.pk).exists()
    client.post(reverse("models:spoke_delete", args=[model.pk, sales.pk]))
    assert not model.spokes.filter(pk=sales.pk).exists()
    assert (activity.pk, sales.discipline_id) not in cells_of(model)

    assert client.get(reverse("models:hub_delete", args=[model.pk, hub.pk])).status_code == 200
    client.post(reverse("models:hub_delete", args=[model.pk, hub.pk]))
    assert not model.hubs.exists()
    assert model.spokes.get().hub is None  # the spoke stays, without a hub


def test_delete_a_draft_after_a_confirmation(client_for, lead, make_model):
    model = make_model()
    client = client_for(lead)
    assert "cannot be undone" in client.get(reverse("models:delete", args=[model.pk])).text
    assert OrganisationalModel.objects.filter(pk=model.pk).exists()
    response = client.post(reverse("models:delete", args=[model.pk]))
    assert response["Location"] == reverse("models:list")
    assert not OrganisationalModel.objects.filter(pk=model.pk).exists()


# --- Who may see and do what ---------------------------------------------------------------


def _edit_urls(model):
    hub, spoke = model.hubs.get(), model.spokes.first()
    return [
        reverse("models:create"),
        reverse("models:edit", args=[model.pk]),
        reverse("models:delete", args=[model.pk]),
        reverse("models:copy", args=[model.pk]),
        reverse("models:publish", args=[model.pk]),
        reverse("models:raci", args=[model.pk]),
        reverse("models:hub_add", args=[model.pk]),
        reverse("models:hub_edit", args=[model.pk, hub.pk]),
        reverse("models:hub_delete", args=[model.pk, hub.pk]),
        reverse("models:spoke_add", args=[model.pk]),
        reverse("models:spoke_edit", args=[model.pk, spoke.pk]),
        reverse("models:spoke_delete", args=[model.pk, spoke.pk]),
    ]


@pytest.mark.parametrize("persona", ["communicator", "expert", "manager", "executive", "outsider"])
def test_only_leads_reach_the_edit_pages(request, client_for, make_model, persona):
    draft, active = make_model(name="Draft"), make_model(name="Active", publish=True)
    client = client_for(request.getfixturevalue(persona))
    for model in (draft, active):
        for url in _edit_urls(model):
            assert client.get(url).status_code == 403, url
            assert client.post(url, {"name": "Hijack", "type": ModelType.CENTRALIZED}).status_code == 403, url
    assert OrganisationalModel.objects.count() == 2
    assert not OrganisationalModel.objects.filter(name="Hijack").exists()
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_superuser_may_edit(client_for, superuser, make_model):
    model = make_model()
    assert client_for(superuser).get(reverse("models:raci", args=[model.pk])).status_code == 200


def test_communicator_reads_published_models_but_never_drafts(client_for, communicator, make_model):
    archived = make_model(name="Archived model", publish=True)
    active = make_model(name="Active model", publish=True)
    draft = make_model(name="Secret draft")
    client = client_for(communicator)

    listing = client.get(reverse("models:list"))
    assert listing.status_code == 200
    assert "Active model" in listing.text and "Archived model" in listing.text
    assert "Secret draft" not in listing.text
    assert "New model" not in listing.text
    assert "Copy active model to a draft" not in listing.text

    assert client.get(reverse("models:detail", args=[draft.pk])).status_code == 404
    page = client.get(reverse("models:detail", args=[active.pk]))
    assert page.status_code == 200
    assert "Responsibilities (RACI)" in page.text
    assert "Before you can publish" not in page.text
    assert reverse("models:edit", args=[active.pk]) not in page.text
    assert "Copy to a draft" not in page.text
    assert client.get(reverse("models:detail", args=[archived.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, make_model):
    model = make_model(publish=True)
    for url in (reverse("models:list"), reverse("models:detail", args=[model.pk]), *_edit_urls(model)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_list_without_any_model_helps_the_lead_start(client_for, lead, communicator):
    page = client_for(lead).get(reverse("models:list")).text
    assert "No organisational model has been published yet" in page
    assert reverse("models:create") + "?type=hub_and_spoke" in page
    page = client_for(communicator).get(reverse("models:list")).text
    assert "Your governance lead is preparing one" in page


def test_lead_sees_drafts_and_history_with_who_published(client_for, lead, make_model):
    make_model(name="First", publish=True)
    make_model(name="Second", publish=True)
    make_model(name="Work in progress")
    page = client_for(lead).get(reverse("models:list")).text
    assert "Work in progress" in page
    assert page.count("model-status-archived") == 1 and page.count("model-status-active") == 1
    assert "Published by" in page
    assert lead.get_full_name() in page


def test_activity_and_discipline_labels_follow_the_language(client_for, lead, make_model, settings):
    model = make_model()
    client = client_for(lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    page = client.get(reverse("models:detail", args=[model.pk])).text
    assert "Content-Produktion" in page


# --- Query counts ----------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_page_costs_the_same_queries_with_more_models(client_for, lead, make_model, django_assert_num_queries):
    make_model(name="A", publish=True)
    make_model(name="B")
    client = client_for(lead)
    url = reverse("models:list")
    expected = _queries(client, url)
    for index in range(4):
        make_model(name=f"More {index}", publish=index % 2 == 0)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert "More 3" in response.text


@pytest.mark.parametrize("publish", [False, True])
def test_detail_page_costs_the_same_queries_with_more_units(
    client_for, lead, make_model, django_assert_num_queries, publish
):
    make_model(name="Active", publish=True)
    small = make_model(name="Small", spokes=["marketing"], publish=publish)
    big = make_model(
        name="Big",
        spokes=["marketing", "sales", "customer-service", "human-resources", "legal", "it", "product"],
        publish=publish,
    )
    client = client_for(lead)
    expected = _queries(client, reverse("models:detail", args=[small.pk]))
    with django_assert_num_queries(expected):
        response = client.get(reverse("models:detail", args=[big.pk]))
    assert "Human Resources" in response.text


def test_raci_editor_costs_the_same_queries_with_more_units(client_for, lead, make_model, django_assert_num_queries):
    small = make_model(name="Small", spokes=["marketing"])
    big = make_model(name="Big", spokes=["marketing", "sales", "customer-service", "legal", "it"])
    client = client_for(lead)
    expected = _queries(client, reverse("models:raci", args=[small.pk]))
    with django_assert_num_queries(expected):
        client.get(reverse("models:raci", args=[big.pk]))


# --- Pages keep to the CSP and link only to pages that exist -----------------------------------

INLINE = re.compile(r"<style|\sstyle=|<script(?![^>]*\ssrc=)", re.IGNORECASE)


def test_pages_carry_no_inline_styles_or_scripts_and_every_link_works(client_for, lead, make_model):
    active = make_model(name="Active", publish=True)
    draft = make_model(name="Draft")
    client = client_for(lead)
    pages = [
        reverse("models:list"),
        reverse("models:create"),
        reverse("models:detail", args=[active.pk]),
        reverse("models:detail", args=[draft.pk]),
        reverse("models:raci", args=[draft.pk]),
        reverse("models:publish", args=[draft.pk]),
        reverse("models:hub_add", args=[draft.pk]),
        reverse("models:spoke_add", args=[draft.pk]),
    ]
    seen = set()
    for url in pages:
        html = client.get(url).text
        assert not INLINE.search(html), url
        assert "css/models.css" in html, url
        for href in re.findall(r'href="(/[^"#]*)', html):
            if href in seen or href.startswith("/static/"):
                continue
            seen.add(href)
            assert client.get(href, follow=True).status_code == 200, href
