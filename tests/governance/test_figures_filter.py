"""The dashboards' period and scope (governance.figures_filter): a custom range with a
clear message for bad input, a hub with its spokes, one discipline; managers only get
their disciplines' figures, never others'."""

# ruff: noqa: F811

import datetime
import re

import pytest
from django.urls import reverse

from governance import reporting
from governance.models import Hub
from tests.content_workflow.conftest import budget, due, hub_model, make_request, member, team  # noqa: F401
from tests.governance.test_period_figures import march  # noqa: F401

pytestmark = pytest.mark.django_db

EXECUTIVE = reverse("dashboard", args=["executive"])
MANAGER = reverse("dashboard", args=["manager"])
MARCH_RANGE = "?period=custom&from=2026-03-01&to=2026-03-31"


@pytest.fixture(autouse=True)
def _one_person_is_enough(monkeypatch):
    monkeypatch.setattr(reporting, "MIN_PEOPLE", 1)


def _figures(html):
    """{label: (value, change)} of the page's figures."""
    found = re.findall(
        r"<div><dt>(.*?)</dt><dd>(.*?)</dd>(?:<dd class=\"cw-figure-change\">(.*?)</dd>)?<dd class=\"cw-figure-expl",
        html,
    )
    return {label: (value, change) for label, value, change in found}


def test_a_custom_range_shows_its_figures_and_their_change(march, client_for, team):
    html = client_for(team.executive).get(EXECUTIVE + MARCH_RANGE).text
    figures = _figures(html)
    assert figures["Opened"] == ("4", "+33 % vs previous period")
    assert figures["Median lead time"][0] == "6 days"
    assert figures["Extra time requests"] == ("3", "+200 % vs previous period")
    assert figures["Hours asked for"][0] == "9 h" and figures["Hours granted"][0] == "5 h"
    assert figures["Declined"] == ("1", "none in the previous period")
    assert 'value="2026-03-01"' in html and 'value="2026-03-31"' in html
    assert '<option value="custom" selected>' in html


def test_the_change_in_german(march, client_for, team):
    html = client_for(team.executive).get(EXECUTIVE + MARCH_RANGE, HTTP_ACCEPT_LANGUAGE="de").text
    assert _figures(html)["Eröffnet"] == ("4", "+33 % ggü. dem vorigen Zeitraum")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?period=custom&from=2026-03-31&to=2026-03-01", "The range ends before it starts"),
        ("?period=custom&from=yesterday&to=2026-03-01", "From: Enter a valid date."),
        ("?period=custom&from=2026-03-01", "To: This field is required."),
        ("?period=custom&from=1000-01-01&to=2026-03-01", "Choose dates between 2000 and 2099."),
        ("?period=custom&from=2000-01-01&to=2099-12-31", "Choose a range of at most five years."),
        ("?period=custom&from=9999-12-31&to=9999-12-31", "Choose dates between 2000 and 2099."),
        ("?scope=discipline-nothing", "There is no such hub or discipline"),
        ("?scope=hub-abc", "There is no such hub or discipline"),
        ("?scope=hub-99999999999999999999999", "There is no such hub or discipline"),
        ("?scope=hub-999999999", "There is no such hub or discipline"),
        ("?period=custom&from=2026-02-30&to=2026-03-01", "From: Enter a valid date."),
        ("?period=nonsense", "Figures for"),
    ],
)
def test_bad_input_gets_a_clear_message_and_this_months_figures(march, client_for, team, query, message):
    response = client_for(team.executive).get(EXECUTIVE + query)
    assert response.status_code == 200
    html = response.text.replace("&#x27;", "'")
    assert message in html
    assert 'role="alert"' in html or "period=nonsense" in query  # an unknown period is this month, quietly
    assert 'href="?period=month"' in html  # the page still works, on this month's figures, without the bad input


def test_a_hub_with_its_spokes_and_one_discipline(march, client_for, team):
    client = client_for(team.executive)
    hub = Hub.objects.get()
    html = client.get(EXECUTIVE + MARCH_RANGE + f"&scope=hub-{hub.pk}").text
    assert _figures(html)["Opened"][0] == "4"  # product and marketing are spokes of the hub
    marketing = client.get(EXECUTIVE + MARCH_RANGE + "&scope=discipline-marketing").text
    figures = _figures(marketing)
    assert figures["Opened"][0] == "0" and figures["Contributions"][0] == "1"
    assert figures["Median lead time"][0] == "8 days"
    assert f'<option value="hub-{hub.pk}">' in marketing
    assert '<option value="discipline-marketing" selected>' in marketing


def test_a_manager_sees_their_disciplines_figures(march, client_for, team):
    html = client_for(team.manager).get(MANAGER + MARCH_RANGE).text
    figures = _figures(html)
    assert figures["Opened"][0] == "4" and figures["Contributions"][0] == "3"  # product only
    assert figures["Median lead time"][0] == "4 days"
    # Only their own discipline to choose; no hub, no other discipline.
    options = re.findall(r'<option value="((?:hub|discipline)-[^"]*)"', html)
    assert options == ["discipline-product"]
    html = client_for(team.manager).get(MANAGER + MARCH_RANGE + "&scope=discipline-product").text
    assert _figures(html)["Opened"][0] == "4"


def test_a_manager_asking_for_another_discipline_or_a_hub_is_refused(march, client_for, team):
    client = client_for(team.manager)
    assert client.get(MANAGER + MARCH_RANGE + "&scope=discipline-marketing").status_code == 403
    assert client.get(MANAGER + f"?scope=hub-{Hub.objects.get().pk}").status_code == 403
    # Another manager sees marketing, not product.
    other = client_for(team.other_manager).get(MANAGER + MARCH_RANGE).text
    assert _figures(other)["Contributions"][0] == "1"
    assert client_for(team.other_manager).get(MANAGER + "?scope=discipline-product").status_code == 403


def test_communicators_and_experts_get_no_figures_dashboard(client_for, team):
    assert client_for(team.requester).get(EXECUTIVE + MARCH_RANGE).status_code == 403
    assert client_for(team.expert).get(MANAGER + "?scope=discipline-product").status_code == 403


def test_the_dashboard_with_a_range_and_scope_costs_the_same_with_more_data(march, client_for, team, make_request):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from content_workflow.models import Contribution, ExpertInputRequest

    def count(client, path):
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client

    executive = signed_in(team.executive)
    paths = [
        (executive, EXECUTIVE + MARCH_RANGE + f"&scope=hub-{Hub.objects.get().pk}"),
        (executive, EXECUTIVE + MARCH_RANGE + "&scope=discipline-product"),
        (signed_in(team.manager), MANAGER + MARCH_RANGE),
    ]
    before = [count(client, path) for client, path in paths]
    when = datetime.datetime(2026, 3, 15, 12, tzinfo=datetime.UTC)
    for number in range(5):
        made = make_request(title=f"More {number}")
        ExpertInputRequest.objects.filter(pk=made.pk).update(submitted_at=when, delivered_at=when, completed_at=when)
        Contribution.objects.create(request=made, author=team.expert2, text="More", hours_spent=1)
    assert [count(client, path) for client, path in paths] == before


def test_a_hub_without_spokes_is_its_home_discipline(march, client_for, team, make_model):
    from governance.models import Spoke

    hub = Hub.objects.get()
    Spoke.objects.filter(hub=hub).update(hub=None)
    response = client_for(team.executive).get(EXECUTIVE + MARCH_RANGE + f"&scope=hub-{hub.pk}")
    assert response.status_code == 200
    assert _figures(response.text)["Opened"][0] == "0"  # the hub's home discipline asked for nothing
    assert f'<option value="hub-{hub.pk}" selected>' in response.text
