"""Every period figure of the dashboards links to the request list of exactly the
requests it counts, and that list shows the same total (issue 8, item 4)."""

# ruff: noqa: F811

import html
import re

import pytest
from django.urls import reverse

from content_workflow.models import ExpertInputRequest
from governance import reporting
from governance.reporting import Scope
from governance.templatetags.governance_figures import DRILL_DOWN, figure_url
from tests.content_workflow.conftest import budget, due, hub_model, make_request, member, team  # noqa: F401
from tests.governance.test_period_figures import march  # noqa: F401

pytestmark = pytest.mark.django_db

COUNTS = {"requests_opened", "requests_completed", "requests_cancelled", "requests_declined", "requests_unroutable"}
RANGE = "?period=custom&from=2026-03-01&to=2026-03-31"


@pytest.fixture
def submitted_march(march, monkeypatch):
    """The known March set, with statuses the timestamps imply (it is built as drafts,
    which nobody but the requester sees in a list), and one person enough to show."""
    monkeypatch.setattr(reporting, "MIN_PEOPLE", 1)
    rows = ExpertInputRequest.objects.all()
    rows.update(status="assigned")
    rows.filter(delivered_at__isnull=False).update(status="delivered")
    rows.filter(completed_at__isnull=False).update(status="completed")
    rows.filter(cancelled_at__isnull=False).update(status="cancelled")
    rows.filter(submitted_at__isnull=True).update(status="draft")
    return march


def _total(client, url):
    page = client.get(url).content.decode()
    found = re.search(r'data-total="(\d+)"', page)
    assert found, url
    return int(found.group(1))


@pytest.mark.parametrize("who", ["executive", "manager"])
def test_each_period_figure_lists_the_requests_it_counts(submitted_march, team, client_for, who):
    user = getattr(team, who)
    client = client_for(user)
    scope = Scope.for_user(user)
    figures = reporting.summary(submitted_march, scope)
    assert figures["contributions"].value  # something to count in both scopes
    for key in DRILL_DOWN:
        figure = figures[key]
        if figure.suppressed:
            continue
        total = _total(client, figure_url(key, submitted_march, scope))
        expected = figure.value if key in COUNTS | {"response_breaches"} else figures["contributions"].value
        assert total == expected, (key, total, expected)


def test_the_dashboard_links_its_figures(submitted_march, team, client_for):
    page = client_for(team.executive).get(reverse("dashboard", args=["executive"]) + RANGE).content.decode()
    links = {html.unescape(href) for href in re.findall(r'href="([^"]*_after=[^"]*)"', page)}
    scope = Scope.everything()
    for key in ("contributions", "requests_opened", "requests_declined", "lead_time_median"):
        assert figure_url(key, submitted_march, scope) in links, key


def test_withheld_figures_do_not_link(march, team, client_for):
    # One expert in marketing: its delivery figures are withheld, and so are their links.
    scope = Scope.of({team.marketing.pk})
    assert reporting.summary(march, scope)["contributions"].suppressed
    page = client_for(team.other_manager).get(reverse("dashboard", args=["manager"]) + RANGE).content.decode()
    assert "fewer than 3 people</a>" not in page
    assert re.search(r"<dt>Contributions</dt><dd>fewer than 3 people</dd>", page)


@pytest.mark.parametrize("who", ["executive", "manager"])
def test_every_count_on_the_dashboard_leads_to_a_list_of_that_many(submitted_march, team, client_for, who):
    """Flow figures, requests now by status, delivery per discipline and the trend's
    months: every linked whole number is the total of the list it opens."""
    client = client_for(getattr(team, who))
    page = client.get(reverse("dashboard", args=[who]) + RANGE).content.decode()
    links = re.findall(r'<a href="(/requests/\?[^"]+)">(\d+)</a>', page)
    assert len(links) >= 8, links  # the flow, some statuses, a discipline, trend months
    for href, number in links:
        assert _total(client, html.unescape(href)) == int(number), href
