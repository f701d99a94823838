"""The job profile pages: matrix, profiles, assignments, gap analysis, assessments, staffing.

Personas: a governance lead (allowed everywhere), a communicator (reads, 403 on edits),
the expert (sees their own assessments), their discipline's manager (sees and writes
them) and another expert (404 on the expert's page). The diagram's job profile badges
are tested here too, since the template tag reads them from this app.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.access import roles_of
from roles import services
from roles.charts import gap_chart
from roles.models import Assessment, RequiredLevel, RoleAssignment
from roles.selectors import gap_analysis

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))  # noqa: S314 (our own output, under test)


def svgs_in(html):
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


@pytest.fixture
def expert_cm(team, active, lead, profiles, disciplines, days_ago):
    """The expert is a junior community manager in the marketing spoke."""
    return services.assignment_create(
        actor=lead,
        user=team["expert"],
        profile=profiles["community-manager"],
        seniority="junior",
        discipline=disciplines["marketing"],
        since=days_ago(100),
    )


@pytest.fixture
def assessed(expert_cm, team, competencies, days_ago):
    manager, expert = team["manager"], team["expert"]
    services.assessment_record(
        actor=manager, person=expert, competency=competencies["community-moderation"], level=1, assessed_on=days_ago(9)
    )
    services.assessment_record(
        actor=manager, person=expert, competency=competencies["law"], level=3, assessed_on=days_ago(9)
    )
    services.assessment_record(
        actor=expert, person=expert, competency=competencies["community-moderation"], level=3, assessed_on=days_ago(2)
    )
    return expert


# --- The matrix ------------------------------------------------------------------------------


def test_the_matrix_needs_a_sign_in(client):
    response = client.get(reverse("roles:matrix"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_everyone_signed_in_reads_the_matrix(client_for, communicator, competencies, profiles):
    response = client_for(communicator).get(reverse("roles:matrix"))
    assert response.status_code == 200
    html = response.text
    for slug in ("social-platforms", "writing-style", "strategy"):
        assert competencies[slug].label in html
    for profile in profiles.values():
        assert profile.label in html
    assert "Professional" in html and "Personal" in html  # grouped by category
    assert "level level-5" in html and "level level-2" in html
    assert 'rowspan="2"' in html  # the consultant has no junior/senior columns
    assert html.count('class="matrix-seniority"') == 4
    assert reverse("roles:matrix_edit") not in html
    assert reverse("roles:me") in html


def test_the_matrix_has_a_print_stylesheet(client_for, communicator):
    html = client_for(communicator).get(reverse("roles:matrix")).text
    assert "/static/css/roles.css" in html
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "roles.css").read_text()
    assert "@media print" in css and "landscape" in css


def test_no_inline_styles_or_scripts_on_the_pages(client_for, lead, assessed, team):
    client = client_for(lead)
    for url in (
        reverse("roles:matrix"),
        reverse("roles:matrix_edit"),
        reverse("roles:profile", args=["community-manager"]),
        reverse("roles:assignments"),
        reverse("roles:person", args=[team["expert"].pk]),
        reverse("roles:assess", args=[team["expert"].pk]),
        reverse("roles:staffing"),
    ):
        html = client.get(url).text
        assert not re.search(r"\sstyle=", html), url
        assert "<style" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url


def test_a_lead_sees_the_edit_link(client_for, lead):
    assert reverse("roles:matrix_edit") in client_for(lead).get(reverse("roles:matrix")).text


def test_only_leads_edit_the_matrix(client_for, communicator, manager, profiles, competencies):
    url = reverse("roles:matrix_edit")
    cm = profiles["community-manager"]
    data = {f"level-{cm.pk}-junior-{competencies['law'].pk}": "5", f"seen-{cm.pk}-junior-{competencies['law'].pk}": "2"}
    for user in (communicator, manager):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert RequiredLevel.objects.get(profile=cm, seniority="junior", competency=competencies["law"]).level == 2


def _cell(profile, seniority, competency):
    return RequiredLevel.objects.get(profile=profile, seniority=seniority, competency=competency)


def test_a_lead_edits_levels_in_place(client_for, lead, profiles, competencies):
    client = client_for(lead)
    smm, law, seo = profiles["social-media-manager"], competencies["law"], competencies["seo-sea"]
    page = client.get(reverse("roles:matrix_edit")).text
    assert f'name="level-{smm.pk}-senior-{law.pk}"' in page
    response = client.post(
        reverse("roles:matrix_edit"),
        {
            f"level-{smm.pk}-senior-{law.pk}": "2",
            f"seen-{smm.pk}-senior-{law.pk}": "5",
            f"level-{smm.pk}-junior-{seo.pk}": "2",  # unchanged
            f"seen-{smm.pk}-junior-{seo.pk}": "2",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:matrix")
    assert _cell(smm, "senior", law).level == 2
    assert _cell(smm, "junior", seo).level == 2


def test_an_out_of_range_level_is_refused_naming_the_cell(client_for, lead, profiles, competencies):
    smm, law, seo = profiles["social-media-manager"], competencies["law"], competencies["seo-sea"]
    response = client_for(lead).post(
        reverse("roles:matrix_edit"),
        {
            f"level-{smm.pk}-senior-{law.pk}": "2",
            f"seen-{smm.pk}-senior-{law.pk}": "5",
            f"level-{smm.pk}-junior-{seo.pk}": "7",
            f"seen-{smm.pk}-junior-{seo.pk}": "2",
        },
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.text
    assert "SEO/SEA basics" in response.text and "Choose a level from 1 to 5." in response.text
    assert _cell(smm, "senior", law).level == 5  # nothing half-written


def test_a_cell_someone_else_changed_is_not_overwritten(client_for, lead, profiles, competencies):
    smm, law = profiles["social-media-manager"], competencies["law"]
    services.required_level_set(actor=lead, profile=smm, competency=law, seniority="senior", level=3)
    response = client_for(lead).post(
        reverse("roles:matrix_edit"),
        {f"level-{smm.pk}-senior-{law.pk}": "1", f"seen-{smm.pk}-senior-{law.pk}": "5"},
    )
    assert response.status_code == 200
    assert "Someone else changed these cells" in response.text
    assert _cell(smm, "senior", law).level == 3


def test_the_matrix_page_costs_the_same_queries_however_many_competencies(
    client_for, communicator, lead, django_assert_num_queries
):
    client = client_for(communicator)
    url = reverse("roles:matrix")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    category = services.category_save(actor=lead, name="Digital competence")
    for name in ("Short video", "Live streaming", "Creator relations", "Social commerce"):
        services.competency_save(actor=lead, category=category, name=name)
    with django_assert_num_queries(len(before)):
        response = client.get(url)
    assert "Creator relations" in response.text


# --- Profiles --------------------------------------------------------------------------------


def test_the_profile_page(client_for, communicator, expert_cm, profiles, team, competencies):
    cm = profiles["community-manager"]
    html = client_for(communicator).get(reverse("roles:profile", args=[cm.slug])).text
    assert cm.label in html
    assert "builds, activates, moderates and measures it" in html  # the description
    assert "<li>Answer and moderate in the company" in html  # responsibilities as a list
    assert competencies["community-moderation"].label in html
    assert "Junior" in html and "Senior" in html
    # Who holds it and where; the communicator may not open the expert's assessments.
    holders = html.split("Who holds it", 1)[1]
    assert team["expert"].get_full_name() in holders
    assert "Marketing" in holders
    assert reverse("roles:person", args=[team["expert"].pk]) not in html


def test_the_profile_page_links_holders_for_their_manager(client_for, expert_cm, profiles, team):
    html = client_for(team["manager"]).get(reverse("roles:profile", args=["community-manager"])).text
    assert reverse("roles:person", args=[team["expert"].pk]) in html


def test_an_unknown_profile_is_404(client_for, communicator):
    assert client_for(communicator).get(reverse("roles:profile", args=["nope"])).status_code == 404


def test_only_leads_edit_a_profile(client_for, communicator, lead, profiles):
    smc = profiles["social-media-consultant"]
    url = reverse("roles:profile_edit", args=[smc.slug])
    assert client_for(communicator).get(url).status_code == 403
    assert client_for(communicator).post(url, {"name": "X"}).status_code == 403
    client = client_for(lead)
    assert client.get(url).status_code == 200
    data = {
        "name": "Social Media Consultant",
        "name_de": "Social-Media-Berater:in",
        "description": "Advises.",
        "description_de": "",
        "responsibilities": "Advise\nTrain",
        "responsibilities_de": "",
        "position": "3",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    smc.refresh_from_db()
    assert (smc.name_de, smc.description, smc.slug) == (
        "Social-Media-Berater:in",
        "Advises.",
        "social-media-consultant",
    )
    page = client.get(reverse("roles:profile", args=[smc.slug])).text
    assert "<li>Advise</li>" in page and "<li>Train</li>" in page


def test_a_profile_edit_with_a_clashing_name_is_a_form_error(client_for, lead, profiles):
    url = reverse("roles:profile_edit", args=["social-media-consultant"])
    response = client_for(lead).post(url, {"name": "Community Manager", "position": "3"})
    assert response.status_code == 200
    assert "field-invalid" in response.text
    assert profiles["social-media-consultant"].name == "Social Media Consultant"


# --- Assignments -----------------------------------------------------------------------------


def _assign_data(user, profile, discipline, seniority="", since="2026-01-05"):
    return {
        "user": user.username,
        "profile": profile.pk,
        "seniority": seniority,
        "discipline": discipline.pk,
        "since": since,
        "note": "",
    }


def test_a_lead_assigns_a_profile_in_a_unit_of_the_active_model(client_for, lead, team, active, profiles, disciplines):
    client = client_for(lead)
    page = client.get(reverse("roles:assignments")).text
    assert "Assign a profile" in page
    assert "Hub · Centre of excellence (Corporate Communications / PR)" in page
    assert "Spoke · Marketing" in page
    response = client.post(
        reverse("roles:assignments"),
        _assign_data(
            team["expert"], profiles["social-media-manager"], disciplines["corporate-communications"], "senior"
        ),
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=team["expert"])
    assert (assignment.profile.slug, assignment.seniority, assignment.kind) == ("social-media-manager", "senior", "hub")
    assert assignment.created_by == lead
    listing = client.get(reverse("roles:assignments")).text
    assert team["expert"].get_full_name() in listing


def test_a_refused_assignment_names_the_field(client_for, lead, team, active, profiles, disciplines):
    client = client_for(lead)
    smm = profiles["social-media-manager"]
    response = client.post(
        reverse("roles:assignments"), _assign_data(team["expert"], smm, disciplines["marketing"], seniority="")
    )
    assert response.status_code == 400
    assert "is held as junior or senior: choose one" in response.text
    assert 'id="id_seniority_error"' in response.text
    # A discipline that is no unit of the active model is not even offered.
    response = client.post(
        reverse("roles:assignments"), _assign_data(team["expert"], smm, disciplines["legal"], seniority="senior")
    )
    assert response.status_code == 400
    assert 'id="id_discipline_error"' in response.text
    assert not RoleAssignment.objects.exists()


def test_only_leads_assign_and_end(client_for, communicator, manager, team, expert_cm, profiles, disciplines):
    data = _assign_data(team["expert"], profiles["social-media-manager"], disciplines["marketing"], "junior")
    for user in (communicator, manager):
        client = client_for(user)
        page = client.get(reverse("roles:assignments")).text
        assert "Assign a profile" not in page
        assert reverse("roles:assignment_end", args=[expert_cm.pk]) not in page
        assert client.post(reverse("roles:assignments"), data).status_code == 403
        assert client.get(reverse("roles:assignment_end", args=[expert_cm.pk])).status_code == 403
        assert (
            client.post(reverse("roles:assignment_end", args=[expert_cm.pk]), {"until": "2030-01-01"}).status_code
            == 403
        )
    assert RoleAssignment.objects.count() == 1


def test_a_lead_ends_an_assignment_after_confirming(client_for, lead, expert_cm, days_ago):
    client = client_for(lead)
    url = reverse("roles:assignment_end", args=[expert_cm.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "End the assignment of" in page.text
    response = client.post(url, {"until": days_ago(1).isoformat()})
    assert response.status_code == 302
    expert_cm.refresh_from_db()
    assert expert_cm.until == days_ago(1)
    assert "Nobody holds a job profile at the moment." in client.get(reverse("roles:assignments")).text
    assert expert_cm.user.get_full_name() in client.get(reverse("roles:assignments") + "?show=all").text


def test_ending_before_the_start_is_a_form_error(client_for, lead, expert_cm, days_ago):
    response = client_for(lead).post(
        reverse("roles:assignment_end", args=[expert_cm.pk]), {"until": days_ago(500).isoformat()}
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.text
    expert_cm.refresh_from_db()
    assert expert_cm.until is None


def test_without_an_active_model_there_is_nowhere_to_assign(client_for, lead, make_model):
    make_model(name="Only a draft")
    html = client_for(lead).get(reverse("roles:assignments")).text
    assert "no model is active yet" in html
    assert 'name="discipline"' not in html


def _assign_many(lead, make_user, profiles, disciplines, count, start=0, unit="marketing"):
    people = []
    for n in range(start, start + count):
        person = make_user(username=f"holder{n:03}", last_name=f"Holder{n:03}")
        services.assignment_create(
            actor=lead,
            user=person,
            profile=profiles["community-manager"],
            seniority="junior",
            discipline=disciplines[unit],
        )
        people.append(person)
    return people


def test_the_assignment_list_costs_the_same_and_shows_one_page(
    client_for, lead, active, make_user, profiles, disciplines, django_assert_num_queries
):
    client = client_for(lead)
    url = reverse("roles:assignments") + "?unit=marketing"
    _assign_many(lead, make_user, profiles, disciplines, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _assign_many(lead, make_user, profiles, disciplines, 60, start=3)
    with django_assert_num_queries(len(before)):
        response = client.get(url)
    assert len(response.context["page_obj"].object_list) == 50
    assert response.text.count("Holder0") == 50
    assert "?unit=marketing&amp;page=2" in response.text  # the filter stays in the page links
    assert "<option" not in response.text.split('name="user"')[1].split("</div>")[0]  # no select of everyone
    second = client.get(url + "&page=2")
    assert len(second.context["page_obj"].object_list) == 13


def test_the_assignment_list_filters_by_name_profile_and_unit(
    client_for, communicator, lead, active, make_user, profiles, disciplines
):
    _assign_many(lead, make_user, profiles, disciplines, 2)
    _assign_many(lead, make_user, profiles, disciplines, 1, start=5, unit="sales")
    client = client_for(communicator)
    url = reverse("roles:assignments")

    def names(query):
        return [a.user.username for a in client.get(url + query).context["page_obj"]]

    assert names("?q=holder001") == ["holder001"]
    assert names("?unit=sales") == ["holder005"]
    assert names("?profile=social-media-manager") == []
    assert "No assignment matches these filters." in client.get(url + "?profile=social-media-manager").text
    assert len(names("?unit=no-such-unit&profile=nope")) == 3  # a bad filter is ignored, not a crash


def test_a_lead_names_the_person_by_username_or_e_mail(client_for, lead, team, active, profiles, disciplines):
    client = client_for(lead)
    expert = team["expert"]
    expert.email = "Expert@Example.org"
    expert.save()
    form = client.get(reverse("roles:assignments") + f"?user={expert.pk}").text
    assert re.search(rf'name="user"[^>]*value="{expert.username}"', form)
    data = _assign_data(expert, profiles["community-manager"], disciplines["marketing"], "junior")
    response = client.post(reverse("roles:assignments"), {**data, "user": "nobody-by-that-name"})
    assert response.status_code == 400 and "Nobody active has the username or e-mail" in response.text
    response = client.post(reverse("roles:assignments"), {**data, "user": " expert@example.ORG "})
    assert response.status_code == 302
    assert RoleAssignment.objects.get().user == expert


def test_person_search_suggests_people_to_leads_only(
    client_for, lead, communicator, team, make_user, django_assert_num_queries
):
    url = reverse("roles:person_search")
    assert client_for(communicator).get(url).status_code == 403
    client = client_for(lead)
    expert = team["expert"]
    found = client.get(url, {"q": expert.username}).json()
    assert {"value": expert.username, "label": expert.get_full_name()} in found["results"]
    client.get(url, {"q": "many"})
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"q": "many"})
    for n in range(25):
        make_user(username=f"many{n:02}")
    with django_assert_num_queries(len(before)):
        first = client.get(url, {"q": "many"}).json()
    assert len(first["results"]) == 20 and first["next"] == 2
    assert len(client.get(url, {"q": "many", "page": "2"}).json()["results"]) == 5


# --- The gap analysis page: privacy ----------------------------------------------------------


def test_a_person_sees_their_own_gap_page(client_for, assessed, team):
    response = client_for(team["expert"]).get(reverse("roles:person", args=[team["expert"].pk]))
    assert response.status_code == 200
    assert "Assess yourself" in response.text


def test_me_leads_to_the_own_gap_page(client_for, team):
    response = client_for(team["communicator"]).get(reverse("roles:me"))
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:person", args=[team["communicator"].pk])


def test_the_discipline_manager_and_leads_see_it(client_for, assessed, team, lead, superuser):
    url = reverse("roles:person", args=[team["expert"].pk])
    for user in (team["manager"], lead, superuser):
        response = client_for(user).get(url)
        assert response.status_code == 200, user.username
        assert "Record an assessment" in response.text


def test_nobody_else_finds_the_page(client_for, assessed, team, executive, outsider):
    url = reverse("roles:person", args=[team["expert"].pk])
    assess_url = reverse("roles:assess", args=[team["expert"].pk])
    for user in (team["other_expert"], team["other_manager"], team["communicator"], executive, outsider):
        client = client_for(user)
        assert client.get(url).status_code == 404, user.username
        assert client.get(assess_url).status_code == 404, user.username
        assert client.post(assess_url, {"assessed_on": "2026-01-01"}).status_code == 404, user.username
    assert client_for(team["manager"]).get(reverse("roles:person", args=[99999])).status_code == 404


def test_the_gap_page_shows_the_chart_the_table_and_the_focus(client_for, assessed, team, competencies):
    html = client_for(team["manager"]).get(reverse("roles:person", args=[team["expert"].pk])).text
    assert "Community Manager (Junior) in Marketing" in html
    charts = svgs_in(html)
    assert len(charts) == 2  # wide and compact
    root = parse(charts[0])
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    # Largest gap first: community moderation (required 4, assessed 1).
    table = html.split("The levels as a table", 1)[1]
    assert table.index("Community moderation") < table.index("Law: privacy")
    assert "<strong>−3</strong>" in table
    # Self and manager side by side, with the history over time.
    assert ">Self<" in table
    assert "Suggested focus" in html
    assert "Self-assessment" in html.split("History", 2)[-1]
    assert "by " + team["manager"].get_full_name() in html


def test_empty_states(client_for, team, expert_cm):
    html = client_for(team["communicator"]).get(reverse("roles:person", args=[team["communicator"].pk])).text
    assert "You hold no job profile at the moment." in html
    html = client_for(team["expert"]).get(reverse("roles:person", args=[team["expert"].pk])).text
    assert "No assessments yet. Start with a self-assessment" in html
    assert not svgs_in(html)


def test_the_gap_page_query_count_is_constant(client_for, assessed, team, competencies, django_assert_num_queries):
    client = client_for(team["manager"])
    url = reverse("roles:person", args=[team["expert"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for slug in ("strategy", "intuition", "seo-sea", "writing-style", "diplomacy"):
        services.assessment_record(actor=team["manager"], person=team["expert"], competency=competencies[slug], level=2)
        services.assessment_record(actor=team["expert"], person=team["expert"], competency=competencies[slug], level=4)
    with django_assert_num_queries(len(before)):
        client.get(url)


# --- Recording assessments -------------------------------------------------------------------


def _levels(competencies, **levels):
    return {f"level-{competencies[slug.replace('_', '-')].pk}": str(level) for slug, level in levels.items()}


def test_the_manager_records_an_assessment(client_for, expert_cm, team, competencies, days_ago):
    client = client_for(team["manager"])
    url = reverse("roles:assess", args=[team["expert"].pk])
    assert client.get(url).status_code == 200
    data = {
        "assessed_on": days_ago(1).isoformat(),
        "note": "After the review.",
        **_levels(competencies, law=2, intuition=4),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:person", args=[team["expert"].pk])
    rows = Assessment.objects.filter(user=team["expert"]).order_by("competency__slug")
    assert [(a.competency.slug, a.level, a.is_self, a.assessed_by) for a in rows] == [
        ("intuition", 4, False, team["manager"]),
        ("law", 2, False, team["manager"]),
    ]


def test_a_person_records_a_self_assessment(client_for, expert_cm, team, competencies):
    client = client_for(team["expert"])
    url = reverse("roles:assess", args=[team["expert"].pk])
    assert "Assess yourself" in client.get(url).text
    response = client.post(url, {"assessed_on": "2026-01-10", **_levels(competencies, law=3)})
    assert response.status_code == 302
    assert Assessment.objects.get(user=team["expert"]).is_self


def test_a_level_out_of_range_is_a_form_error_on_its_competency(client_for, expert_cm, team, competencies):
    url = reverse("roles:assess", args=[team["expert"].pk])
    data = {"assessed_on": "2026-01-10", **_levels(competencies, law=7, intuition=3)}
    response = client_for(team["manager"]).post(url, data)
    assert response.status_code == 400
    assert f'id="id_level-{competencies["law"].pk}_error"' in response.text
    assert "less than or equal to 5" in response.text
    assert not Assessment.objects.exists()


def test_an_assessment_needs_a_level_and_a_date_not_in_the_future(client_for, expert_cm, team, competencies):
    client = client_for(team["manager"])
    url = reverse("roles:assess", args=[team["expert"].pk])
    response = client.post(url, {"assessed_on": "2026-01-10"})
    assert response.status_code == 400
    assert "Choose a level for at least one competency." in response.text
    response = client.post(url, {"assessed_on": "2999-01-01", **_levels(competencies, law=3)})
    assert response.status_code == 400
    assert "cannot be dated in the future" in response.text
    assert not Assessment.objects.exists()


def test_a_person_without_a_profile_can_still_be_assessed(client_for, team, competencies):
    client = client_for(team["manager"])
    url = reverse("roles:assess", args=[team["expert"].pk])
    page = client.get(url).text
    assert competencies["law"].label in page
    assert client.post(url, {"assessed_on": "2026-01-10", **_levels(competencies, law=3)}).status_code == 302


# --- Staffing --------------------------------------------------------------------------------


def test_staffing_without_an_active_model(client_for, communicator):
    html = client_for(communicator).get(reverse("roles:staffing")).text
    assert "No organisational model is active yet." in html


def test_staffing_shows_holders_vacancies_and_shortfalls(client_for, lead, assessed, team, profiles, disciplines):
    html = client_for(lead).get(reverse("roles:staffing")).text
    assert "The hub has no social media manager." in html
    assert html.count("The spoke has no community manager.") >= 2  # customer service and sales
    units = html.split("Hubs and spokes", 1)[1]
    assert team["expert"].get_full_name() in units
    shortfalls = html.split("Falling short of their profile", 1)[1].split("Hubs and spokes", 1)[0]
    assert team["expert"].get_full_name() in shortfalls
    assert "Community moderation: 1 of 4" in shortfalls
    services.assignment_create(
        actor=lead,
        user=team["communicator"],
        profile=profiles["social-media-manager"],
        seniority="senior",
        discipline=disciplines["corporate-communications"],
    )
    assert "The hub has no social media manager." not in client_for(lead).get(reverse("roles:staffing")).text


def test_staffing_shows_shortfalls_only_to_those_who_may_see_them(client_for, assessed, team):
    html = client_for(team["other_expert"]).get(reverse("roles:staffing")).text
    shortfalls = html.split("Falling short of their profile", 1)[1].split("Hubs and spokes", 1)[0]
    assert team["expert"].get_full_name() not in shortfalls
    assert team["expert"].get_full_name() in html  # who holds what is no secret
    assert reverse("roles:person", args=[team["expert"].pk]) not in html


def test_the_staffing_page_query_count_is_constant(
    client_for, lead, active, make_user, profiles, disciplines, competencies, django_assert_num_queries
):
    client = client_for(lead)
    url = reverse("roles:staffing")
    units = ["corporate-communications", "marketing", "customer-service", "sales"]

    def add(count, start):
        person = None
        for n in range(start, start + count):
            person = make_user(username=f"person{n}")
            services.assignment_create(
                actor=lead,
                user=person,
                profile=profiles["community-manager"],
                seniority="junior",
                discipline=disciplines[units[n % len(units)]],
            )
            services.assessment_record(actor=lead, person=person, competency=competencies["law"], level=1)
        return person

    add(1, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    add(40, 1)
    with django_assert_num_queries(len(before)):
        response = client.get(url)
    # Each unit lists its first holders and links to all of them; shortfalls come a page at a time.
    assert len(response.context["page_obj"].object_list) == 25
    assert response.context["page_obj"].paginator.count == 41
    assert "Page 1 of 2" in response.text
    link = reverse("roles:assignments") + "?profile=community-manager&amp;unit=marketing"
    assert f'<a href="{link}">All 10</a>' in response.text


# --- The gap chart ---------------------------------------------------------------------------


def test_the_gap_chart_is_accessible_escaped_and_csp_safe(assessed, team, competencies, lead):
    competencies["law"].name = "<script>alert('x')</script> & law"
    competencies["law"].save()
    analysis = gap_analysis(viewer=team["manager"], person=team["expert"])
    for compact in (False, True):
        svg = str(gap_chart(analysis, id_prefix="t", compact=compact))
        assert "<script>" not in svg
        root = parse(svg)
        prefix = "t-compact" if compact else "t"
        assert root.get("aria-labelledby") == f"{prefix}-title"
        assert root.find(f"{SVG}title").get("id") == f"{prefix}-title"
        assert "Community Manager (Junior)" in root.find(f"{SVG}title").text
        assert "Community moderation" in root.find(f"{SVG}desc").text
        assert root.get("viewBox").startswith("0 0 ")
        for el in root.iter():
            assert "style" not in el.attrib
            assert el.tag not in (f"{SVG}style", f"{SVG}script")
        text = " ".join(root.itertext())
        assert "<script>alert('x')</script> & law" in text
        kinds = {el.get("class") for el in root.iter(f"{SVG}rect")}
        assert {"gap-chart-bar gap-chart-required", "gap-chart-bar gap-chart-assessed"} <= kinds
        assert "gap-chart-bar gap-chart-self" in kinds
        assert "gap-chart-bar gap-chart-gap" in kinds
    # The compact drawing is as wide as a phone.
    assert parse(gap_chart(analysis, compact=True)).get("viewBox").split()[2] == "360"


def test_no_rows_no_chart(team):
    assert gap_chart(gap_analysis(viewer=team["expert"], person=team["expert"])) == ""


# --- Job profiles in the governance diagram --------------------------------------------------


def _render_tag(model, user):
    return Template("{% load governance_diagram %}{% governance_diagram model %}").render(
        Context({"model": model, "user": user})
    )


def test_the_diagram_shows_the_profiles_held_in_each_unit(active, lead, team, profiles, disciplines, communicator):
    plain = _render_tag(active, communicator)
    assert "diagram-badge" not in plain
    for user, slug, seniority, where in (
        (team["communicator"], "social-media-manager", "senior", "corporate-communications"),
        (lead, "social-media-consultant", "none", "corporate-communications"),
        (team["expert"], "community-manager", "junior", "marketing"),
        (team["other_expert"], "community-manager", "senior", "marketing"),
    ):
        services.assignment_create(
            actor=lead, user=user, profile=profiles[slug], seniority=seniority, discipline=disciplines[where]
        )
    html = _render_tag(active, communicator)
    wide = parse(svgs_in(html)[0])
    badges = [" ".join(el.itertext()).strip() for el in wide.iter(f"{SVG}g") if el.get("class") == "diagram-badge"]
    # SMM and SMC on the hub, CM once on marketing, then the legend's three.
    assert sorted(badges) == sorted(["SMM", "SMC", "CM", "SMM", "SMC", "CM"])
    drawn = " ".join(" ".join(el.itertext()) for el in wide.iter(f"{SVG}text"))
    for name in ("community manager", "social media manager", "social media consultant"):
        assert name in drawn
    outline = html.split('class="diagram-outline"', 1)[1]
    assert '<span class="diagram-outline-badge">CM</span>' in outline
    assert "<dt>SMM</dt><dd>social media manager</dd>" in html


def test_ended_assignments_and_anonymous_viewers_show_no_badges(active, lead, team, profiles, disciplines, days_ago):
    from django.contrib.auth.models import AnonymousUser

    assignment = services.assignment_create(
        actor=lead,
        user=team["expert"],
        profile=profiles["community-manager"],
        seniority="junior",
        discipline=disciplines["marketing"],
        since=days_ago(30),
    )
    assert "diagram-badge" in _render_tag(active, lead)
    assert "diagram-badge" not in _render_tag(active, AnonymousUser())
    services.assignment_end(actor=lead, assignment=assignment, until=days_ago(1))
    assert "diagram-badge" not in _render_tag(active, lead)


def test_the_dashboard_shows_the_badges_at_a_constant_query_count(
    client_for, active, lead, make_user, profiles, disciplines, executive
):
    roles_of(executive)
    client = client_for(executive)
    url = reverse("dashboard", args=["executive"])
    services.assignment_create(
        actor=lead,
        user=make_user(username="cm0"),
        profile=profiles["community-manager"],
        seniority="junior",
        discipline=disciplines["marketing"],
    )
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n, (slug, where) in enumerate(
        [
            ("social-media-manager", "corporate-communications"),
            ("social-media-consultant", "corporate-communications"),
            ("community-manager", "sales"),
            ("community-manager", "customer-service"),
            ("community-manager", "marketing"),
        ]
    ):
        services.assignment_create(
            actor=lead,
            user=make_user(username=f"holder{n}"),
            profile=profiles[slug],
            seniority="none" if slug == "social-media-consultant" else "senior",
            discipline=disciplines[where],
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "<dt>SMC</dt><dd>social media consultant</dd>" in response.text
    assert len(many) == len(one)


# --- German ----------------------------------------------------------------------------------


def test_the_pages_show_the_german_content_in_german(client_for, lead, assessed, team, competencies):
    client = client_for(lead)
    urls = [
        reverse("roles:matrix"),
        reverse("roles:profile", args=["community-manager"]),
        reverse("roles:person", args=[team["expert"].pk]),
        reverse("roles:assess", args=[team["expert"].pk]),
        reverse("roles:staffing"),
        reverse("roles:assignments"),
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 200, url
    matrix = client.get(reverse("roles:matrix"), HTTP_ACCEPT_LANGUAGE="de").text
    assert competencies["strategy"].name_de in matrix
    person = client.get(reverse("roles:person", args=[team["expert"].pk]), HTTP_ACCEPT_LANGUAGE="de").text
    assert competencies["community-moderation"].name_de in person
