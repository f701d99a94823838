"""The content calendar and the iCalendar feed (issue 11, item 2), and the figures for
reporting (item 5)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from content_workflow import pieces_selectors, services
from content_workflow.models import CalendarFeed, Contribution, ExpertInputRequest

DAY = datetime.date(2026, 12, 9)  # a Wednesday in ISO week 2026-W50


@pytest.fixture
def planned(team):
    return services.piece_create(
        actor=team.requester, title="Winter pricing post", channel="linkedin", format="post", planned_publish_date=DAY
    )


def give_request(team, piece, *, due, status="accepted", assignee=None, title="Pricing facts"):
    return ExpertInputRequest.objects.create(
        title=title,
        brief="x",
        requester=team.requester,
        target_discipline=team.product,
        estimated_hours=Decimal(2),
        due_date=due,
        status=status,
        assignee=assignee or team.expert,
        piece=piece,
    )


def test_the_month_shows_planned_pieces_and_input_due_by_channel(client_for, team, planned):
    give_request(team, planned, due=DAY - datetime.timedelta(days=5))
    client = client_for(team.requester)
    page = client.get(reverse("content_workflow:calendar"), {"month": "2026-12"})
    assert page.status_code == 200
    assert [label for _value, label in page.context["channels"]] == ["LinkedIn"]
    days = {day.date: day for day in page.context["days"]}
    assert len(days) == 31
    (label, entries) = days[DAY].cells[0]
    assert label == "LinkedIn" and [e.piece.title for e in entries] == ["Winter pricing post"]
    assert [e.kind for e in days[datetime.date(2026, 12, 4)].cells[0][1]] == ["input_due"]
    assert "Winter pricing post" in page.text and "Pricing facts" in page.text
    # Another month has nothing.
    assert "Winter pricing post" not in client.get(reverse("content_workflow:calendar"), {"month": "2027-01"}).text


def test_the_week_view(client_for, team, planned):
    client = client_for(team.requester)
    page = client.get(reverse("content_workflow:calendar"), {"week": "2026-W50"})
    assert [day.date for day in page.context["days"]][0] == datetime.date(2026, 12, 7)
    assert len(page.context["days"]) == 7
    assert "Winter pricing post" in page.text
    assert "Winter pricing post" not in client.get(reverse("content_workflow:calendar"), {"week": "2026-W51"}).text


def test_a_published_piece_shows_on_its_publication_date(client_for, team, planned):
    for action in ("start", "send_to_final_check", "approve"):
        planned = services.piece_transition(piece=planned, actor=team.requester, action=action)
    published_on = datetime.date(2026, 11, 30)
    services.piece_transition(
        piece=planned,
        actor=team.requester,
        action="publish",
        published_url="https://example.com/p",
        published_on=published_on,
    )
    client = client_for(team.requester)
    november = client.get(reverse("content_workflow:calendar"), {"month": "2026-11"})
    day = next(day for day in november.context["days"] if day.date == published_on)
    assert [entry.kind for entry in day.cells[0][1]] == ["published"]
    assert "Winter pricing post" not in client.get(reverse("content_workflow:calendar"), {"month": "2026-12"}).text


@pytest.mark.parametrize("query", [{"month": "2026-13"}, {"week": "2026-W60"}, {"month": "december"}, {"week": "x"}])
def test_a_bad_period_says_so_and_shows_this_month(client_for, team, query):
    response = client_for(team.requester).get(reverse("content_workflow:calendar"), query)
    assert response.status_code == 200
    assert "is not a month like" in response.text
    assert response.context["period"].kind == "month"


def test_the_calendar_shows_only_visible_pieces(client_for, team, planned):
    for who, sees in (("spoke_communicator", False), ("outsider", False), ("manager", True), ("expert", False)):
        page = client_for(getattr(team, who)).get(reverse("content_workflow:calendar"), {"month": "2026-12"})
        assert ("Winter pricing post" in page.text) is sees, who


# --- The feed --------------------------------------------------------------------------------------


def feed_url_of(client):
    client.post(reverse("content_workflow:calendar_feed_renew"))
    page = client.get(reverse("content_workflow:calendar"))
    url = page.context["feed_url"]
    assert url and url.startswith("http://testserver/calendar/feed/")
    # Shown once: the next visit no longer has it.
    assert client.get(reverse("content_workflow:calendar")).context["feed_url"] is None
    return url.removeprefix("http://testserver")


def test_the_feed_is_valid_icalendar_with_the_users_own_dates(client_for, client, team, planned, settings):
    give_request(team, planned, due=DAY - datetime.timedelta(days=5))
    give_request(team, planned, due=DAY - datetime.timedelta(days=4), status="delivered", title="Done already")
    communicator_feed = feed_url_of(client_for(team.requester))
    client.logout()
    response = client.get(communicator_feed)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = [(str(e["summary"]), e.decoded("dtstart")) for e in calendar.walk("VEVENT")]
    assert events == [("Publish: Winter pricing post (LinkedIn)", DAY)]

    expert_feed = feed_url_of(client_for(team.expert))
    client.logout()
    calendar = Calendar.from_ical(client.get(expert_feed).content)
    events = [(str(e["summary"]), e.decoded("dtstart")) for e in calendar.walk("VEVENT")]
    assert events == [("Input due: Pricing facts", DAY - datetime.timedelta(days=5))]
    assert CalendarFeed.objects.get(user=team.expert).last_used_at is not None
    assert "token" not in [f.name for f in CalendarFeed._meta.get_fields()]  # only the hash is stored


def test_a_revoked_or_renewed_or_unknown_token_is_404(client_for, client, team):
    owner = client_for(team.requester)
    first = feed_url_of(owner)
    second = feed_url_of(owner)
    owner.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    owner = client_for(team.requester)
    owner.post(reverse("content_workflow:calendar_feed_revoke"))
    owner.logout()
    assert client.get(second).status_code == 404
    for token in ("nonsense", "x" * 500, "%00"):
        assert client.get(f"/calendar/feed/{token}.ics").status_code == 404
    assert client.post(reverse("content_workflow:calendar_feed_renew")).status_code == 302  # to sign in
    assert not CalendarFeed.objects.exists()


def test_an_inactive_users_feed_is_404(client_for, client, team):
    url = feed_url_of(client_for(team.expert))
    type(team.expert).objects.filter(pk=team.expert.pk).update(is_active=False)
    client.logout()
    assert client.get(url).status_code == 404


# --- Query counts ---------------------------------------------------------------------------------


def test_calendar_list_and_piece_pages_cost_the_same_queries_with_more_rows(client_for, team, planned):
    client = client_for(team.requester)
    urls = [
        reverse("content_workflow:calendar") + "?month=2026-12",
        reverse("content_workflow:calendar") + "?week=2026-W50",
        reverse("content_workflow:piece_list"),
        reverse("content_workflow:piece_list") + "?owner=me&channel=linkedin",
        reverse("content_workflow:piece_detail", args=[planned.pk]),
        reverse("content-piece-list"),
        reverse("content-piece-detail", args=[planned.pk]),
    ]
    feed = feed_url_of(client)
    # One of each kind of row to begin with (a piece without requests skips the query
    # that decides which of them the reader may open).
    give_request(team, planned, due=DAY - datetime.timedelta(days=3), title="First input")
    services.piece_update(piece=planned, actor=team.requester, text="planned v0")

    def counts():
        result = {}
        for url in [*urls, feed]:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            result[url] = len(queries)
        return result

    before = counts()
    for number in range(6):
        piece = services.piece_create(
            actor=team.other_requester if number % 2 else team.requester,
            title=f"More {number}",
            channel=["blog", "x", "linkedin"][number % 3],
            format="post",
            planned_publish_date=DAY + datetime.timedelta(days=number % 3),
            text=f"v{number}",
        )
        services.piece_update(piece=piece, actor=team.requester, text="again")
        give_request(team, piece, due=DAY - datetime.timedelta(days=1), assignee=team.expert2)
        give_request(team, planned, due=DAY - datetime.timedelta(days=2), title=f"More input {number}")
        services.piece_update(piece=planned, actor=team.requester, text=f"planned v{number}")
    assert counts() == before


# --- Figures for reporting ---------------------------------------------------------------------


def test_pieces_published_per_discipline_and_channel_and_expert_hours(team, planned, django_assert_num_queries):
    def publish(piece, on):
        for action in ("start", "send_to_final_check", "approve"):
            piece = services.piece_transition(piece=piece, actor=team.requester, action=action)
        return services.piece_transition(
            piece=piece, actor=team.requester, action="publish", published_url="https://example.com", published_on=on
        )

    fed = give_request(team, planned, due=DAY, status="completed")
    Contribution.objects.create(request=fed, author=team.expert, text="x", hours_spent=Decimal("2.5"))
    marketing = give_request(team, planned, due=DAY, status="delivered", assignee=team.other_expert)
    marketing.target_discipline = team.marketing
    marketing.save()
    Contribution.objects.create(request=marketing, author=team.other_expert, text="y", hours_spent=Decimal("1"))
    give_request(team, planned, due=DAY, status="cancelled")  # fed nothing
    publish(planned, datetime.date(2026, 11, 20))
    lonely = services.piece_create(actor=team.requester, title="No input", channel="x", format="post")
    publish(lonely, datetime.date(2026, 11, 21))
    outside = services.piece_create(actor=team.requester, title="October", channel="x", format="post")
    publish(outside, datetime.date(2026, 10, 1))

    period = {"start": datetime.date(2026, 11, 1), "end": datetime.date(2026, 11, 30)}
    with django_assert_num_queries(1):
        rows = pieces_selectors.pieces_published_by_discipline_channel(**period)
    found = {(row["discipline"], row["channel"], row["pieces"]) for row in rows}
    assert found == {(team.marketing.name, "linkedin", 1), (team.product.name, "linkedin", 1), (None, "x", 1)}
    with django_assert_num_queries(1):
        hours = pieces_selectors.expert_hours_per_published_piece(**period)
    assert [(row["title"], row["expert_hours"]) for row in hours] == [
        ("No input", Decimal(0)),
        ("Winter pricing post", Decimal("3.5")),
    ]


def test_the_feed_is_written_in_the_users_language(client_for, client, team, planned):
    from governance.models import UserProfile

    UserProfile.objects.update_or_create(user=team.requester, defaults={"language": "de"})
    url = feed_url_of(client_for(team.requester))
    client.logout()
    calendar = Calendar.from_ical(client.get(url).content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Veröffentlichen: Winter pricing post (LinkedIn)"]
