"""Due dates and budget months stay within the planning window; dates at the calendar's
edge never break the deadline arithmetic (issue 9, items 1 and 14)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from content_workflow import services
from content_workflow.models import ExpertInputRequest, Status, TimeBudget
from content_workflow.services.deadlines import assignment_deadlines, due_moment

REQUESTS = "/api/v1/requests/"
BUDGETS = "/api/v1/budgets/"
LAST_DAY = datetime.date.max


def today():
    return timezone.localdate()


@pytest.fixture
def new_request(team, due):
    return {
        "title": "Pricing explained",
        "brief": "Why our API pricing works the way it does.",
        "target_discipline": team.product.pk,
        "estimated_hours": "2.5",
        "due_date": due.isoformat(),
    }


def field_errors(response, field):
    assert response.status_code == 400, response.content
    return response.json()[field]


# --- Due dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("submit", [False, True])
def test_the_api_refuses_a_due_date_beyond_the_window(api_for, team, new_request, submit):
    api = api_for(team.requester)
    for far in ("9999-12-31", (today() + datetime.timedelta(days=731)).isoformat()):
        response = api.post(REQUESTS, {**new_request, "due_date": far, "submit": submit}, format="json")
        assert "no later than" in field_errors(response, "due_date")[0]
    assert not ExpertInputRequest.objects.exists()


def test_the_last_day_of_the_window_is_accepted(api_for, team, new_request, settings):
    assert settings.MAX_PLANNING_DAYS == 730
    last = today() + datetime.timedelta(days=730)
    response = api_for(team.requester).post(REQUESTS, {**new_request, "due_date": last.isoformat()}, format="json")
    assert response.status_code == 201, response.content


def test_the_window_is_one_setting(api_for, team, new_request, settings):
    settings.MAX_PLANNING_DAYS = 10
    api = api_for(team.requester)
    in_eleven_days = (today() + datetime.timedelta(days=11)).isoformat()
    field_errors(api.post(REQUESTS, {**new_request, "due_date": in_eleven_days}, format="json"), "due_date")
    in_ten_days = (today() + datetime.timedelta(days=10)).isoformat()
    assert api.post(REQUESTS, {**new_request, "due_date": in_ten_days}, format="json").status_code == 201


def test_changing_a_draft_to_a_far_due_date_is_refused(api_for, team, make_request):
    draft = make_request()
    response = api_for(team.requester).patch(f"{REQUESTS}{draft.pk}/", {"due_date": "9999-12-31"}, format="json")
    field_errors(response, "due_date")
    draft.refresh_from_db()
    assert draft.due_date != LAST_DAY


def test_the_request_form_refuses_a_far_due_date(client_for, team, due):
    client = client_for(team.requester)
    page = client.get(reverse("content_workflow:request_create"))
    assert f'max="{(today() + datetime.timedelta(days=730)).isoformat()}"' in page.text
    data = {
        "title": "Pricing explained",
        "brief": "Why our API pricing works the way it does.",
        "target_discipline": team.product.pk,
        "estimated_hours": "2.5",
        "due_date": "9999-12-31",
        "channel": "blog",
        "format": "blog_post",
        "priority": "2",
        "intent": "submit",
    }
    response = client.post(reverse("content_workflow:request_create"), data)
    assert response.status_code == 200
    assert "no later than" in response.context["form"].errors["due_date"][0]
    assert not ExpertInputRequest.objects.exists()


def test_the_services_refuse_a_far_due_date_for_every_caller(make_request):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        make_request(due_date=LAST_DAY)
    assert "due_date" in refused.value.message_dict


# --- Dates already stored at the calendar's edge ------------------------------------------------------


def test_deadlines_at_the_end_of_the_calendar_do_not_overflow(in_state):
    assert due_moment(LAST_DAY) > timezone.now()
    request = in_state(Status.ASSIGNED)
    request.due_date = LAST_DAY
    fields = assignment_deadlines(request, now=timezone.now())
    assert fields["reminder_at"] > timezone.now()


def test_routing_a_stored_far_request_parks_it_instead_of_failing(in_state, team):
    request = in_state(Status.SUBMITTED)
    ExpertInputRequest.objects.filter(pk=request.pk).update(due_date=LAST_DAY)
    services.request_route(request_id=request.pk)
    request.refresh_from_db()
    # No budget can exist for December 9999: the managers are asked for time.
    assert request.status == Status.AWAITING_ALLOCATION


def test_a_manager_reassigns_a_stored_far_request(api_for, in_state, team):
    request = in_state(Status.ASSIGNED)
    ExpertInputRequest.objects.filter(pk=request.pk).update(due_date=LAST_DAY)
    other = team.expert2 if request.assignee_id == team.expert.pk else team.expert
    response = api_for(team.manager).post(f"{REQUESTS}{request.pk}/reassign/", {"expert": other.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["id"] == other.pk


def test_reassigning_a_stored_far_request_without_budget_is_a_conflict_not_a_500(api_for, in_state, team):
    request = in_state(Status.UNROUTABLE)
    ExpertInputRequest.objects.filter(pk=request.pk).update(due_date=LAST_DAY)
    response = api_for(team.manager).post(
        f"{REQUESTS}{request.pk}/reassign/", {"expert": team.expert.pk}, format="json"
    )
    assert response.status_code in (200, 409), response.content


# --- Budget months --------------------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["9999-12-01", "0001-01-01", "1999-05-01"])
def test_the_api_refuses_an_absurd_budget_month(api_for, team, month):
    body = {"discipline": team.product.pk, "month": month, "hours": 5, "reason": "Plan"}
    assert field_errors(api_for(team.manager).post(BUDGETS, body, format="json"), "month")
    assert not TimeBudget.objects.exists()


def test_budget_months_run_from_a_year_back_to_the_windows_last_month(api_for, team):
    api = api_for(team.manager)
    this_month = today().replace(day=1)
    year_back = this_month.replace(year=this_month.year - 1)
    last = (today() + datetime.timedelta(days=730)).replace(day=1)
    for month in (year_back, this_month, last):
        body = {"discipline": team.product.pk, "month": month.isoformat(), "hours": 5, "reason": "Plan"}
        assert api.post(BUDGETS, body, format="json").status_code == 201, month
    beyond = (last + datetime.timedelta(days=31)).replace(day=1)
    too_old = (year_back - datetime.timedelta(days=1)).replace(day=1)
    for month in (beyond, too_old):
        body = {"discipline": team.product.pk, "month": month.isoformat(), "hours": 5, "reason": "Plan"}
        field_errors(api.post(BUDGETS, body, format="json"), "month")


def test_the_admin_refuses_an_absurd_budget_month(client_for, team):
    response = client_for(team.admin).post(
        reverse("admin:content_workflow_timebudget_add"),
        {"discipline": team.product.pk, "month": "9999-12-01", "hours": "12", "reason": "Plan"},
    )
    assert response.status_code == 200
    assert "month" in response.context["adminform"].form.errors
    assert not TimeBudget.objects.exists()


def test_an_allocation_for_a_stored_far_month_can_still_be_approved(in_state, team):
    request = in_state(Status.SUBMITTED)
    ExpertInputRequest.objects.filter(pk=request.pk).update(due_date=LAST_DAY)
    services.request_route(request_id=request.pk)
    allocation = request.allocations.get()
    services.allocation_approve(allocation=allocation, actor=team.manager)
    assert TimeBudget.objects.get(month=LAST_DAY.replace(day=1)).approved_hours == allocation.hours_requested


# --- Item 14: types ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("title", 12345), ("brief", 1.5), ("topic_tags", [7])])
def test_a_number_where_text_belongs_names_the_field(api_for, team, new_request, field, value):
    response = api_for(team.requester).post(REQUESTS, {**new_request, field: value}, format="json")
    assert field in response.json() and response.status_code == 400
    assert not ExpertInputRequest.objects.exists()


# --- Deputies for absences at the calendar's edge ------------------------------------------------------


def test_a_deputy_for_an_absence_until_the_end_of_the_calendar_gets_the_planned_months(team):
    from disciplines.models import Absence

    start = today()
    Absence.objects.create(user=team.manager, starts_on=start, ends_on=LAST_DAY, deputy=team.deputy)
    services.deputy_grants_sync()
    months = set(TimeBudget.objects.filter(discipline=team.product).values_list("month", flat=True))
    assert start.replace(day=1) in months
    assert max(months) == (start + datetime.timedelta(days=730)).replace(day=1)
    assert (
        services.budget_approve(
            actor=team.deputy, discipline=team.product, month=start, hours=3, reason="Standing in"
        ).approved_hours
        == 3
    )


def test_a_grant_wholly_beyond_the_window_neither_fails_nor_creates_budgets(team):
    from content_workflow.services.deputies import deputy_grant_ensure
    from disciplines.models import Absence

    absence = Absence.objects.create(
        user=team.manager, starts_on=datetime.date(9999, 11, 1), ends_on=LAST_DAY, deputy=team.deputy
    )
    grant = deputy_grant_ensure(absence=absence, discipline_id=team.product.pk)
    services.deputy_grant_revoke(grant=grant)
    assert not TimeBudget.objects.exists()


def test_pages_show_a_stored_far_request(client_for, in_state, team):
    request = in_state(Status.ASSIGNED)
    ExpertInputRequest.objects.filter(pk=request.pk).update(due_date=LAST_DAY)
    for user, page in [
        (team.requester, reverse("content_workflow:request_detail", args=[request.pk])),
        (request.assignee, reverse("home")),
        (team.manager, reverse("content_workflow:budget_list")),
    ]:
        response = client_for(user).get(page, follow=True)
        assert response.status_code == 200, page
