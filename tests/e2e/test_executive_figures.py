"""The executive's figures in a browser: each with what it counts, a period menu that
changes them, and a page no wider than a phone or a laptop screen."""

import re

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


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_the_executive_picks_a_custom_range_and_a_discipline(
    demo_data, page, live_server, sign_in, screenshot, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    sign_in("executive")
    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("To").fill("2026-03-31")
    page.get_by_label("Scope").select_option("discipline-product")
    page.get_by_role("button", name="Show figures").click()
    expect(page).to_have_url(
        f"{live_server.url}/dashboard/executive/?period=custom&from=2026-01-01&to=2026-03-31&scope=discipline-product"
    )
    expect(page.get_by_label("Scope")).to_have_value("discipline-product")
    expect(
        page.get_by_role("img", name="Requests opened and completed per month, the last twelve months")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Hours and requests per month")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"executive-range-scope-{width}")
    # A range that ends before it starts: a message, the page still there.
    page.goto(f"{live_server.url}/dashboard/executive/?period=custom&from=2026-03-31&to=2026-01-01")
    expect(page.get_by_role("alert")).to_contain_text("The range ends before it starts")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_the_manager_reads_their_disciplines_figures(demo_data, page, live_server, sign_in, screenshot, width, height):
    page.set_viewport_size({"width": width, "height": height})
    sign_in("manager")
    expect(page.get_by_role("heading", name="Requests in the period", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"manager-figures-{width}")


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_the_executive_drills_down_from_a_bar_to_its_requests(
    demo_data, page, live_server, sign_in, screenshot, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    sign_in("executive")
    chart = page.get_by_role("img", name="Requests opened and completed per month, the last twelve months")
    bar = chart.locator("a:has(rect.cw-chart-opened)").last  # this month's requests opened
    title = bar.locator("title").text_content()
    opened = int(title.rsplit(" ", 1)[1])
    bar.click()
    expect(page).to_have_url(re.compile(r"/requests/\?show=all&submitted_after=\d{4}-\d\d-01&submitted_before="))
    expect(page.locator(".wf-drill-down")).to_have_attribute("data-total", str(opened))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"executive-bar-drill-down-{width}")
