"""The content loop in a browser (issue 11): a communicator plans a piece and asks an
expert for input from it; the expert accepts and delivers; the communicator writes the
text and sends it to final check; the expert opens the approve link of the e-mail
(taken from the outbox) and approves with one wording comment; the communicator
publishes it with its URL, and the calendar shows it on its date."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from content_workflow.models import ContentPiece, ExpertInputRequest, FinalCheck, PieceStatus, Status
from disciplines.models import Discipline

pytestmark = pytest.mark.e2e

PIECE = "Our fairer API pricing"


def _as(page, sign_in, username):
    page.context.clear_cookies()
    sign_in(username)


def test_a_piece_from_idea_to_published_with_the_experts_check(demo_data, page, live_server, sign_in, screenshot):
    product = Discipline.objects.get(slug="product")
    today = timezone.localdate()
    due = today + datetime.timedelta(days=10)

    # The communicator plans the piece and asks for input from it.
    sign_in("communicator")
    page.goto(f"{live_server.url}/pieces/new/")
    page.get_by_label("Working title").fill(PIECE)
    page.get_by_label("Planned publish date").fill(today.isoformat())
    page.get_by_role("button", name="Plan the piece").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PIECE)
    piece = ContentPiece.objects.get(title=PIECE)
    page.get_by_role("button", name="Start production").click()
    page.get_by_role("link", name="Ask an expert for input").click()
    expect(page.get_by_text(f"This request feeds the content piece “{PIECE}”.")).to_be_visible()
    page.get_by_label("Title").fill("Why the new API pricing is fairer")
    page.get_by_label("Brief").fill("Three facts and one quotable line for the blog post.")
    page.get_by_label("Topic tags").fill("pricing, api")
    page.get_by_label("Discipline to ask").select_option(label=product.label)
    page.get_by_label("Preferred expert (optional)").fill("expert")
    page.get_by_label("Estimated hours").fill("1")
    page.get_by_label("Due date").fill(due.isoformat())
    screenshot("content-01-request-from-piece")
    page.get_by_role("button", name="Submit", exact=True).click()
    request = ExpertInputRequest.objects.get(piece=piece)
    assert request.status == Status.ASSIGNED, request.routing_reason
    expert = request.assignee.username

    # The expert accepts and delivers.
    _as(page, sign_in, expert)
    page.goto(f"{live_server.url}/requests/{request.pk}/accept/")
    page.get_by_role("button", name="Accept").click()
    page.goto(f"{live_server.url}/requests/{request.pk}/deliver/")
    page.get_by_label("Your input").fill("Prices now follow use; small teams pay less. Quote: 'Fair by design.'")
    page.get_by_label("Hours you actually spent").fill("1")
    page.get_by_role("button", name="Deliver").click()
    assert ExpertInputRequest.objects.get(pk=request.pk).status == Status.DELIVERED

    # The communicator writes the text and sends the piece to final check.
    _as(page, sign_in, "communicator")
    page.goto(f"{live_server.url}/pieces/{piece.pk}/edit/")
    page.get_by_label("Text").fill("Our prices now follow use: small teams pay less. 'Fair by design,' says Eva.")
    page.get_by_role("button", name="Save").click()
    mail.outbox.clear()
    page.get_by_role("button", name="Send to final check").click()
    expect(page.get_by_role("heading", name=re.compile("Final check, round 1"))).to_be_visible()
    screenshot("content-02-in-final-check")

    # The expert approves from the e-mail, signed out, with one wording comment.
    message = next(m for m in mail.outbox if m.to == [request.assignee.email])
    link = re.search(r"^Approve the final check: (\S+)$", message.body, re.M).group(1)
    page.context.clear_cookies()
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve the final check")
    page.get_by_label("A change to make (optional): it is about").select_option("wording")
    page.get_by_label("What must change").fill("Say 'usage-based', not 'follow use'.")
    screenshot("content-03-approve-from-email")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approved. The owner is told.")
    check = FinalCheck.objects.get(piece=piece)
    assert check.verdict == FinalCheck.Verdict.APPROVED_WITH_CHANGES
    assert check.comments == [{"label": "wording", "text": "Say 'usage-based', not 'follow use'."}]
    piece.refresh_from_db()
    assert piece.status == PieceStatus.APPROVED

    # The communicator publishes it; the calendar shows it on its date.
    _as(page, sign_in, "communicator")
    page.goto(f"{live_server.url}/pieces/{piece.pk}/")
    expect(page.locator("#checks-heading + ul")).to_contain_text("Say 'usage-based', not 'follow use'.")
    page.get_by_label("Published URL").fill("https://example.com/blog/fair-pricing")
    page.get_by_label("Published on").fill(today.isoformat())
    page.get_by_role("button", name="Mark as published").last.click()
    piece.refresh_from_db()
    assert piece.status == PieceStatus.PUBLISHED
    screenshot("content-04-published")
    page.goto(f"{live_server.url}/calendar/?month={today:%Y-%m}")
    day = page.locator(f'time[datetime="{today.isoformat()}"]').locator("xpath=ancestor::tr")
    expect(day).to_contain_text(PIECE)
    screenshot("content-05-calendar")
