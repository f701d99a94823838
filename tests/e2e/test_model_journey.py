"""A governance lead goes from the questionnaire to a published hub and spoke model."""

import re

import pytest
from playwright.sync_api import expect

from disciplines.models import Discipline
from governance.models import Activity, OrganisationalModel

pytestmark = pytest.mark.e2e


def test_lead_builds_and_publishes_a_hub_and_spoke_model(demo_data, page, live_server, sign_in, screenshot):
    sign_in("lead")

    # Which model fits us? A single brand, established, trained employees: hub and spoke.
    page.goto(f"{live_server.url}/models/fit/")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("One", exact=True).check()
    page.get_by_label(re.compile("Established:")).check()
    page.get_by_label("Employees who have been trained").check()
    page.get_by_role("button", name="Recommend a model").click()
    expect(page.locator("#recommendation-title")).to_have_text("Hub and spoke (coordinated)")
    screenshot("model-fit")
    page.get_by_role("link", name="Start a draft of this model").first.click()
    expect(page.get_by_label("Hub and spoke (coordinated)")).to_be_checked()
    page.get_by_label("Name", exact=True).fill("Hub and spoke 2027")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hub and spoke 2027")
    draft = OrganisationalModel.objects.get(name="Hub and spoke 2027")

    # The hub and three spokes.
    page.get_by_role("link", name="Add a hub").click()
    page.get_by_label("Home discipline").select_option(label="Corporate Communications / PR")
    page.get_by_role("button", name="Save").click()
    for spoke in ["Marketing", "Customer Service", "Sales"]:
        page.get_by_role("link", name="Add a spoke").click()
        page.get_by_label("Discipline", exact=True).select_option(label=spoke)
        page.get_by_label("Hub", exact=True).select_option(index=1)
        page.get_by_role("button", name="Save").click()
    assert sorted(draft.spokes.values_list("discipline__name", flat=True)) == ["Customer Service", "Marketing", "Sales"]

    # The RACI grid: the hub is A/R everywhere except crisis communication, where it is only R.
    hub = Discipline.objects.get(slug="corporate-communications")
    crisis = Activity.objects.get(slug="crisis-communication")
    page.goto(f"{live_server.url}/models/{draft.pk}/raci/")
    for activity in Activity.objects.all():
        page.select_option(f"select[name=cell-{activity.pk}-{hub.pk}]", "R" if activity == crisis else "AR")
    page.get_by_role("button", name="Save responsibilities").click()

    # Publishing is refused, naming the missing Accountable.
    page.goto(f"{live_server.url}/models/{draft.pk}/")
    page.get_by_role("link", name="Publish", exact=True).click()
    expect(page.get_by_text(re.compile("“Crisis communication” has no Accountable")).first).to_be_visible()
    expect(page.get_by_role("button", name="Publish now")).to_have_count(0)
    screenshot("model-publish-refused")
    draft.refresh_from_db()
    assert draft.status == OrganisationalModel.Status.DRAFT

    # Fixed in the grid, then published.
    page.goto(f"{live_server.url}/models/{draft.pk}/raci/")
    page.select_option(f"select[name=cell-{crisis.pk}-{hub.pk}]", "AR")
    page.get_by_role("button", name="Save responsibilities").click()
    screenshot("model-raci")
    page.goto(f"{live_server.url}/models/{draft.pk}/publish/")
    page.get_by_role("button", name="Publish now").click()
    draft.refresh_from_db()
    assert draft.status == OrganisationalModel.Status.ACTIVE
    assert OrganisationalModel.objects.filter(status=OrganisationalModel.Status.ACTIVE).count() == 1

    # Every dashboard now draws the new model.
    page.goto(f"{live_server.url}/dashboard/governance_lead/")
    diagram = page.locator("figure svg").first
    expect(diagram).to_be_visible()
    expect(page.locator("figure").first).to_contain_text("Hub and spoke 2027")
    expect(page.locator("figure").first).to_contain_text("Customer Service")
    screenshot("dashboard-new-model")
