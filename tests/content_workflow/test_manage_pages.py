"""The manager's pages (budgets, extra time requests, the team), the inbox and the
dashboards' cards: who may read, who may act, what sticks, and what a page costs."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content_workflow import services
from content_workflow.models import (
    BudgetEntry,
    Notification,
    NotificationPreference,
    Status,
    TimeAllocationRequest,
    TimeBudget,
)
from content_workflow.services.notifications import notify
from content_workflow.submissions import new_token
from disciplines.models import Absence, Membership
from governance import reporting

AS = TimeAllocationRequest.Status
TODAY = timezone.localdate()


def url(name, *args):
    return reverse(f"content_workflow:{name}", args=args)


def key():
    """A form's one-time token, as the page renders it."""
    return new_token()


def month_of(day):
    return f"{day:%Y-%m}"


def snapshot():
    """Every budget, ledger row and allocation: a refused change leaves them all as they were."""
    return [list(model.objects.order_by("pk").values()) for model in (TimeBudget, BudgetEntry, TimeAllocationRequest)]


def count_queries(client, path):
    client.get(path)  # warm up: the session, the user's roles
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def no_inline_styles(html):
    """Strict CSP: no style attributes, no <style>, no inline script anywhere."""
    assert not re.search(r"\sstyle=", html)
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


@pytest.fixture
def parked(in_state):
    """A request waiting for time (no budget at all): an open allocation of 2.5 h."""

    def make(**fields):
        request = in_state(Status.AWAITING_ALLOCATION, **fields)
        return request, TimeAllocationRequest.objects.get(request=request)

    return make


# --- Budgets -----------------------------------------------------------------------------------


def test_manager_approves_a_budget_and_a_double_submit_changes_nothing(client_for, team, due):
    client = client_for(team.manager)
    form = client.get(url("budget_list"))
    assert form.status_code == 200
    assert "Approve hours" in form.text
    data = {
        "discipline": team.product.pk,
        "month": month_of(due),
        "hours": "12.5",
        "reason": "Q3 content plan",
        "submission_token": key(),
    }
    response = client.post(url("budget_approve"), data)
    assert response.status_code == 302
    assert response["Location"] == f"{url('budget_list')}?month={month_of(due)}"
    budget = TimeBudget.objects.get(discipline=team.product, month=due.replace(day=1))
    assert (budget.approved_hours, budget.approved_by) == (Decimal("12.5"), team.manager)
    [entry] = budget.entries.all()
    assert (entry.kind, entry.hours, entry.actor, entry.note) == (
        "approve",
        Decimal("12.5"),
        team.manager,
        "Q3 content plan",
    )

    page = client.get(response["Location"])
    assert "12.5 h approved for Product" in page.text
    assert "<svg" in page.text and "cw-bar-remaining" in page.text
    no_inline_styles(page.text)

    again = client.post(url("budget_approve"), data)  # the same form again: a double click
    budget.refresh_from_db()
    assert budget.approved_hours == Decimal("12.5") and budget.entries.count() == 1
    assert again["Location"] == url("budget_detail", budget.pk)
    assert "This was already sent" in client.get(again["Location"]).text


def test_the_month_switcher_and_a_bad_month(client_for, team, budget, due):
    budget(20)
    client = client_for(team.manager)
    this_month = client.get(url("budget_list"))
    assert f"?month={month_of(due)}" in this_month.text  # "next month" leads to the due month
    assert "No hours approved yet" in this_month.text  # product has nothing this month
    next_month = client.get(url("budget_list") + f"?month={month_of(due)}")
    assert "20 h" in next_month.text
    assert client.get(url("budget_list") + "?month=2026-13").status_code == 200
    for wrong in ("nonsense", "9999-12", "0001-01", "2026"):
        assert client.get(url("budget_list") + f"?month={wrong}").status_code == 200


def test_manager_adjusts_with_a_reason(client_for, team, budget):
    stored = budget(20)
    client = client_for(team.manager)
    detail = client.get(url("budget_detail", stored.pk))
    assert detail.status_code == 200 and "Quarterly plan" in detail.text  # the ledger
    assert client.get(url("budget_adjust", stored.pk)).status_code == 200

    before = snapshot()
    response = client.post(url("budget_adjust", stored.pk), {"approved_hours": "15", "seen": "20", "reason": ""})
    assert response.status_code == 200
    assert "Say why, for the record." in response.text
    assert snapshot() == before

    response = client.post(
        url("budget_adjust", stored.pk),
        {"approved_hours": "15", "seen": "20", "reason": "Launch moved", "submission_token": key()},
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.approved_hours == 15
    entry = stored.entries.latest("pk")
    assert (entry.kind, entry.hours, entry.note) == ("adjust", Decimal(-5), "Launch moved")
    ledger = client.get(url("budget_detail", stored.pk)).text
    assert "Launch moved" in ledger and "Adjusted" in ledger


def test_bad_hours_are_form_errors_and_change_nothing(client_for, team, budget, in_state, due):
    stored = budget(20)
    in_state(Status.ASSIGNED)  # reserves 2.5 h (budget + 20 more)
    stored.refresh_from_db()
    client = client_for(team.manager)
    before = snapshot()
    base = {"discipline": team.product.pk, "month": month_of(due), "reason": "Plan"}
    for hours, message in (
        ("0", "Approve more than zero hours."),
        ("-3", "Approve more than zero hours."),
        ("abc", "Enter a number."),
    ):
        response = client.post(url("budget_approve"), base | {"hours": hours})
        assert response.status_code == 200
        assert message in response.text
    response = client.post(url("budget_approve"), base | {"hours": "5", "month": "1999-01"})
    assert "Select a valid choice" in response.text
    # Below what is reserved and used: refused with the reason.
    response = client.post(
        url("budget_adjust", stored.pk),
        {"approved_hours": "1", "seen": str(stored.approved_hours), "reason": "Cut"},
    )
    assert response.status_code == 200
    assert "2.5 h are reserved" in response.text
    # A total changed meanwhile is not overwritten blindly.
    response = client.post(url("budget_adjust", stored.pk), {"approved_hours": "30", "seen": "7", "reason": "More"})
    assert "changed to 40 h meanwhile" in response.text
    assert snapshot() == before


def test_another_disciplines_manager_cannot_touch_product_budgets(client_for, team, budget, due):
    stored = budget(20)
    client = client_for(team.other_manager)
    before = snapshot()
    assert client.get(url("budget_detail", stored.pk)).status_code == 404
    assert client.get(url("budget_adjust", stored.pk)).status_code == 404
    response = client.post(url("budget_adjust", stored.pk), {"approved_hours": "99", "reason": "Mine now"})
    assert response.status_code == 404
    response = client.post(
        url("budget_approve"),
        {"discipline": team.product.pk, "month": month_of(due), "hours": "5", "reason": "Sneaky"},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert snapshot() == before
    # Their own list shows marketing, not product.
    page = client.get(url("budget_list") + f"?month={month_of(due)}").text
    assert "Marketing" in page and f'href="{url("budget_detail", stored.pk)}"' not in page


@pytest.mark.parametrize("name", ["lead", "executive"])
def test_leads_and_executives_read_budgets_but_change_nothing(client_for, team, budget, parked, due, name):
    _request, allocation = parked()
    stored = budget(20)
    client = client_for(getattr(team, name))
    page = client.get(url("budget_list") + f"?month={month_of(due)}")
    assert page.status_code == 200 and "Product" in page.text and "20 h" in page.text
    assert 'id="approve"' not in page.text and "Adjust" not in page.text
    assert client.get(url("budget_detail", stored.pk)).status_code == 200
    queue = client.get(url("allocation_list"))
    assert queue.status_code == 200 and "Pricing explained" in queue.text
    assert "Approve fewer" not in queue.text
    assert client.get(url("allocation_detail", allocation.pk)).status_code == 200
    assert client.get(url("team")).status_code == 200

    before = snapshot()
    forbidden = [
        (url("budget_approve"), {"discipline": team.product.pk, "month": month_of(due), "hours": "5", "reason": "x"}),
        (url("budget_adjust", stored.pk), {"approved_hours": "5", "reason": "x"}),
        (url("allocation_approve", allocation.pk), {}),
        (url("allocation_reassign", allocation.pk), {"expert": team.expert.username}),
        (url("allocation_reject", allocation.pk), {"reason": "No"}),
    ]
    for path, data in forbidden:
        assert client.post(path, data).status_code == 403, path
    assert client.get(url("budget_approve")).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("name", ["expert", "requester", "outsider"])
def test_everyone_else_gets_403_but_has_an_inbox(client_for, team, name):
    client = client_for(getattr(team, name))
    for page in ("budget_list", "allocation_list", "team", "budget_approve"):
        assert client.get(url(page)).status_code == 403, page
    assert client.get(url("inbox")).status_code == 200


def test_a_manager_without_a_discipline_sees_empty_pages(client_for, make_user):
    from governance.access import Role

    client = client_for(make_user(Role.MANAGER))
    assert "You do not manage a discipline yet" in client.get(url("budget_list")).text
    assert "You do not manage a discipline yet" in client.get(url("allocation_list")).text
    assert "You do not manage a discipline yet" in client.get(url("team")).text
    assert client.get(url("budget_approve")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for page in ("budget_list", "allocation_list", "team", "inbox"):
        response = client.get(url(page))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Extra time requests ------------------------------------------------------------------------


def test_manager_approves_and_routing_resumes(client_for, team, parked, django_capture_on_commit_callbacks):
    request, allocation = parked()
    client = client_for(team.manager)
    queue = client.get(url("allocation_list"))
    assert "Pricing explained" in queue.text and "Approve 2.5 h" in queue.text
    no_inline_styles(queue.text)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("allocation_approve", allocation.pk), {"reason": "Launch matters"})
    assert response.status_code == 302 and response["Location"] == url("allocation_list")
    allocation.refresh_from_db()
    request.refresh_from_db()
    assert (allocation.status, allocation.hours_approved, allocation.decided_by) == (
        AS.APPROVED,
        Decimal("2.5"),
        team.manager,
    )
    assert request.status == Status.ASSIGNED  # left awaiting_allocation; routing ran after the commit
    assert allocation.budget_entries.get().note == "Launch matters"
    assert "routing continues" in client.get(url("allocation_list")).text


def test_manager_approves_fewer_hours(client_for, team, parked):
    request, allocation = parked()
    client = client_for(team.manager)
    before = snapshot()
    response = client.post(url("allocation_approve", allocation.pk), {"fewer-hours": "3"})
    assert response.status_code == 200 and "2.5 h were asked for" in response.text
    response = client.post(url("allocation_approve", allocation.pk), {"fewer-hours": ""})
    assert "Enter the hours you approve." in response.text
    response = client.post(url("allocation_approve", allocation.pk), {"fewer-hours": "0"})
    assert "Approve more than zero hours" in response.text
    assert snapshot() == before

    response = client.post(url("allocation_approve", allocation.pk), {"fewer-hours": "1", "fewer-reason": "Tight"})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert (allocation.status, allocation.hours_approved, allocation.offered_estimate) == (
        AS.PARTIALLY_APPROVED,
        Decimal("1"),
        Decimal("1"),
    )
    request.refresh_from_db()
    assert request.status == Status.AWAITING_ALLOCATION  # the requester answers the offer
    page = client.get(url("allocation_list")).text
    assert "Waiting for the requester" in page


def test_manager_names_an_expert(client_for, team, parked):
    request, allocation = parked()
    client = client_for(team.manager)
    detail = client.get(url("allocation_detail", allocation.pk))
    search = url("allocation_experts", allocation.pk)
    assert detail.status_code == 200 and f'data-search-url="{search}"' in detail.text
    suggested = client.get(search, {"q": team.expert2.username}).json()["results"]
    assert suggested == [{"value": team.expert2.username, "label": team.expert2.get_full_name()}]
    assert client.get(search, {"q": team.requester.username}).json()["results"] == []
    before = snapshot()
    for wanted in (team.other_expert.username, team.requester.username, ""):
        response = client.post(url("allocation_reassign", allocation.pk), {"expert": wanted})
        assert response.status_code == 200 and "expert" in response.context["reassign_form"].errors
    assert snapshot() == before

    response = client.post(
        url("allocation_reassign", allocation.pk), {"expert": team.expert2.username, "reason": "Erik knows"}
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    request.refresh_from_db()
    assert allocation.status == AS.REASSIGNED
    assert (request.status, request.assignee) == (Status.ASSIGNED, team.expert2)
    # Only those who decide get suggestions; another discipline's manager does not even see it.
    assert client_for(team.lead).get(search).status_code == 403
    assert client_for(team.other_manager).get(search).status_code == 404


def test_manager_rejects_with_a_reason_after_confirming(client_for, team, parked):
    request, allocation = parked()
    client = client_for(team.manager)
    confirm = client.get(url("allocation_reject", allocation.pk))
    assert confirm.status_code == 200 and "Reject the extra time?" in confirm.text
    before = snapshot()
    response = client.post(url("allocation_reject", allocation.pk), {"reason": "  "})
    assert response.status_code == 200
    assert "Say why, so the requester can revise the request." in response.text
    assert snapshot() == before

    response = client.post(url("allocation_reject", allocation.pk), {"reason": "Budget is spent on the launch"})
    assert response.status_code == 302
    allocation.refresh_from_db()
    request.refresh_from_db()
    assert (allocation.status, allocation.reason) == (AS.REJECTED, "Budget is spent on the launch")
    assert request.status == Status.DRAFT


def test_a_decided_request_gets_a_message_not_an_error(client_for, team, parked):
    _request, allocation = parked()
    client = client_for(team.manager)
    services.allocation_reject(allocation=allocation, actor=team.manager, reason="No")
    for path, data in (
        (url("allocation_approve", allocation.pk), {}),
        (url("allocation_approve", allocation.pk), {"fewer-hours": "1"}),
        (url("allocation_reassign", allocation.pk), {"expert": team.expert.username}),
        (url("allocation_reject", allocation.pk), {"reason": "Again"}),
    ):
        response = client.post(path, data, follow=True)
        assert response.status_code == 200
        assert "has been decided already" in response.text
    assert client.get(url("allocation_detail", allocation.pk)).status_code == 200


def test_another_disciplines_manager_gets_404_on_the_allocation(client_for, team, parked):
    _request, allocation = parked()
    client = client_for(team.other_manager)
    assert "Pricing explained" not in client.get(url("allocation_list")).text
    before = snapshot()
    assert client.get(url("allocation_detail", allocation.pk)).status_code == 404
    assert client.get(url("allocation_reject", allocation.pk)).status_code == 404
    assert client.post(url("allocation_approve", allocation.pk)).status_code == 404
    assert client.post(url("allocation_reassign", allocation.pk), {"expert": team.expert.username}).status_code == 404
    assert client.post(url("allocation_reject", allocation.pk), {"reason": "Mine"}).status_code == 404
    assert snapshot() == before


def test_the_requester_reads_the_allocation_of_their_request_like_the_api_shows_it(client_for, api_for, team, parked):
    _request, allocation = parked()
    page = client_for(team.requester).get(url("allocation_detail", allocation.pk))
    assert page.status_code == 200
    assert api_for(team.requester).get(f"/api/v1/allocations/{allocation.pk}/").status_code == 200
    # Read only: no decision forms, no budget figures, no link to the managers' queue.
    assert url("allocation_approve", allocation.pk) not in page.text
    assert "Budget left that month" not in page.text
    assert f'href="{url("allocation_list")}"' not in page.text
    assert client_for(team.requester).post(url("allocation_approve", allocation.pk)).status_code == 403
    # Another communicator of the same hub sees nothing.
    assert client_for(team.other_requester).get(url("allocation_detail", allocation.pk)).status_code == 404


def test_a_deputy_decides_while_the_grant_runs(client_for, team, parked):
    _request, allocation = parked()
    Absence.objects.create(
        user=team.manager, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=3), deputy=team.deputy
    )
    services.deputy_grants_sync()
    client = client_for(team.deputy)
    assert "Approve 2.5 h" in client.get(url("allocation_list")).text
    assert client.post(url("allocation_approve", allocation.pk)).status_code == 302
    allocation.refresh_from_db()
    assert (allocation.status, allocation.decided_by) == (AS.APPROVED, team.deputy)
    # The manager's absence and the deputy show on the team page.
    page = client.get(url("team")).text
    assert team.deputy.get_full_name() in page


def test_pending_requests_come_first(client_for, team, parked):
    _first, decided = parked(title="Decided one")
    services.allocation_reject(allocation=decided, actor=team.manager, reason="No")
    parked(title="Still open")
    text = client_for(team.manager).get(url("allocation_list")).text
    assert text.index("Still open") < text.index("Decided one")


# --- The team -----------------------------------------------------------------------------------


def test_team_shows_load_capacity_absences_and_contributions(client_for, team, in_state):
    delivered = in_state(Status.DELIVERED)  # eva delivers 2 h
    services.request_complete(request=delivered, actor=team.requester, note="Great, thanks", rating=4)
    in_state(Status.ASSIGNED, title="Second")  # and has 2.5 h open
    Absence.objects.create(
        user=team.expert2,
        starts_on=TODAY + datetime.timedelta(days=7),
        ends_on=TODAY + datetime.timedelta(days=9),
        deputy=team.expert,
    )
    page = client_for(team.manager).get(url("team"))
    assert page.status_code == 200
    text = page.text
    assert "Product" in text and "Marketing" not in text  # only the manager's team
    rows = {m.user.username: m for m in page.context["page_obj"]}
    assert rows["eva"].open_load == Decimal("2.5") and rows["eva"].weekly_capacity_hours == 6
    assert (rows["eva"].delivered_count, rows["eva"].hours_delivered, rows["eva"].on_time_count) == (1, 2, 1)
    assert (rows["erik"].delivered_count, rows["erik"].hours_delivered) == (0, 0)
    assert (rows["eva"].average_rating, rows["erik"].average_rating) == (4, None)
    assert "4.0 / 5" in text
    [summary] = page.context["summaries"]
    assert (summary.experts, summary.capacity, summary.open_load) == (2, 12, Decimal("2.5"))
    assert [m.user for m in summary.managers] == [team.manager]
    assert f"deputy: {team.expert.get_full_name()}" in text
    assert "2.5 / 6 h" in text
    no_inline_styles(text)


# --- The inbox ----------------------------------------------------------------------------------


def test_inbox_lists_only_my_notifications_unread_first(client_for, team):
    old = notify(
        recipient=team.requester,
        kind=Notification.Kind.REMINDER,
        params={"title": "Old and read", "due": "2031-03-03"},
        link="/team/",
    )
    Notification.objects.filter(pk=old.pk).update(read_at=timezone.now())
    notify(
        recipient=team.requester,
        kind=Notification.Kind.ACCEPTED,
        params={"expert": "Eva", "title": "Pricing"},
        link="/requests/1/",
    )
    notify(recipient=team.expert, kind=Notification.Kind.ACCEPTED, params={"expert": "Someone else", "title": "News"})
    page = client_for(team.requester).get(url("inbox"))
    assert page.status_code == 200
    assert "Eva accepted" in page.text and "Old and read" in page.text
    assert "Someone else" not in page.text
    assert page.text.index("Eva accepted") < page.text.index("Old and read")
    unread = client_for(team.requester).get(url("inbox") + "?show=unread").text
    assert "Eva accepted" in unread and "Old and read" not in unread
    no_inline_styles(page.text)


def test_marking_read_one_all_and_opening(client_for, team):
    first = notify(
        recipient=team.requester,
        kind=Notification.Kind.ACCEPTED,
        params={"expert": "Eva", "title": "First"},
        link="/team/",
    )
    second = notify(
        recipient=team.requester, kind=Notification.Kind.DELIVERED, params={"expert": "Eva", "title": "Second"}, link=""
    )
    evil = notify(
        recipient=team.requester,
        kind=Notification.Kind.DELIVERED,
        params={"expert": "Eva", "title": "Evil"},
        link="//evil.example/x",
    )
    theirs = notify(recipient=team.expert, kind=Notification.Kind.ACCEPTED, params={"expert": "Eva", "title": "Theirs"})
    client = client_for(team.requester)

    response = client.post(url("inbox_read", second.pk), {"next": url("inbox") + "?page=1"})
    assert response.status_code == 302 and response["Location"] == url("inbox") + "?page=1"
    second.refresh_from_db()
    assert second.read_at is not None

    response = client.post(url("inbox_open", first.pk))
    assert response.status_code == 302 and response["Location"] == "/team/"
    first.refresh_from_db()
    assert first.read_at is not None

    response = client.post(url("inbox_open", evil.pk), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == url("inbox")

    assert client.post(url("inbox_read", theirs.pk)).status_code == 404
    assert client.post(url("inbox_open", theirs.pk)).status_code == 404
    assert client.get(url("inbox_read", first.pk)).status_code == 405
    theirs.refresh_from_db()
    assert theirs.read_at is None

    notify(recipient=team.requester, kind=Notification.Kind.ACCEPTED, params={"expert": "Eva", "title": "Third"})
    assert client.post(url("inbox_read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=team.requester, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=team.expert, read_at__isnull=True).exists()


def test_preferences_are_saved(client_for, team):
    client = client_for(team.requester)
    assert re.search(r'value="immediate"[^>]*checked', client.get(url("inbox")).text)  # the default
    response = client.post(url("inbox_preferences"), {"email": "digest"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=team.requester).email == "digest"
    assert re.search(r'value="digest"[^>]*checked', client.get(url("inbox")).text)
    response = client.post(url("inbox_preferences"), {"email": "carrier pigeon"})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert NotificationPreference.objects.get(user=team.requester).email == "digest"


def test_the_header_shows_the_unread_count(client_for, team):
    client = client_for(team.requester)
    html = client.get(url("inbox")).text
    assert f'href="{url("inbox")}"' in html and "cw-count" not in html
    for n in range(3):
        notify(
            recipient=team.requester, kind=Notification.Kind.ACCEPTED, params={"expert": "Eva", "title": f"News {n}"}
        )
    html = client.get(reverse("home"), follow=True).text
    assert re.search(r'class="cw-count"[^>]*>3<', html)


# --- Query counts ------------------------------------------------------------------------------


def test_budget_list_costs_the_same_however_many_budgets(client_for, team, budget, disciplines, due):
    for slug in ("marketing", "sales"):
        Membership.objects.create(user=team.manager, discipline=disciplines[slug], function="manager")
    budget(10)
    path = url("budget_list") + f"?month={month_of(due)}"
    client = client_for(team.manager)
    baseline = count_queries(client, path)
    budget(5, discipline=disciplines["marketing"])
    budget(5, discipline=disciplines["sales"])
    budget(5, month=TODAY)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    assert len(captured) == baseline


def test_budget_detail_costs_the_same_however_long_the_ledger(
    client_for, team, budget, in_state, django_assert_num_queries
):
    stored = budget(20)
    client = client_for(team.manager)
    path = url("budget_detail", stored.pk)
    baseline = count_queries(client, path)
    for n in range(3):
        in_state(Status.DELIVERED, title=f"Piece {n}", budget_hours=0)
    with django_assert_num_queries(baseline):
        client.get(path)


def test_allocation_list_costs_the_same_however_many_requests(
    client_for, team, parked, member, django_assert_num_queries
):
    parked()
    client = client_for(team.manager)
    baseline = count_queries(client, url("allocation_list"))
    for n in range(30):
        parked(title=f"More {n}")
        member("product", Membership.Function.EXPERT, username=f"more{n:02}")
    _r, decided = parked(title="Decided")
    services.allocation_reject(allocation=decided, actor=team.manager, reason="No")
    with django_assert_num_queries(baseline):
        response = client.get(url("allocation_list"))
    assert len(response.context["items"]) == 25 and "Page 1 of 2" in response.text
    assert 'name="expert"' not in response.text  # no list of every expert per request
    assert "Decided" not in response.text  # pending first: the decided one is on page 2
    assert "Decided" in client.get(url("allocation_list") + "?page=2").text


def test_allocation_detail_costs_the_same_however_many_experts(
    client_for, team, parked, member, django_assert_num_queries
):
    _request, allocation = parked()
    client = client_for(team.manager)
    path = url("allocation_detail", allocation.pk)
    baseline = count_queries(client, path)
    for n in range(30):
        member("product", Membership.Function.EXPERT, username=f"more{n:02}")
    with django_assert_num_queries(baseline):
        response = client.get(path)
    assert "more0" not in response.text


@pytest.mark.parametrize("name", ["manager", "lead"])
def test_team_costs_the_same_however_big_the_team(client_for, team, in_state, member, django_assert_num_queries, name):
    in_state(Status.COMPLETED)
    client = client_for(getattr(team, name))
    baseline = count_queries(client, url("team"))
    for n in range(30):
        person = member("product", Membership.Function.EXPERT, username=f"more{n:02}")
        Absence.objects.create(user=person, starts_on=TODAY, ends_on=TODAY, deputy=team.expert)
    member("product", Membership.Function.MANAGER, username="second-manager")
    in_state(Status.DELIVERED, title="Another")
    with django_assert_num_queries(baseline):
        response = client.get(url("team"))
    assert len(response.context["page_obj"].object_list) == 25
    product = next(s for s in response.context["summaries"] if s.discipline == team.product)
    assert product.away == 30


def test_team_shows_one_page_of_experts_and_finds_them_by_name(client_for, team, member, disciplines):
    for n in range(30):
        member("product", Membership.Function.EXPERT, username=f"more{n:02}")
    member("marketing", Membership.Function.EXPERT, username="marketer")
    # Neither listed nor counted: an expert who left, and a manager.
    member("product", Membership.Function.EXPERT, username="gone", is_active=False)
    member("product", Membership.Function.MANAGER, username="second-manager")
    client = client_for(team.lead)
    page = client.get(url("team") + "?discipline=product")
    rows = page.context["page_obj"].object_list
    assert len(rows) == 25 and page.context["page_obj"].paginator.count == 32
    assert page.text.count("<tr>") <= 1 + 1 + 1 + 25  # summary head and row, experts head, 25 experts
    assert "32 experts" in page.text and "1–25 shown" in page.text
    assert 'href="?discipline=product&amp;page=2"' in page.text  # the filter stays in the link
    second = client.get(url("team") + "?discipline=product&page=2").context["page_obj"].object_list
    assert len(second) == 7 and not {m.pk for m in rows} & {m.pk for m in second}
    found = client.get(url("team"), {"q": team.expert.get_full_name()}).context["page_obj"]
    assert [m.user for m in found.object_list] == [team.expert] and found.paginator.count == 1
    nobody = client.get(url("team") + "?q=zz-nobody")
    assert "No expert’s name matches “zz-nobody”." in nobody.text
    # Without a discipline, the lead sees every discipline with a team, and a column naming it.
    everyone = client.get(url("team"))
    assert {s.discipline.slug for s in everyone.context["summaries"]} >= {"product", "marketing"}
    assert everyone.context["page_obj"].paginator.count == 34  # eva, erik, mara, marketer and 30 more


def test_inbox_costs_the_same_however_many_notifications(client_for, team, in_state, django_assert_num_queries):
    notify(recipient=team.requester, kind=Notification.Kind.ACCEPTED, params={"expert": "Eva", "title": "One"})
    client = client_for(team.requester)
    baseline = count_queries(client, url("inbox"))
    in_state(Status.COMPLETED)  # notifications about a request, with links
    for n in range(30):
        notify(
            recipient=team.requester,
            kind=Notification.Kind.REMINDER,
            params={"title": f"Reminder {n}", "due": "2031-03-03"},
        )
    with django_assert_num_queries(baseline):
        response = client.get(url("inbox"))
    assert response.context["page_obj"].paginator.num_pages == 2


# --- Dashboards ---------------------------------------------------------------------------------


def test_the_manager_dashboard_shows_budgets_requests_and_the_team(
    client_for, team, budget, parked, django_assert_num_queries
):
    budget(8, month=TODAY)
    parked()
    client = client_for(team.manager)
    path = reverse("dashboard", args=["manager"])
    page = client.get(path)
    assert page.status_code == 200
    text = page.text
    assert "Time budgets" in text and "cw-bar-remaining" in text and "8 h" in text
    assert "Extra time requests" in text and "Pricing explained" in text
    assert f'href="{url("allocation_list")}"' in text
    assert "Team load" in text and "2 experts" in text
    assert "Our organisational model" in text  # the diagram card stays
    no_inline_styles(text)
    baseline = count_queries(client, path)
    for n in range(3):
        parked(title=f"Another {n}")
    with django_assert_num_queries(baseline):
        response = client.get(path)
    assert "and 1 more" in response.text


def test_the_executive_dashboard_shows_what_the_model_delivers(
    client_for, team, budget, in_state, django_assert_num_queries, monkeypatch
):
    # The figures themselves are pinned in tests/governance/test_reporting.py; one expert
    # delivers here, so the fewer-than-three-people rule (tests/governance/test_recognition.py)
    # is lowered to show the numbers.
    monkeypatch.setattr(reporting, "MIN_PEOPLE", 1)
    client = client_for(team.executive)
    path = reverse("dashboard", args=["executive"])
    empty = client.get(path).text
    assert "No input was delivered in this period." in empty and "<h3>Open: 0</h3>" in empty
    budget(8, month=TODAY)
    delivered = in_state(Status.DELIVERED)
    services.request_complete(request=delivered, actor=team.requester, rating=5)
    in_state(Status.ASSIGNED, title="Open one")
    text = client.get(path).text
    assert "Budget use" in text and "Product" in text
    assert "What the model delivers" in text
    assert re.search(r"<dt>Hours delivered</dt><dd><a href=\"[^\"]+\">2 h</a></dd>", text)
    assert re.search(r"<dt>On time</dt><dd><a href=\"[^\"]+\">100 %</a></dd>", text)
    assert re.search(r"<dt>Average rating</dt><dd><a href=\"[^\"]+\">5.0 / 5</a></dd>", text)
    assert "Requests now" in text and "Assigned" in text
    assert "Our organisational model" in text
    no_inline_styles(text)
    baseline = count_queries(client, path)
    in_state(Status.COMPLETED, title="Another done")
    with django_assert_num_queries(baseline):
        client.get(path)


def test_the_pages_render_in_german(client_for, team, parked, budget, due):
    _request, allocation = parked()
    stored = budget(20)
    notify(recipient=team.manager, kind=Notification.Kind.ACCEPTED, params={"expert": "Eva", "title": "Neu"})
    client = client_for(team.manager)
    for path in (
        url("budget_list") + f"?month={month_of(due)}",
        url("budget_detail", stored.pk),
        url("budget_approve"),
        url("budget_adjust", stored.pk),
        url("allocation_list"),
        url("allocation_detail", allocation.pk),
        url("allocation_reject", allocation.pk),
        url("team"),
        url("inbox"),
        reverse("dashboard", args=["manager"]),
    ):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 200, path
        assert '<html lang="de">' in response.text
    team_page = client.get(url("team"), HTTP_ACCEPT_LANGUAGE="de").text
    assert "Heute abwesend" in team_page and "Experten finden" in team_page


def test_naming_an_expert_beyond_capacity_warns_the_manager(client_for, team, parked, open_work):
    request, allocation = parked()
    open_work(team.expert2, 5)
    client = client_for(team.manager)
    response = client.post(url("allocation_reassign", allocation.pk), {"expert": team.expert2.username}, follow=True)
    assert response.status_code == 200
    assert "Over capacity" in response.text and "5 h open and takes 2.5 h more, with 6 h a week" in response.text
    request.refresh_from_db()
    assert (request.status, request.assignee) == (Status.ASSIGNED, team.expert2)
