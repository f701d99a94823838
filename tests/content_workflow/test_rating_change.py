"""Completing is confirmed, and the rating and thanks stay changeable for a while
(issue 10, item 6): only the requester, within RATING_EDIT_DAYS, recorded in the timeline."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from content_workflow import services
from content_workflow.models import ExpertInputRequest, RequestEvent, Status
from governance.errors import DomainError


def url(name, *args):
    return reverse(f"content_workflow:{name}", args=args)


@pytest.fixture
def completed(in_state, team):
    item = in_state(Status.DELIVERED)
    return services.request_complete(request=item, actor=team.requester, rating=1, note="Thanks")


def _age(item, days):
    ExpertInputRequest.objects.filter(pk=item.pk).update(completed_at=timezone.now() - datetime.timedelta(days=days))
    item.refresh_from_db()


def test_completing_needs_the_confirmation(client_for, in_state, team):
    item = in_state(Status.DELIVERED)
    client = client_for(team.requester)
    refused = client.post(url("request_complete", item.pk), {"rating": "1", "thanks": "Thanks"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["confirmed"] == [
        "Check the rating and the note, then tick the box to complete."
    ]
    item.refresh_from_db()
    assert item.status == Status.DELIVERED
    done = client.post(url("request_complete", item.pk), {"rating": "1", "thanks": "Thanks", "confirmed": "on"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.COMPLETED


def test_requester_changes_the_rating_within_the_window(client_for, completed, team):
    _age(completed, 6)
    client = client_for(team.requester)
    detail = client.get(url("request_detail", completed.pk))
    assert url("request_rate", completed.pk) in detail.text  # the page offers it
    response = client.post(url("request_rate", completed.pk), {"rating": "5", "thanks": "Thanks a lot"})
    assert response["Location"] == url("request_detail", completed.pk)
    completed.contribution.refresh_from_db()
    assert (completed.contribution.usefulness, completed.contribution.thanks) == (5, "Thanks a lot")
    event = RequestEvent.objects.filter(request=completed).latest("pk")
    assert (event.kind, event.actor, event.note) == (RequestEvent.Kind.RATING, team.requester, "Thanks a lot")
    assert event.text == "Rating changed from 1 to 5 of 5."
    # The expert and the manager see the new rating and thanks, and the change in the timeline.
    for user in (completed.assignee, team.manager):
        page = client_for(user).get(url("request_detail", completed.pk)).text
        assert "Usefulness 5 of 5" in page and "Thanks a lot" in page and "Rating changed from 1 to 5 of 5." in page
        assert url("request_rate", completed.pk) not in page


def test_after_the_window_the_rating_is_final(client_for, completed, team):
    _age(completed, 8)
    client = client_for(team.requester)
    assert url("request_rate", completed.pk) not in client.get(url("request_detail", completed.pk)).text
    response = client.post(url("request_rate", completed.pk), {"rating": "5"}, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("The rating can be changed for 7 days after completing; that time ended on ")
    completed.contribution.refresh_from_db()
    assert completed.contribution.usefulness == 1
    with pytest.raises(DomainError) as refused:
        services.request_rating_change(request=completed, actor=team.requester, rating=5)
    assert refused.value.code == "rating_final"


def test_nobody_else_changes_the_rating(client_for, completed, team):
    for user in (completed.assignee, team.manager, team.admin):
        with pytest.raises(PermissionDenied):
            services.request_rating_change(request=completed, actor=user, rating=5)
    assert client_for(completed.assignee).post(url("request_rate", completed.pk), {"rating": "5"}).status_code == 403
    assert client_for(team.outsider).post(url("request_rate", completed.pk), {"rating": "5"}).status_code == 404
    completed.contribution.refresh_from_db()
    assert completed.contribution.usefulness == 1


def test_an_unchanged_rating_writes_nothing(completed, team):
    before = RequestEvent.objects.count()
    services.request_rating_change(request=completed, actor=team.requester, rating=1, note="Thanks")
    assert RequestEvent.objects.count() == before


def test_only_a_completed_request_has_a_rating_to_change(in_state, team):
    item = in_state(Status.DELIVERED)
    with pytest.raises(DomainError):
        services.request_rating_change(request=item, actor=team.requester, rating=5)


def test_the_api_changes_the_rating(api_for, completed, team):
    client = api_for(team.requester)
    path = f"/api/v1/requests/{completed.pk}/rating/"
    assert client.post(path, {"rating": 4, "note": "Better"}, format="json").status_code == 200
    completed.contribution.refresh_from_db()
    assert completed.contribution.usefulness == 4
    assert client.post(path, {"rating": 9}, format="json").status_code == 400
    _age(completed, 8)
    late = client.post(path, {"rating": 5}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "rating_final"
