"""Job profiles end to end: a lead places a social media manager in the hub, the manager
assesses her, she sees her gap chart, and a colleague cannot open it."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from roles.models import Assessment, RoleAssignment

pytestmark = pytest.mark.e2e


def sign_out(page):
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()


def test_lead_assigns_manager_assesses_person_sees_gaps(demo_data, page, live_server, sign_in, screenshot):
    expert = get_user_model().objects.get(username="expert")  # Eva Schmidt, expert in Product
    person_url = f"{live_server.url}/profiles/people/{expert.pk}/"

    # The lead reads the matrix and assigns the social media manager profile in the hub.
    sign_in("lead")
    page.goto(f"{live_server.url}/profiles/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Competency matrix")
    expect(page.locator("table.matrix")).to_contain_text("Strategy development")
    screenshot("roles-matrix")
    page.get_by_role("link", name="Who holds which profile").click()
    page.get_by_label("Person", exact=True).fill("expert")  # her username
    page.get_by_label("Job profile", exact=True).select_option(label="Social Media Manager")
    page.get_by_label("Seniority", exact=True).select_option(label="Junior")
    page.get_by_label("Unit", exact=True).select_option(
        label="Hub · Social Media Centre of Excellence (Corporate Communications / PR)"
    )
    page.get_by_role("button", name="Assign profile").click()
    expect(page.locator(".messages")).to_contain_text("Eva Schmidt now holds Social Media Manager (Junior)")
    smm = RoleAssignment.objects.get(user=expert, profile__slug="social-media-manager")
    assert (smm.kind, smm.seniority, smm.discipline.slug) == ("hub", "junior", "corporate-communications")

    # Every dashboard's diagram now places the social media manager in the hub.
    page.goto(f"{live_server.url}/dashboard/governance_lead/")
    diagram = page.locator("figure.diagram").first
    expect(diagram.locator("svg .diagram-badge").filter(has_text="SMM").first).to_be_visible()
    expect(diagram).to_contain_text("social media manager")
    screenshot("roles-dashboard-diagram")
    sign_out(page)

    # Her discipline's manager records an assessment through the pages.
    sign_in("manager")
    page.goto(f"{live_server.url}/profiles/assignments/")
    page.get_by_role("link", name="Eva Schmidt").first.click()
    expect(page).to_have_url(person_url)
    page.get_by_role("link", name="Record an assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assess Eva Schmidt")
    for competency, level in (
        ("Strategy development", "2"),
        ("Measurement and reporting (KPIs)", "3"),
        ("Persuading management", "2"),
        ("Community moderation", "4"),
    ):
        page.get_by_label(competency, exact=True).select_option(level)
    page.get_by_label("Note", exact=True).fill("After the quarterly review.")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.locator(".messages")).to_contain_text("Assessment of Eva Schmidt recorded (4 competencies)")
    manager_views = Assessment.objects.filter(user=expert, assessed_by__username="manager", note__contains="quarterly")
    assert manager_views.count() == 4
    sign_out(page)

    # She signs in and finds her gap chart through "My profile".
    sign_in("expert")
    page.goto(f"{live_server.url}/profiles/")
    page.get_by_role("link", name="My profile").click()
    expect(page).to_have_url(person_url)
    expect(page.locator(".page-header .lead")).to_contain_text("Social Media Manager (Junior)")
    chart = page.locator("figure.gap-chart .gap-chart-wide svg")
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_have_text(re.compile("Gap analysis of Eva Schmidt"))
    expect(page.locator(".gap-focus")).to_contain_text("Strategy development")
    screenshot("roles-gap-chart")
    sign_out(page)

    # A fellow expert of the same discipline does not find her page.
    sign_in("expert2")
    response = page.goto(person_url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find this page")
