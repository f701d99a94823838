import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

DASHBOARD_OF = {
    "lead": ("governance_lead", "Governance lead"),
    "communicator": ("communicator", "Communicator"),
    "expert": ("expert", "Expert"),
    "expert2": ("expert", "Expert"),
    "manager": ("manager", "Manager"),
    "executive": ("executive", "Executive"),
    "admin": ("governance_lead", "Governance lead"),
}


@pytest.mark.parametrize("username", list(DASHBOARD_OF))
def test_each_demo_account_signs_in_and_sees_its_dashboard(demo_data, page, live_server, sign_in, screenshot, username):
    sign_in(username)
    slug, heading = DASHBOARD_OF[username]
    expect(page).to_have_url(f"{live_server.url}/dashboard/{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    screenshot(f"dashboard-{username}")
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_german_interface(demo_data, page, live_server, sign_in, screenshot):
    sign_in("lead")
    page.get_by_label("Language").select_option("de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance-Lead")
    screenshot("dashboard-lead-de")
