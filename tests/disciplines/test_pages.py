"""The catalogue pages: everyone signed in reads, governance leads change, bad input is a form error."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from disciplines.models import Absence, ApplicationArea, Discipline, Expertise, Membership
from governance.access import Role

TODAY = timezone.localdate()


def days(n):
    return (TODAY + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def catalogue(disciplines, make_user):
    """A small cast on top of the default catalogue: one expert of marketing with expertise and an absence."""
    marketing = disciplines["marketing"]
    person = make_user(Role.EXPERT, username="anna", first_name="Anna", last_name="Arndt")
    deputy = make_user(username="bert", first_name="Bert", last_name="Brandt")
    membership = Membership.objects.create(
        user=person, discipline=marketing, function=Membership.Function.EXPERT, weekly_capacity_hours=6
    )
    Expertise.objects.create(user=person, tags=["pricing", "api"], profile="Knows the price list by heart.")
    absence = Absence.objects.create(
        user=person, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=5), deputy=deputy, note="Holiday"
    )
    return {
        "discipline": marketing,
        "area": marketing.application_areas.first(),
        "person": person,
        "deputy": deputy,
        "membership": membership,
        "absence": absence,
        "disciplines": disciplines,
    }


def snapshot():
    """Every catalogue row, to show that a refused or failed change left nothing behind."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Discipline, ApplicationArea, Membership, Expertise, Absence)
    ]


def discipline_data(**changes):
    data = {
        "name": "Social Listening Unit",
        "name_de": "Social-Listening-Team",
        "slug": "listening",
        "kind": "research",
        "description": "Listens.",
        "description_de": "Hört zu.",
        "colour": "#123abc",
        "position": "20",
    }
    return {**data, **changes}


# --- Who may see what -------------------------------------------------------------------


def reader_urls(objects):
    return [
        reverse("disciplines:list"),
        reverse("disciplines:detail", args=[objects["discipline"].slug]),
        reverse("disciplines:people"),
        reverse("disciplines:person", args=[objects["person"].pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, catalogue):
    for url in [*reader_urls(catalogue), reverse("disciplines:create"), reverse("disciplines:people") + "?page=2"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    response = client.post(reverse("disciplines:create"), discipline_data())
    assert response.status_code == 302
    assert not Discipline.objects.filter(slug="listening").exists()


@pytest.mark.parametrize("persona", ["lead", "communicator", "expert", "manager", "executive", "outsider"])
def test_everyone_signed_in_reads_the_catalogue(request, client_for, catalogue, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in reader_urls(catalogue):
        assert client.get(url).status_code == 200, url


def test_list_shows_disciplines_with_swatch_kind_experts_and_areas(client_for, communicator, catalogue):
    html = client_for(communicator).get(reverse("disciplines:list")).text
    assert "Customer Service" in html
    assert "Campaigns" in html  # an application area of marketing
    assert '<rect width="14" height="14" rx="3" fill="#e11d48"/>' in html  # marketing's colour, no style attribute
    assert "style=" not in html
    marketing_row = html[html.index(reverse("disciplines:detail", args=["marketing"])) :].split("</tr>")[0]
    assert "Marketing" in marketing_row
    assert '<td class="numeric">1</td>' in marketing_row  # one expert
    assert reverse("disciplines:create") not in html


def test_only_leads_see_the_edit_links(client_for, lead, communicator, catalogue):
    detail = reverse("disciplines:detail", args=["marketing"])
    lead_html = client_for(lead).get(detail).text
    assert reverse("disciplines:edit", args=["marketing"]) in lead_html
    assert reverse("disciplines:area_edit", args=["marketing", catalogue["area"].pk]) in lead_html
    assert client_for(lead).get(reverse("disciplines:list")).text.count(reverse("disciplines:create")) == 1
    reader_html = client_for(communicator).get(detail).text
    assert reverse("disciplines:edit", args=["marketing"]) not in reader_html
    assert "/areas/" not in reader_html
    assert reverse("disciplines:membership_create") not in reader_html


def test_detail_shows_members_by_function_with_capacity_topics_and_absences(client_for, communicator, catalogue):
    past = Absence.objects.create(user=catalogue["person"], starts_on=days(-20), ends_on=days(-10))
    past.refresh_from_db()
    html = client_for(communicator).get(reverse("disciplines:detail", args=["marketing"])).text
    experts = html[html.index("<h3>Experts</h3>") : html.index("<h3>Managers</h3>")]
    assert "Anna Arndt" in experts
    assert '<td class="numeric">6</td>' in experts
    assert '<li class="tag">pricing</li>' in experts
    assert "away now" in experts
    assert "Bert Brandt" in experts  # the deputy
    assert date_format(catalogue["absence"].starts_on, "SHORT_DATE_FORMAT") in experts
    assert date_format(past.starts_on, "SHORT_DATE_FORMAT") not in experts  # past absences are not shown
    assert "No managers yet." in html
    assert "No communicators yet." in html
    assert "Brand channels and content" in html


def test_detail_of_an_unknown_discipline_is_not_found(client_for, communicator, db):
    assert client_for(communicator).get(reverse("disciplines:detail", args=["astrology"])).status_code == 404


def test_readers_find_only_people_with_a_membership(client_for, communicator, lead, catalogue):
    url = reverse("disciplines:person", args=[catalogue["deputy"].pk])  # no membership
    assert client_for(communicator).get(url).status_code == 404
    assert client_for(lead).get(url).status_code == 200


# --- Every change is for governance leads only ------------------------------------------


def edit_pages(o):
    """(url, valid POST data) for every page that changes something."""
    slug, area, person = o["discipline"].slug, o["area"], o["person"]
    membership, absence = o["membership"], o["absence"]
    area_data = {"title": "Podcasts", "title_de": "Podcasts", "description": "", "description_de": "", "position": 9}
    membership_data = {
        "user": person.pk,
        "discipline": o["disciplines"]["sales"].pk,
        "function": "manager",
        "weekly_capacity_hours": "3",
    }
    return {
        "discipline_create": (reverse("disciplines:create"), discipline_data()),
        "discipline_edit": (reverse("disciplines:edit", args=[slug]), discipline_data(slug=slug)),
        "discipline_delete": (reverse("disciplines:delete", args=["investor-relations"]), {}),
        "area_create": (reverse("disciplines:area_create", args=[slug]), area_data),
        "area_edit": (reverse("disciplines:area_edit", args=[slug, area.pk]), area_data),
        "area_delete": (reverse("disciplines:area_delete", args=[slug, area.pk]), {}),
        "membership_create": (reverse("disciplines:membership_create"), membership_data),
        "membership_edit": (reverse("disciplines:membership_edit", args=[membership.pk]), membership_data),
        "membership_delete": (reverse("disciplines:membership_delete", args=[membership.pk]), {}),
        "expertise_edit": (reverse("disciplines:expertise_edit", args=[person.pk]), {"tags": "x", "profile": ""}),
        "absence_create": (
            reverse("disciplines:absence_create", args=[person.pk]),
            {"starts_on": days(30), "ends_on": days(31)},
        ),
        "absence_delete": (reverse("disciplines:absence_delete", args=[person.pk, absence.pk]), {}),
    }


EDIT_PAGES = [
    "discipline_create",
    "discipline_edit",
    "discipline_delete",
    "area_create",
    "area_edit",
    "area_delete",
    "membership_create",
    "membership_edit",
    "membership_delete",
    "expertise_edit",
    "absence_create",
    "absence_delete",
]


# Not named "page": pytest-playwright would take that for its browser page fixture.
@pytest.mark.parametrize("edit_page", EDIT_PAGES)
@pytest.mark.parametrize("persona", ["communicator", "expert", "manager", "executive", "outsider"])
def test_only_leads_may_open_or_send_edit_pages(request, client_for, catalogue, edit_page, persona):
    client = client_for(request.getfixturevalue(persona))
    url, data = edit_pages(catalogue)[edit_page]
    before = snapshot()
    assert client.get(url).status_code == 403
    response = client.post(url, data)
    assert response.status_code == 403
    assert "You are not allowed to do this" in response.text
    assert snapshot() == before


@pytest.mark.parametrize("edit_page", EDIT_PAGES)
def test_leads_open_every_edit_page_and_the_change_lands(client_for, lead, catalogue, edit_page):
    client = client_for(lead)
    url, data = edit_pages(catalogue)[edit_page]
    before = snapshot()
    assert client.get(url).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302, response.text
    assert snapshot() != before


@pytest.mark.parametrize("persona", ["superuser"])
def test_superusers_may_change_the_catalogue(request, client_for, catalogue, persona):
    response = client_for(request.getfixturevalue(persona)).post(reverse("disciplines:create"), discipline_data())
    assert response.status_code == 302
    assert Discipline.objects.filter(slug="listening").exists()


# --- Disciplines ------------------------------------------------------------------------


def test_lead_creates_a_discipline(client_for, lead, disciplines):
    response = client_for(lead).post(reverse("disciplines:create"), discipline_data(), follow=True)
    discipline = Discipline.objects.get(slug="listening")
    assert (discipline.name, discipline.name_de, discipline.kind) == (
        "Social Listening Unit",
        "Social-Listening-Team",
        "research",
    )
    assert (discipline.colour, discipline.position) == ("#123abc", 20)
    assert response.redirect_chain[-1][0] == reverse("disciplines:detail", args=["listening"])
    assert "Saved the discipline" in response.text


def test_the_form_offers_a_colour_picker(client_for, lead, disciplines):
    html = client_for(lead).get(reverse("disciplines:edit", args=["marketing"])).text
    assert re.search(r'<input type="color" name="colour" value="#e11d48"', html)


def test_an_empty_slug_is_made_from_the_name(client_for, lead, disciplines):
    client_for(lead).post(reverse("disciplines:create"), discipline_data(slug="", name="Social Care Team"))
    assert Discipline.objects.filter(slug="social-care-team").exists()


def test_lead_edits_a_discipline(client_for, lead, disciplines):
    url = reverse("disciplines:edit", args=["sales"])
    response = client_for(lead).post(url, discipline_data(name="Sales and Distribution", slug="sales"))
    assert response.status_code == 302
    sales = Discipline.objects.get(slug="sales")
    assert sales.name == "Sales and Distribution"
    assert sales.colour == "#123abc"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"colour": "red"}, "colour", "Enter a colour as #rrggbb"),
        ({"name": "Marketing"}, "name", "already exists"),
        ({"slug": "people"}, "slug", "is reserved; choose another short name"),
        ({"slug": "not a slug!"}, "slug", "Enter a valid"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_bad_discipline_input_is_a_form_error_and_changes_nothing(
    client_for, lead, disciplines, changes, field, message
):
    before = snapshot()
    response = client_for(lead).post(reverse("disciplines:create"), discipline_data(**changes))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert 'class="field field-invalid"' in response.text
    assert snapshot() == before


def test_a_refused_edit_keeps_the_old_heading(client_for, lead, disciplines):
    response = client_for(lead).post(
        reverse("disciplines:edit", args=["sales"]), discipline_data(name="", slug="sales")
    )
    assert response.status_code == 200
    assert "<h1>Edit Sales</h1>" in response.text


def test_delete_confirmation_lists_what_goes_and_post_deletes(client_for, lead, catalogue):
    client = client_for(lead)
    url = reverse("disciplines:delete", args=["marketing"])
    page = client.get(url).text
    assert "Delete the discipline “Marketing”?" in page
    assert "4 application areas" in page
    assert "1 membership" in page
    assert Discipline.objects.filter(slug="marketing").exists()  # GET changes nothing
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("disciplines:list")
    assert "Deleted the discipline “Marketing”." in response.text
    assert not Discipline.objects.filter(slug="marketing").exists()
    assert not Membership.objects.filter(pk=catalogue["membership"].pk).exists()


def test_a_discipline_used_in_a_model_cannot_be_deleted(client_for, lead, make_model):
    make_model(name="Our hub and spoke")
    client = client_for(lead)
    url = reverse("disciplines:delete", args=["marketing"])
    page = client.get(url).text
    assert "Our hub and spoke" in page
    assert "Yes, delete" not in page
    before = snapshot()
    response = client.post(url)
    assert response.status_code == 200
    assert "Marketing is still used by spoke “Marketing”; remove it there first." in response.text
    assert snapshot() == before


# --- Application areas ------------------------------------------------------------------


def test_lead_adds_edits_and_deletes_an_application_area(client_for, lead, disciplines):
    client = client_for(lead)
    data = {
        "title": "Podcasts",
        "title_de": "Podcasts (DE)",
        "description": "Audio.",
        "description_de": "",
        "position": 5,
    }
    response = client.post(reverse("disciplines:area_create", args=["marketing"]), data)
    assert response["Location"] == reverse("disciplines:detail", args=["marketing"])
    area = ApplicationArea.objects.get(discipline=disciplines["marketing"], title="Podcasts")
    assert area.title_de == "Podcasts (DE)"

    client.post(reverse("disciplines:area_edit", args=["marketing", area.pk]), {**data, "title": "Audio"})
    area.refresh_from_db()
    assert area.title == "Audio"

    url = reverse("disciplines:area_delete", args=["marketing", area.pk])
    assert "Delete the application area “Audio” of Marketing?" in client.get(url).text
    client.post(url)
    assert not ApplicationArea.objects.filter(pk=area.pk).exists()


def test_an_area_of_another_discipline_is_not_found(client_for, lead, disciplines):
    area = disciplines["sales"].application_areas.first()
    assert client_for(lead).get(reverse("disciplines:area_edit", args=["marketing", area.pk])).status_code == 404


def test_a_duplicate_area_title_is_a_form_error(client_for, lead, disciplines):
    before = snapshot()
    data = {"title": "Campaigns", "title_de": "", "description": "", "description_de": "", "position": 0}
    response = client_for(lead).post(reverse("disciplines:area_create", args=["marketing"]), data)
    assert response.status_code == 200
    assert "already exists" in response.text
    assert snapshot() == before


def test_an_empty_catalogue_says_so(client_for, lead, disciplines):
    discipline = Discipline.objects.create(name="Empty", slug="empty")
    html = client_for(lead).get(reverse("disciplines:detail", args=[discipline.slug])).text
    assert "No application areas yet." in html
    assert "No description yet." in html
    assert "No experts yet." in html


# --- Memberships ------------------------------------------------------------------------


def membership_data(user, discipline, function="expert", hours="5"):
    return {"user": user.pk, "discipline": discipline.pk, "function": function, "weekly_capacity_hours": hours}


def test_lead_adds_a_membership_and_the_member_gets_the_role(client_for, lead, make_user, disciplines):
    newcomer = make_user(username="carla")
    url = reverse("disciplines:membership_create")
    response = client_for(lead).post(url, membership_data(newcomer, disciplines["sales"], "manager", "2.5"))
    assert response["Location"] == reverse("disciplines:person", args=[newcomer.pk])
    membership = Membership.objects.get(user=newcomer)
    assert (membership.discipline.slug, membership.function) == ("sales", "manager")
    assert membership.weekly_capacity_hours == Decimal("2.5")
    assert newcomer.groups.filter(name=Role.MANAGER.value).exists()


def test_add_member_link_fills_in_the_discipline_and_returns_there(client_for, lead, make_user, disciplines):
    client = client_for(lead)
    detail = reverse("disciplines:detail", args=["sales"])
    html = client.get(detail).text
    link = re.search(r'href="([^"]*/people/memberships/add/[^"]*)"', html).group(1).replace("&amp;", "&")
    form_html = client.get(link).text
    assert f'<option value="{disciplines["sales"].pk}" selected>' in form_html
    newcomer = make_user(username="dora")
    response = client.post(link, membership_data(newcomer, disciplines["sales"]))
    assert response["Location"] == detail


def test_next_never_leads_off_site(client_for, lead, make_user, disciplines):
    newcomer = make_user(username="eve")
    url = reverse("disciplines:membership_create") + "?next=https://evil.example/"
    response = client_for(lead).post(url, membership_data(newcomer, disciplines["sales"]))
    assert response["Location"] == reverse("disciplines:person", args=[newcomer.pk])


def test_a_duplicate_membership_is_a_clear_form_error(client_for, lead, catalogue):
    before = snapshot()
    data = membership_data(catalogue["person"], catalogue["discipline"], "expert")
    response = client_for(lead).post(reverse("disciplines:membership_create"), data)
    assert response.status_code == 200
    assert "This person already has this function in this discipline." in response.text
    assert snapshot() == before


@pytest.mark.parametrize("hours", ["99", "-1", "abc"])
def test_capacity_out_of_range_is_a_form_error(client_for, lead, catalogue, hours):
    before = snapshot()
    url = reverse("disciplines:membership_edit", args=[catalogue["membership"].pk])
    data = membership_data(catalogue["person"], catalogue["discipline"], "expert", hours)
    response = client_for(lead).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["weekly_capacity_hours"]
    assert snapshot() == before


def test_lead_edits_and_removes_a_membership(client_for, lead, catalogue):
    client = client_for(lead)
    membership = catalogue["membership"]
    data = membership_data(catalogue["person"], catalogue["discipline"], "expert", "12")
    client.post(reverse("disciplines:membership_edit", args=[membership.pk]), data)
    membership.refresh_from_db()
    assert membership.weekly_capacity_hours == 12

    url = reverse("disciplines:membership_delete", args=[membership.pk])
    assert "Remove the membership of Anna Arndt in Marketing (Expert)?" in client.get(url).text
    response = client.post(url)
    assert response["Location"] == reverse("disciplines:person", args=[catalogue["person"].pk])
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not catalogue["person"].groups.filter(name=Role.EXPERT.value).exists()


# --- Expertise and absences -------------------------------------------------------------


def test_lead_edits_expertise_and_the_tags_are_normalised(client_for, lead, catalogue):
    person = catalogue["person"]
    client = client_for(lead)
    url = reverse("disciplines:expertise_edit", args=[person.pk])
    assert 'value="pricing, api"' in client.get(url).text
    response = client.post(url, {"tags": "Data Protection, API ,  data protection", "profile": "Privacy."})
    assert response["Location"] == reverse("disciplines:person", args=[person.pk])
    expertise = Expertise.objects.get(user=person)
    assert expertise.tags == ["data protection", "api"]
    assert expertise.profile == "Privacy."


def test_a_person_without_expertise_gets_one(client_for, lead, make_user):
    person = make_user(username="fritz")
    client_for(lead).post(reverse("disciplines:expertise_edit", args=[person.pk]), {"tags": "seo", "profile": ""})
    assert Expertise.objects.get(user=person).tags == ["seo"]


def test_an_overlong_tag_is_a_form_error(client_for, lead, catalogue):
    before = snapshot()
    url = reverse("disciplines:expertise_edit", args=[catalogue["person"].pk])
    response = client_for(lead).post(url, {"tags": "x" * 41, "profile": ""})
    assert response.status_code == 200
    assert "A topic tag has at most 40 characters" in str(response.context["form"].errors["tags"])
    assert snapshot() == before


def test_lead_adds_and_deletes_an_absence(client_for, lead, catalogue):
    person, deputy = catalogue["person"], catalogue["deputy"]
    client = client_for(lead)
    data = {"starts_on": days(10), "ends_on": days(12), "deputy": deputy.pk, "note": "Conference"}
    response = client.post(reverse("disciplines:absence_create", args=[person.pk]), data)
    assert response["Location"] == reverse("disciplines:person", args=[person.pk])
    absence = Absence.objects.get(user=person, note="Conference")
    assert (absence.starts_on.isoformat(), absence.ends_on.isoformat(), absence.deputy) == (days(10), days(12), deputy)

    url = reverse("disciplines:absence_delete", args=[person.pk, absence.pk])
    assert client.get(url).status_code == 200
    client.post(url)
    assert not Absence.objects.filter(pk=absence.pk).exists()


def test_an_absence_ending_before_it_starts_is_a_form_error(client_for, lead, catalogue):
    before = snapshot()
    url = reverse("disciplines:absence_create", args=[catalogue["person"].pk])
    response = client_for(lead).post(url, {"starts_on": days(5), "ends_on": days(2)})
    assert response.status_code == 200
    assert "The absence cannot end before it starts." in str(response.context["form"].errors["ends_on"])
    assert snapshot() == before


def test_nobody_deputises_for_themselves(client_for, lead, catalogue):
    before = snapshot()
    person = catalogue["person"]
    url = reverse("disciplines:absence_create", args=[person.pk])
    response = client_for(lead).post(url, {"starts_on": days(1), "ends_on": days(2), "deputy": person.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["deputy"]
    assert snapshot() == before


def test_an_absence_of_someone_else_is_not_found(client_for, lead, catalogue):
    url = reverse("disciplines:absence_delete", args=[catalogue["deputy"].pk, catalogue["absence"].pk])
    assert client_for(lead).get(url).status_code == 404


def test_person_page_shows_memberships_expertise_and_absences(client_for, executive, catalogue):
    html = client_for(executive).get(reverse("disciplines:person", args=[catalogue["person"].pk])).text
    assert "<h1>Anna Arndt</h1>" in html
    assert "Marketing" in html
    assert "Knows the price list by heart." in html
    assert "Holiday" in html
    assert reverse("disciplines:expertise_edit", args=[catalogue["person"].pk]) not in html


# --- The people page --------------------------------------------------------------------


def add_member(make_user, discipline, function="expert", **fields):
    person = make_user(**fields)
    Membership.objects.create(user=person, discipline=discipline, function=function)
    Expertise.objects.create(user=person, tags=["one", "two"])
    Absence.objects.create(user=person, starts_on=TODAY, ends_on=TODAY, deputy=None)
    return person


def test_people_lists_everyone_with_a_membership(client_for, communicator, catalogue):
    html = client_for(communicator).get(reverse("disciplines:people")).text
    assert "Anna Arndt" in html
    assert "deputy: Bert Brandt" in html
    row = '<th scope="row"><a href="{}">'
    assert row.format(reverse("disciplines:person", args=[catalogue["person"].pk])) in html
    # Bert only deputises and has no membership, so he has no row of his own.
    assert row.format(reverse("disciplines:person", args=[catalogue["deputy"].pk])) not in html
    assert '<li class="tag">api</li>' in html


def test_people_filter_by_discipline_and_function(client_for, communicator, catalogue, make_user):
    sales = catalogue["disciplines"]["sales"]
    add_member(make_user, sales, "manager", first_name="Mona", last_name="Manager")
    add_member(make_user, sales, "expert", first_name="Emil", last_name="Expert")
    client = client_for(communicator)
    url = reverse("disciplines:people")

    html = client.get(url, {"discipline": "sales"}).text
    assert "Mona Manager" in html and "Emil Expert" in html and "Anna Arndt" not in html

    html = client.get(url, {"discipline": "sales", "function": "expert"}).text
    assert "Emil Expert" in html and "Mona Manager" not in html

    html = client.get(url, {"function": "expert"}).text
    assert "Emil Expert" in html and "Anna Arndt" in html and "Mona Manager" not in html


def test_an_unknown_filter_value_is_a_form_error_not_a_crash(client_for, communicator, catalogue):
    response = client_for(communicator).get(reverse("disciplines:people"), {"discipline": "astrology"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_people_are_paginated_and_keep_the_filter(client_for, communicator, disciplines, make_user):
    for n in range(27):
        add_member(make_user, disciplines["sales"], last_name=f"Person{n:02d}")
    client = client_for(communicator)
    first = client.get(reverse("disciplines:people"), {"discipline": "sales"})
    assert len(first.context["page_obj"].object_list) == 25
    assert "Page 1 of 2" in first.text
    assert "?discipline=sales&amp;page=2" in first.text
    second = client.get(reverse("disciplines:people"), {"discipline": "sales", "page": 2})
    assert len(second.context["page_obj"].object_list) == 2


# --- Query counts -----------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_costs_the_same_queries_however_many_disciplines(
    client_for, lead, disciplines, make_user, django_assert_num_queries
):
    client = client_for(lead)
    url = reverse("disciplines:list")
    baseline = count_queries(client, url)
    for n in range(5):
        discipline = Discipline.objects.create(name=f"Extra {n}", slug=f"extra-{n}")
        ApplicationArea.objects.create(discipline=discipline, title="One")
        ApplicationArea.objects.create(discipline=discipline, title="Two")
        add_member(make_user, discipline)
    with django_assert_num_queries(baseline):
        client.get(url)


def test_people_costs_the_same_queries_however_many_people(
    client_for, communicator, disciplines, make_user, django_assert_num_queries
):
    client = client_for(communicator)
    url = reverse("disciplines:people")
    add_member(make_user, disciplines["sales"])
    baseline = count_queries(client, url)
    for n in range(6):
        person = add_member(make_user, disciplines["marketing"], last_name=f"More{n}")
        Membership.objects.create(user=person, discipline=disciplines["sales"], function="communicator")
        Absence.objects.create(user=person, starts_on=days(3), ends_on=days(4), deputy=communicator)
    with django_assert_num_queries(baseline):
        client.get(url)


def test_detail_costs_the_same_queries_however_many_members(
    client_for, communicator, disciplines, make_user, django_assert_num_queries
):
    client = client_for(communicator)
    url = reverse("disciplines:detail", args=["sales"])
    for function in ("expert", "manager", "communicator"):
        add_member(make_user, disciplines["sales"], function)
    baseline = count_queries(client, url)
    for n in range(30):
        add_member(make_user, disciplines["sales"], last_name=f"More{n:02d}")
    add_member(make_user, disciplines["sales"], "manager")
    with django_assert_num_queries(baseline):
        response = client.get(url)
    experts, managers, communicators = response.context["member_groups"]
    assert (len(experts.members), experts.total) == (10, 31)
    assert (len(managers.members), managers.total, len(communicators.members)) == (2, 2, 1)


def test_detail_shows_the_first_members_and_links_to_all_of_them(client_for, communicator, disciplines, make_user):
    for n in range(12):
        add_member(make_user, disciplines["sales"], last_name=f"Person{n:02d}")
    html = client_for(communicator).get(reverse("disciplines:detail", args=["sales"])).text
    experts = html[html.index("<h3>Experts</h3>") : html.index("<h3>Managers</h3>")]
    assert "Person09" in experts and "Person10" not in experts  # by name, ten of them
    assert "10 of 12 shown." in experts
    link = reverse("disciplines:people") + "?discipline=sales&amp;function=expert"
    assert f'<a href="{link}">All 12 experts</a>' in experts


# --- German -----------------------------------------------------------------------------


def test_the_list_speaks_german(client_for, communicator, disciplines):
    html = client_for(communicator).get(reverse("disciplines:list"), HTTP_ACCEPT_LANGUAGE="de").text
    assert '<html lang="de">' in html
    assert "Kundenservice" in html
    assert "Markenkanäle und Inhalte" in html


# --- Robustness -------------------------------------------------------------------------


def test_a_write_that_loses_a_race_is_a_form_error(client_for, lead, catalogue, make_user):
    from unittest import mock

    from django.db import IntegrityError

    newcomer = make_user(username="gina")
    with mock.patch("disciplines.services.membership_save", side_effect=IntegrityError("membership_unique")):
        response = client_for(lead).post(
            reverse("disciplines:membership_create"), membership_data(newcomer, catalogue["discipline"])
        )
    assert response.status_code == 200
    assert "Someone saved a conflicting change at the same moment" in response.text
    assert not Membership.objects.filter(user=newcomer).exists()


def test_pages_carry_no_inline_styles_or_scripts_and_every_link_works(client_for, lead, catalogue):
    """The CSP blocks inline styles and scripts; a lead sees every link, and none is dead."""
    client = client_for(lead)
    seen = set()
    for url in reader_urls(catalogue):
        html = client.get(url).text
        assert "style=" not in html and "<style" not in html, url
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/app.js" defer>'], url
        for href in re.findall(r'href="(/[^"]*)"', html):
            href = href.replace("&amp;", "&")
            if href in seen or not href.startswith("/catalogue/"):
                continue
            seen.add(href)
            assert client.get(href).status_code == 200, href
    assert reverse("disciplines:expertise_edit", args=[catalogue["person"].pk]) in seen
