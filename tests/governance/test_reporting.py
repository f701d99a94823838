"""The management figures (governance.reporting) on a known data set: each pinned, the
ones that once contradicted each other now agreeing, what each counts said on the
page (in English and German), and the dashboard's cost independent of the data."""

# The workflow's cast and stage are content_workflow's fixtures, imported (they are
# used as fixture arguments, which ruff reads as redefinitions).
# ruff: noqa: F811

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from content_workflow import services
from content_workflow.models import ExpertInputRequest, Status
from governance import reporting
from governance.reporting import DEFINITIONS, Period, Scope
from tests.content_workflow.conftest import budget, due, hub_model, make_request, member, team  # noqa: F401

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def _one_person_is_enough(monkeypatch):
    """The known set's input comes from one expert, so under the small-group rule every
    delivery figure would be withheld; this module pins the arithmetic, so it counts one
    person as enough. The rule itself: tests/governance/test_recognition.py."""
    monkeypatch.setattr(reporting, "MIN_PEOPLE", 1)


def _at(day, hour=12, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def known(team, budget, make_request):
    """Product's requests, all due next month (so their hours are reserved in next
    month's budget), with 30 h approved for this month and 20 h for next month:

    - delivered this month: "Spent six" (2.5 h estimated, 6 h spent: 2.5 used + 3.5
      overrun, not yet completed, submitted 2 days before delivery) and "Spent two"
      (2 h spent, 0.5 h back to the budget, completed with rating 4, submitted 4 days
      before delivery);
    - delivered last month: "Last month" (2.5 h spent, completed with rating 2);
    - open now: two assigned (one past its due date) and one accepted.

    Open now: Assigned 2 + Accepted 1 = 3; delivered 1 (and 2 completed, not under way).
    """
    today = timezone.localdate()
    budget(30, month=today)
    budget(20)

    def routed(title):
        request = make_request(title=title)
        services.request_submit(request=request, actor=team.requester)
        services.request_route(request_id=request.pk)
        request = ExpertInputRequest.objects.get(pk=request.pk)
        assert request.status == Status.ASSIGNED, request.routing_reason
        return request

    def delivered(title, hours, *, rating=None, submitted_days=None, when=None):
        request = routed(title)
        request = services.request_accept(request=request, actor=request.assignee)
        request = services.request_deliver(request=request, actor=request.assignee, text="Input", hours_spent=hours)
        if rating:
            services.request_complete(request=request, actor=team.requester, rating=rating)
        delivered_at = when or ExpertInputRequest.objects.get(pk=request.pk).delivered_at
        ExpertInputRequest.objects.filter(pk=request.pk).update(
            delivered_at=delivered_at, submitted_at=delivered_at - datetime.timedelta(days=submitted_days or 1)
        )
        return request

    last_month = Period.month(today).previous()
    delivered("Last month", "2.5", rating=2, when=_at(last_month.start + datetime.timedelta(days=14)))
    delivered("Spent six", "6", submitted_days=2)
    delivered("Spent two", "2", rating=4, submitted_days=4)
    accepted = routed("Accepted one")
    services.request_accept(request=accepted, actor=accepted.assignee)
    routed("Assigned one")
    late = routed("Assigned late")
    ExpertInputRequest.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=1))
    return today


def _values(figures):
    return {figure.key: figure.value for figure in figures}


# --- The module --------------------------------------------------------------------------------


def test_hours_of_this_month_count_delivery_in_the_month_delivered(known, team):
    hours = reporting.hours_by_discipline(Period.month(known), Scope.everything())
    assert [row.discipline for row in hours.rows] == [team.product]
    assert _values(hours.figures) == {
        "hours_approved": D(30),  # this month's budget; next month's 20 h is not in the period
        "hours_reserved": D(0),  # every reservation is for next month
        "hours_used": D("4.5"),  # 2.5 + 2, delivered this month from next month's budget
        "hours_overrun": D("3.5"),
        "hours_remaining": D("25.5"),
    }
    assert hours.delivered.value == D(8) == hours.used.value + hours.overrun.value


def test_next_month_holds_the_reservations_and_last_month_its_delivery(known, team, due):
    earlier = reporting.hours_by_discipline(Period.month(known).previous().previous(), Scope.everything())
    assert earlier.rows == []
    ahead = reporting.hours_by_discipline(Period.month(due), Scope.everything())
    # 20 h approved; three open requests hold 2.5 h each; nothing delivered in that month.
    assert _values(ahead.figures) == {
        "hours_approved": D(20),
        "hours_reserved": D("7.5"),
        "hours_used": D(0),
        "hours_overrun": D(0),
        "hours_remaining": D("12.5"),
    }
    last = reporting.hours_by_discipline(Period.month(known).previous(), Scope.everything())
    assert (last.approved.value, last.used.value, last.delivered.value) == (D(0), D("2.5"), D("2.5"))


def test_delivery_figures_count_the_same_requests_as_the_hours(known):
    delivery = reporting.delivery_figures(Period.month(known), Scope.everything())
    assert _values(delivery.figures) == {
        "contributions": 2,
        "hours_delivered": D(8),
        "lead_time": datetime.timedelta(days=3),  # 2 and 4 days
        "lead_time_median": datetime.timedelta(days=3),
        "lead_time_p90": datetime.timedelta(days=3, hours=19, minutes=12),  # 2 + 0.9 * 2 days
        "on_time": D(1),
        "rating": 4.0,  # "Spent six" is not rated yet
    }
    last = reporting.delivery_figures(Period.month(known).previous(), Scope.everything())
    assert (last.contributions.value, last.hours_delivered.value, last.rating.value) == (1, D("2.5"), 2.0)


def test_open_is_the_sum_of_the_statuses_it_lists(known):
    now = reporting.request_status_figures(Scope.everything(), today=known)
    assert now.open.figure.value == 3 == sum(count for _status, count in now.open.statuses)
    assert now.open.statuses == [(Status.ASSIGNED, 2), (Status.ACCEPTED, 1)]
    assert now.delivered.statuses == [(Status.DELIVERED, 1)] and now.delivered.figure.value == 1
    assert now.overdue.value == 1


def test_the_summary_holds_every_defined_figure_once_in_twelve_queries(known, django_assert_num_queries):
    # Twelve on PostgreSQL (three of them the content that went out); where percentiles
    # are not SQL, one more each for the lead times and decision times.
    with django_assert_num_queries(12 if reporting.percentiles_in_sql() else 14):
        figures = reporting.summary(Period.month(known), Scope.everything(), today=known)
    assert set(figures) == set(DEFINITIONS) - reporting.HEALTH_ONLY_KEYS
    assert figures["hours_delivered"].value == figures["hours_used"].value + figures["hours_overrun"].value == D(8)
    assert figures["requests_open"].value == 3 and figures["contributions"].value == 2


def test_a_scope_of_other_disciplines_sees_nothing(known, team):
    scope = Scope.of({team.marketing.pk})
    assert reporting.hours_by_discipline(Period.year(known), scope).rows == []
    assert reporting.delivery_figures(Period.year(known), scope).is_empty
    assert reporting.request_status_figures(scope).is_empty
    assert Scope.for_user(team.executive).is_everything
    assert Scope.for_user(team.manager) == Scope.of({team.product.pk})


def test_periods_and_their_boundaries_in_the_sites_time_zone(known, team, make_request):
    assert Period.month(datetime.date(2027, 2, 10)) == Period(datetime.date(2027, 2, 1), datetime.date(2027, 2, 28))
    assert Period.quarter(datetime.date(2027, 5, 31)) == Period(datetime.date(2027, 4, 1), datetime.date(2027, 6, 30))
    assert Period.year(datetime.date(2027, 5, 31)).previous() == Period.year(datetime.date(2026, 1, 1))
    assert Period.month(datetime.date(2027, 3, 31)).previous() == Period.month(datetime.date(2027, 2, 1))
    assert Period(datetime.date(2027, 3, 10), datetime.date(2027, 3, 19)).previous() == Period(
        datetime.date(2027, 2, 28), datetime.date(2027, 3, 9)
    )
    assert reporting.period_from_query("nonsense", today=known) == ("month", Period.month(known))
    # Delivered at 00:30 on the 1st in Berlin (23:30 UTC the day before): the new month's.
    this_month = Period.month(known)
    request = ExpertInputRequest.objects.get(title="Spent two")
    ExpertInputRequest.objects.filter(pk=request.pk).update(delivered_at=_at(this_month.start, 0, 30))
    assert _values(reporting.delivery_figures(this_month, Scope.everything()).figures)["contributions"] == 2
    ExpertInputRequest.objects.filter(pk=request.pk).update(
        delivered_at=_at(this_month.start, 0, 0) - datetime.timedelta(minutes=1)
    )
    moved = reporting.hours_by_discipline(this_month, Scope.everything())
    assert (moved.used.value, moved.delivered.value) == (D("2.5"), D(6))
    assert reporting.delivery_figures(this_month, Scope.everything(), hours=moved).contributions.value == 1


def test_every_figure_has_a_label_an_explanation_and_german():
    for key, definition in DEFINITIONS.items():
        assert definition.label and definition.explanation, key
        with translation.override("de"):
            assert str(definition.explanation) != _english(definition.explanation), key
            assert str(definition.label) != _english(definition.label) or key in {"hours_overrun"}, key


def _english(text):
    with translation.override("en"):
        return str(text)


# --- The executive dashboard --------------------------------------------------------------------


def _figures(html):
    """{label: value} of every <dl> figure on the page."""
    pairs = re.findall(
        r"<div><dt>(.*?)</dt><dd>(?:<a href=\"[^\"]*\">)?(.*?)(?:</a>)?</dd>"
        r"(?:<dd class=\"cw-figure-change\">.*?</dd>)?<dd class=\"cw-figure-explanation\">",
        html,
    )
    return dict(pairs)


def test_the_executive_dashboard_figures_agree(known, client_for, team):
    client = client_for(team.executive)
    page = client.get(reverse("dashboard", args=["executive"]))
    assert page.status_code == 200
    html = page.text
    figures = _figures(html)
    # Was "0 h of 30 h used" beside "Hours delivered 6 h": now used + overrun = delivered.
    assert figures["Used"] == "4.5 h" and figures["Overrun"] == "3.5 h" and figures["Hours delivered"] == "8 h"
    assert figures["Approved"] == "30 h" and figures["Reserved"] == "0 h" and figures["Remaining"] == "25.5 h"
    assert "4.5 h used, 0 h reserved of 30 h" in html and "3.5 h overrun" in html
    assert figures["Contributions"] == "2" and figures["On time"] == "100 %"
    assert figures["Average lead time"] == "3 days" and figures["Average rating"] == "4.0 / 5"
    # Was "3 requests open" beside Assigned 2 / Accepted 1 / Delivered 1: open lists its parts.
    open_group = re.search(r"<h3>Open: 3</h3>(.*?)</div>", html, re.S).group(1)
    assert re.search(r"Assigned</th>\s*<td class=\"cw-num\">(<a [^>]*>)?2<", open_group)
    assert re.search(r"Accepted</th>\s*<td class=\"cw-num\">(<a [^>]*>)?1<", open_group)
    assert "Delivered" not in open_group
    assert "<h3>Delivered, to be completed: 1</h3>" in html
    now = re.search(r'aria-labelledby="status-card-title">(.*?)</section>', html, re.S).group(1)
    assert "Finished" not in now and "Completed</th>" not in now  # finished requests are not "now"
    assert "Past their due date: 1" in html
    for definition in DEFINITIONS.values():  # every figure says what it counts
        assert str(definition.explanation) in html.replace("&#x27;", "'")


def test_the_period_menu_changes_every_figure(known, client_for, team):
    client = client_for(team.executive)
    html = client.get(reverse("dashboard", args=["executive"]) + "?period=last-month").text
    figures = _figures(html)
    assert figures["Used"] == "2.5 h" and figures["Hours delivered"] == "2.5 h" and figures["Contributions"] == "1"
    assert figures["Average rating"] == "2.0 / 5"
    assert 'href="?period=last-month" aria-current="page"' in html


def test_the_manager_sees_the_same_hours_for_their_discipline(known, client_for, team):
    html = client_for(team.manager).get(reverse("dashboard", args=["manager"])).text
    figures = _figures(html)
    assert figures["Used"] == "4.5 h" and figures["Overrun"] == "3.5 h" and figures["Approved"] == "30 h"
    assert str(DEFINITIONS["hours_used"].explanation) in html
    # The budget page is the ledger, by the budget's month, and says so.
    ledger = client_for(team.manager).get(reverse("content_workflow:budget_list")).text
    assert "The dashboards count used hours in the month the input was delivered." in ledger


def test_the_executive_dashboard_in_german(known, client_for, team):
    html = client_for(team.executive).get(reverse("dashboard", args=["executive"]), HTTP_ACCEPT_LANGUAGE="de").text
    assert '<html lang="de">' in html
    with translation.override("de"):
        for definition in DEFINITIONS.values():
            assert str(definition.explanation) in html.replace("&#x27;", "'"), str(definition.explanation)
        assert f"<h3>{DEFINITIONS['requests_open'].label}: 3</h3>" in html
    figures = _figures(html)
    assert figures["Verbraucht"] == "4,5 h" and figures["Gelieferte Stunden"] == "8 h"


def _count(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_dashboards_cost_the_same_with_more_data(known, client_for, team, budget, make_request):
    executive, manager = client_for(team.executive), client_for(team.manager)
    paths = {
        executive: reverse("dashboard", args=["executive"]),
        manager: reverse("dashboard", args=["manager"]),
    }
    before = {client: _count(client, path) for client, path in paths.items()}
    budget(40)
    budget(10, discipline=team.marketing, month=known)
    for n in range(4):
        request = make_request(title=f"More {n}")
        services.request_submit(request=request, actor=team.requester)
        services.request_route(request_id=request.pk)
        request = ExpertInputRequest.objects.get(pk=request.pk)
        if n % 2 and request.status == Status.ASSIGNED:
            request = services.request_accept(request=request, actor=request.assignee)
            services.request_deliver(request=request, actor=request.assignee, text="More", hours_spent="1")
    make_request(title="A draft")
    after = {client: _count(client, path) for client, path in paths.items()}
    assert after == before
