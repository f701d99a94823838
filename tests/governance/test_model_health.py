"""Model health (governance.reporting.model_health): each figure on a known set, the page
each number links to listing exactly the rows it counts, who sees the card, and the cost
staying fixed as the data grows."""

# ruff: noqa: F811

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content_workflow.models import ExpertInputRequest, Status
from governance import reporting
from governance.models import Activity, OrganisationalModel, Responsibility, Spoke
from governance.reporting import Scope
from roles.selectors import staffing
from tests.content_workflow.conftest import budget, due, hub_model, make_request, member, team  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(team, budget, make_request):
    """The published hub and spoke model (hub: corporate communications; spokes:
    marketing, customer service, sales, product; the hub A/R for every activity), and:

    - product's spoke has a liaison, the three others none: 3 spokes without a liaison;
    - the first activity gets a second Accountable (marketing), the second loses its
      only one: 2 activities without exactly one Accountable;
    - product has next month's budget approved, marketing (with an expert) none: 1
      discipline without a budget (the other disciplines have no experts);
    - requests: product unroutable, marketing waiting for routing past its sweep time
      (2 stuck), product assigned and past its due date (1 past due), and one routing
      that is not late yet, one delivered past its date and one assigned past a sweep
      time (none of them counts).
    """
    model = OrganisationalModel.objects.get(status=OrganisationalModel.Status.ACTIVE)
    Spoke.objects.filter(model=model, discipline=team.product).update(liaison=team.expert)
    first, second = Activity.objects.order_by("position", "name")[:2]
    Responsibility.objects.create(model=model, activity=first, discipline=team.marketing, role="A")
    Responsibility.objects.filter(model=model, activity=second).delete()
    budget(20)  # product, next month
    now = timezone.now()
    today = timezone.localdate()

    def request(status, discipline, **fields):
        item = make_request(target_discipline=discipline, title=f"{status} in {discipline.slug}")
        ExpertInputRequest.objects.filter(pk=item.pk).update(status=status, **fields)
        return item

    request(Status.UNROUTABLE, team.product)
    request(Status.ROUTING, team.marketing, next_sweep_at=now - datetime.timedelta(minutes=5))
    request(Status.ROUTING, team.product, next_sweep_at=now + datetime.timedelta(minutes=5))
    request(Status.ASSIGNED, team.product, assignee=team.expert, due_date=today - datetime.timedelta(days=1))
    request(Status.DELIVERED, team.product, assignee=team.expert, due_date=today - datetime.timedelta(days=3))
    request(Status.ASSIGNED, team.product, assignee=team.expert, next_sweep_at=now - datetime.timedelta(minutes=5))
    return today


def test_each_health_figure_on_the_known_set(known, team):
    health = reporting.model_health(Scope.everything(), today=known, viewer=team.lead)
    vacancies = len(staffing(viewer=team.lead, today=known).vacancies)
    assert vacancies > 0
    assert health.values() == {
        "health_spokes_without_liaison": 3,
        "health_activities_accountable": 2,
        "health_vacancies": vacancies,
        "health_budgets_missing": 1,
        "health_requests_stuck": 2,
        "requests_overdue": 1,
    }
    # Past due here is the same figure as on the status card.
    assert reporting.request_status_figures(Scope.everything(), today=known).overdue.value == 1
    for item in health.items:
        assert item.figure.label and item.figure.explanation


def test_a_managers_health_covers_their_disciplines_only(known, team):
    health = reporting.model_health(Scope.for_user(team.manager), today=known, viewer=team.manager)
    # No whole-model items; product's spoke has its liaison and its budget.
    assert health.values() == {
        "health_spokes_without_liaison": 0,
        "health_budgets_missing": 0,
        "health_requests_stuck": 1,
        "requests_overdue": 1,
    }
    other = reporting.model_health(Scope.for_user(team.other_manager), today=known)
    assert other.values()["health_budgets_missing"] == 1 and other.values()["health_spokes_without_liaison"] == 1


def _health_links(html):
    """[(key, href, total)] of the health card."""
    found = re.findall(r'data-key="([a-z_]+)"><dt>.*?<a href="([^"]+)" data-total="(\d+)"', html, re.S)
    return [(key, href.replace("&amp;", "&"), int(total)) for key, href, total in found]


def _listed_total(client, href):
    response = client.get(href)
    assert response.status_code == 200, href
    html = response.content.decode()
    if "/profiles/" in href:  # the staffing page: its list of vacancies
        section = html.split('class="vacancy-list"', 1)[1].split("</ul>", 1)[0] if "vacancy-list" in html else ""
        return section.count("<li>")
    match = re.search(r'data-total="(\d+)"', html)
    assert match, href
    return int(match.group(1))


@pytest.mark.parametrize("who", ["executive", "lead", "admin"])
def test_every_health_number_leads_to_a_list_with_the_same_total(known, team, client_for, who):
    user = getattr(team, who)
    role = {"executive": "executive", "lead": "governance_lead", "admin": "executive"}[who]
    client = client_for(user)
    links = _health_links(client.get(reverse("dashboard", args=[role])).content.decode())
    assert {key for key, _href, _total in links} == set(reporting.HEALTH_KEYS)
    for key, href, total in links:
        assert _listed_total(client, href) == total, key
    assert {key: total for key, _href, total in links}["health_requests_stuck"] == 2


def test_the_lists_hold_exactly_the_rows_counted(known, team, client_for, disciplines):
    client = client_for(team.executive)
    rows = client.get(reverse("health", args=["spokes"])).content.decode().split("<tbody>")[1]
    assert rows.count("<tr>") == 3 and team.product.label not in rows
    for slug in ("marketing", "customer-service", "sales"):
        assert disciplines[slug].label in rows
    rows = client.get(reverse("health", args=["budgets"])).content.decode().split("<tbody>")[1]
    assert rows.count("<tr>") == 1 and team.marketing.label in rows
    html = client.get(reverse("content_workflow:request_list") + "?show=all&stuck=true").content.decode()
    assert "unroutable in product" in html and "routing in marketing" in html and "routing in product" not in html
    html = client.get(reverse("content_workflow:request_list") + "?show=all&past_due=true").content.decode()
    assert "assigned in product" in html and "delivered in product" not in html


def test_the_manager_sees_their_disciplines_and_follows_them(known, team, client_for):
    client = client_for(team.manager)
    links = _health_links(client.get(reverse("dashboard", args=["manager"])).content.decode())
    totals = {key: total for key, _href, total in links}
    assert totals == {
        "health_spokes_without_liaison": 0,
        "health_budgets_missing": 0,
        "health_requests_stuck": 1,
        "requests_overdue": 1,
    }
    for key, href, total in links:
        assert _listed_total(client, href) == total, key
    # Whole-model items are not theirs.
    assert client.get(reverse("health", args=["activities"])).status_code == 403
    assert client.get(reverse("health", args=["nothing"])).status_code == 404


@pytest.mark.parametrize("who", ["requester", "expert", "outsider"])
def test_others_get_no_health(known, team, client_for, who):
    client = client_for(getattr(team, who))
    for item in ("spokes", "activities", "budgets"):
        assert client.get(reverse("health", args=[item])).status_code == 403
    for role in ("communicator", "expert"):
        response = client.get(reverse("dashboard", args=[role]))
        if response.status_code == 200:
            assert "health-card-title" not in response.content.decode()


def test_the_api_filters_the_same_requests(known, team, api_for):
    api = api_for(team.executive)
    stuck = api.get("/api/v1/requests/?stuck=true").json()
    past_due = api.get(f"/api/v1/requests/?past_due=true&disciplines={team.product.pk}").json()
    assert stuck["count"] == 2 and past_due["count"] == 1


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_health_costs_the_same_with_more_data(known, team, client_for, make_request, member, settings):
    settings.PERSON_FIGURES = True
    executive, manager = client_for(team.executive), None
    urls = [
        reverse("dashboard", args=["executive"]),
        reverse("health", args=["spokes"]),
        reverse("health", args=["activities"]),
        reverse("health", args=["budgets"]),
        reverse("content_workflow:request_list") + "?show=all&stuck=true",
        reverse("content_workflow:request_list") + f"?show=all&past_due=true&disciplines={team.product.pk}",
    ]
    before = [_count(executive, url) for url in urls]
    manager = client_for(team.manager)
    manager_before = _count(manager, reverse("dashboard", args=["manager"]))
    # More of everything the items count.
    model = OrganisationalModel.objects.get(status=OrganisationalModel.Status.ACTIVE)
    Spoke.objects.filter(model=model).update(liaison=None)
    Responsibility.objects.filter(model=model).delete()
    for number in range(3):
        member("legal", "expert", username=f"legal{number}")
        item = make_request(title=f"More stuck {number}")
        ExpertInputRequest.objects.filter(pk=item.pk).update(status=Status.UNROUTABLE)
        item = make_request(title=f"More late {number}")
        ExpertInputRequest.objects.filter(pk=item.pk).update(
            status=Status.ACCEPTED, due_date=known - datetime.timedelta(days=2)
        )
    executive = client_for(team.executive)
    assert [_count(executive, url) for url in urls] == before
    manager = client_for(team.manager)
    assert _count(manager, reverse("dashboard", args=["manager"])) == manager_before
