"""One-click links in experts' e-mails (content_workflow/email_links.py): they act once,
for one person, one request and one action, without signing in; replayed, changed,
expired, moved-on and someone else's links explain themselves and change nothing."""

import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from content_workflow import email_links
from content_workflow.models import ExpertInputRequest, RequestEvent, Status

pytestmark = pytest.mark.django_db

LINK = re.compile(r"^(Accept|Decline|Deliver your input): (http://\S+)$", re.MULTILINE)


@pytest.fixture
def assigned(team, budget, make_request, django_capture_on_commit_callbacks):
    """A request routed to Eva, and the e-mail she got about it."""
    budget(20)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request(submit=True)
    request = ExpertInputRequest.objects.get(pk=request.pk)
    assert request.status == Status.ASSIGNED and request.assignee == team.expert
    return request


def _links(message):
    return {label: url.removeprefix("http://127.0.0.1:8000") for label, url in LINK.findall(message.body)}


def _mail_to(user):
    return [message for message in mail.outbox if message.to == [user.email]][-1]


def test_the_assignment_email_carries_accept_and_decline(assigned, team):
    links = _links(_mail_to(team.expert))
    assert set(links) == {"Accept", "Decline"}
    # The requester's e-mails carry none.
    assert all(not _links(message) for message in mail.outbox if message.to != [team.expert.email])


def test_accepting_from_the_email_without_signing_in(assigned, team, client):
    url = _links(_mail_to(team.expert))["Accept"]
    page = client.get(url)
    assert page.status_code == 200
    assert assigned.title in page.content.decode()
    # Opening the link (as a mail scanner would) does nothing.
    assert ExpertInputRequest.objects.get(pk=assigned.pk).status == Status.ASSIGNED

    done = client.post(url)
    assert done.status_code == 200
    assert "Accepted" in done.content.decode()
    request = ExpertInputRequest.objects.get(pk=assigned.pk)
    assert request.status == Status.ACCEPTED
    event = RequestEvent.objects.filter(request=request, to_status=Status.ACCEPTED).get()
    assert event.actor == team.expert
    assert event.data["via"] == "email_link"
    assert event.text == "By e-mail link."
    assert "_auth_user_id" not in client.session  # nobody was signed in by it


def test_a_link_works_once(assigned, team, client):
    url = _links(_mail_to(team.expert))["Accept"]
    assert client.post(url).status_code == 200
    replay = client.post(url)
    assert replay.status_code == 410
    assert "used already" in replay.content.decode()
    assert RequestEvent.objects.filter(request=assigned, to_status=Status.ACCEPTED).count() == 1
    assert client.get(url).status_code == 410


def test_a_changed_link_does_nothing(assigned, team, client):
    url = _links(_mail_to(team.expert))["Accept"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    payload = signing.loads(token, salt=email_links.SALT)
    forged = signing.dumps({**payload, "a": "decline"}, salt="someone-else's-salt")
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, tampered, "nonsense"):
        response = client.post(reverse("content_workflow:email_link", args=[bad]), {"reason": "No"})
        assert response.status_code == 400
        assert "was changed" in response.content.decode()
    assert ExpertInputRequest.objects.get(pk=assigned.pk).status == Status.ASSIGNED


def test_an_expired_link_explains_and_offers_sign_in(assigned, team, client, settings, monkeypatch):
    url = _links(_mail_to(team.expert))["Accept"]
    settings.EMAIL_LINK_MAX_AGE_DAYS = 1
    import time

    later = time.time() + 2 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(url)
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert ExpertInputRequest.objects.get(pk=assigned.pk).status == Status.ASSIGNED


def test_a_link_after_the_request_moved_on(assigned, team, client):
    from content_workflow import services

    url = _links(_mail_to(team.expert))["Decline"]
    services.request_cancel(request=assigned, actor=team.requester, reason="Not needed")
    page = client.get(url)
    assert page.status_code == 409
    assert "moved on" in page.content.decode()
    response = client.post(url, {"reason": "Too busy"})
    assert response.status_code == 409
    assert ExpertInputRequest.objects.get(pk=assigned.pk).status == Status.CANCELLED
    # Nothing was claimed: the link is still unused (and still does nothing).
    assert not email_links.SubmissionToken.objects.filter(kind__startswith=email_links.KIND_PREFIX).exists()


def test_someone_elses_link_is_refused(assigned, team, client):
    url = _links(_mail_to(team.expert))["Accept"]
    client.force_login(team.expert2)
    response = client.post(url)
    assert response.status_code == 403
    assert "sent to someone else" in response.content.decode()
    assert ExpertInputRequest.objects.get(pk=assigned.pk).status == Status.ASSIGNED


def test_the_addressee_signed_in_may_use_it(assigned, team, client):
    client.force_login(team.expert)
    assert client.post(_links(_mail_to(team.expert))["Accept"]).status_code == 200
    assert ExpertInputRequest.objects.get(pk=assigned.pk).status == Status.ACCEPTED


def test_declining_asks_for_the_reason(assigned, team, client):
    url = _links(_mail_to(team.expert))["Decline"]
    page = client.get(url).content.decode()
    assert 'name="reason"' in page
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200
    assert "Say why you decline" in empty.content.decode()
    assert ExpertInputRequest.objects.get(pk=assigned.pk).status == Status.ASSIGNED
    assert client.post(url, {"reason": "On holiday"}).status_code == 200
    event = RequestEvent.objects.filter(request=assigned, to_status=Status.DECLINED).get()
    assert (event.note, event.data["via"]) == ("On holiday", "email_link")


def test_delivering_from_the_email(assigned, team, client):
    from content_workflow import services

    mail.outbox.clear()
    services.request_accept(request=assigned, actor=team.expert)
    # The next e-mail to the expert about it (a reminder, say) offers the input form.
    from content_workflow.models import Notification
    from content_workflow.services.notifications import notification_email

    notification = Notification.objects.filter(request=assigned, recipient=team.expert).latest("pk")
    assert notification.kind == "assigned"
    _subject, body = notification_email(notification)
    url = LINK.search(body)
    assert url.group(1) == "Deliver your input"
    path = url.group(2).removeprefix("http://127.0.0.1:8000")
    response = client.post(path, {"text": "The facts.", "hours_spent": "2"})
    assert response.status_code == 200
    request = ExpertInputRequest.objects.get(pk=assigned.pk)
    assert request.status == Status.DELIVERED
    assert request.contribution.text == "The facts."
    assert "(by e-mail link)" in RequestEvent.objects.filter(request=request, to_status=Status.DELIVERED).get().text


def test_used_links_stay_used_while_links_live(assigned, team, client):
    from datetime import timedelta

    from django.utils import timezone

    from content_workflow.submissions import submission_tokens_expire

    url = _links(_mail_to(team.expert))["Accept"]
    client.post(url)
    submission_tokens_expire(now=timezone.now() + timedelta(days=2))  # forms' tokens live a day
    assert client.post(url).status_code == 410
    submission_tokens_expire(now=timezone.now() + timedelta(days=8))
    assert not email_links.SubmissionToken.objects.filter(kind__startswith=email_links.KIND_PREFIX).exists()


def test_a_link_page_shows_its_one_request_and_nothing_else(assigned, team, make_request, client):
    other = make_request(title="Another request, not for this link")
    url = _links(_mail_to(team.expert))["Decline"]
    page = client.get(url).content.decode()
    assert assigned.title in page and assigned.brief in page
    assert other.title not in page
    # No way into the app from here but signing in: no links to requests, pages or the API.
    hrefs = set(re.findall(r'href="([^"]+)"', page))
    assert not {href for href in hrefs if href.startswith(("/requests", "/work", "/pieces", "/api", "/dashboard"))}
