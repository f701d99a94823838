"""The executive's figures in a browser: each with what it counts, a period menu that
changes them, and a page no wider than a phone or a laptop screen."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_the_executive_reads_the_figures_and_changes_the_period(
    demo_data, page, live_server, sign_in, screenshot, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    sign_in("executive")
    expect(page).to_have_url(f"{live_server.url}/dashboard/executive/")
    expect(page.get_by_text("Hours spent within the estimate on input delivered in the period")).to_be_visible()
    expect(page.get_by_role("heading", name="Open:", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"executive-figures-{width}")
    page.get_by_role("link", name="This year").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard/executive/?period=year")
    expect(page.get_by_role("link", name="This year")).to_have_attribute("aria-current", "page")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
