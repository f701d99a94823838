"""The expert input journey in a browser: a communicator asks for more than the budget has
left, the manager grants the time, routing resumes, the expert accepts and delivers, the
communicator completes and rates it, and the expert sees the thanks."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from content_workflow.models import ExpertInputRequest, Status, TimeAllocationRequest, TimeBudget
from content_workflow.models.messages import format_hours
from disciplines.models import Discipline

pytestmark = pytest.mark.e2e

TITLE = "Pricing API launch: the why"


def _switch_user(page, sign_in, username):
    page.context.clear_cookies()
    sign_in(username)


def test_communicator_asks_manager_grants_expert_delivers_communicator_rates(
    demo_data, page, live_server, sign_in, screenshot
):
    product = Discipline.objects.get(slug="product")
    # The 15th of the month after next: seed_demo approved product's budget for this and
    # next month only, so the whole estimate must be granted. It fits an expert's room in
    # their weekly capacity (routing refuses to overbook anyone).
    due = (timezone.localdate().replace(day=1) + datetime.timedelta(days=75)).replace(day=15)
    assert not TimeBudget.objects.filter(discipline=product, month=due.replace(day=1)).exists()
    estimate = Decimal("1.5")

    # The communicator asks, from the dashboard.
    sign_in("communicator")
    page.goto(f"{live_server.url}/dashboard/communicator/")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    screenshot("workflow-00-communicator-dashboard")
    page.get_by_role("link", name="New request").click()
    expect(page.get_by_text("A communicator of the hub asks the hub's spokes")).to_be_visible()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Brief").fill("Three paragraphs on why the new API pricing is fairer, with one quotable line.")
    page.get_by_label("Topic tags").fill("pricing, api")
    page.get_by_label("Discipline to ask").select_option(label=product.label)
    # The preferred expert is a text field whose suggestions come from the app as one types.
    preferred = page.get_by_label("Preferred expert (optional)")
    preferred.fill("Eva")
    expect(page.locator('#id_preferred_expert-suggestions option[value="expert"]')).to_have_count(1)
    preferred.fill("")
    page.get_by_label("Estimated hours").fill(str(estimate))
    page.get_by_label("Due date").fill(due.isoformat())
    expect(page.locator(f'#budget-table tr[data-discipline="{product.pk}"]')).to_have_class(re.compile("wf-chosen"))
    screenshot("workflow-01-request-form")
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_role("heading", name="Waiting for time")).to_be_visible()
    request = ExpertInputRequest.objects.get(title=TITLE)
    assert request.status == Status.AWAITING_ALLOCATION
    allocation = TimeAllocationRequest.objects.get(request=request)
    assert allocation.hours_requested == estimate
    screenshot("workflow-02-awaiting-time")

    # The manager grants the hours; routing resumes by itself.
    _switch_user(page, sign_in, "manager")
    page.goto(f"{live_server.url}{reverse('content_workflow:allocation_list')}")
    card = page.locator(f"#allocation-{allocation.pk}")
    expect(card).to_contain_text(TITLE)
    screenshot("workflow-03-manager-allocations")
    with page.expect_navigation():
        card.get_by_role("button", name=f"Approve {format_hours(allocation.hours_requested)} h").click()
    request.refresh_from_db()
    assert request.status == Status.ASSIGNED, request.routing_reason
    assignee = request.assignee.username
    assert assignee in ("expert", "expert2")

    # The expert accepts and delivers, from the dashboard.
    _switch_user(page, sign_in, assignee)
    page.goto(f"{live_server.url}/dashboard/expert/")
    asked = page.locator("section", has=page.get_by_role("heading", name=re.compile("Asked of me")))
    expect(asked).to_contain_text(TITLE)
    screenshot("workflow-04-expert-dashboard")
    asked.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name="You are asked for input")).to_be_visible()
    expect(page.locator(".wf-routing-reason")).to_contain_text("Their expertise covers the topics")
    page.get_by_role("button", name="Accept", exact=True).first.click()
    expect(page.get_by_text("Accepted. The requester is told.")).to_be_visible()
    page.goto(f"{live_server.url}/work/")
    expect(page.locator(".wf-work-item", has_text=TITLE)).to_contain_text("Deliver input")
    screenshot("workflow-05-expert-inbox")
    page.locator(".wf-work-item", has_text=TITLE).get_by_role("link", name=TITLE).click()
    page.get_by_label("Your input").fill(
        "Fairer because you pay per call, not per seat. Quote: “Pay for what you use.”"
    )
    page.get_by_label("Hours you actually spent").fill("2.5")
    page.get_by_label("Files (optional)").set_input_files(
        files=[{"name": "pricing-notes.txt", "mimeType": "text/plain", "buffer": b"Per call, not per seat."}]
    )
    screenshot("workflow-06-deliver")
    page.get_by_role("button", name="Deliver", exact=True).click()
    expect(page.get_by_text("Delivered. The requester is told.")).to_be_visible()
    request.refresh_from_db()
    assert request.status == Status.DELIVERED

    # The communicator completes and rates it.
    _switch_user(page, sign_in, "communicator")
    page.goto(f"{live_server.url}/dashboard/communicator/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("link", name="pricing-notes.txt")).to_be_visible()
    page.get_by_label("5 – very useful").check()
    page.get_by_label("Thank-you note").fill("Published on Monday; the quote was picked up by two trade blogs.")
    page.get_by_label("I have checked the rating and the note.").check()
    screenshot("workflow-07-complete")
    page.get_by_role("button", name="Complete", exact=True).click()
    expect(page.get_by_text("Completed. The expert sees your rating and thanks.")).to_be_visible()
    request.refresh_from_db()
    assert request.status == Status.COMPLETED
    screenshot("workflow-08-completed")
    page.goto(f"{live_server.url}/requests/")
    expect(page.get_by_role("row", name=re.compile(TITLE))).to_contain_text("Completed")
    screenshot("workflow-09-my-requests")

    # The expert sees the rating and the thanks.
    _switch_user(page, sign_in, assignee)
    page.goto(f"{live_server.url}/work/")
    page.get_by_role("link", name="My contributions").first.click()
    item = page.locator(".wf-contribution-item", has_text=TITLE)
    expect(item).to_contain_text("★★★★★ 5/5")
    expect(item).to_contain_text("picked up by two trade blogs")
    screenshot("workflow-10-expert-thanks")
