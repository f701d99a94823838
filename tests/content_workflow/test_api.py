"""The workflow through the API: who sees and does what, each action, budgets, allocations, the inbox."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content_workflow import services
from content_workflow.models import (
    BudgetEntry,
    ExpertInputRequest,
    Notification,
    NotificationPreference,
    Status,
    TimeAllocationRequest,
    TimeBudget,
)

REQUESTS = "/api/v1/requests/"
BUDGETS = "/api/v1/budgets/"
ALLOCATIONS = "/api/v1/allocations/"
NOTIFICATIONS = "/api/v1/notifications/"


def url(base, pk, action=None):
    return f"{base}{pk}/{action}/" if action else f"{base}{pk}/"


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response):
    return [row["id"] for row in results(response)]


def reloaded(obj):
    return type(obj).objects.get(pk=obj.pk)


def post(api, path, data=None, **kwargs):
    return api.post(path, data or {}, format=kwargs.pop("format", "json"), **kwargs)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def person(team):
    """person("manager") -> the team member of that name."""
    return lambda name: getattr(team, name)


# --- Who sees which request -------------------------------------------------------------------------------

# Personas and whether they see a request of `requester` assigned to `expert` (eva) in product.
SEES = {
    "requester": True,
    "expert": True,  # the assignee
    "manager": True,  # of product, the target discipline
    "lead": True,
    "executive": True,
    "admin": True,
    "other_requester": False,
    "expert2": False,  # an expert of product, but not asked
    "other_manager": False,  # manages marketing
    "other_expert": False,
    "deputy": False,
    "outsider": False,
}


@pytest.mark.parametrize(("name", "sees"), SEES.items())
def test_who_sees_a_request_in_list_and_detail(api_for, person, in_state, name, sees):
    request = in_state(Status.ASSIGNED)
    api = api_for(person(name))
    assert (request.pk in ids(api.get(REQUESTS))) is sees
    assert api.get(url(REQUESTS, request.pk)).status_code == (200 if sees else 404)


def test_anonymous_callers_are_refused(api_for, in_state):
    request = in_state(Status.ASSIGNED)
    for path in (REQUESTS, url(REQUESTS, request.pk), BUDGETS, ALLOCATIONS, NOTIFICATIONS):
        assert api_for(None).get(path).status_code in (401, 403)


def test_an_assignee_keeps_seeing_a_request_that_went_to_someone_else(api_for, in_state, team):
    request = in_state(Status.ASSIGNED)
    assert request.assignee == team.expert
    services.request_reassign(request=request, actor=team.manager, expert=team.expert2)
    for expert in (team.expert, team.expert2):
        assert api_for(expert).get(url(REQUESTS, request.pk)).status_code == 200
    # The former assignee reads, but acts no more: 403, not 409.
    response = post(api_for(team.expert), url(REQUESTS, request.pk, "accept"))
    assert response.status_code == 403


def test_a_declining_expert_still_sees_the_request(api_for, in_state, team):
    request = in_state(Status.DECLINED)
    assert api_for(team.expert).get(url(REQUESTS, request.pk)).status_code == 200


def test_a_shared_request_is_visible_to_the_colleague_read_only(api_for, in_state, team):
    request = in_state(Status.ASSIGNED)
    services.request_share(request=request, actor=team.requester, user=team.other_requester)
    api = api_for(team.other_requester)
    assert api.get(url(REQUESTS, request.pk)).status_code == 200
    assert post(api, url(REQUESTS, request.pk, "cancel")).status_code == 403


@pytest.mark.parametrize("name", ["lead", "executive"])
def test_readers_never_write(api_for, person, in_state, make_request, team, due, name):
    api = api_for(person(name))
    draft = make_request()
    assigned = in_state(Status.ASSIGNED)
    delivered = in_state(Status.DELIVERED)
    create = {"title": "X", "brief": "Y", "target_discipline": team.product.pk, "estimated_hours": "1"}
    assert post(api, REQUESTS, {**create, "due_date": due.isoformat()}).status_code == 403
    # Someone else's draft is not there for readers at all.
    assert api.patch(url(REQUESTS, draft.pk), {"title": "X"}, format="json").status_code == 404
    for action in ("submit", "cancel"):
        assert post(api, url(REQUESTS, draft.pk, action)).status_code == 404
    calls = [
        (assigned, "accept", {}),
        (assigned, "decline", {"reason": "No"}),
        (assigned, "reassign", {"expert": team.expert2.pk}),
        (assigned, "cancel", {}),
        (delivered, "complete", {}),
        (assigned, "deliver", {"text": "x", "hours_spent": "1"}),
    ]
    for request, action, body in calls:
        response = post(api, url(REQUESTS, request.pk, action), body)
        assert response.status_code == 403, (action, response.content)
    budget = TimeBudget.objects.get()
    assert (
        post(api, BUDGETS, {"discipline": team.product.pk, "month": due, "hours": 5, "reason": "r"}).status_code == 403
    )
    assert post(api, url(BUDGETS, budget.pk, "adjust"), {"hours": 5, "reason": "r"}).status_code == 403
    assert api.patch(url(BUDGETS, budget.pk), {"approved_hours": 1, "reason": "r"}, format="json").status_code == 403
    assert [reloaded(r).status for r in (draft, assigned, delivered)] == [
        Status.DRAFT,
        Status.ASSIGNED,
        Status.DELIVERED,
    ]
    assert not BudgetEntry.objects.filter(actor=person(name)).exists()


# --- Creating and changing drafts -----------------------------------------------------------------------


@pytest.fixture
def new_request(team, due):
    return {
        "title": "Pricing explained",
        "brief": "Why our API pricing works the way it does.",
        "topic_tags": ["Pricing", "api"],
        "target_discipline": team.product.pk,
        "estimated_hours": "2.5",
        "due_date": due.isoformat(),
        "priority": 3,
        "channel": "linkedin",
    }


def test_a_requester_creates_a_draft(api_for, team, new_request):
    response = post(api_for(team.requester), REQUESTS, new_request)
    assert response.status_code == 201, response.content
    body = response.json()
    request = ExpertInputRequest.objects.get(pk=body["id"])
    assert (request.status, request.requester, request.priority, request.channel) == (
        Status.DRAFT,
        team.requester,
        3,
        "linkedin",
    )
    assert request.topic_tags == ["pricing", "api"]
    assert body["status"] == "draft" and body["brief"] == new_request["brief"]
    assert body["requester"] == {"id": team.requester.pk, "username": "requester", "name": body["requester"]["name"]}
    assert [event["to_status"] for event in body["events"]] == ["draft"]
    assert body["events"][0]["from_status"] is None
    assert body["actions"] == ["update", "submit", "cancel"]
    assert body["contribution"] is None


def test_submit_true_submits_and_routing_follows_the_commit(
    api_for, team, new_request, budget, django_capture_on_commit_callbacks
):
    budget(20)
    api = api_for(team.requester)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, REQUESTS, {**new_request, "submit": True})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    detail = api.get(url(REQUESTS, response.json()["id"])).json()
    assert detail["status"] == "assigned" and detail["assignee"]["id"] == team.expert.pk
    assert detail["routing_reason"].startswith("Their expertise covers the topics pricing, api.")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"estimated_hours": "lots"}, "estimated_hours"),
        ({"estimated_hours": "0"}, "estimated_hours"),
        ({"due_date": "2001-01-01"}, "due_date"),
        ({"priority": 9}, "priority"),
        ({"target_discipline": 99999}, "target_discipline"),
        ({"preferred_expert": 99999}, "preferred_expert"),
    ],
)
def test_bad_input_names_the_field(api_for, team, new_request, change, field):
    response = post(api_for(team.requester), REQUESTS, {**new_request, **change})
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not ExpertInputRequest.objects.exists()


def test_rules_of_the_service_name_the_field(api_for, team, new_request, disciplines):
    api = api_for(team.requester)
    outside = post(api, REQUESTS, {**new_request, "target_discipline": disciplines["legal"].pk})
    assert outside.status_code == 400 and "target_discipline" in outside.json()
    not_an_expert = post(api, REQUESTS, {**new_request, "preferred_expert": team.other_expert.pk})
    assert not_an_expert.status_code == 400 and "preferred_expert" in not_an_expert.json()
    assert not ExpertInputRequest.objects.exists()


@pytest.mark.parametrize("name", ["expert", "manager", "outsider"])
def test_who_has_nobody_to_ask_may_not_create(api_for, person, new_request, name):
    assert post(api_for(person(name)), REQUESTS, new_request).status_code == 403
    assert not ExpertInputRequest.objects.exists()


def test_the_requester_changes_a_draft_only(api_for, team, make_request, in_state):
    draft = make_request()
    api = api_for(team.requester)
    response = api.patch(url(REQUESTS, draft.pk), {"title": "Better title", "priority": 4}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["title"], reloaded(draft).priority) == ("Better title", 4)
    assert api.patch(url(REQUESTS, draft.pk), {"estimated_hours": "-1"}, format="json").status_code == 400
    assert api.put(url(REQUESTS, draft.pk), {"title": "x"}, format="json").status_code == 405

    submitted = in_state(Status.SUBMITTED)
    response = api.patch(url(REQUESTS, submitted.pk), {"title": "Too late"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_editable"
    # A draft is the requester's private work: the discipline's manager does not see it.
    assert api_for(team.manager).patch(url(REQUESTS, draft.pk), {"title": "x"}, format="json").status_code == 404
    assert api_for(team.other_requester).patch(url(REQUESTS, draft.pk), {"title": "x"}).status_code == 404
    assert reloaded(draft).title == "Better title"


def test_requests_cannot_be_deleted(api_for, team, make_request):
    draft = make_request()
    assert api_for(team.requester).delete(url(REQUESTS, draft.pk)).status_code == 405


# --- The actions ----------------------------------------------------------------------------------------


def test_submit(api_for, team, make_request):
    draft = make_request()
    api = api_for(team.requester)
    response = post(api, url(REQUESTS, draft.pk, "submit"))
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    again = post(api, url(REQUESTS, draft.pk, "submit"))
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_transition" and again.json()["detail"]


def test_accept(api_for, in_state, team):
    request = in_state(Status.ASSIGNED)
    assert post(api_for(team.requester), url(REQUESTS, request.pk, "accept")).status_code == 403
    response = post(api_for(team.expert), url(REQUESTS, request.pk, "accept"), {"note": "On it"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["events"][-1]["note"] == "On it"
    assert body["actions"] == ["deliver"]
    again = post(api_for(team.expert), url(REQUESTS, request.pk, "accept"))
    assert (again.status_code, again.json()["code"]) == (409, "illegal_transition")


def test_decline_needs_a_reason(api_for, in_state, team):
    request = in_state(Status.ASSIGNED)
    api = api_for(team.expert)
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = post(api, url(REQUESTS, request.pk, "decline"), body)
        assert response.status_code == 400 and "reason" in response.json()
    assert reloaded(request).status == Status.ASSIGNED
    assert post(api_for(team.requester), url(REQUESTS, request.pk, "decline"), {"reason": "x"}).status_code == 403
    response = post(api, url(REQUESTS, request.pk, "decline"), {"reason": "On holiday"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["assignee"]) == ("declined", None)
    assert reloaded(request).reserved_hours == 0


def test_an_accepted_request_cannot_be_declined(api_for, in_state, team):
    request = in_state(Status.ACCEPTED)
    response = post(api_for(team.expert), url(REQUESTS, request.pk, "decline"), {"reason": "Changed my mind"})
    assert (response.status_code, response.json()["code"]) == (409, "illegal_transition")


def test_deliver_with_files(api_for, in_state, team, media):
    request = in_state(Status.ACCEPTED)
    api = api_for(team.expert)
    files = [SimpleUploadedFile("notes.pdf", b"%PDF-1.4"), SimpleUploadedFile("chart.png", b"png")]
    response = api.post(
        url(REQUESTS, request.pk, "deliver"),
        {"text": "Here is the input.", "hours_spent": "3", "files": files},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    contribution = body["contribution"]
    assert body["status"] == "delivered"
    assert (contribution["text"], contribution["hours_spent"], contribution["author"]["id"]) == (
        "Here is the input.",
        "3.00",
        team.expert.pk,
    )
    assert [a["name"] for a in contribution["attachments"]] == ["notes.pdf", "chart.png"]
    budget = TimeBudget.objects.get()
    assert (budget.used_hours, budget.overrun_hours, budget.reserved_hours) == (Decimal("2.5"), Decimal("0.5"), 0)

    download = contribution["attachments"][0]["download"]
    answer = api_for(team.requester).get(download)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/octet-stream"
    assert b"".join(answer.streaming_content) == b"%PDF-1.4"
    assert api_for(team.outsider).get(download).status_code == 404
    other = in_state(Status.ASSIGNED)
    attachment_id = contribution["attachments"][0]["id"]
    wrong_request = f"{REQUESTS}{other.pk}/attachments/{attachment_id}/"
    assert api_for(team.requester).get(wrong_request).status_code == 404


def test_deliver_refusals(api_for, in_state, team, media):
    accepted = in_state(Status.ACCEPTED)
    api = api_for(team.expert)
    path = url(REQUESTS, accepted.pk, "deliver")
    assert "hours_spent" in post(api, path, {"text": "x"}).json()
    assert "hours_spent" in post(api, path, {"text": "x", "hours_spent": "0"}).json()
    assert "text" in post(api, path, {"text": "", "hours_spent": "1"}).json()
    script = api.post(
        path,
        {"text": "x", "hours_spent": "1", "files": [SimpleUploadedFile("page.html", b"<script>")]},
        format="multipart",
    )
    assert script.status_code == 400 and "files" in script.json()
    assert post(api_for(team.requester), path, {"text": "x", "hours_spent": "1"}).status_code == 403
    assigned = in_state(Status.ASSIGNED)
    early = post(api_for(assigned.assignee), url(REQUESTS, assigned.pk, "deliver"), {"text": "x", "hours_spent": "1"})
    assert (early.status_code, early.json()["code"]) == (409, "illegal_transition")
    assert reloaded(accepted).status == Status.ACCEPTED


def test_complete(api_for, in_state, team):
    delivered = in_state(Status.DELIVERED)
    path = url(REQUESTS, delivered.pk, "complete")
    assert post(api_for(team.expert), path).status_code == 403
    for bad in (0, 6, "great"):
        response = post(api_for(team.requester), path, {"rating": bad})
        assert response.status_code == 400 and "rating" in response.json()
    response = post(api_for(team.requester), path, {"note": "Thank you!", "rating": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed" and body["events"][-1]["note"] == "Thank you!"
    assert (body["contribution"]["usefulness"], body["contribution"]["thanks"]) == (5, "Thank you!")
    accepted = in_state(Status.ACCEPTED)
    early = post(api_for(team.requester), url(REQUESTS, accepted.pk, "complete"))
    assert (early.status_code, early.json()["code"]) == (409, "illegal_transition")


def test_cancel(api_for, in_state, team):
    request = in_state(Status.ASSIGNED)
    path = url(REQUESTS, request.pk, "cancel")
    assert post(api_for(team.expert), path).status_code == 403
    assert post(api_for(team.manager), path).status_code == 403
    response = post(api_for(team.requester), path, {"reason": "Campaign stopped"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert TimeBudget.objects.get().reserved_hours == 0
    again = post(api_for(team.requester), path)
    assert (again.status_code, again.json()["code"]) == (409, "illegal_transition")


def test_an_admin_cancels_anyones_request(api_for, in_state, team):
    request = in_state(Status.ACCEPTED)
    assert post(api_for(team.admin), url(REQUESTS, request.pk, "cancel")).json()["status"] == "cancelled"


def test_reassign(api_for, in_state, team):
    request = in_state(Status.ASSIGNED)
    path = url(REQUESTS, request.pk, "reassign")
    assert post(api_for(team.requester), path, {"expert": team.expert2.pk}).status_code == 403
    assert "expert" in post(api_for(team.manager), path, {}).json()
    wrong = post(api_for(team.manager), path, {"expert": team.other_expert.pk})
    assert wrong.status_code == 400 and "expert" in wrong.json()
    response = post(api_for(team.manager), path, {"expert": team.expert2.pk, "note": "Erik knows this"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["assignee"]["id"]) == ("assigned", team.expert2.pk)
    completed = in_state(Status.COMPLETED)
    late = post(api_for(team.manager), url(REQUESTS, completed.pk, "reassign"), {"expert": team.expert2.pk})
    assert (late.status_code, late.json()["code"]) == (409, "illegal_transition")


def test_a_manager_picks_an_expert_for_an_unroutable_request(api_for, in_state, team, budget):
    request = in_state(Status.UNROUTABLE)
    response = post(api_for(team.manager), url(REQUESTS, request.pk, "reassign"), {"expert": team.expert.pk})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "assigned"


def test_the_detail_carries_the_timeline_contribution_and_actions(api_for, in_state, team):
    request = in_state(Status.DELIVERED)
    body = api_for(team.requester).get(url(REQUESTS, request.pk)).json()
    assert [e["to_status"] for e in body["events"]] == [
        "draft",
        "submitted",
        "routing",
        "assigned",
        "accepted",
        "delivered",
    ]
    assert body["events"][3]["assignee"]["id"] == team.expert.pk
    assert body["events"][3]["text"].startswith("Their expertise covers the topics")
    assert body["contribution"]["hours_spent"] == "2.00"
    assert body["actions"] == ["complete"]
    assert api_for(team.lead).get(url(REQUESTS, request.pk)).json()["actions"] == []


# --- Filters ---------------------------------------------------------------------------------------------


def test_filters_and_search(api_for, team, in_state, make_request, disciplines):
    draft = make_request(title="Draft about security", brief="Threat models", priority=4)
    assigned = in_state(Status.ASSIGNED)
    marketing = make_request(target_discipline=disciplines["marketing"], title="Campaign")
    ExpertInputRequest.objects.filter(pk=assigned.pk).update(overdue_since=timezone.now())
    api = api_for(team.requester)
    assert ids(api.get(f"{REQUESTS}?status=draft")) == [marketing.pk, draft.pk]
    assert ids(api.get(f"{REQUESTS}?status=assigned&status=draft&target_discipline={team.product.pk}")) == [
        assigned.pk,
        draft.pk,
    ]
    assert ids(api.get(f"{REQUESTS}?priority=4")) == [draft.pk]
    assert ids(api.get(f"{REQUESTS}?overdue=true")) == [assigned.pk]
    assert assigned.pk not in ids(api.get(f"{REQUESTS}?overdue=false"))
    assert ids(api.get(f"{REQUESTS}?search=threat")) == [draft.pk]
    assert ids(api.get(f"{REQUESTS}?assignee={team.expert.pk}")) == [assigned.pk]
    assert results(api.get(f"{REQUESTS}?overdue=true"))[0]["is_overdue"] is True
    bad = api.get(f"{REQUESTS}?status=lost")
    assert bad.status_code == 400 and "status" in bad.json()


# --- Budgets ---------------------------------------------------------------------------------------------


def test_budgets_are_scoped(api_for, team, budget, due):
    product = budget(20)
    marketing = budget(10, discipline=team.marketing)
    assert ids(api_for(team.manager).get(BUDGETS)) == [product.pk]
    assert ids(api_for(team.other_manager).get(BUDGETS)) == [marketing.pk]
    assert set(ids(api_for(team.lead).get(BUDGETS))) == {product.pk, marketing.pk}
    assert set(ids(api_for(team.executive).get(BUDGETS))) == {product.pk, marketing.pk}
    for name in ("requester", "expert", "outsider"):
        assert ids(api_for(getattr(team, name)).get(BUDGETS)) == []
        assert api_for(getattr(team, name)).get(url(BUDGETS, product.pk)).status_code == 404
    assert api_for(team.other_manager).get(url(BUDGETS, product.pk)).status_code == 404
    month = due.strftime("%Y-%m")
    assert ids(api_for(team.lead).get(f"{BUDGETS}?month={month}&discipline={team.product.pk}")) == [product.pk]
    assert ids(api_for(team.lead).get(f"{BUDGETS}?month={due.isoformat()}&discipline={team.product.pk}")) == [
        product.pk
    ]
    assert "month" in api_for(team.lead).get(f"{BUDGETS}?month=May").json()


def test_a_manager_approves_a_budget(api_for, team, due):
    api = api_for(team.manager)
    body = {"discipline": team.product.pk, "month": due.isoformat(), "hours": "12.5", "reason": "Q3 plan"}
    response = post(api, BUDGETS, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["month"] == due.replace(day=1).isoformat()
    assert (data["approved_hours"], data["remaining_hours"], data["approved_by"]["id"]) == (
        "12.50",
        "12.50",
        team.manager.pk,
    )
    entry = BudgetEntry.objects.get()
    assert (entry.kind, entry.hours, entry.note, entry.actor) == ("approve", Decimal("12.5"), "Q3 plan", team.manager)
    # Approving again adds to the same month's budget.
    assert post(api, BUDGETS, {**body, "hours": "2"}).json()["approved_hours"] == "14.50"
    assert TimeBudget.objects.count() == 1


def test_an_approval_with_a_key_counts_once(api_for, team, due):
    api = api_for(team.manager)
    body = {
        "discipline": team.product.pk,
        "month": due.isoformat(),
        "hours": "5",
        "reason": "r",
        "idempotency_key": "a1",
    }
    assert post(api, BUDGETS, body).status_code == 201
    assert post(api, BUDGETS, body).json()["approved_hours"] == "5.00"
    assert BudgetEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "-3"}, "hours"),
        ({"hours": "x"}, "hours"),
        ({"reason": ""}, "reason"),
        ({"reason": "  "}, "reason"),
        ({"month": "soon"}, "month"),
        ({"discipline": 99999}, "discipline"),
    ],
)
def test_a_bad_approval_names_the_field(api_for, team, due, change, field):
    body = {"discipline": team.product.pk, "month": due.isoformat(), "hours": "5", "reason": "r", **change}
    response = post(api_for(team.manager), BUDGETS, body)
    assert response.status_code == 400 and field in response.json(), response.content
    assert not BudgetEntry.objects.exists()


def test_only_the_disciplines_managers_approve(api_for, team, due):
    body = {"discipline": team.product.pk, "month": due.isoformat(), "hours": "5", "reason": "r"}
    assert post(api_for(team.other_manager), BUDGETS, body).status_code == 403
    assert post(api_for(team.requester), BUDGETS, body).status_code == 403
    assert post(api_for(team.admin), BUDGETS, body).status_code == 201


def test_adjusting_a_budget(api_for, team, budget, in_state):
    product = budget(10)
    in_state(Status.ASSIGNED)  # reserves 2.5 h (and approves 20 more)
    api = api_for(team.manager)
    response = post(api, url(BUDGETS, product.pk, "adjust"), {"hours": "-5", "reason": "Trimmed"})
    assert response.status_code == 200, response.content
    assert (response.json()["approved_hours"], response.json()["reserved_hours"]) == ("25.00", "2.50")
    too_much = post(api, url(BUDGETS, product.pk, "adjust"), {"hours": "-24", "reason": "Too much"})
    assert (too_much.status_code, too_much.json()["code"]) == (409, "budget_exceeded")
    assert "hours" in post(api, url(BUDGETS, product.pk, "adjust"), {"hours": "0", "reason": "r"}).json()
    assert "reason" in post(api, url(BUDGETS, product.pk, "adjust"), {"hours": "1"}).json()

    patch = api.patch(url(BUDGETS, product.pk), {"approved_hours": "30", "reason": "More"}, format="json")
    assert patch.status_code == 200 and patch.json()["approved_hours"] == "30.00"
    same = api.patch(url(BUDGETS, product.pk), {"approved_hours": "30", "reason": "Again"}, format="json")
    assert same.status_code == 200
    below = api.patch(url(BUDGETS, product.pk), {"approved_hours": "1", "reason": "x"}, format="json")
    assert below.status_code == 409
    assert "approved_hours" in api.patch(url(BUDGETS, product.pk), {"reason": "x"}, format="json").json()
    other = api_for(team.other_manager)
    assert post(other, url(BUDGETS, product.pk, "adjust"), {"hours": "1", "reason": "r"}).status_code == 404
    assert list(BudgetEntry.objects.filter(kind="adjust").values_list("hours", flat=True)) == [
        Decimal("-5"),
        Decimal("5"),
    ]


def test_the_ledger(api_for, team, budget, in_state):
    in_state(Status.DELIVERED)
    product = TimeBudget.objects.get()
    response = api_for(team.manager).get(url(BUDGETS, product.pk, "entries"))
    rows = results(response)
    assert [(row["kind"], row["hours"]) for row in rows] == [
        ("approve", "20.00"),
        ("reserve", "2.50"),
        ("consume", "2.00"),
        ("release", "0.50"),
    ]
    assert rows[1]["request_title"] == "Pricing explained" and rows[0]["request"] is None
    assert api_for(team.requester).get(url(BUDGETS, product.pk, "entries")).status_code == 404
    assert api_for(team.lead).get(url(BUDGETS, product.pk, "entries")).status_code == 200
    assert api_for(team.manager).post(url(BUDGETS, product.pk, "entries")).status_code == 405


# --- Allocations -----------------------------------------------------------------------------------------


@pytest.fixture
def waiting(in_state):
    """A request parked in awaiting_allocation, and the allocation asking for 2.5 h."""
    request = in_state(Status.AWAITING_ALLOCATION)
    return request, TimeAllocationRequest.objects.get(request=request)


def test_allocations_are_scoped(api_for, team, waiting):
    _request, allocation = waiting
    for name in ("requester", "manager", "lead", "executive", "admin"):
        assert ids(api_for(getattr(team, name)).get(ALLOCATIONS)) == [allocation.pk], name
    for name in ("other_requester", "other_manager", "expert", "outsider"):
        assert ids(api_for(getattr(team, name)).get(ALLOCATIONS)) == [], name
        assert api_for(getattr(team, name)).get(url(ALLOCATIONS, allocation.pk)).status_code == 404
    body = api_for(team.manager).get(url(ALLOCATIONS, allocation.pk)).json()
    assert (body["status"], body["hours_requested"], body["is_pending"]) == ("open", "2.50", True)
    assert ids(api_for(team.manager).get(f"{ALLOCATIONS}?pending=true&discipline={team.product.pk}")) == [allocation.pk]
    assert ids(api_for(team.manager).get(f"{ALLOCATIONS}?status=rejected")) == []


def test_a_manager_approves_an_allocation(api_for, team, waiting, django_capture_on_commit_callbacks):
    request, allocation = waiting
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api_for(team.manager), url(ALLOCATIONS, allocation.pk, "approve"), {"reason": "Important"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["hours_approved"]) == ("approved", "2.50")
    assert reloaded(request).status == Status.ASSIGNED  # routing resumed by itself
    again = post(api_for(team.manager), url(ALLOCATIONS, allocation.pk, "approve"))
    assert (again.status_code, again.json()["code"]) == (409, "allocation_decided")


def test_approving_fewer_hours_offers_a_smaller_estimate(api_for, team, waiting):
    request, allocation = waiting
    response = post(api_for(team.manager), url(ALLOCATIONS, allocation.pk, "approve"), {"hours": "1.5"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["offered_estimate"]) == ("partially_approved", "1.50")
    assert post(api_for(team.manager), url(ALLOCATIONS, allocation.pk, "accept-offer")).status_code == 403
    accepted = post(api_for(team.requester), url(ALLOCATIONS, allocation.pk, "accept-offer"))
    assert accepted.status_code == 200 and accepted.json()["status"] == "offer_accepted"
    assert reloaded(request).estimated_hours == Decimal("1.5")


def test_rejecting_needs_a_reason_and_returns_a_draft(api_for, team, waiting):
    request, allocation = waiting
    api = api_for(team.manager)
    for body in ({}, {"reason": ""}):
        response = post(api, url(ALLOCATIONS, allocation.pk, "reject"), body)
        assert response.status_code == 400 and "reason" in response.json()
    response = post(api, url(ALLOCATIONS, allocation.pk, "reject"), {"reason": "No time this month"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert reloaded(request).status == Status.DRAFT


def test_a_manager_grants_hours_to_a_named_expert(api_for, team, waiting):
    request, allocation = waiting
    api = api_for(team.manager)
    wrong = post(api, url(ALLOCATIONS, allocation.pk, "reassign"), {"expert": team.other_expert.pk})
    assert wrong.status_code == 400 and "expert" in wrong.json()
    response = post(api, url(ALLOCATIONS, allocation.pk, "reassign"), {"expert": team.expert2.pk})
    assert response.status_code == 200 and response.json()["status"] == "reassigned"
    assert (reloaded(request).status, reloaded(request).assignee) == (Status.ASSIGNED, team.expert2)


@pytest.mark.parametrize("name", ["requester", "lead", "executive"])
def test_only_managers_decide_allocations(api_for, person, waiting, name):
    _request, allocation = waiting
    api = api_for(person(name))
    assert post(api, url(ALLOCATIONS, allocation.pk, "approve")).status_code == 403
    assert post(api, url(ALLOCATIONS, allocation.pk, "reject"), {"reason": "x"}).status_code == 403
    assert post(api, url(ALLOCATIONS, allocation.pk, "reject")).status_code == 403
    assert reloaded(allocation).status == "open"


# --- Notifications ---------------------------------------------------------------------------------------


def test_notifications_are_private(api_for, team, in_state):
    in_state(Status.ACCEPTED)  # tells the expert (assigned) and the requester (accepted)
    mine = Notification.objects.get(recipient=team.requester)
    theirs = Notification.objects.filter(recipient=team.expert).first()
    api = api_for(team.requester)
    assert ids(api.get(NOTIFICATIONS)) == [mine.pk]
    assert api.get(url(NOTIFICATIONS, mine.pk)).json()["kind"] == "accepted"
    assert api.get(url(NOTIFICATIONS, theirs.pk)).status_code == 404
    assert post(api, url(NOTIFICATIONS, theirs.pk, "mark-read")).status_code == 404
    assert ids(api_for(team.lead).get(NOTIFICATIONS)) == []
    assert reloaded(theirs).read_at is None


def test_marking_notifications_read(api_for, team, in_state):
    in_state(Status.DELIVERED)
    first, second = Notification.objects.filter(recipient=team.requester)[:2]
    api = api_for(team.requester)
    assert len(ids(api.get(f"{NOTIFICATIONS}?unread=true"))) == 2
    response = post(api, url(NOTIFICATIONS, first.pk, "mark-read"))
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert ids(api.get(f"{NOTIFICATIONS}?unread=true")) == [second.pk]
    assert ids(api.get(f"{NOTIFICATIONS}?unread=false")) == [first.pk]
    assert post(api, f"{NOTIFICATIONS}mark-all-read/").json() == {"marked": 1}
    assert ids(api.get(f"{NOTIFICATIONS}?unread=true")) == []
    assert Notification.objects.filter(recipient=team.expert, read_at__isnull=True).exists()


def test_notification_preferences(api_for, team):
    api = api_for(team.requester)
    path = f"{NOTIFICATIONS}preferences/"
    assert api.get(path).json() == {"email": "immediate"}
    assert api.put(path, {"email": "digest"}, format="json").json() == {"email": "digest"}
    assert NotificationPreference.objects.get(user=team.requester).email == "digest"
    bad = api.put(path, {"email": "pigeon"}, format="json")
    assert bad.status_code == 400 and "email" in bad.json()
    assert api_for(team.expert).get(path).json() == {"email": "immediate"}


# --- A list costs the same number of queries, however long it is ----------------------------------------


def queries_for(api, path):
    assert api.get(path).status_code == 200  # warms per-user caches (the user's roles)
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200
    return len(captured)


def assert_constant(api, path, django_assert_num_queries, add_rows):
    """The same number of queries before and after `add_rows()` added rows to the list."""
    before = len(results(api.get(path)))
    expected = queries_for(api, path)
    add_rows()
    with django_assert_num_queries(expected):
        response = api.get(path)
    assert len(results(response)) > before


@pytest.mark.parametrize("name", ["requester", "manager", "lead"])
def test_the_request_list_is_constant(api_for, person, team, in_state, make_request, django_assert_num_queries, name):
    in_state(Status.ASSIGNED)

    def more():
        in_state(Status.DELIVERED)
        in_state(Status.ACCEPTED, preferred_expert=team.expert2)
        make_request(title="Another draft")

    assert_constant(api_for(person(name)), REQUESTS, django_assert_num_queries, more)


def test_the_budget_list_and_ledger_are_constant(api_for, team, budget, in_state, due, django_assert_num_queries):
    budget(5)
    api = api_for(team.lead)
    next_month = (due.replace(day=1) + datetime.timedelta(days=40)).replace(day=1)

    def more_budgets():
        budget(5, discipline=team.marketing)
        budget(5, month=next_month)

    assert_constant(api, BUDGETS, django_assert_num_queries, more_budgets)
    ledger = url(BUDGETS, TimeBudget.objects.get(discipline=team.product, month=due.replace(day=1)).pk, "entries")
    assert_constant(api, ledger, django_assert_num_queries, lambda: in_state(Status.DELIVERED))


def test_the_allocation_list_is_constant(api_for, team, in_state, django_assert_num_queries):
    in_state(Status.AWAITING_ALLOCATION)

    def more():
        in_state(Status.AWAITING_ALLOCATION, title="Second")
        third = in_state(Status.AWAITING_ALLOCATION, title="Third")
        allocation = TimeAllocationRequest.objects.get(request=third)
        services.allocation_reject(allocation=allocation, actor=team.manager, reason="No")

    assert_constant(api_for(team.manager), ALLOCATIONS, django_assert_num_queries, more)


def test_the_notification_list_is_constant(api_for, team, in_state, django_assert_num_queries):
    in_state(Status.ACCEPTED)
    assert_constant(
        api_for(team.requester), NOTIFICATIONS, django_assert_num_queries, lambda: in_state(Status.DELIVERED)
    )


def test_a_reassign_beyond_capacity_answers_with_a_warning(api_for, in_state, team, due, open_work):
    request = in_state(Status.ASSIGNED)  # eva, 2.5 h
    open_work(team.expert2, 5)  # erik: 5 of 6 h open
    response = post(api_for(team.manager), url(REQUESTS, request.pk, "reassign"), {"expert": team.expert2.pk})
    assert response.status_code == 200, response.content
    warning = response.json()["capacity_warning"]
    assert "Over capacity" in warning and "5 h open and takes 2.5 h more, with 6 h a week" in warning
    back = post(api_for(team.manager), url(REQUESTS, request.pk, "reassign"), {"expert": team.expert.pk})
    assert back.json()["capacity_warning"] is None


@pytest.mark.parametrize(("language", "label"), [("en", "Assigned"), ("de", "Zugewiesen")])
def test_list_labels_follow_the_readers_language(api_for, in_state, team, language, label):
    """status_label comes from the choice's label (not get_status_display), still translated."""
    request = in_state(Status.ASSIGNED)
    listed = api_for(team.requester).get("/api/v1/requests/", HTTP_ACCEPT_LANGUAGE=language)
    row = next(row for row in results(listed) if row["id"] == request.pk)
    assert (row["status"], row["status_label"]) == ("assigned", label)
