"""A create form sent twice creates one thing (issue 10, item 3): Back and submit again,
a double click, a reload. The second post lands on what the first one made."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from content_workflow.models import (
    Contribution,
    ExpertInputRequest,
    RequestEvent,
    Status,
    SubmissionToken,
    TimeBudget,
)
from content_workflow.submissions import SALT, new_token, submission_tokens_expire
from tests.content_workflow.test_request_pages import form_data


def url(name, *args):
    return reverse(f"content_workflow:{name}", args=args)


def token_of(response):
    match = re.search(r'name="submission_token" value="([^"]+)"', response.content.decode())
    assert match, "the form carries no one-time token"
    return match.group(1)


def messages_after(client, response):
    page = client.get(response["Location"])
    return [str(m) for m in page.context["messages"]]


def test_the_request_form_sent_twice_makes_one_request(client_for, team, due, budget):
    budget(20)
    client = client_for(team.requester)
    data = form_data(team, due, submission_token=token_of(client.get(url("request_create"))))

    first = client.post(url("request_create"), data)
    assert first.status_code == 302
    [item] = ExpertInputRequest.objects.filter(requester=team.requester)
    assert first["Location"] == url("request_detail", item.pk)

    again = client.post(url("request_create"), data)  # Back, then submit again
    assert ExpertInputRequest.objects.filter(requester=team.requester).count() == 1
    assert again["Location"] == url("request_detail", item.pk)
    assert "This was already sent; here is the request you made." in messages_after(client, again)


def test_a_refused_post_does_not_spend_the_token(client_for, team, due):
    client = client_for(team.requester)
    token = token_of(client.get(url("request_create")))
    refused = client.post(url("request_create"), form_data(team, due, title="", submission_token=token))
    assert refused.status_code == 200 and not SubmissionToken.objects.exists()
    assert token_of(refused) == token  # the corrected form is sent with the same token
    sent = client.post(url("request_create"), form_data(team, due, submission_token=token))
    assert sent.status_code == 302
    assert ExpertInputRequest.objects.filter(requester=team.requester).count() == 1


def test_each_form_shown_makes_its_own_request(client_for, team, due):
    client = client_for(team.requester)
    for _ in range(2):
        token = token_of(client.get(url("request_create")))
        assert client.post(url("request_create"), form_data(team, due, submission_token=token)).status_code == 302
    assert ExpertInputRequest.objects.filter(requester=team.requester).count() == 2


def test_someone_elses_token_does_not_lead_to_their_request(client_for, team, due):
    client = client_for(team.requester)
    data = form_data(team, due, submission_token=token_of(client.get(url("request_create"))))
    client.post(url("request_create"), data)
    other = client_for(team.other_requester).post(url("request_create"), data)
    assert other["Location"] == url("request_list")
    assert not ExpertInputRequest.objects.filter(requester=team.other_requester).exists()


def test_an_old_or_forged_token_is_refused_with_a_fresh_one(client_for, team, due, settings):
    client = client_for(team.requester)
    forged = client.post(url("request_create"), form_data(team, due, submission_token="abc:def:ghi"))
    assert forged.status_code == 200
    assert "This form could not be checked. Check it and send it again." in forged.text
    assert token_of(forged) != "abc:def:ghi"

    # A token signed two hours ago, with tokens living one hour.
    settings.SUBMISSION_TOKEN_MAX_AGE_HOURS = 1
    stale = signing.TimestampSigner(salt=SALT)
    two_hours_ago = int(timezone.now().timestamp()) - 7200
    value = "0" * 32
    stale_token = f"{value}:{signing.b62_encode(two_hours_ago)}"
    stale_token = f"{stale_token}:{stale.signature(stale_token)}"
    expired = client.post(url("request_create"), form_data(team, due, submission_token=stale_token))
    assert expired.status_code == 200
    assert "This form was open too long to be sent safely." in expired.text
    assert not ExpertInputRequest.objects.exists()
    resent = client.post(url("request_create"), form_data(team, due, submission_token=token_of(expired)))
    assert resent.status_code == 302


def test_delivering_twice_delivers_once(client_for, in_state, team):
    item = in_state(Status.ACCEPTED)
    client = client_for(item.assignee)
    token = token_of(client.get(url("request_deliver", item.pk)))
    data = {"text": "The facts", "hours_spent": "2", "submission_token": token}
    assert client.post(url("request_deliver", item.pk), data).status_code == 302
    again = client.post(url("request_deliver", item.pk), data)
    assert again["Location"] == url("request_detail", item.pk)
    assert Contribution.objects.filter(request=item).count() == 1
    assert RequestEvent.objects.filter(request=item, to_status=Status.DELIVERED).count() == 1
    assert "This was already sent; here is the request with the input you delivered." in messages_after(client, again)


def test_completing_twice_thanks_once(client_for, in_state, team):
    item = in_state(Status.DELIVERED)
    client = client_for(team.requester)
    token = token_of(client.get(url("request_detail", item.pk)))
    data = {"rating": "5", "thanks": "Thank you", "confirmed": "on", "submission_token": token}
    assert client.post(url("request_complete", item.pk), data).status_code == 302
    again = client.post(url("request_complete", item.pk), data)
    assert again["Location"] == url("request_detail", item.pk)
    assert "This was already sent; here is the request you completed." in messages_after(client, again)
    assert RequestEvent.objects.filter(request=item, to_status=Status.COMPLETED).count() == 1


def test_budget_approval_sent_twice_lands_on_the_budget(client_for, team, due):
    client = client_for(team.manager)
    token = token_of(client.get(url("budget_approve")))
    data = {"discipline": team.product.pk, "month": f"{due:%Y-%m}", "hours": "10", "reason": "Plan"}
    client.post(url("budget_approve"), {**data, "submission_token": token})
    again = client.post(url("budget_approve"), {**data, "submission_token": token})
    budget = TimeBudget.objects.get(discipline=team.product)
    assert budget.approved_hours == Decimal(10)
    assert again["Location"] == url("budget_detail", budget.pk)


@pytest.mark.django_db
def test_old_claims_are_deleted(team):
    now = timezone.now()
    SubmissionToken.objects.create(token="a" * 32, user=team.requester, kind="request_create", created_at=now)
    SubmissionToken.objects.create(
        token="b" * 32, user=team.requester, kind="request_create", created_at=now - datetime.timedelta(days=2)
    )
    assert submission_tokens_expire(now=now) == 1
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == ["a" * 32]
    assert new_token() != new_token()
