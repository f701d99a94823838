"""The content piece pages and API (issue 11, item 1): personas on every page and
action, the request form pre-filled from a piece, the diff's escaping, 409 for an
illegal move, and the schema."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from content_workflow import services
from content_workflow.models import ContentPiece, ExpertInputRequest, PieceStatus

P = PieceStatus


@pytest.fixture
def piece(team):
    return services.piece_create(
        actor=team.requester,
        title="Pricing explained",
        channel="blog",
        format="blog_post",
        planned_publish_date=timezone.localdate() + datetime.timedelta(days=30),
        text="First line\nSecond line",
    )


def fed_by(team, piece, make_request):
    request = make_request(piece=piece)
    ExpertInputRequest.objects.filter(pk=request.pk).update(assignee=team.expert, status="accepted")
    return request


# --- Pages ---------------------------------------------------------------------------------------

READERS = ["requester", "other_requester", "manager", "lead", "executive", "admin"]


@pytest.mark.parametrize("who", READERS)
def test_readers_open_the_list_and_the_piece(client_for, team, piece, who):
    client = client_for(getattr(team, who))
    assert piece.title in client.get(reverse("content_workflow:piece_list")).text
    response = client.get(reverse("content_workflow:piece_detail", args=[piece.pk]))
    assert response.status_code == 200
    assert "Second line" in response.text


@pytest.mark.parametrize("who", ["spoke_communicator", "expert", "outsider"])
def test_others_get_404_and_an_empty_list(client_for, team, piece, who):
    client = client_for(getattr(team, who))
    assert piece.title not in client.get(reverse("content_workflow:piece_list")).text
    for name in ("piece_detail", "piece_edit", "piece_diff"):
        assert client.get(reverse(f"content_workflow:{name}", args=[piece.pk])).status_code == 404, name
    assert client.post(reverse("content_workflow:piece_start", args=[piece.pk])).status_code == 404


def test_an_expert_who_fed_the_piece_reads_it_but_may_not_edit(client_for, team, piece, make_request):
    fed_by(team, piece, make_request)
    client = client_for(team.expert)
    page = client.get(reverse("content_workflow:piece_detail", args=[piece.pk]))
    assert page.status_code == 200
    assert reverse("content_workflow:piece_edit", args=[piece.pk]) not in page.text
    assert reverse("content_workflow:piece_start", args=[piece.pk]) not in page.text
    assert client.get(reverse("content_workflow:piece_edit", args=[piece.pk])).status_code == 403
    assert client.post(reverse("content_workflow:piece_start", args=[piece.pk])).status_code == 403
    assert ContentPiece.objects.get(pk=piece.pk).status == P.IDEA


@pytest.mark.parametrize("who", ["manager", "lead", "executive"])
def test_readers_may_not_edit(client_for, team, piece, who):
    client = client_for(getattr(team, who))
    assert client.get(reverse("content_workflow:piece_edit", args=[piece.pk])).status_code == 403
    assert client.get(reverse("content_workflow:piece_create")).status_code == 403
    client.post(reverse("content_workflow:piece_reschedule", args=[piece.pk]), {"planned_publish_date": "2030-01-01"})
    assert ContentPiece.objects.get(pk=piece.pk).planned_publish_date != datetime.date(2030, 1, 1)


def test_a_communicator_plans_edits_and_moves_a_piece(client_for, team):
    client = client_for(team.requester)
    form = client.get(reverse("content_workflow:piece_create"))
    token = form.context["form"]["submission_token"].value()
    response = client.post(
        reverse("content_workflow:piece_create"),
        {
            "title": "Roadmap Q&A",
            "channel": "linkedin",
            "format": "interview",
            "planned_publish_date": "",
            "team": team.hub.pk,
            "text": "Draft",
            "submission_token": token,
        },
    )
    piece = ContentPiece.objects.get(title="Roadmap Q&A")
    assert response.url == reverse("content_workflow:piece_detail", args=[piece.pk])
    assert (piece.owner, piece.team, piece.version) == (team.requester, team.hub, 1)
    colleague = client_for(team.other_requester)
    response = colleague.post(
        reverse("content_workflow:piece_edit", args=[piece.pk]),
        {"title": "Roadmap Q&A", "channel": "linkedin", "format": "interview", "text": "Draft, better"},
    )
    assert response.status_code == 302
    assert ContentPiece.objects.get(pk=piece.pk).version == 2
    colleague.post(reverse("content_workflow:piece_start", args=[piece.pk]))
    colleague.post(reverse("content_workflow:piece_send_to_final_check", args=[piece.pk]))
    colleague.post(reverse("content_workflow:piece_approve", args=[piece.pk]))
    response = colleague.post(
        reverse("content_workflow:piece_publish", args=[piece.pk]),
        {"published_url": "", "published_on": ""},
        follow=True,
    )
    assert ContentPiece.objects.get(pk=piece.pk).status == P.APPROVED
    assert "required" in response.text
    today = timezone.localdate().isoformat()
    colleague.post(
        reverse("content_workflow:piece_publish", args=[piece.pk]),
        {"published_url": "https://example.com/q-and-a", "published_on": today},
    )
    piece.refresh_from_db()
    assert (piece.status, piece.published_url) == (P.PUBLISHED, "https://example.com/q-and-a")
    # An illegal move says why and changes nothing.
    response = colleague.post(reverse("content_workflow:piece_start", args=[piece.pk]), follow=True)
    assert "cannot become" in response.text
    assert ContentPiece.objects.get(pk=piece.pk).status == P.PUBLISHED


def test_the_date_field_moves_the_piece(client_for, team, piece):
    client = client_for(team.requester)
    response = client.post(
        reverse("content_workflow:piece_reschedule", args=[piece.pk]), {"planned_publish_date": "2027-02-03"}
    )
    assert response.status_code == 302
    assert ContentPiece.objects.get(pk=piece.pk).planned_publish_date == datetime.date(2027, 2, 3)
    response = client.post(
        reverse("content_workflow:piece_reschedule", args=[piece.pk]),
        {"planned_publish_date": "not a date"},
        follow=True,
    )
    assert "Enter a valid date" in response.text


def test_the_list_filters(client_for, team, piece):
    services.piece_create(actor=team.other_requester, title="Colleague's video", channel="youtube", format="video")
    client = client_for(team.requester)
    url = reverse("content_workflow:piece_list")
    mine = client.get(url, {"owner": "me"}).text
    assert piece.title in mine and "Colleague&#x27;s video" not in mine
    youtube = client.get(url, {"channel": "youtube"}).text
    assert piece.title not in youtube and "Colleague&#x27;s video" in youtube
    assert piece.title not in client.get(url, {"status": "published"}).text
    bad = client.get(url, {"status": "nonsense"})
    assert bad.status_code == 200 and "not valid" in bad.text


def test_the_diff_escapes_the_text(client_for, team, piece):
    services.piece_update(piece=piece, actor=team.requester, text="First line\n<script>alert('x')</script>")
    client = client_for(team.requester)
    page = client.get(reverse("content_workflow:piece_diff", args=[piece.pk]), {"from": 1, "to": 2})
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.text
    assert 'class="wf-diff-removed"' in page.text and 'class="wf-diff-added"' in page.text
    detail = client.get(reverse("content_workflow:piece_detail", args=[piece.pk])).text
    assert "<script>alert" not in detail
    for bad in ({"from": "x"}, {"from": 0, "to": 2}, {"from": 1, "to": 99}):
        response = client.get(reverse("content_workflow:piece_diff", args=[piece.pk]), bad)
        assert response.status_code == 200 and 'role="alert"' in response.text, bad


def test_a_request_is_asked_from_the_piece_pre_filled(client_for, team, piece, budget):
    client = client_for(team.requester)
    page = client.get(reverse("content_workflow:piece_detail", args=[piece.pk]))
    url = page.context["request_url"]
    assert url == reverse("content_workflow:request_create") + f"?piece={piece.pk}"
    form = client.get(url)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["content_piece"] == piece.title and initial["channel"] == "blog"
    assert initial["due_date"] == piece.planned_publish_date - datetime.timedelta(days=7)
    assert f'name="piece" value="{piece.pk}"' in form.text
    token = form.context["form"]["submission_token"].value()
    response = client.post(
        reverse("content_workflow:request_create"),
        {
            "piece": piece.pk,
            "title": "Input for pricing",
            "brief": "Facts please",
            "target_discipline": team.product.pk,
            "estimated_hours": "1",
            "due_date": initial["due_date"].isoformat(),
            "channel": "blog",
            "format": "blog_post",
            "priority": 2,
            "submission_token": token,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    request = ExpertInputRequest.objects.get(title="Input for pricing")
    assert request.piece == piece
    assert "Input for pricing" in client.get(reverse("content_workflow:piece_detail", args=[piece.pk])).text
    # Someone who may not edit the piece cannot hang a request on it.
    assert client_for(team.spoke_communicator).get(url).status_code == 404
    assert client_for(team.manager).get(url).status_code == 403


# --- API -----------------------------------------------------------------------------------------


def test_api_lists_and_reads_what_the_user_may_see(api_for, team, piece, make_request):
    fed_by(team, piece, make_request)
    url = reverse("content-piece-list")
    for who, count in (("requester", 1), ("expert", 1), ("manager", 1), ("spoke_communicator", 0), ("outsider", 0)):
        assert api_for(getattr(team, who)).get(url).json()["count"] == count, who
    detail = api_for(team.expert).get(reverse("content-piece-detail", args=[piece.pk])).json()
    assert detail["text"] == "First line\nSecond line"
    assert detail["actions"] == []
    assert [r["status"] for r in detail["requests"]] == ["accepted"]
    assert api_for(team.outsider).get(reverse("content-piece-detail", args=[piece.pk])).status_code == 404
    assert api_for().get(url).status_code in (401, 403)


def test_api_actions_move_the_piece_and_answer_409_for_illegal_moves(api_for, team, piece):
    api = api_for(team.other_requester)
    detail = api.get(reverse("content-piece-detail", args=[piece.pk])).json()
    assert detail["actions"] == ["start", "archive"]
    response = api.post(reverse("content-piece-start", args=[piece.pk]), {"note": "go"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_production"
    response = api.post(reverse("content-piece-approve", args=[piece.pk]), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert api_for(team.manager).post(reverse("content-piece-archive", args=[piece.pk])).status_code == 403
    assert api_for(team.outsider).post(reverse("content-piece-archive", args=[piece.pk])).status_code == 404
    api.post(reverse("content-piece-send-to-final-check", args=[piece.pk]))
    response = api.patch(reverse("content-piece-detail", args=[piece.pk]), {"text": "changed"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_editable"
    api.post(reverse("content-piece-approve", args=[piece.pk]))
    response = api.post(reverse("content-piece-publish", args=[piece.pk]), {"published_url": "nope"}, format="json")
    assert response.status_code == 400 and {"published_url", "published_on"} <= set(response.json())
    response = api.post(
        reverse("content-piece-publish", args=[piece.pk]),
        {"published_url": "https://example.com/p", "published_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "published"


def test_api_creates_updates_and_lists_versions(api_for, team):
    api = api_for(team.requester)
    response = api.post(
        reverse("content-piece-list"), {"title": "Via API", "channel": "x", "text": "v1"}, format="json"
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = api.patch(
        reverse("content-piece-detail", args=[pk]), {"text": "v2", "version_note": "shorter"}, format="json"
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    versions = api.get(reverse("content-piece-versions", args=[pk])).json()
    assert [(v["number"], v["text"]) for v in versions] == [(2, "v2"), (1, "v1")]
    assert api_for(team.manager).post(reverse("content-piece-list"), {"title": "x"}, format="json").status_code == 403
    assert api.post(reverse("content-piece-list"), {"title": 5}, format="json").status_code == 400


def test_the_schema_documents_the_piece_api(client):
    spec = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = spec["paths"]
    assert "/api/v1/content-pieces/" in paths
    assert "/api/v1/content-pieces/{id}/versions/" in paths
    assert "409" in paths["/api/v1/content-pieces/{id}/publish/"]["post"]["responses"]
    assert "`in_final_check` | `approved`" in paths["/api/v1/content-pieces/"]["get"]["description"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_dates_outside_the_window_are_refused_with_a_message(client_for, api_for, team, piece, day):
    client = client_for(team.requester)
    response = client.post(
        reverse("content_workflow:piece_reschedule", args=[piece.pk]), {"planned_publish_date": day}, follow=True
    )
    assert response.status_code == 200 and "Choose a date between" in response.text
    response = api_for(team.requester).patch(
        reverse("content-piece-detail", args=[piece.pk]), {"planned_publish_date": day}, format="json"
    )
    assert response.status_code == 400 and "planned_publish_date" in response.json()
    assert ContentPiece.objects.get(pk=piece.pk).planned_publish_date == piece.planned_publish_date


@pytest.mark.parametrize("query", ["?month=9999-12", "?month=0001-01", "?week=9999-W52", "?week=0001-W01"])
def test_the_calendar_refuses_periods_at_the_ends_of_time(client_for, team, query):
    response = client_for(team.requester).get(reverse("content_workflow:calendar") + query)
    assert response.status_code == 200 and "is not a month like" in response.text


def test_a_body_without_a_content_type_is_415_as_documented(api_for, team, piece, client):
    api = api_for(team.requester)
    response = api.generic("PATCH", reverse("content-piece-detail", args=[piece.pk]), b"title=x", content_type="")
    assert response.status_code == 415 and "detail" in response.json()
    spec = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "415" in spec["paths"]["/api/v1/content-pieces/{id}/"]["patch"]["responses"]


def test_the_header_links_content_and_calendar_by_role(client_for, team):
    home = reverse("content_workflow:piece_list")
    calendar = reverse("content_workflow:calendar")
    for who, content, cal in (
        ("requester", True, True),
        ("manager", True, True),
        ("executive", True, True),
        ("expert", False, True),
        ("outsider", False, False),
    ):
        text = client_for(getattr(team, who)).get(reverse("content_workflow:inbox")).text
        header = text.split("</nav>")[0]
        assert (f'href="{home}"' in header) is content, who
        assert (f'href="{calendar}"' in header) is cal, who


def test_the_admin_shows_pieces_read_only_and_archives_through_the_service(client_for, team, piece):
    client = client_for(team.admin)
    assert client.get(reverse("admin:content_workflow_contentpiece_changelist")).status_code == 200
    page = client.get(reverse("admin:content_workflow_contentpiece_change", args=[piece.pk]))
    assert page.status_code == 200 and "Second line" in page.text
    assert client.get(reverse("admin:content_workflow_contentversion_changelist")).status_code == 200
    assert client.get(reverse("admin:content_workflow_pieceevent_changelist")).status_code == 200
    assert client.get(reverse("admin:content_workflow_calendarfeed_changelist")).status_code == 200
    client.post(
        reverse("admin:content_workflow_contentpiece_changelist"),
        {"action": "archive", "_selected_action": [piece.pk]},
    )
    assert ContentPiece.objects.get(pk=piece.pk).status == P.ARCHIVED
    assert piece.events.filter(to_status=P.ARCHIVED, actor=team.admin).exists()
