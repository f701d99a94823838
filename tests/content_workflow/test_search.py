"""One search for the request pages and the API: every word must appear in the title,
brief or content piece; on PostgreSQL trigram indexes answer it."""

import pytest
from django.db import connection
from django.urls import reverse

from content_workflow.models import ExpertInputRequest
from content_workflow.selectors import request_search

REQUESTS = "/api/v1/requests/"


@pytest.fixture
def corpus(make_request):
    return {
        "both": make_request(title="Security audit", brief="Threat models for the API"),
        "title": make_request(title="Security basics", brief="Passwords"),
        "piece": make_request(title="Launch", brief="Notes", content_piece="Threat briefing video"),
        "neither": make_request(title="Pricing", brief="Plans"),
    }


def found(corpus, queryset):
    names = {request.pk: name for name, request in corpus.items()}
    return sorted(names[pk] for pk in queryset.values_list("pk", flat=True))


def test_every_word_must_match_somewhere(corpus):
    everything = ExpertInputRequest.objects.all()
    assert found(corpus, request_search(everything, "security")) == ["both", "title"]
    assert found(corpus, request_search(everything, "SECURITY threat")) == ["both"]
    assert found(corpus, request_search(everything, "threat")) == ["both", "piece"]
    assert found(corpus, request_search(everything, "   ")) == ["both", "neither", "piece", "title"]


def test_the_page_and_the_api_find_the_same(corpus, client_for, api_for, team):
    page = client_for(team.requester).get(reverse("content_workflow:request_list") + "?q=threat")
    api = api_for(team.requester).get(f"{REQUESTS}?search=threat").json()
    on_page = sorted(item.pk for item in page.context["page_obj"].object_list)
    assert on_page == sorted(item["id"] for item in api["results"])
    assert on_page == sorted([corpus["both"].pk, corpus["piece"].pk])


def test_an_overlong_search_is_a_400_naming_the_field(api_for, team):
    response = api_for(team.requester).get(f"{REQUESTS}?search={'x' * 201}")
    assert response.status_code == 400 and "search" in response.json()


@pytest.mark.postgres
def test_postgresql_answers_search_from_the_trigram_indexes(corpus):
    queryset = request_search(ExpertInputRequest.objects.all(), "threat")
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows would be scanned anyway; forbid that to see which index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("title", "brief", "content_piece"):
        assert f"cw_request_{column}_trgm" in plan, plan
