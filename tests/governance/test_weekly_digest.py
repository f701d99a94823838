"""The weekly digest (governance/digest.py): who gets it, in which language, with which
scope, once per person and week, and switched off on the profile."""

# ruff: noqa: F811

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from content_workflow import services
from content_workflow.models import ExpertInputRequest, Status, TimeAllocationRequest
from governance import digest, reporting
from governance.models import UserProfile
from tests.content_workflow.conftest import budget, due, hub_model, make_request, member, team  # noqa: F401

pytestmark = pytest.mark.django_db


def _monday(hour=9, weeks=0):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)
    return datetime.datetime.combine(monday, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def _mail_to(user):
    found = [message for message in mail.outbox if message.to == [user.email]]
    assert len(found) == 1, [message.to for message in mail.outbox]
    return found[0]


def test_each_executive_and_manager_gets_one_digest_of_their_scope(team):
    sent = digest.weekly_digests_send(now=_monday())

    # Executives and the managers of disciplines; not experts, communicators, leads,
    # nor someone in the manager group who manages no discipline (the deputy).
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [team.executive.email, team.manager.email, team.other_manager.email]
    )
    assert sent == 3
    week = digest.week_label(digest.digest_week(_monday())[1])
    executive = _mail_to(team.executive)
    assert executive.subject == f"[Social media governance] Your week: {week}"
    assert "for all disciplines" in executive.body
    manager = _mail_to(team.manager)
    assert f"Here is the week {week} for {team.product.name}." in manager.body
    assert team.marketing.name not in manager.body
    assert f"Switch it off on your profile: http://127.0.0.1:8000{reverse('profile')}" in manager.body


def test_the_digest_speaks_the_recipients_language(team):
    UserProfile.objects.create(user=team.executive, language="de")
    digest.weekly_digests_send(now=_monday())

    german = _mail_to(team.executive)
    assert german.subject.startswith("[Social Media Governance] Ihre Woche:")
    assert "für alle Disziplinen." in german.body
    assert "Your week" in _mail_to(team.manager).subject


def test_one_digest_per_person_and_week_and_a_missed_monday_catches_up(team):
    assert digest.weekly_digests_send(now=_monday(hour=digest.DIGEST_HOUR - 1)) == 0  # too early
    assert digest.weekly_digests_send(now=_monday() + datetime.timedelta(days=1)) == 3  # Tuesday: catch up
    assert digest.weekly_digests_send(now=_monday()) == 0
    assert digest.weekly_digests_send(now=_monday() + datetime.timedelta(days=3)) == 0
    assert len(mail.outbox) == 3
    assert digest.weekly_digests_send(now=_monday(weeks=1)) == 3  # the next week
    assert len(mail.outbox) == 6


def test_a_failed_send_is_tried_again_and_does_not_stop_the_others(team, monkeypatch):
    real_send = digest.send_mail

    def flaky(subject, body, sender, to):
        if to == [team.manager.email]:
            raise ConnectionRefusedError("mail server down")
        return real_send(subject, body, sender, to)

    monkeypatch.setattr(digest, "send_mail", flaky)
    assert digest.weekly_digests_send(now=_monday()) == 2
    assert UserProfile.objects.get(user=team.manager).weekly_digest_week is None
    monkeypatch.setattr(digest, "send_mail", real_send)
    assert digest.weekly_digests_send(now=_monday(hour=10)) == 1
    assert _mail_to(team.manager)


def test_switched_off_on_the_profile_no_digest(team, client):
    client.force_login(team.manager)
    page = client.get(reverse("profile"))
    assert "Weekly summary e-mail" in page.content.decode()
    response = client.post(reverse("profile"), {"language": ""})  # checkbox left unticked
    assert response.status_code == 302
    assert UserProfile.objects.get(user=team.manager).weekly_digest is False

    digest.weekly_digests_send(now=_monday())
    assert team.manager.email not in [message.to[0] for message in mail.outbox]

    client.post(reverse("profile"), {"language": "", "weekly_digest": "on"})
    assert UserProfile.objects.get(user=team.manager).weekly_digest is True


def test_people_who_get_no_digest_are_not_offered_the_switch(team, client):
    client.force_login(team.expert)
    assert "Weekly summary e-mail" not in client.get(reverse("profile")).content.decode()
    # Posting the field anyway changes nothing.
    client.post(reverse("profile"), {"language": "", "weekly_digest": ""})
    assert not UserProfile.objects.filter(user=team.expert, weekly_digest=False).exists()


def test_the_figures_of_the_week_with_the_change_and_the_decisions_waiting(
    team, budget, make_request, due, monkeypatch
):
    monkeypatch.setattr(reporting, "MIN_PEOPLE", 1)  # one expert's input: shown, not withheld
    budget(40)
    week = digest.digest_week(_monday())[1]

    def delivered(title, hours, day):
        request = make_request(title=title)
        services.request_submit(request=request, actor=team.requester)
        services.request_route(request_id=request.pk)
        request = ExpertInputRequest.objects.get(pk=request.pk)
        services.request_accept(request=request, actor=request.assignee)
        services.request_deliver(request=request, actor=request.assignee, text="Input", hours_spent=hours)
        at = datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())
        ExpertInputRequest.objects.filter(pk=request.pk).update(delivered_at=at)

    delivered("Last week", "2", week.start + datetime.timedelta(days=1))
    delivered("Also last week", "3", week.end)
    delivered("The week before", "1", week.start - datetime.timedelta(days=2))
    # A request for more time in Product waits for its manager (no budget that month).
    waiting = make_request(title="Later", estimated_hours=Decimal(2), due_date=due + datetime.timedelta(days=62))
    services.request_submit(request=waiting, actor=team.requester)
    services.request_route(request_id=waiting.pk)
    assert ExpertInputRequest.objects.get(pk=waiting.pk).status == Status.AWAITING_ALLOCATION
    assert TimeAllocationRequest.objects.filter(status__in=TimeAllocationRequest.PENDING).count() == 1

    digest.weekly_digests_send(now=_monday())

    body = _mail_to(team.manager).body
    assert "- Contributions: 2 (+100 % vs previous period)" in body
    assert "- Hours delivered: 5 h (+400 % vs previous period)" in body
    assert "1 request for more time: http://" in body
    assert "/allocations/" in body
    assert "requests for more time" not in _mail_to(team.other_manager).body
    assert "request for more time" not in _mail_to(team.executive).body  # decides none


def test_small_groups_stay_withheld_in_the_digest(team, budget, make_request):
    budget(40)
    week = digest.digest_week(_monday())[1]
    request = make_request(title="One person's work")
    services.request_submit(request=request, actor=team.requester)
    services.request_route(request_id=request.pk)
    request = ExpertInputRequest.objects.get(pk=request.pk)
    services.request_accept(request=request, actor=request.assignee)
    services.request_deliver(request=request, actor=request.assignee, text="Input", hours_spent="2")
    at = datetime.datetime.combine(week.start, datetime.time(12), tzinfo=timezone.get_current_timezone())
    ExpertInputRequest.objects.filter(pk=request.pk).update(delivered_at=at)

    digest.weekly_digests_send(now=_monday())

    body = _mail_to(team.manager).body
    assert "- Contributions: fewer than 3 people" in body
    assert "- Contributions: 1" not in body
