"""Recognition without surveillance: figures per discipline, small groups withheld,
named thanks only with the expert's own consent, per-person tables only with
PERSON_FIGURES, on a known set."""

# ruff: noqa: F811

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content_workflow.models import Contribution, ExpertInputRequest, Status
from disciplines import services as catalogue
from disciplines.models import Expertise, Membership
from governance import recognition, reporting
from governance.reporting import Period, Scope
from tests.content_workflow.conftest import budget, due, hub_model, make_request, member, team  # noqa: F401

pytestmark = pytest.mark.django_db

D = Decimal
F = Membership.Function


@pytest.fixture
def known(team, member):
    """Input delivered this month (two days after submitting, before the due date):

    - product by two experts (eva 2 h rated 5 "Saved our launch", erik 4 h rated 3):
      fewer than 3 people;
    - marketing by three (mara 1 h rated 4 "Clear and fast", max2 2 h rated 2, moe 3 h
      unrated): 3 contributions, 6 h, rating 3.0.
    """
    today = timezone.localdate()
    when = timezone.now()
    mark = member("marketing", F.EXPERT, username="mark", first_name="Mark", last_name="Weber")
    moe = member("marketing", F.EXPERT, username="moe")

    def deliver(author, discipline, hours, *, rating=None, thanks="", title="Input"):
        item = ExpertInputRequest.objects.create(
            title=title,
            brief="Brief",
            requester=team.requester,
            target_discipline=discipline,
            estimated_hours=D(2),
            due_date=today + datetime.timedelta(days=7),
            status=Status.COMPLETED,
            assignee=author,
            submitted_at=when - datetime.timedelta(days=2),
            delivered_at=when,
        )
        Contribution.objects.create(
            request=item, author=author, text="Input", hours_spent=D(hours), usefulness=rating, thanks=thanks
        )
        return item

    deliver(team.expert, team.product, 2, rating=5, thanks="Saved our launch", title="Launch FAQ")
    deliver(team.expert2, team.product, 4, rating=3)
    deliver(team.other_expert, team.marketing, 1, rating=4, thanks="Clear and fast", title="Campaign facts")
    deliver(mark, team.marketing, 2, rating=2, thanks="Late but right", title="Price sheet")
    deliver(moe, team.marketing, 3)
    team.mark, team.moe = mark, moe
    return today


# --- 1. Fewer than 3 people: no numbers ---------------------------------------------------------


def test_a_discipline_with_fewer_than_3_people_shows_no_numbers(known, team):
    rows = {
        row.discipline.slug: row for row in reporting.delivery_by_discipline(Period.month(known), Scope.everything())
    }
    product, marketing = rows["product"], rows["marketing"]
    assert product.suppressed and product.people == 2
    assert all(figure.suppressed and figure.value is None for figure in product.figures)
    assert not marketing.suppressed and marketing.people == 3
    two_days = datetime.timedelta(days=2)  # median, 90th percentile and average alike
    assert [figure.value for figure in marketing.figures] == [3, D(6), two_days, two_days, two_days, 3.0]


def test_a_small_scope_and_a_total_that_would_give_it_away_are_withheld(known, team):
    period = Period.month(known)
    alone = reporting.delivery_figures(period, Scope.of({team.product.pk}))
    assert alone.suppressed and alone.contributions.value is None and alone.people == 2
    # Everything: five people, but the total minus marketing's row would be product's.
    assert reporting.delivery_figures(period, Scope.everything()).suppressed
    assert not reporting.delivery_figures(period, Scope.of({team.marketing.pk})).suppressed
    # A third product expert: nothing is withheld any more.
    third = ExpertInputRequest.objects.filter(target_discipline=team.product).first()
    item = ExpertInputRequest.objects.create(
        title="More",
        brief="Brief",
        requester=team.requester,
        target_discipline=team.product,
        estimated_hours=D(1),
        due_date=third.due_date,
        status=Status.COMPLETED,
        submitted_at=third.submitted_at,
        delivered_at=third.delivered_at,
    )
    Contribution.objects.create(request=item, author=team.manager, text="Input", hours_spent=D(1))
    everything = reporting.delivery_figures(period, Scope.everything())
    assert not everything.suppressed and everything.contributions.value == 6 and everything.people == 6


def test_the_pages_say_fewer_than_3_people(known, team, client_for):
    html = client_for(team.executive).get(reverse("dashboard", args=["executive"])).content.decode()
    card = html.split('id="discipline-delivery-title"', 1)[1].split("</section>", 1)[0]
    assert "fewer than 3 people" in card and ">6 h<" in card
    delivery = html.split('id="delivery-card-title"', 1)[1].split("</section>", 1)[0]
    assert "fewer than 3 people" in delivery
    html = client_for(team.executive).get(reverse("dashboard", args=["executive"]), HTTP_ACCEPT_LANGUAGE="de")
    assert "weniger als 3 Personen" in html.content.decode()


# --- 2. Named thanks only with the expert's consent ---------------------------------------------


def test_thanks_name_only_experts_who_opted_in(known, team):
    catalogue.recognition_opt_in_set(actor=team.mark, user=team.mark, opt_in=True)
    thanks = recognition.most_thanked(Period.month(known), Scope.everything())
    assert [(item.text, item.rating, item.name, item.discipline) for item in thanks] == [
        ("Saved our launch", 5, "", team.product),
        ("Clear and fast", 4, "", team.marketing),
        ("Late but right", 2, "Mark Weber", team.marketing),
    ]
    # A manager's thanks are their disciplines'.
    assert [item.text for item in recognition.most_thanked(Period.month(known), Scope.of({team.product.pk}))] == [
        "Saved our launch"
    ]


def test_the_thanks_card_names_only_with_consent(known, team, client_for):
    catalogue.recognition_opt_in_set(actor=team.mark, user=team.mark, opt_in=True)
    for who, role in (("executive", "executive"), ("lead", "governance_lead"), ("admin", "executive")):
        html = client_for(getattr(team, who)).get(reverse("dashboard", args=[role])).content.decode()
        card = html.split('id="thanks-card-title"', 1)[1].split("</section>", 1)[0]
        assert "Saved our launch" in card and "an expert in Product" in card
        assert "Mark Weber (Marketing)" in card
        assert "eva" not in card.lower() and "Mara" not in card
    for who, role in (("manager", "manager"), ("expert", "expert"), ("requester", "communicator")):
        html = client_for(getattr(team, who)).get(reverse("dashboard", args=[role])).content.decode()
        assert "thanks-card-title" not in html


def test_only_the_expert_gives_consent(known, team, client_for):
    with pytest.raises(PermissionDenied):
        catalogue.recognition_opt_in_set(actor=team.lead, user=team.mark, opt_in=True)
    client = client_for(team.mark)
    page = client.get(reverse("disciplines:recognition"))
    assert page.status_code == 200 and 'name="recognition_opt_in"' in page.content.decode()
    response = client.post(reverse("disciplines:recognition"), {"recognition_opt_in": "on"})
    assert response.status_code == 302
    assert Expertise.objects.get(user=team.mark).recognition_opt_in is True
    client.post(reverse("disciplines:recognition"), {})
    assert Expertise.objects.get(user=team.mark).recognition_opt_in is False
    # A governance lead editing the expertise does not touch it.
    catalogue.recognition_opt_in_set(actor=team.mark, user=team.mark, opt_in=True)
    catalogue.expertise_save(actor=team.lead, user=team.mark, tags="pricing", profile="Prices")
    assert Expertise.objects.get(user=team.mark).recognition_opt_in is True
    assert client_for(team.outsider).post(reverse("disciplines:recognition"), {}).status_code == 302
    assert not Expertise.objects.filter(user=team.outsider, recognition_opt_in=True).exists()


# --- 3. Per-person tables only with PERSON_FIGURES ------------------------------------------------


def test_person_figures_are_off_by_default(known, team, client_for, settings):
    from django.conf import settings as live

    assert live.PERSON_FIGURES is False
    assert recognition.person_figures(Period.month(known), Scope.everything()) is None
    html = client_for(team.executive).get(reverse("dashboard", args=["executive"])).content.decode()
    assert "people-card-title" not in html


def test_person_figures_when_the_installation_agreed(known, team, client_for, settings):
    settings.PERSON_FIGURES = True
    rows = list(recognition.person_figures(Period.month(known), Scope.everything()))
    by_name = {row["author__username"]: (row["contributions"], row["hours"], row["rating"]) for row in rows}
    assert by_name == {
        "eva": (1, D(2), 5.0),
        "erik": (1, D(4), 3.0),
        "mara": (1, D(1), 4.0),
        "mark": (1, D(2), 2.0),
        "moe": (1, D(3), None),
    }
    html = client_for(team.executive).get(reverse("dashboard", args=["executive"])).content.decode()
    card = html.split('id="people-card-title"', 1)[1].split("</section>", 1)[0]
    assert "Mark Weber" in card and card.count("<tr>") == 6  # the header and five experts
    # The manager's dashboard has no per-person table of other disciplines.
    assert (
        "people-card-title" not in client_for(team.manager).get(reverse("dashboard", args=["manager"])).content.decode()
    )


def test_the_person_table_is_paginated_and_costs_the_same(known, team, client_for, settings, member):
    settings.PERSON_FIGURES = True
    url = reverse("dashboard", args=["executive"])

    def count():
        client = client_for(team.executive)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    before, _html = count()
    first = ExpertInputRequest.objects.filter(target_discipline=team.marketing).first()
    for number in range(25):
        person = member("marketing", F.EXPERT, username=f"more{number}")
        item = ExpertInputRequest.objects.create(
            title=f"More {number}",
            brief="Brief",
            requester=team.requester,
            target_discipline=team.marketing,
            estimated_hours=D(1),
            due_date=first.due_date,
            status=Status.COMPLETED,
            submitted_at=first.submitted_at,
            delivered_at=first.delivered_at,
        )
        Contribution.objects.create(
            request=item, author=person, text="Input", hours_spent=D(1), usefulness=4, thanks=f"Thanks {number}"
        )
        if number % 2:
            catalogue.recognition_opt_in_set(actor=person, user=person, opt_in=True)
    after, html = count()
    assert after == before
    card = html.split('id="people-card-title"', 1)[1].split("</section>", 1)[0]
    assert card.count("<tr>") == recognition_rows_per_page() + 1
    assert re.search(r"people_page=2", card)


def recognition_rows_per_page():
    from governance.templatetags.governance_figures import PERSON_ROWS

    return PERSON_ROWS


def test_the_api_sets_only_ones_own_consent(known, team, api_for):
    api = api_for(team.mark)
    assert api.get("/api/v1/expertise/me/recognition/").json() == {"opt_in": False}
    response = api.put("/api/v1/expertise/me/recognition/", {"opt_in": True}, format="json")
    assert response.status_code == 200 and response.json() == {"opt_in": True}
    assert Expertise.objects.get(user=team.mark).recognition_opt_in is True
    # The generic expertise endpoint cannot set it for anyone (read-only there).
    expertise = Expertise.objects.get(user=team.mark)
    api_for(team.lead).patch(f"/api/v1/expertise/{expertise.pk}/", {"recognition_opt_in": False}, format="json")
    assert Expertise.objects.get(user=team.mark).recognition_opt_in is True
    assert api.put("/api/v1/expertise/me/recognition/", {"opt_in": "maybe"}, format="json").status_code == 400
    assert api_for(None).get("/api/v1/expertise/me/recognition/").status_code in (401, 403)
