"""In the browser: an admin imports the sample CSV (dry run, then apply), a new person
from it signs in through the OpenID Connect provider (a real one, started for the test:
tests/oidc_provider), and an admin erases a person after the confirmation page.
Screenshots in tests/e2e/artifacts/.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from disciplines.people_import import sample_csv
from tests.oidc_provider.running import PASSWORD, Provider

pytestmark = pytest.mark.e2e


def test_admin_imports_the_sample_then_a_new_person_signs_in_through_the_provider(
    demo_data, page, live_server, sign_in, screenshot, tmp_path, settings
):
    sign_in("admin")
    page.goto(f"{live_server.url}/catalogue/people/")
    page.get_by_role("link", name="Import people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people")
    expect(page.get_by_role("link", name="Download a sample CSV")).to_be_visible()
    path = tmp_path / "people.csv"
    path.write_text(sample_csv(), encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(page.get_by_role("heading", name="What applying would change")).to_be_visible()
    expect(page.get_by_text("ada.lovelace@example.com")).to_be_visible()
    assert not get_user_model().objects.filter(email="ada.lovelace@example.com").exists()
    screenshot("people-import-dry-run")
    # On a phone the result's tables become stacked cards: the page does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("people-import-dry-run-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator(".message-success")).to_contain_text("Import applied: 4 new people")
    screenshot("people-import-applied")
    ada = get_user_model().objects.get(email="ada.lovelace@example.com")
    assert not ada.has_usable_password() and ada.memberships.exists()

    # Ada has no password here: she signs in through the company's provider.
    provider = Provider(
        tmp_path,
        callback=f"{live_server.url}/oidc/callback/",
        after_logout=f"{live_server.url}/accounts/login/",
    )
    try:
        provider.person("ada.lovelace", "sm-experts")
        settings.OIDC_RP_CLIENT_ID = "governance"
        settings.OIDC_RP_CLIENT_SECRET = "governance-secret"
        settings.OIDC_ISSUER = f"{provider.url}/o"
        settings.OIDC_PROVIDER_NAME = "Example SSO"
        settings.OIDC_ROLE_MAP = {"sm-experts": "expert"}
        settings.AUTHENTICATION_BACKENDS = ["governance.oidc.Backend", *settings.AUTHENTICATION_BACKENDS]
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        screenshot("sso-sign-in-page")
        page.get_by_role("link", name="Sign in with Example SSO").click()
        page.locator('input[name="username"]').fill("ada.lovelace")
        page.locator('input[name="password"]').fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/dashboard/**")
        screenshot("sso-signed-in")
        expect(page.locator("body")).to_contain_text("Ada Lovelace")
        assert get_user_model().objects.get(pk=ada.pk).groups.filter(name="expert").exists()
    finally:
        provider.stop()


def test_admin_erases_a_person_after_confirming(demo_data, page, live_server, sign_in, screenshot):
    person = get_user_model().objects.get(username="expert2")
    sign_in("admin")
    page.goto(f"{live_server.url}/accounts/people/{person.pk}/erase/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase a person")
    screenshot("personal-data-erase-confirm")
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Erase this person").click()
    expect(page.locator(".messagelist, .messages")).to_contain_text("is erased")
    person.refresh_from_db()
    assert person.username == f"erased-{person.pk}" and not person.is_active
