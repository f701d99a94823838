"""The expert's final check (issue 11, item 3): who is asked, answering with typed
comments, the hours through the ledger, the piece approved or sent back when the round
is complete, the next round to those who asked for changes, reminders, the e-mail's
approve link, the page and the API."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from content_workflow import services
from content_workflow.models import (
    BudgetEntry,
    Channel,
    ExpertInputRequest,
    FinalCheck,
    Format,
    PieceStatus,
    Status,
    TimeBudget,
)
from content_workflow.services.checks import CheckNotOpen

pytestmark = pytest.mark.django_db
V = FinalCheck.Verdict


def _delivered(team, make_request, piece, expert, title):
    request = make_request(title=title, piece=piece, preferred_expert=expert)
    services.request_submit(request=request, actor=team.requester)
    services.request_route(request_id=request.pk)
    request = ExpertInputRequest.objects.get(pk=request.pk)
    assert request.assignee == expert, request.routing_reason
    services.request_accept(request=request, actor=expert)
    return services.request_deliver(request=request, actor=expert, text="Facts", hours_spent="1")


@pytest.fixture
def fed(team, budget, make_request):
    """A piece in production fed by Eva's and Erik's delivered input; product has hours
    this month (checks book in the month they are answered) and next (the input's)."""
    budget(40)
    budget(10, month=timezone.localdate())
    piece = services.piece_create(
        actor=team.requester, title="Pricing explained", channel=Channel.BLOG, format=Format.BLOG_POST, text="Draft"
    )
    piece = services.piece_transition(piece=piece, actor=team.requester, action="start")
    _delivered(team, make_request, piece, team.expert, "Eva's input")
    _delivered(team, make_request, piece, team.expert2, "Erik's input")
    return piece


def _to_check(piece, team):
    return services.piece_transition(piece=piece, actor=team.requester, action="send_to_final_check")


def _check(piece, expert):
    return FinalCheck.objects.get(piece=piece, expert=expert, verdict=V.PENDING)


def _used_hours():
    return BudgetEntry.objects.filter(kind=BudgetEntry.Kind.CONSUME).aggregate(total=Sum("hours"))["total"]


def test_sending_to_final_check_asks_every_contributing_expert(fed, team):
    piece = _to_check(fed, team)
    checks = FinalCheck.objects.filter(piece=piece)
    assert {check.expert for check in checks} == {team.expert, team.expert2}
    assert {(check.round, check.version) for check in checks} == {(1, piece.version)}
    assert all(check.due_at > timezone.now() for check in checks)
    assert team.expert.notifications.filter(kind="final_check").exists()


def test_all_approvals_approve_the_piece_and_book_the_hours(fed, team):
    piece = _to_check(fed, team)
    before = _used_hours()
    services.final_check_answer(check=_check(piece, team.expert), actor=team.expert, verdict=V.APPROVED)
    piece.refresh_from_db()
    assert piece.status == PieceStatus.IN_FINAL_CHECK  # Erik has not answered yet
    services.final_check_answer(
        check=_check(piece, team.expert2),
        actor=team.expert2,
        verdict=V.APPROVED_WITH_CHANGES,
        comments=[{"label": "wording", "text": "Say 'tariff', not 'price'."}],
        hours_spent="0.75",
        quote_consent=True,
    )
    piece.refresh_from_db()
    assert piece.status == PieceStatus.APPROVED
    assert _used_hours() - before == Decimal("1.25")  # 0.5 by default, 0.75 as said
    erik = FinalCheck.objects.get(piece=piece, expert=team.expert2)
    assert erik.comments == [{"label": "wording", "text": "Say 'tariff', not 'price'."}] and erik.quote_consent
    assert piece.events.filter(kind="check").count() == 2


def test_the_timeline_says_who_answered_which_version_and_how(fed, team):
    from django.utils import translation

    piece = _to_check(fed, team)
    services.final_check_answer(
        check=_check(piece, team.expert2),
        actor=team.expert2,
        verdict=V.APPROVED_WITH_CHANGES,
        comments=[{"label": "wording", "text": "Say 'tariff'."}],
    )
    event = piece.events.get(kind="check")
    name = team.expert2.get_full_name()
    assert event.text == f"{name} on version {piece.version}: Approved with changes."
    with translation.override("de"):
        assert event.text == f"{name} zu Version {piece.version}: Mit Änderungen freigegeben."


def test_a_request_for_changes_sends_the_piece_back_and_only_that_expert_checks_again(fed, team):
    piece = _to_check(fed, team)
    services.final_check_answer(check=_check(piece, team.expert), actor=team.expert, verdict=V.APPROVED)
    services.final_check_answer(
        check=_check(piece, team.expert2),
        actor=team.expert2,
        verdict=V.CHANGES_REQUESTED,
        comments=[{"label": "fact", "text": "The limit is 500, not 50."}],
    )
    piece.refresh_from_db()
    assert piece.status == PieceStatus.IN_PRODUCTION
    piece = services.piece_update(piece=piece, actor=team.requester, text="Draft with 500")
    piece = _to_check(piece, team)
    second = FinalCheck.objects.filter(piece=piece, round=2)
    assert [(check.expert, check.version) for check in second] == [(team.expert2, piece.version)]


def test_a_check_without_budget_room_is_booked_as_overrun(fed, team):
    piece = _to_check(fed, team)
    this_month = TimeBudget.objects.get(discipline=team.product, month=timezone.localdate().replace(day=1))
    services.budget_adjust(actor=team.manager, budget=this_month, hours=-10, reason="Moved to next quarter")
    services.final_check_answer(check=_check(piece, team.expert), actor=team.expert, verdict=V.APPROVED)
    overrun = BudgetEntry.objects.get(kind=BudgetEntry.Kind.OVERRUN, idempotency_key__startswith="check:")
    assert overrun.hours == Decimal("0.5")


def test_comments_must_be_labelled_and_changes_need_them(fed, team):
    piece = _to_check(fed, team)
    check = _check(piece, team.expert)
    with pytest.raises(ValidationError) as refused:
        services.final_check_answer(check=check, actor=team.expert, verdict=V.CHANGES_REQUESTED)
    assert "comments" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.final_check_answer(
            check=check, actor=team.expert, verdict=V.APPROVED_WITH_CHANGES, comments=[{"label": "x", "text": "y"}]
        )
    with pytest.raises(ValidationError):
        services.final_check_answer(check=check, actor=team.expert, verdict=V.APPROVED, hours_spent="-1")
    assert _check(piece, team.expert).is_pending  # nothing changed


def test_only_the_asked_expert_answers_and_only_once(fed, team):
    piece = _to_check(fed, team)
    check = _check(piece, team.expert)
    with pytest.raises(PermissionDenied):
        services.final_check_answer(check=check, actor=team.expert2, verdict=V.APPROVED)
    services.final_check_answer(check=check, actor=team.expert, verdict=V.APPROVED)
    with pytest.raises(CheckNotOpen):
        services.final_check_answer(check=check, actor=team.expert, verdict=V.APPROVED)


def test_a_check_of_a_piece_that_moved_on_is_closed(fed, team):
    piece = _to_check(fed, team)
    services.piece_transition(piece=piece, actor=team.requester, action="rework")
    with pytest.raises(CheckNotOpen):
        services.final_check_answer(check=_check(piece, team.expert), actor=team.expert, verdict=V.APPROVED)


def test_an_overdue_check_is_reminded_once(fed, team):
    piece = _to_check(fed, team)
    FinalCheck.objects.filter(piece=piece).update(due_at=timezone.now() - timezone.timedelta(hours=1))
    assert services.final_check_reminders_send() == 2
    assert services.final_check_reminders_send() == 0
    assert team.expert.notifications.filter(kind="final_check", params__variant="reminder").count() == 1


def test_the_email_approves_with_one_link(fed, team, client, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        piece = _to_check(fed, team)
    body = next(message.body for message in mail.outbox if message.to == [team.expert.email])
    url = re.search(r"^Approve the final check: http://127\.0\.0\.1:8000(\S+)$", body, re.M).group(1)
    page = client.get(url)
    assert page.status_code == 200 and "Draft" in page.content.decode()
    assert client.post(url, {"hours_spent": "0.5"}).status_code == 200
    assert FinalCheck.objects.get(piece=piece, expert=team.expert).verdict == V.APPROVED
    assert client.post(url, {"hours_spent": "0.5"}).status_code == 410  # once


def test_the_page_shows_the_check_and_takes_the_answer(fed, team, client):
    piece = _to_check(fed, team)
    client.force_login(team.expert)
    page = client.get(reverse("content_workflow:piece_detail", args=[piece.pk])).content.decode()
    assert "Your final check" in page
    bad = client.post(reverse("content_workflow:piece_check", args=[piece.pk]), {"verdict": "changes_requested"})
    assert bad.status_code == 400
    assert _check(piece, team.expert).is_pending
    done = client.post(
        reverse("content_workflow:piece_check", args=[piece.pk]),
        {"verdict": "changes_requested", "label_1": "risk", "text_1": "Legal must see this.", "hours_spent": "0.5"},
    )
    assert done.status_code == 302
    assert FinalCheck.objects.get(piece=piece, expert=team.expert).verdict == V.CHANGES_REQUESTED
    client.force_login(team.requester)
    page = client.get(reverse("content_workflow:piece_detail", args=[piece.pk])).content.decode()
    assert "Legal must see this." in page and "Your final check" not in page


def test_the_api_lists_and_answers_checks(fed, team, api_for):
    piece = _to_check(fed, team)
    expert = api_for(team.expert)
    answer = expert.post(
        f"/api/v1/content-pieces/{piece.pk}/final-check/",
        {"verdict": "approved_with_changes", "comments": [{"label": "fact", "text": "Check the date."}]},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["verdict"] == "approved_with_changes"
    again = expert.post(f"/api/v1/content-pieces/{piece.pk}/final-check/", {"verdict": "approved"}, format="json")
    assert again.status_code == 404  # nothing waits for them any more
    rows = api_for(team.requester).get(f"/api/v1/content-pieces/{piece.pk}/checks/").json()
    assert {row["verdict"] for row in rows} == {"approved_with_changes", "pending"}
    stranger = api_for(team.other_expert).post(
        f"/api/v1/content-pieces/{piece.pk}/final-check/", {"verdict": "approved"}, format="json"
    )
    assert stranger.status_code == 404
    assert ExpertInputRequest.objects.filter(piece=piece, status=Status.DELIVERED).count() == 2


def test_the_calendar_feed_holds_the_open_checks(fed, team):
    from icalendar import Calendar

    from content_workflow.content_calendar import feed_calendar

    piece = _to_check(fed, team)
    feed = Calendar.from_ical(feed_calendar(team.expert, today=timezone.localdate(), site="test"))
    summaries = [str(event["summary"]) for event in feed.walk("VEVENT")]
    assert f"Final check due: {piece.title}" in summaries
    services.final_check_answer(check=_check(piece, team.expert), actor=team.expert, verdict=V.APPROVED)
    feed = Calendar.from_ical(feed_calendar(team.expert, today=timezone.localdate(), site="test"))
    assert f"Final check due: {piece.title}" not in [str(event["summary"]) for event in feed.walk("VEVENT")]


def test_the_dashboards_count_the_content_that_went_out(fed, team, client_for):
    from governance import reporting
    from governance.reporting import Period, Scope

    piece = _to_check(fed, team)
    services.final_check_answer(check=_check(piece, team.expert), actor=team.expert, verdict=V.APPROVED)
    services.final_check_answer(check=_check(piece, team.expert2), actor=team.expert2, verdict=V.APPROVED)
    services.piece_transition(
        piece=piece,
        actor=team.requester,
        action="publish",
        published_url="https://example.com/blog/pricing",
        published_on=timezone.localdate(),
    )
    month = Period.month(timezone.localdate())
    content = reporting.content_figures(month, Scope.everything())
    assert content.published.value == 1
    assert content.hours_per_piece.value == Decimal("2.0")  # two experts' 1 h of input
    assert content.turnaround.value is not None
    assert [(row.discipline.label, str(row.channel), row.pieces) for row in content.rows] == [
        (team.product.label, "Corporate blog", 1)
    ]
    # A manager of another discipline counts their disciplines' input only.
    assert reporting.content_figures(month, Scope.of({team.marketing.pk})).published.value == 0
    page = client_for(team.executive).get(reverse("dashboard", args=["executive"])).content.decode()
    assert "Content that went out" in page and "Expert hours per published piece" in page
