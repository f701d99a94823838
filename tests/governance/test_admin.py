"""Django admin: every model has a working page, and state changes go through the services."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from disciplines.models import Absence, ApplicationArea, Discipline, Expertise, Membership
from governance.access import Role
from governance.models import Activity, OrganisationalModel, Responsibility, Spoke

Status = OrganisationalModel.Status

MODELS = [
    "disciplines.discipline",
    "disciplines.applicationarea",
    "disciplines.membership",
    "disciplines.expertise",
    "disciplines.absence",
    "governance.organisationalmodel",
    "governance.hub",
    "governance.spoke",
    "governance.activity",
    "governance.responsibility",
]


def admin_url(model, view, *args):
    app, name = model.split(".")
    return reverse(f"admin:{app}_{name}_{view}", args=args)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(response):
    """The POST body of an admin change page as rendered: main form, inlines, management forms."""
    data = {}

    def put(form):
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            data[form.add_prefix(name)] = value

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        put(formset.management_form)
        for form in formset.forms:
            put(form)
    return data


@pytest.fixture
def admin_client_(client_for, superuser):
    return client_for(superuser)


@pytest.fixture
def filled(make_model, make_user, disciplines):
    """A row of every model, so list pages render real rows."""
    active = make_model(name="Active model", publish=True)
    draft = make_model(name="Draft model", complete_raci=False)
    person = make_user(Role.EXPERT, username="anna")
    Membership.objects.create(user=person, discipline=disciplines["sales"], function="expert")
    Expertise.objects.create(user=person, tags=["pricing"], profile="B2B pricing")
    Absence.objects.create(user=person, starts_on=datetime.date(2026, 5, 4), ends_on=datetime.date(2026, 5, 8))
    return {"active": active, "draft": draft, "person": person}


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_loads_and_searches(admin_client_, filled, model):
    response = admin_client_.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert admin_client_.get(admin_url(model, "changelist") + "?q=a").status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_every_add_page_loads(admin_client_, filled, model):
    assert admin_client_.get(admin_url(model, "add")).status_code == 200


def test_change_pages_load(admin_client_, filled):
    draft, active = filled["draft"], filled["active"]
    pages = [
        admin_url("governance.organisationalmodel", "change", draft.pk),
        admin_url("governance.organisationalmodel", "change", active.pk),
        admin_url("governance.hub", "change", draft.hubs.get().pk),
        admin_url("governance.spoke", "change", active.spokes.first().pk),
        admin_url("governance.responsibility", "change", active.responsibilities.first().pk),
        admin_url("governance.activity", "change", Activity.objects.first().pk),
        admin_url("disciplines.discipline", "change", Discipline.objects.get(slug="sales").pk),
        admin_url("disciplines.applicationarea", "change", ApplicationArea.objects.first().pk),
        admin_url("disciplines.membership", "change", Membership.objects.get().pk),
        admin_url("disciplines.expertise", "change", Expertise.objects.get().pk),
        admin_url("disciplines.absence", "change", Absence.objects.get().pk),
    ]
    for url in pages:
        assert admin_client_.get(url).status_code == 200, url


def test_a_drafts_page_lists_its_problems(admin_client_, filled):
    response = admin_client_.get(admin_url("governance.organisationalmodel", "change", filled["draft"].pk))
    assert "accountable_missing" in response.text


def test_a_published_model_is_read_only(admin_client_, filled):
    active = filled["active"]
    url = admin_url("governance.organisationalmodel", "change", active.pk)
    page = admin_client_.get(url)
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert all(not inline.has_change_permission for inline in page.context["inline_admin_formsets"])
    response = admin_client_.post(url, {"name": "Changed", "type": "centralized"})
    assert response.status_code == 403
    assert admin_client_.post(admin_url("governance.organisationalmodel", "delete", active.pk)).status_code == 403
    active.refresh_from_db()
    assert (active.name, active.type, active.status) == ("Active model", "hub_and_spoke", Status.ACTIVE)


def test_units_of_a_published_model_are_read_only(admin_client_, filled):
    hub = filled["active"].hubs.get()
    response = admin_client_.post(admin_url("governance.hub", "change", hub.pk), {"name": "X"})
    assert response.status_code == 403
    hub.refresh_from_db()
    assert hub.name == "Centre of excellence"


# --- Actions ---------------------------------------------------------------------------------------


def run_action(client, action, *models):
    return client.post(
        admin_url("governance.organisationalmodel", "changelist"),
        {"action": action, "_selected_action": [model.pk for model in models]},
        follow=True,
    )


def test_the_publish_action_publishes_and_archives_the_previous_model(admin_client_, make_model):
    active = make_model(name="Old", publish=True)
    draft = make_model(name="New")
    response = run_action(admin_client_, "publish_draft", draft)
    assert response.status_code == 200
    assert "“New” is now the active model." in messages_of(response)
    active.refresh_from_db()
    draft.refresh_from_db()
    assert (active.status, draft.status) == (Status.ARCHIVED, Status.ACTIVE)


def test_a_refused_publish_action_lists_the_problems(admin_client_, make_model):
    draft = make_model(complete_raci=False)
    response = run_action(admin_client_, "publish_draft", draft)
    texts = " ".join(messages_of(response))
    assert "cannot be published" in texts
    assert "(accountable_missing)" in texts and "(responsible_missing)" in texts
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_publish_action_takes_one_draft_at_a_time(admin_client_, make_model):
    first, second = make_model(name="A"), make_model(name="B")
    response = run_action(admin_client_, "publish_draft", first, second)
    assert "Select exactly one draft to publish." in messages_of(response)
    assert set(OrganisationalModel.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_the_publish_action_refuses_a_published_model(admin_client_, make_model):
    active = make_model(publish=True)
    response = run_action(admin_client_, "publish_draft", active)
    assert any("cannot be edited" in text for text in messages_of(response))


def test_the_copy_action_makes_a_draft(admin_client_, make_model):
    active = make_model(name="Live", publish=True)
    response = run_action(admin_client_, "copy_to_draft", active)
    assert response.status_code == 200
    copy = OrganisationalModel.objects.get(based_on=active)
    assert (copy.name, copy.status, copy.hubs.count(), copy.spokes.count()) == ("Live (version 2)", Status.DRAFT, 1, 3)
    assert any("Copied" in text for text in messages_of(response))


def test_deleting_selected_models_spares_published_ones(admin_client_, make_model):
    active, draft = make_model(name="Live", publish=True), make_model(name="Draft")
    # A published model among the selection: the admin refuses the whole deletion.
    response = admin_client_.post(
        admin_url("governance.organisationalmodel", "changelist"),
        {"action": "delete_selected", "_selected_action": [active.pk, draft.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert OrganisationalModel.objects.count() == 2
    admin_client_.post(
        admin_url("governance.organisationalmodel", "changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"},
    )
    assert list(OrganisationalModel.objects.values_list("name", flat=True)) == ["Live"]


# --- Saving through the services ------------------------------------------------------------------


def test_adding_a_model_in_admin_makes_a_draft(admin_client_, superuser, db):
    url = admin_url("governance.organisationalmodel", "add")
    data = form_data(admin_client_.get(url))
    data.update({"name": "From admin", "type": "centralized"})
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    model = OrganisationalModel.objects.get(name="From admin")
    assert (model.status, model.created_by) == (Status.DRAFT, superuser)


def test_editing_a_draft_with_its_inlines(admin_client_, make_model, disciplines):
    draft = make_model(complete_raci=False)
    url = admin_url("governance.organisationalmodel", "change", draft.pk)
    data = form_data(admin_client_.get(url))
    activity = Activity.objects.order_by("position").first()
    home = disciplines["corporate-communications"]
    sales_spoke = draft.spokes.get(discipline=disciplines["sales"])
    spoke_index = next(
        index for index in range(int(data["spokes-TOTAL_FORMS"])) if data[f"spokes-{index}-id"] == sales_spoke.pk
    )
    data.update(
        {
            "name": "Edited in admin",
            f"spokes-{spoke_index}-DELETE": "on",
            "responsibilities-TOTAL_FORMS": "1",
            "responsibilities-0-activity": activity.pk,
            "responsibilities-0-discipline": home.pk,
            "responsibilities-0-role": "AR",
        }
    )
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.name == "Edited in admin"
    assert not Spoke.objects.filter(pk=sales_spoke.pk).exists()
    assert Responsibility.objects.get(model=draft, activity=activity, discipline=home).role == "AR"


def test_a_rule_a_service_refuses_is_a_message_and_nothing_is_saved(admin_client_, make_model, disciplines):
    draft = make_model(complete_raci=False)
    url = admin_url("governance.organisationalmodel", "change", draft.pk)
    data = form_data(admin_client_.get(url))
    data.update(
        {
            "name": "Should not stick",
            "responsibilities-TOTAL_FORMS": "1",
            "responsibilities-0-activity": Activity.objects.first().pk,
            "responsibilities-0-discipline": disciplines["legal"].pk,  # not a unit of the model
            "responsibilities-0-role": "A",
        }
    )
    response = admin_client_.post(url, data, follow=True)
    assert response.status_code == 200
    assert any("Nothing was saved" in text and "not a unit" in text for text in messages_of(response))
    draft.refresh_from_db()
    assert draft.name == "Draft model"
    assert not draft.responsibilities.exists()


def test_a_hub_of_a_draft_is_changed_through_its_own_page(admin_client_, make_model):
    hub = make_model().hubs.get()
    url = admin_url("governance.hub", "change", hub.pk)
    data = form_data(admin_client_.get(url))
    data["name"] = "Renamed hub"
    assert admin_client_.post(url, data).status_code == 302
    hub.refresh_from_db()
    assert hub.name == "Renamed hub"


def test_an_activity_used_by_a_published_model_cannot_be_deleted(admin_client_, make_model):
    make_model(publish=True)
    activity = Activity.objects.first()
    assert (
        admin_client_.post(admin_url("governance.activity", "delete", activity.pk), {"post": "yes"}).status_code == 403
    )
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_membership_saved_in_admin_grants_the_role(admin_client_, make_user, disciplines):
    person = make_user(username="bert")
    url = admin_url("disciplines.membership", "add")
    response = admin_client_.post(
        url,
        {"user": person.pk, "discipline": disciplines["sales"].pk, "function": "manager", "weekly_capacity_hours": "4"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=person, function="manager").exists()
    assert person.groups.filter(name=Role.MANAGER.value).exists()


def test_expertise_tags_are_typed_comma_separated(admin_client_, make_user):
    person = make_user(username="carla")
    response = admin_client_.post(
        admin_url("disciplines.expertise", "add"), {"user": person.pk, "tags": "Pricing, API ,pricing", "profile": ""}
    )
    assert response.status_code == 302
    assert Expertise.objects.get(user=person).tags == ["pricing", "api"]


def test_a_discipline_with_its_areas_is_saved(admin_client_, disciplines):
    sales = disciplines["sales"]
    url = admin_url("disciplines.discipline", "change", sales.pk)
    data = form_data(admin_client_.get(url))
    total = int(data["application_areas-TOTAL_FORMS"])
    data.update(
        {
            "colour": "#123456",
            "application_areas-TOTAL_FORMS": str(total + 1),
            f"application_areas-{total}-title": "Trade fairs",
            f"application_areas-{total}-position": "9",
        }
    )
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    sales.refresh_from_db()
    assert sales.colour == "#123456"
    assert sales.application_areas.filter(title="Trade fairs").exists()


def test_non_staff_users_do_not_reach_the_admin(client_for, lead, db):
    response = client_for(lead).get(admin_url("governance.organisationalmodel", "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
