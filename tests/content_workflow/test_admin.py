"""Django admin of the workflow: every page loads, records stay read-only, changes go through the services."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content_workflow import services
from content_workflow.models import (
    Attachment,
    BudgetEntry,
    Contribution,
    DeputyGrant,
    ExpertInputRequest,
    ExpertInputRequestUserObjectPermission,
    Notification,
    NotificationPreference,
    RequestEvent,
    ResponseTarget,
    Status,
    TimeAllocationRequest,
    TimeBudget,
)
from disciplines.models import Absence

MODELS = [
    "expertinputrequest",
    "requestevent",
    "contribution",
    "attachment",
    "responsetarget",
    "timebudget",
    "budgetentry",
    "timeallocationrequest",
    "deputygrant",
    "notification",
    "notificationpreference",
    "expertinputrequestuserobjectpermission",
    "expertinputrequestgroupobjectpermission",
    "timebudgetuserobjectpermission",
    "timebudgetgroupobjectpermission",
]
ADDABLE = [
    "responsetarget",
    "timebudget",
    "notificationpreference",
    "expertinputrequestuserobjectpermission",
    "expertinputrequestgroupobjectpermission",
    "timebudgetuserobjectpermission",
    "timebudgetgroupobjectpermission",
]


def admin_url(model, view, *args):
    return reverse(f"admin:content_workflow_{model}_{view}", args=args)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def action_names(response):
    form = response.context["action_form"]
    return [] if form is None else [name for name, _label in form.fields["action"].choices if name]


def form_data(response):
    """The POST body of an admin change page as rendered: main form, inlines, management forms."""
    data = {}

    def put(form):
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        put(inline.formset.management_form)
        for form in inline.formset.forms:
            put(form)
    return data


@pytest.fixture
def admin_client_(client_for, team):
    return client_for(team.admin)


@pytest.fixture
def filled(in_state, team, settings, tmp_path):
    """A row of every workflow model, so list and change pages render real rows."""
    settings.MEDIA_ROOT = tmp_path
    delivered = in_state(Status.ACCEPTED)
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.request_deliver(
        request=delivered,
        actor=team.expert,
        text="Input",
        hours_spent="2",
        files=[SimpleUploadedFile("notes.pdf", b"%PDF")],
    )
    # Due in a month without a budget: routing asks the managers for time.
    later = delivered.due_date + datetime.timedelta(days=62)
    waiting = in_state(Status.AWAITING_ALLOCATION, title="Needs time", due_date=later)
    services.request_share(request=delivered, actor=team.requester, user=team.other_requester)
    services.response_target_set(actor=team.manager, discipline=team.product, business_days=3)
    services.notification_preference_set(actor=team.requester, email="digest")
    today = timezone.localdate()
    Absence.objects.create(user=team.manager, starts_on=today, ends_on=today, deputy=team.deputy)
    services.deputy_grants_sync()
    return {"delivered": delivered, "waiting": waiting}


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_loads_and_searches(admin_client_, filled, model):
    assert admin_client_.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client_.get(admin_url(model, "changelist") + "?q=a").status_code == 200


@pytest.mark.parametrize("model", ADDABLE)
def test_add_pages_load(admin_client_, filled, model):
    assert admin_client_.get(admin_url(model, "add")).status_code == 200


def test_change_pages_load(admin_client_, filled):
    objects = [
        filled["delivered"],
        filled["waiting"],
        RequestEvent.objects.first(),
        Contribution.objects.get(),
        Attachment.objects.get(),
        ResponseTarget.objects.get(),
        TimeBudget.objects.first(),
        BudgetEntry.objects.first(),
        TimeAllocationRequest.objects.get(),
        DeputyGrant.objects.get(),
        Notification.objects.first(),
        NotificationPreference.objects.get(),
        ExpertInputRequestUserObjectPermission.objects.get(),
    ]
    for obj in objects:
        response = admin_client_.get(admin_url(obj._meta.model_name, "change", obj.pk))
        assert response.status_code == 200, obj


def test_a_requests_page_shows_its_timeline_and_contribution(admin_client_, filled):
    response = admin_client_.get(admin_url("expertinputrequest", "change", filled["delivered"].pk))
    text = response.text
    assert "notes.pdf" in text and "Input" in text
    assert text.count("Their expertise covers the topics pricing, api.") >= 1
    inlines = {inline.formset.model for inline in response.context["inline_admin_formsets"]}
    assert inlines == {RequestEvent, Contribution, TimeAllocationRequest}
    assert all(not inline.has_change_permission for inline in response.context["inline_admin_formsets"])


@pytest.mark.parametrize("model", ["requestevent", "budgetentry"])
def test_the_timeline_and_the_ledger_are_append_only(admin_client_, filled, model):
    obj = RequestEvent.objects.first() if model == "requestevent" else BudgetEntry.objects.first()
    page = admin_client_.get(admin_url(model, "change", obj.pk))
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert admin_client_.get(admin_url(model, "add")).status_code == 403
    assert admin_client_.post(admin_url(model, "change", obj.pk), {"note": "changed"}).status_code == 403
    assert admin_client_.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert "delete_selected" not in action_names(admin_client_.get(admin_url(model, "changelist")))
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_requests_are_not_added_or_edited_in_the_admin(admin_client_, filled):
    request = filled["delivered"]
    assert admin_client_.get(admin_url("expertinputrequest", "add")).status_code == 403
    response = admin_client_.post(admin_url("expertinputrequest", "change", request.pk), {"title": "Changed"})
    assert response.status_code == 403
    assert ExpertInputRequest.objects.get(pk=request.pk).title == "Pricing explained"


# --- Actions call the services -------------------------------------------------------------------


def run_action(client, model, action, *objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def test_cancel_selected_cancels_through_the_service(admin_client_, in_state, team):
    assigned = in_state(Status.ASSIGNED)
    completed = in_state(Status.COMPLETED)
    response = run_action(admin_client_, "expertinputrequest", "cancel_selected", assigned, completed)
    texts = messages_of(response)
    assert "1 request cancelled." in texts
    assert any("cannot become" in text for text in texts)
    assigned.refresh_from_db()
    completed.refresh_from_db()
    assert (assigned.status, completed.status) == (Status.CANCELLED, Status.COMPLETED)
    assert assigned.reserved_hours == 0  # the service released the reservation
    event = RequestEvent.objects.filter(request=assigned).last()
    assert (event.to_status, event.actor, event.note) == (Status.CANCELLED, team.admin, "Cancelled in the admin.")
    assert Notification.objects.filter(recipient=team.expert, kind="cancelled").exists()


def test_route_selected_runs_the_routing_service(admin_client_, in_state, budget, team):
    budget(20)
    submitted = in_state(Status.SUBMITTED)  # routing never ran: the test transaction does not commit
    draft = in_state(Status.DRAFT, title="Only a draft")
    response = run_action(admin_client_, "expertinputrequest", "route_selected", submitted, draft)
    texts = messages_of(response)
    assert any(text.startswith("Pricing explained: assigned to") for text in texts)
    assert any("Only a draft: not waiting for routing (Draft)" in text for text in texts)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.assignee) == (Status.ASSIGNED, team.expert)
    assert ExpertInputRequest.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_staff_member_without_the_right_gets_no_actions(client_for, make_user, in_state):
    in_state(Status.DRAFT)
    staff = make_user(username="staffer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_expertinputrequest"))
    response = client_for(staff).get(admin_url("expertinputrequest", "changelist"))
    assert response.status_code == 200
    assert response.context["action_form"] is None or not any(
        name in ("cancel_selected", "route_selected")
        for name, _label in response.context["action_form"].fields["action"].choices
    )


def test_approve_selected_approves_allocations(admin_client_, in_state):
    waiting = in_state(Status.AWAITING_ALLOCATION)
    allocation = TimeAllocationRequest.objects.get(request=waiting)
    response = run_action(admin_client_, "timeallocationrequest", "approve_selected", allocation)
    assert "1 time allocation approved." in messages_of(response)
    allocation.refresh_from_db()
    assert (allocation.status, allocation.hours_approved) == ("approved", Decimal("2.5"))
    again = run_action(admin_client_, "timeallocationrequest", "approve_selected", allocation)
    assert any("decided already" in text for text in messages_of(again))


def test_revoke_selected_revokes_deputy_grants(admin_client_, filled):
    grant = DeputyGrant.objects.get()
    response = run_action(admin_client_, "deputygrant", "revoke_selected", grant)
    assert "1 grant revoked." in messages_of(response)
    grant.refresh_from_db()
    assert grant.revoked_at is not None


# --- Budgets change through budget_approve and budget_adjust ------------------------------------------


def test_adding_a_budget_approves_hours(admin_client_, team, due):
    response = admin_client_.post(
        admin_url("timebudget", "add"),
        {"discipline": team.product.pk, "month": due.isoformat(), "hours": "12", "reason": "Plan"},
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    budget = TimeBudget.objects.get()
    assert (budget.month, budget.approved_hours, budget.approved_by) == (due.replace(day=1), 12, team.admin)
    entry = BudgetEntry.objects.get()
    assert (entry.kind, entry.hours, entry.note, entry.actor) == ("approve", 12, "Plan", team.admin)


def test_adding_a_budget_needs_hours_and_a_reason(admin_client_, team, due):
    response = admin_client_.post(
        admin_url("timebudget", "add"), {"discipline": team.product.pk, "month": due.isoformat(), "hours": "5"}
    )
    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    response = admin_client_.post(
        admin_url("timebudget", "add"), {"discipline": team.product.pk, "month": due.isoformat(), "reason": "r"}
    )
    assert "hours" in response.context["adminform"].form.errors
    assert not TimeBudget.objects.exists()


def test_changing_a_budget_adjusts_it(admin_client_, budget, in_state, team):
    product = budget(10)
    in_state(Status.ASSIGNED)  # 20 more approved, 2.5 h reserved
    url = admin_url("timebudget", "change", product.pk)
    page = admin_client_.get(url)
    assert page.status_code == 200 and "ledger" in page.text.lower()
    data = form_data(page)
    response = admin_client_.post(url, {**data, "hours": "-4", "reason": "Trimmed"})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.approved_hours == 26
    assert BudgetEntry.objects.filter(budget=product, kind="adjust", hours=-4, note="Trimmed").exists()

    refused = admin_client_.post(url, {**data, "hours": "-25", "reason": "Too much"}, follow=True)
    assert any("Nothing was saved" in text and "reserved" in text for text in messages_of(refused))
    product.refresh_from_db()
    assert product.approved_hours == 26
    # The counters are not form fields at all.
    admin_client_.post(url, {**data, "approved_hours": "999", "reserved_hours": "0"})
    product.refresh_from_db()
    assert (product.approved_hours, product.reserved_hours) == (26, Decimal("2.5"))


def test_budgets_are_never_deleted(admin_client_, budget):
    product = budget(10)
    assert admin_client_.post(admin_url("timebudget", "delete", product.pk), {"post": "yes"}).status_code == 403
    assert TimeBudget.objects.filter(pk=product.pk).exists()


# --- Other writes go through their services -------------------------------------------------------------


def test_a_response_target_is_set_through_the_service(admin_client_, team):
    response = admin_client_.post(
        admin_url("responsetarget", "add"), {"discipline": team.product.pk, "business_days": "4"}
    )
    assert response.status_code == 302
    target = ResponseTarget.objects.get()
    response = admin_client_.post(admin_url("responsetarget", "change", target.pk), {"business_days": "30"})
    assert response.status_code == 200  # out of range: a form error
    target.refresh_from_db()
    assert target.business_days == 4


def test_a_notification_preference_is_set_through_the_service(admin_client_, team):
    response = admin_client_.post(
        admin_url("notificationpreference", "add"), {"user": team.requester.pk, "email": "none"}
    )
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=team.requester).email == "none"


def test_sharing_a_request_in_the_admin_writes_the_timeline(admin_client_, in_state, team):
    request = in_state(Status.ASSIGNED)
    view = Permission.objects.get(codename="view_expertinputrequest")
    response = admin_client_.post(
        admin_url("expertinputrequestuserobjectpermission", "add"),
        {"content_object": request.pk, "user": team.other_requester.pk, "permission": view.pk},
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert ExpertInputRequest.objects.visible_to(team.other_requester).filter(pk=request.pk).exists()
    assert RequestEvent.objects.filter(request=request, kind="share").exists()


def test_non_staff_users_do_not_reach_the_admin(client_for, team):
    response = client_for(team.manager).get(admin_url("timebudget", "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_request_pages_timeline_costs_the_same_however_many_entries_name_people(
    team, make_request, client_for, make_user
):
    """The timeline inline shows each entry's text, and texts name people by id: their
    names come in one query for the whole timeline, not one per entry."""
    request = make_request()
    services.request_share(request=request, actor=team.requester, user=team.expert)
    client = client_for(team.admin)
    address = f"/admin/content_workflow/expertinputrequest/{request.pk}/change/"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    few = queries()
    for number in range(6):
        services.request_share(request=request, actor=team.requester, user=make_user(username=f"reader{number}"))
    assert queries() == few
