"""The request pages: ask, follow, accept, decline, deliver, complete; who may see what.

Routing runs in-process after the commit (django_capture_on_commit_callbacks executes it),
as it does with no broker configured.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from content_workflow import services
from content_workflow.models import ExpertInputRequest, Notification, RequestEvent, Status, TimeAllocationRequest

SCOPE_RULE = "A communicator of the hub asks the hub's spokes and the hub's own discipline."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def url(name, *args):
    return reverse(f"content_workflow:{name}", args=args)


def form_data(team, due, **overrides):
    data = {
        "title": "Pricing explained",
        "brief": "Why our API pricing works the way it does.",
        "topic_tags": "Pricing, API",
        "target_discipline": team.product.pk,
        "preferred_expert": "",
        "estimated_hours": "2.5",
        "due_date": due.isoformat(),
        "content_piece": "Blog post on the new pricing",
        "channel": "blog",
        "format": "blog_post",
        "priority": "2",
        "intent": "submit",
    }
    data.update(overrides)
    return data


def text_of(response):
    """The page's visible text, tags stripped and whitespace folded (for readable asserts)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&amp;", "&").split())


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Asking ---------------------------------------------------------------------------------------------


def test_communicator_asks_submits_and_sees_the_assignee_and_why(
    client_for, team, budget, due, django_capture_on_commit_callbacks
):
    budget(20)
    client = client_for(team.requester)

    form = client.get(url("request_create"))
    assert form.status_code == 200
    page = text_of(form)
    assert SCOPE_RULE in page  # the rule, before anyone submits
    assert "about 2.5 h" in page  # the blog post hint
    assert "20 h" in page  # product's budget left for the due month

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("request_create"), form_data(team, due))
    item = ExpertInputRequest.objects.get(title="Pricing explained")
    assert response.status_code == 302 and response["Location"] == url("request_detail", item.pk)
    assert (item.status, item.assignee, item.requester) == (Status.ASSIGNED, team.expert, team.requester)
    assert item.topic_tags == ["pricing", "api"]

    detail = client.get(response["Location"])
    page = text_of(detail)
    assert "Your request is submitted" in page
    assert "Assigned" in page and team.expert.get_full_name() in page
    assert (
        "Their expertise covers the topics pricing, api. "
        "The 2.5 h of this request fit into their 6 h a week; nothing else was open."
    ) in page  # the routing reason
    assert "2.5 h reserved in the" in page
    assert "Cancel request" in page and "Edit" not in page


def test_save_as_draft_edit_and_submit_later(client_for, team, budget, due, django_capture_on_commit_callbacks):
    budget(20)
    client = client_for(team.requester)
    response = client.post(url("request_create"), form_data(team, due, intent="draft"))
    item = ExpertInputRequest.objects.get()
    assert item.status == Status.DRAFT
    page = text_of(client.get(response["Location"]))
    assert "Saved as a draft" in page and "Edit" in page and "Submit" in page

    edit = client.get(url("request_edit", item.pk))
    assert 'value="Pricing explained"' in edit.text and 'value="pricing, api"' in edit.text
    response = client.post(url("request_edit", item.pk), form_data(team, due, title="Pricing, better", intent="draft"))
    item.refresh_from_db()
    assert (item.title, item.status) == ("Pricing, better", Status.DRAFT)

    # Submitting from the page (one button) routes it.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("request_submit", item.pk))
    assert response["Location"] == url("request_detail", item.pk)
    item.refresh_from_db()
    assert item.status == Status.ASSIGNED

    # Only a draft is edited.
    response = client.get(url("request_edit", item.pk))
    assert response.status_code == 302
    assert "Only a draft can be changed." in text_of(client.get(response["Location"]))


def test_edit_and_submit_together_keeps_the_draft_when_submit_is_refused(client_for, team, make_request, due):
    draft = make_request()
    other = client_for(team.other_requester).post(url("request_edit", draft.pk), form_data(team, due))
    assert other.status_code == 404  # not visible to a colleague at all

    response = client_for(team.requester).post(
        url("request_edit", draft.pk), form_data(team, due, due_date="2001-01-01", title="Changed")
    )
    assert response.status_code == 200
    assert "Choose a due date from today on." in response.text
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Pricing explained", Status.DRAFT)


def test_out_of_scope_discipline_is_refused_with_the_rule(client_for, team, due, disciplines):
    client = client_for(team.requester)
    form = client.get(url("request_create"))
    assert f'value="{disciplines["legal"].pk}"' not in form.text  # only what the model allows is offered

    response = client.post(url("request_create"), form_data(team, due, target_discipline=disciplines["legal"].pk))
    assert response.status_code == 200
    errors = response.context["form"].errors["target_discipline"]
    assert errors == [f"You may not ask this discipline. {SCOPE_RULE}"]
    assert not ExpertInputRequest.objects.exists()


def test_form_errors_are_shown_not_raised(client_for, team, due):
    client = client_for(team.requester)
    response = client.post(
        url("request_create"),
        form_data(
            team, due, title="", estimated_hours="0", due_date="2001-01-01", preferred_expert=team.expert2.username
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "estimated_hours"} <= set(errors)
    # A preferred expert of another discipline is refused by the form too.
    response = client.post(
        url("request_create"),
        form_data(team, due, preferred_expert=team.other_expert.username),
    )
    assert response.context["form"].errors["preferred_expert"] == [
        f"No expert of {team.product.label} has the username or e-mail “{team.other_expert.username}”."
    ]
    # The past due date comes back from the service as a form error.
    response = client.post(url("request_create"), form_data(team, due, due_date="2001-01-01"))
    assert response.context["form"].errors["due_date"] == ["Choose a due date from today on."]
    assert not ExpertInputRequest.objects.exists()


def test_the_preferred_expert_is_named_by_username_or_e_mail(client_for, team, due, django_capture_on_commit_callbacks):
    team.expert2.email = "Erik@Example.com"
    team.expert2.save()
    client = client_for(team.requester)
    form = client.get(url("request_create")).text
    # A text field with suggestions from the search endpoint, not a select of every expert.
    field = re.search(r"<input[^>]*name=\"preferred_expert\"[^>]*>", form).group(0)
    assert f'data-search-url="{url("expert_search")}"' in field and "<optgroup" not in form
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("request_create"), form_data(team, due, preferred_expert=" erik@example.COM "))
    item = ExpertInputRequest.objects.get()
    assert item.preferred_expert == team.expert2
    # Oneself is no preferred expert, and neither is someone unknown.
    for wanted in (team.requester.username, "nobody-here"):
        response = client.post(url("request_create"), form_data(team, due, preferred_expert=wanted))
        assert response.status_code == 200 and "preferred_expert" in response.context["form"].errors
    assert ExpertInputRequest.objects.count() == 1


def test_a_draft_shows_its_preferred_expert_for_editing(client_for, team, due):
    client = client_for(team.requester)
    client.post(url("request_create"), form_data(team, due, intent="draft", preferred_expert=team.expert2.username))
    item = ExpertInputRequest.objects.get()
    edit = client.get(url("request_edit", item.pk)).text
    assert re.search(rf'name="preferred_expert"[^>]*value="{team.expert2.username}"', edit)


def test_expert_search_suggests_only_experts_one_may_ask(client_for, team, member, disciplines):
    member("legal", "expert", username="lena")  # the hub's communicators may not ask legal
    client = client_for(team.requester)
    found = client.get(url("expert_search")).json()
    names = {r["value"] for r in found["results"]}
    assert {"eva", "erik", "mara"} <= names and "lena" not in names and team.requester.username not in names
    assert found["next"] is None
    only_product = client.get(url("expert_search"), {"target_discipline": team.product.pk, "q": "erik"}).json()
    assert [r["value"] for r in only_product["results"]] == ["erik"]
    assert only_product["results"][0]["label"] == f"{team.expert2.get_full_name()} · {team.product.label}"
    legal = client.get(url("expert_search"), {"target_discipline": disciplines["legal"].pk}).json()
    assert legal["results"] == []
    for bad in ({"target_discipline": "x"}, {"page": "-1"}, {"page": "abc"}, {"q": "%" * 500}):
        assert client.get(url("expert_search"), bad).status_code == 200
    assert client_for(team.outsider).get(url("expert_search")).json()["results"] == []


def test_expert_search_pages_and_costs_the_same_however_many_experts(
    client_for, team, member, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(team.requester)
    path = url("expert_search") + f"?target_discipline={team.product.pk}"
    client.get(path)
    with CaptureQueriesContext(connection) as baseline:
        client.get(path)
    for n in range(30):
        member("product", "expert", username=f"more{n:02}")
    with django_assert_num_queries(len(baseline)):
        first = client.get(path).json()
    assert len(first["results"]) == 20 and first["next"] == 2
    second = client.get(path + "&page=2").json()
    assert len(second["results"]) == 12 and second["next"] is None


def test_request_form_costs_the_same_however_many_experts(client_for, team, member, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(team.requester)
    client.get(url("request_create"))
    with CaptureQueriesContext(connection) as baseline:
        small = client.get(url("request_create"))
    for n in range(30):
        member("product", "expert", username=f"more{n:02}")
    with django_assert_num_queries(len(baseline)):
        large = client.get(url("request_create"))
    assert "more29" not in large.text and len(large.content) == len(small.content)


def test_nobody_to_ask_gets_an_explanation_not_a_form(client_for, make_user):
    response = client_for(make_user()).get(reverse("content_workflow:request_create"))
    assert response.status_code == 200
    assert "You cannot ask for expert input at the moment" in response.text
    assert "No organisational model is active yet" in response.text


# --- The expert -------------------------------------------------------------------------------------------


def test_expert_accepts_from_the_inbox(client_for, in_state):
    item = in_state(Status.ASSIGNED)
    client = client_for(item.assignee)
    inbox = text_of(client.get(url("work")))
    assert "Waiting for your answer" in inbox and item.title in inbox

    response = client.post(url("request_accept", item.pk))
    assert response["Location"] == url("request_detail", item.pk)
    item.refresh_from_db()
    assert item.status == Status.ACCEPTED
    page = text_of(client.get(response["Location"]))
    assert "Accepted. The requester is told." in page
    assert "Deliver" in page  # the delivery form is next


def test_decline_needs_a_reason(client_for, in_state, django_capture_on_commit_callbacks):
    item = in_state(Status.ASSIGNED)
    expert = item.assignee
    client = client_for(expert)

    assert "Decline with a reason" in client.get(url("request_detail", item.pk)).text
    response = client.post(url("request_decline", item.pk), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Say why you decline, so the requester can adjust the request."
    ]
    item.refresh_from_db()
    assert item.status == Status.ASSIGNED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("request_decline", item.pk), {"reason": "On holiday that week"})
    assert response["Location"] == url("work")
    item.refresh_from_db()
    assert item.assignee != expert  # routing asked someone else
    assert RequestEvent.objects.filter(request=item, to_status=Status.DECLINED, note="On holiday that week").exists()
    # The expert still reads the request they declined.
    assert client.get(url("request_detail", item.pk)).status_code == 200


def test_expert_delivers_with_hours_and_files(client_for, in_state, team):
    item = in_state(Status.ACCEPTED)
    client = client_for(item.assignee)
    response = client.post(
        url("request_deliver", item.pk),
        {
            "text": "The three reasons, and a quote.",
            "hours_spent": "3",
            "files": [
                SimpleUploadedFile("notes.pdf", b"%PDF-1.4 notes", content_type="application/pdf"),
                SimpleUploadedFile("chart.png", b"\x89PNG data", content_type="image/png"),
            ],
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    item.refresh_from_db()
    assert item.status == Status.DELIVERED
    assert item.contribution.hours_spent == Decimal(3)
    assert [a.original_name for a in item.contribution.attachments.all()] == ["notes.pdf", "chart.png"]

    page = client_for(team.requester).get(url("request_detail", item.pk))
    assert "The three reasons, and a quote." in page.text
    assert "notes.pdf" in page.text and "Complete and rate" in page.text


def test_delivery_refusals_of_the_engine_are_form_errors(client_for, in_state):
    item = in_state(Status.ACCEPTED)
    client = client_for(item.assignee)
    response = client.post(
        url("request_deliver", item.pk),
        {"text": "Input", "hours_spent": "2", "files": [SimpleUploadedFile("page.html", b"<script>")]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["files"] == ["“page.html” is not a document or image type we accept."]
    response = client.post(url("request_deliver", item.pk), {"text": "", "hours_spent": ""})
    assert set(response.context["form"].errors) == {"text", "hours_spent"}
    item.refresh_from_db()
    assert item.status == Status.ACCEPTED
    # Files are optional.
    assert client.post(url("request_deliver", item.pk), {"text": "Input", "hours_spent": "1.5"}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.contribution.attachments.count()) == (Status.DELIVERED, 0)


def test_delivery_size_limit_shows_the_engines_message(client_for, in_state, settings, monkeypatch):
    from content_workflow.services import requests as request_services

    monkeypatch.setattr(request_services, "MAX_ATTACHMENT_BYTES", 1024 * 1024)
    item = in_state(Status.ACCEPTED)
    response = client_for(item.assignee).post(
        url("request_deliver", item.pk),
        {"text": "Input", "hours_spent": "2", "files": [SimpleUploadedFile("big.pdf", b"x" * (1024 * 1024 + 1))]},
    )
    assert response.context["form"].errors["files"] == ["“big.pdf” is larger than 1 MB."]


# --- Completing ----------------------------------------------------------------------------------------------


def test_requester_completes_with_a_rating_and_the_expert_sees_the_thanks(client_for, in_state, team):
    item = in_state(Status.DELIVERED)
    expert = item.assignee
    client = client_for(team.requester)

    response = client.post(url("request_complete", item.pk), {"thanks": "Great, thanks"})
    assert response.status_code == 200
    assert response.context["form"].errors["rating"] == ["Rate the input from 1 to 5."]
    item.refresh_from_db()
    assert item.status == Status.DELIVERED

    response = client.post(
        url("request_complete", item.pk), {"rating": "4", "thanks": "It went out on Monday.", "confirmed": "on"}
    )
    assert response["Location"] == url("request_detail", item.pk)
    item.refresh_from_db()
    assert item.status == Status.COMPLETED
    event = RequestEvent.objects.get(request=item, to_status=Status.COMPLETED)
    assert event.note == "It went out on Monday."
    item.contribution.refresh_from_db()
    assert (item.contribution.usefulness, item.contribution.thanks) == (4, "It went out on Monday.")
    # The thanks reach the expert and the discipline's manager.
    assert "It went out on Monday." in Notification.objects.get(recipient=expert, kind=Notification.Kind.COMPLETED).text
    assert (
        "Usefulness: 4 of 5." in Notification.objects.get(recipient=team.manager, kind=Notification.Kind.COMPLETED).text
    )

    expert_client = client_for(expert)
    contributions = text_of(expert_client.get(url("contributions")))
    assert item.title in contributions and "★★★★☆ 4/5" in contributions and "It went out on Monday." in contributions
    assert "It went out on Monday." in text_of(expert_client.get(url("work")))
    # Their manager reads it on the request's page.
    assert "It went out on Monday." in client_for(team.manager).get(url("request_detail", item.pk)).text


def test_cancel_asks_first(client_for, in_state, team):
    item = in_state(Status.ASSIGNED)
    client = client_for(team.requester)
    confirm = client.get(url("request_cancel", item.pk))
    assert confirm.status_code == 200
    assert "This cannot be undone." in confirm.text and 'method="post"' in confirm.text
    item.refresh_from_db()
    assert item.status == Status.ASSIGNED

    response = client.post(url("request_cancel", item.pk), {"reason": "Campaign dropped"})
    assert response["Location"] == url("request_detail", item.pk)
    item.refresh_from_db()
    assert item.status == Status.CANCELLED and item.reserved_hours == 0


def test_requester_accepts_a_smaller_estimate(client_for, in_state, team, django_capture_on_commit_callbacks):
    item = in_state(Status.AWAITING_ALLOCATION, estimated_hours=Decimal(4))
    allocation = TimeAllocationRequest.objects.get(request=item)
    services.allocation_approve(allocation=allocation, actor=team.manager, hours=Decimal(3), reason="Busy month")
    client = client_for(team.requester)
    page = text_of(client.get(url("request_detail", item.pk)))
    assert "Fewer hours approved: your answer" in page and "Accept 3 h" in page and "Busy month" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("request_accept_offer", item.pk))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.estimated_hours, item.status) == (Decimal(3), Status.ASSIGNED)

    # The offer is gone: answering again is a clear message, not an error page.
    response = client.post(url("request_accept_offer", item.pk), follow=True)
    assert "No smaller estimate is waiting for your answer." in messages_of(response)


def test_requester_withdraws_instead_of_a_smaller_estimate(client_for, in_state, team):
    item = in_state(Status.AWAITING_ALLOCATION, estimated_hours=Decimal(4))
    allocation = TimeAllocationRequest.objects.get(request=item)
    services.allocation_approve(allocation=allocation, actor=team.manager, hours=Decimal(1))
    client = client_for(team.requester)
    assert "This cannot be undone." in client.get(url("request_withdraw", item.pk)).text
    client.post(url("request_withdraw", item.pk), {"reason": "Not worth it with less"})
    item.refresh_from_db()
    assert item.status == Status.CANCELLED


# --- Refusals: illegal, forbidden, not visible --------------------------------------------------------------


def test_accepting_twice_is_a_clear_message_not_an_error(client_for, in_state):
    item = in_state(Status.ASSIGNED)
    client = client_for(item.assignee)
    client.post(url("request_accept", item.pk))
    response = client.post(url("request_accept", item.pk), follow=True)
    assert response.status_code == 200
    assert messages_of(response)[-1] == "A request that is “Accepted” cannot become “Accepted”."
    # And the page that offers an action no longer possible sends the reader back, explaining.
    response = client.get(url("request_accept", item.pk), follow=True)
    assert "This is not possible for this request now." in messages_of(response)


def test_someone_who_sees_a_request_but_may_not_act_is_forbidden(client_for, in_state, team):
    item = in_state(Status.ASSIGNED)
    assert client_for(team.requester).post(url("request_accept", item.pk)).status_code == 403
    assert client_for(team.manager).post(url("request_accept", item.pk)).status_code == 403
    assert client_for(team.expert2).get(url("request_detail", item.pk)).status_code == 404
    item.refresh_from_db()
    assert item.status == Status.ASSIGNED


def test_another_communicator_and_another_disciplines_expert_get_404(client_for, in_state, team):
    item = in_state(Status.ACCEPTED)
    services.request_deliver(
        request=item,
        actor=item.assignee,
        text="Input",
        hours_spent="2",
        files=[SimpleUploadedFile("notes.pdf", b"%PDF-1.4 secret", content_type="application/pdf")],
    )
    attachment = item.contribution.attachments.get()
    for outsider in (team.other_requester, team.other_expert, team.spoke_communicator, team.outsider):
        client = client_for(outsider)
        assert client.get(url("request_detail", item.pk)).status_code == 404
        assert client.get(url("attachment_download", attachment.pk)).status_code == 404
        assert client.get(url("request_cancel", item.pk)).status_code == 404
        assert client.post(url("request_complete", item.pk), {"rating": "5"}).status_code == 404
        assert item.title not in client.get(url("request_list") + "?show=all").text
    item.refresh_from_db()
    assert item.status == Status.DELIVERED


def test_attachment_is_a_download(client_for, in_state, team):
    item = in_state(Status.ACCEPTED)
    services.request_deliver(
        request=item,
        actor=item.assignee,
        text="Input",
        hours_spent="2",
        files=[SimpleUploadedFile("notes.txt", b"<html>not rendered</html>", content_type="text/html")],
    )
    attachment = item.contribution.attachments.get()
    response = client_for(team.requester).get(url("attachment_download", attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"<html>not rendered</html>"


def test_signed_out_visitors_are_sent_to_sign_in(client, in_state):
    item = in_state(Status.ASSIGNED)
    for target in (url("request_list"), url("request_detail", item.pk), url("work"), url("request_create")):
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(url("request_accept", item.pk)).status_code == 302
    item.refresh_from_db()
    assert item.status == Status.ASSIGNED


# --- Lists ------------------------------------------------------------------------------------------------------


def test_my_requests_filters_searches_and_pages(client_for, make_request, team):
    for number in range(27):
        make_request(title=f"Request {number:02d}")
    make_request(title="Keynote quotes", brief="For the developer conference")
    client = client_for(team.requester)

    first = client.get(url("request_list"))
    assert len(first.context["page_obj"].object_list) == 25
    assert "Page 1 of 2" in text_of(first)
    second = client.get(url("request_list") + "?page=2")
    assert len(second.context["page_obj"].object_list) == 3

    found = client.get(url("request_list") + "?q=developer")
    assert [item.title for item in found.context["page_obj"].object_list] == ["Keynote quotes"]
    assert not client.get(url("request_list") + "?status=completed").context["page_obj"].object_list
    assert "No request matches this filter." in client.get(url("request_list") + "?status=completed").text
    # A colleague's list is theirs alone.
    assert not client_for(team.other_requester).get(url("request_list")).context["page_obj"].object_list


def test_empty_lists_say_what_to_do(client_for, team):
    page = text_of(client_for(team.requester).get(url("request_list")))
    assert "You have not asked for expert input yet." in page and "Ask for expert input" in page
    page = text_of(client_for(team.expert).get(url("work")))
    assert "Nothing waits for your answer." in page
    page = text_of(client_for(team.expert).get(url("contributions")))
    assert "You have not delivered any input yet." in page


def _grow(make_request, team, count, due):
    """`count` more requests: drafts, assigned and completed ones."""
    for number in range(count):
        item = make_request(title=f"Grown {number}", due_date=due + datetime.timedelta(days=number % 5))
        services.request_submit(request=item, actor=team.requester)
        services.request_route(request_id=item.pk)
        item.refresh_from_db()
        if number % 2 and item.assignee:
            services.request_accept(request=item, actor=item.assignee)
            services.request_deliver(request=item, actor=item.assignee, text="Input", hours_spent="1")
            services.request_complete(request=item, actor=team.requester, note="Thanks")


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("requester", ("content_workflow:request_list", [])),
        ("requester", ("content_workflow:request_list", ["?show=all&status=open&q=grown"])),
        ("expert", ("content_workflow:work", [])),
        ("expert", ("content_workflow:contributions", [])),
        ("requester", ("dashboard", ["communicator"])),
        ("expert", ("dashboard", ["expert"])),
        ("manager", ("content_workflow:request_list", ["?show=all"])),
    ],
)
def test_list_pages_cost_the_same_queries_as_rows_grow(
    client_for, make_request, team, budget, due, persona, target, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    budget(200)
    for expert in (team.expert, team.expert2):
        expert.memberships.update(weekly_capacity_hours=40)
    client = client_for(getattr(team, persona))
    name, args = target
    address = reverse(name, args=[a for a in args if not a.startswith("?")]) + "".join(
        a for a in args if a.startswith("?")
    )

    _grow(make_request, team, 2, due)
    client.get(address)  # warm the session and the caches
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(address).status_code == 200
    _grow(make_request, team, 6, due)
    with django_assert_num_queries(len(baseline)):
        assert client.get(address).status_code == 200
    _grow(make_request, team, 6, due)
    with django_assert_num_queries(len(baseline)):
        assert client.get(address).status_code == 200


def _grow_timeline(request, team, make_user, number):
    """Lines of every kind, each by other people, and shares with new colleagues."""
    for kind in RequestEvent.Kind:
        RequestEvent.objects.create(
            request=request,
            kind=kind,
            actor=make_user(username=f"actor-{number}-{kind}"),
            assignee=make_user(username=f"assignee-{number}-{kind}"),
            note=f"Line {number} {kind}",
        )
    services.request_share(request=request, actor=team.requester, user=make_user(username=f"colleague-{number}"))


def test_request_page_costs_the_same_queries_however_long_its_timeline(
    client_for, in_state, team, make_user, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = in_state(Status.COMPLETED, title="Long story")
    # One line naming someone (stored by id): the names come in one query, however many.
    services.request_share(request=request, actor=team.requester, user=team.expert2)
    client = client_for(team.requester)
    address = url("request_detail", request.pk)
    client.get(address)  # warm the session and the caches
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(address).status_code == 200
    lines = request.events.count()
    for number in range(3):
        _grow_timeline(request, team, make_user, number)
    assert request.events.count() >= lines + 3 * (len(RequestEvent.Kind) + 1)
    with django_assert_num_queries(len(baseline)):
        response = client.get(address)
    assert response.status_code == 200
    page = text_of(response)
    assert all(f"Line {number} {kind}" in page for number in range(3) for kind in RequestEvent.Kind)


# --- Dashboards ------------------------------------------------------------------------------------------------


def test_communicator_dashboard_shows_open_requests_and_what_waits(client_for, in_state, make_request, team, budget):
    make_request(title="Unsent draft")
    delivered = in_state(Status.DELIVERED, title="Input to rate")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    budget(20, month=tomorrow)
    in_state(Status.ASSIGNED, title="Being answered", due_date=tomorrow, budget_hours=0)
    page = text_of(client_for(team.requester).get(reverse("dashboard", args=["communicator"])))
    assert "Waiting for you" in page and "My open requests" in page
    assert "Unsent draft Draft: submit it when it is ready" in page
    assert f"{delivered.title} Input delivered: complete and rate it" in page
    assert "Being answered Assigned Due soon" in page
    assert "New request" in page and "All my requests" in page
    assert "Our organisational model" in page  # the diagram card stays


def test_expert_dashboard_shows_what_is_asked_and_due(client_for, in_state, team, budget):
    asked = in_state(Status.ASSIGNED, title="Asked now")
    soon = timezone.localdate() + datetime.timedelta(days=2)
    budget(20, month=soon)
    accepted = in_state(Status.ACCEPTED, title="In progress", due_date=soon, budget_hours=0)
    assert asked.assignee == accepted.assignee == team.expert
    page = text_of(client_for(team.expert).get(reverse("dashboard", args=["expert"])))
    assert "Asked of me 1" in page and "Asked now" in page
    assert "In progress Due soon" in page and "1 due soon" in page
    assert "My work" in page and "My contributions" in page


def test_empty_dashboards_say_so(client_for, team):
    page = text_of(client_for(team.requester).get(reverse("dashboard", args=["communicator"])))
    assert "You have no open requests for expert input." in page
    page = text_of(client_for(team.expert).get(reverse("dashboard", args=["expert"])))
    assert "Nothing is waiting for you." in page
