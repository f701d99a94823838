"""Deadlines with a frozen clock: reminders, escalation (to deputies too), overdue, sweeper."""

import datetime
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from content_workflow import services
from content_workflow.models import (
    DeputyGrant,
    ExpertInputRequest,
    Notification,
    RequestEvent,
    ResponseTarget,
    Status,
    TimeAllocationRequest,
    TimeBudgetUserObjectPermission,
)
from content_workflow.permissions import can_manage_discipline
from content_workflow.services.deadlines import add_business_days
from content_workflow.services.periodic import MAX_SWEEPS, recovery_bound
from content_workflow.services.requests import apply, stuck_after
from disciplines.models import Absence

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime.datetime(2031, 3, 3, 9, 0, tzinfo=BERLIN)
DUE = datetime.date(2031, 3, 14)  # a Friday
STUCK_AFTER = stuck_after()


def at(day, hour=9, minute=0):
    return datetime.datetime(2031, 3, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def assigned(clock, make_request, budget, team):
    """A request assigned to eva on Monday 9:00, due Friday of next week."""
    budget(20, month=DUE)
    request = make_request(due_date=DUE)
    services.request_submit(request=request, actor=team.requester)
    services.request_route(request_id=request.pk)
    request = ExpertInputRequest.objects.get(pk=request.pk)
    assert (request.status, request.assignee) == (Status.ASSIGNED, team.expert)
    return request


def notices(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (at(3), 2, at(5)),  # Monday -> Wednesday
        (at(7, 15), 2, at(11, 15)),  # Friday 15:00 -> Tuesday 15:00
        (datetime.datetime(2031, 3, 8, 10, tzinfo=BERLIN), 2, at(11, 10)),  # Saturday -> Tuesday
        (at(7), 1, at(10)),  # Friday -> Monday
    ],
)
def test_business_days_skip_the_weekend(start, days, expected):
    assert add_business_days(start, days) == expected


def test_assignment_sets_the_deadlines(assigned):
    assert assigned.assigned_at == MONDAY
    assert assigned.response_due_at == at(5)  # two business days
    # 75% of the time from Monday 9:00 to the end of Friday the 14th.
    assert assigned.reminder_at == at(12, 2, 15)


def test_the_response_target_is_per_discipline(clock, make_request, budget, team):
    services.response_target_set(actor=team.manager, discipline=team.product, business_days=5)
    assert ResponseTarget.objects.get(discipline=team.product).business_days == 5
    budget(20, month=DUE)
    request = services.request_submit(request=make_request(due_date=DUE), actor=team.requester)
    services.request_route(request_id=request.pk)
    assert ExpertInputRequest.objects.get(pk=request.pk).response_due_at == at(10)


def test_reminder_when_three_quarters_of_the_time_are_gone(assigned, clock, team):
    clock.move_to(at(12, 2, 14))
    assert services.reminders_send() == 0
    clock.move_to(at(12, 2, 16))
    assert services.reminders_send() == 1
    assert services.reminders_send() == 0  # once
    [reminder] = notices(team.expert, Notification.Kind.REMINDER)
    assert "“Pricing explained” is due" in reminder.text
    assert RequestEvent.objects.filter(request=assigned, kind=RequestEvent.Kind.REMINDER).count() == 1


def test_reminder_the_day_before_the_due_date(assigned, clock, team):
    clock.move_to(at(12, 23, 59))
    services.reminders_send()
    assert notices(team.expert, Notification.Kind.DUE_TOMORROW) == []
    clock.move_to(at(13, 8))
    services.reminders_send()
    services.reminders_send()
    assert len(notices(team.expert, Notification.Kind.DUE_TOMORROW)) == 1


def test_accepted_work_is_reminded_too(assigned, clock, team):
    services.request_accept(request=assigned, actor=team.expert)
    clock.move_to(at(13, 8))
    assert services.reminders_send() == 2  # 75% and the day before


def test_escalation_when_the_response_target_is_missed(assigned, clock, team):
    clock.move_to(at(5, 8, 59))
    assert services.escalations_send() == 0
    clock.move_to(at(5, 9, 1))
    assert services.escalations_send() == 1
    assert services.escalations_send() == 0
    [escalation] = notices(team.manager, Notification.Kind.ESCALATION)
    assert "within 2 business days:" in escalation.text
    event = RequestEvent.objects.get(request=assigned, kind=RequestEvent.Kind.ESCALATION)
    assert event.text == f"Not answered within 2 business day(s): escalated to {team.manager.get_full_name()}."
    assert notices(team.other_manager, Notification.Kind.ESCALATION) == []


def test_no_escalation_once_answered(assigned, clock, team):
    services.request_accept(request=assigned, actor=team.expert)
    clock.move_to(at(6))
    assert services.escalations_send() == 0


def test_escalation_for_an_absent_manager_goes_to_the_deputy(assigned, clock, team):
    Absence.objects.create(user=team.manager, starts_on=at(4).date(), ends_on=at(6).date(), deputy=team.deputy)
    clock.move_to(at(5, 10))
    services.escalations_send()
    assert notices(team.manager, Notification.Kind.ESCALATION) == []
    [escalation] = notices(team.deputy, Notification.Kind.ESCALATION)
    assert f"You stand in for {team.manager.get_full_name()}" in escalation.text
    assert len(notices(team.deputy, Notification.Kind.DEPUTY)) == 1
    # The grant: guardian rows on the budget of March, and the audit row with the dates.
    grant = DeputyGrant.objects.get()
    assert (grant.manager, grant.deputy, grant.starts_on, grant.ends_on) == (
        team.manager,
        team.deputy,
        at(4).date(),
        at(6).date(),
    )
    assert TimeBudgetUserObjectPermission.objects.filter(user=team.deputy).count() == 1
    event = RequestEvent.objects.get(request=assigned, kind=RequestEvent.Kind.ESCALATION)
    assert "(deputy of " in event.text


def test_a_deputy_acts_only_for_the_absences_dates(clock, make_request, budget, team):
    Absence.objects.create(user=team.manager, starts_on=at(3).date(), ends_on=at(4).date(), deputy=team.deputy)
    assert services.deputy_grants_sync() == {"granted": 1, "revoked": 0}
    assert services.deputy_grants_sync() == {"granted": 0, "revoked": 0}
    assert can_manage_discipline(team.deputy, team.product)
    assert not can_manage_discipline(team.deputy, team.marketing)

    budget(1, month=DUE)
    request = services.request_submit(request=make_request(due_date=DUE), actor=team.requester)
    services.request_route(request_id=request.pk)
    assert ExpertInputRequest.objects.visible_to(team.deputy).filter(pk=request.pk).exists()
    allocation = TimeAllocationRequest.objects.get(request=request)
    services.allocation_approve(allocation=allocation, actor=team.deputy, reason="Max is away")
    transition = RequestEvent.objects.filter(request=request).last()
    assert transition.data["deputy_for"] == {"user": team.manager.pk}  # by id, named when read
    assert transition.text.endswith(f"(as deputy of {team.manager.get_full_name()})")

    clock.move_to(at(5))  # the absence is over: no right, even before the sync
    assert not can_manage_discipline(team.deputy, team.product)
    assert not ExpertInputRequest.objects.visible_to(team.deputy).filter(pk=request.pk).exists()
    assert services.deputy_grants_sync() == {"granted": 0, "revoked": 1}
    assert DeputyGrant.objects.get().revoked_at is not None
    assert not TimeBudgetUserObjectPermission.objects.filter(user=team.deputy).exists()


def test_a_deputy_needs_both_the_grant_and_this_months_budget_permission(clock, team):
    """The deputy's rights are the live grant AND guardian's approve permission on this
    month's budget of that discipline: either alone gives nothing."""
    Absence.objects.create(user=team.manager, starts_on=at(3).date(), ends_on=at(4).date(), deputy=team.deputy)
    services.deputy_grants_sync()
    assert can_manage_discipline(team.deputy, team.product, today=at(3).date())

    permissions = TimeBudgetUserObjectPermission.objects.filter(user=team.deputy)
    kept = list(permissions.values_list("content_object_id", "permission_id"))
    permissions.delete()  # the grant row stays live, the budget permission is gone
    assert DeputyGrant.objects.filter(revoked_at__isnull=True).exists()
    assert not can_manage_discipline(team.deputy, team.product, today=at(3).date())

    TimeBudgetUserObjectPermission.objects.bulk_create(
        [TimeBudgetUserObjectPermission(user=team.deputy, content_object_id=o, permission_id=p) for o, p in kept]
    )
    assert can_manage_discipline(team.deputy, team.product, today=at(3).date())
    DeputyGrant.objects.update(revoked_at=timezone.now())  # the permission stays, the grant is revoked
    assert not can_manage_discipline(team.deputy, team.product, today=at(3).date())


def test_overdue_is_flagged_once_the_due_date_passes(assigned, clock, team):
    clock.move_to(at(14, 23, 59))
    assert services.overdue_flag() == 0
    clock.move_to(at(15, 0, 1))
    assert services.overdue_flag() == 1
    assert services.overdue_flag() == 0
    request = ExpertInputRequest.objects.get(pk=assigned.pk)
    assert request.is_overdue and request.status == Status.ASSIGNED  # a flag, not a state
    assert len(notices(team.requester, Notification.Kind.OVERDUE)) == 1
    assert len(notices(team.expert, Notification.Kind.OVERDUE)) == 1


def test_the_sweeper_routes_a_request_whose_message_was_lost(
    clock, make_request, budget, team, django_capture_on_commit_callbacks
):
    budget(20, month=DUE)
    request = services.request_submit(request=make_request(due_date=DUE), actor=team.requester)
    # The routing message was lost: nothing ran. Nothing happens before the deadline...
    clock.move_to(MONDAY + STUCK_AFTER - datetime.timedelta(seconds=1))
    assert services.stuck_sweep()["requeued"] == 0
    # ...and after it, the sweeper sends routing again.
    clock.move_to(MONDAY + STUCK_AFTER)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.stuck_sweep()["requeued"] == 1
    request.refresh_from_db()
    assert (request.status, request.assignee) == (Status.ASSIGNED, team.expert)
    assert RequestEvent.objects.filter(request=request, kind=RequestEvent.Kind.SWEEP).count() == 1
    assert services.stuck_sweep()["requeued"] == 0


def test_the_sweeper_gives_up_with_an_alert(clock, make_request, team, caplog):
    request = services.request_submit(request=make_request(due_date=DUE), actor=team.requester)
    for attempt in range(MAX_SWEEPS):
        clock.shift(datetime.timedelta(days=1))
        assert services.stuck_sweep()["requeued"] == 1, attempt
    clock.shift(datetime.timedelta(days=1))
    with caplog.at_level(logging.ERROR, logger="content_workflow.periodic"):
        assert services.stuck_sweep()["gave_up"] == 1
    assert "ALERT" in caplog.text
    request.refresh_from_db()
    assert request.status == Status.UNROUTABLE
    assert request.routing_reason == {"code": "gave_up", "attempts": MAX_SWEEPS}
    assert len(notices(team.manager, Notification.Kind.STUCK)) == 1
    assert services.stuck_sweep() == {"requeued": 0, "gave_up": 0}


def test_periodic_jobs_are_cheap_when_there_is_nothing_to_do(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        services.reminders_send()
        services.escalations_send()
        services.overdue_flag()
        services.stuck_sweep()
        services.lost_emails_resend()


def test_the_sweeper_waits_for_a_request_that_is_being_routed(clock, make_request, team, settings):
    """A routing task that is still running is cut off before the request counts as
    stuck, so the sweeper never sends its routing again while it runs."""
    from content_workflow import tasks

    assert tasks.route_request.time_limit < STUCK_AFTER.total_seconds()
    request = services.request_submit(request=make_request(due_date=DUE), actor=team.requester)
    with transaction.atomic():  # what the routing task's first step commits
        locked = ExpertInputRequest.objects.select_for_update().get(pk=request.pk)
        apply(locked, to=Status.ROUTING, actor=None)
    clock.shift(datetime.timedelta(seconds=tasks.route_request.time_limit))
    assert services.stuck_sweep()["requeued"] == 0
    clock.shift(STUCK_AFTER)
    assert services.stuck_sweep()["requeued"] == 1


def test_routing_lost_with_the_broker_or_a_worker_is_recovered_within_two_minutes():
    """Recovery is bounded by the stuck threshold, the sweep period, the broker retry
    ceiling and the routing time limit (see services/periodic.py); the production
    values (the suite runs with them) keep that bound under the two-minute target, and
    beat really sweeps that often."""
    assert recovery_bound() < datetime.timedelta(minutes=2)
    sweep = settings.CELERY_BEAT_SCHEDULE["content-workflow-sweep"]
    assert sweep["task"] == "content_workflow.tasks.sweep_stuck_requests"
    # Sweeps that pile up while no worker runs are dropped, not run one after another.
    assert sweep["options"]["expires"] <= sweep["schedule"]
    assert settings.CELERY_BROKER_CONNECTION_MAX_RETRIES is None  # a worker never gives up on the broker


def test_the_periodic_task_runs_all_deadline_jobs(assigned, clock):
    from content_workflow import tasks

    clock.move_to(at(13, 8))
    done = {"reminded": 2, "escalated": 1, "overdue": 0, "final_checks_reminded": 0}
    assert tasks.run_deadlines.delay().get() == done
    clock.move_to(at(15, 8))  # past due: no more reminders, the overdue flag instead
    done = {"reminded": 0, "escalated": 0, "overdue": 1, "final_checks_reminded": 0}
    assert tasks.run_deadlines.delay().get() == done
    assert timezone.now() == at(15, 8)


# --- The overdue flag goes when the lateness it reported is over ------------------------------


def flagged(request, clock):
    """`request`, flagged overdue by the periodic job (the clock moves past its due date)."""
    clock.move_to(at(15, 8))
    assert services.overdue_flag() == 1
    request = ExpertInputRequest.objects.get(pk=request.pk)
    assert request.overdue_since is not None
    return request


def test_sent_back_re_dated_and_resubmitted_is_no_longer_overdue(clock, make_request, budget, team):
    request = services.request_submit(request=make_request(due_date=DUE), actor=team.requester)
    services.request_route(request_id=request.pk)  # no budget: waits for time
    request = flagged(request, clock)
    assert request.status == Status.AWAITING_ALLOCATION
    allocation = TimeAllocationRequest.objects.get(request=request)
    services.allocation_reject(allocation=allocation, actor=team.manager, reason="Not this month.")
    request.refresh_from_db()
    assert (request.status, request.overdue_since, request.is_overdue) == (Status.DRAFT, None, False)

    new_due = datetime.date(2031, 3, 28)
    budget(20, month=new_due)
    services.request_update(request=request, actor=team.requester, due_date=new_due)
    services.request_submit(request=request, actor=team.requester)
    services.request_route(request_id=request.pk)
    assert services.overdue_flag() == 0
    request.refresh_from_db()
    assert (request.status, request.overdue_since, request.is_overdue) == (Status.ASSIGNED, None, False)


def test_moving_the_due_date_of_a_draft_clears_the_flag(clock, make_request, team):
    request = make_request(due_date=DUE)
    ExpertInputRequest.objects.filter(pk=request.pk).update(overdue_since=at(15, 8))
    services.request_update(request=request, actor=team.requester, title="Same date, new title")
    assert ExpertInputRequest.objects.get(pk=request.pk).overdue_since is not None  # the date did not move
    services.request_update(request=request, actor=team.requester, due_date=datetime.date(2031, 3, 21))
    assert ExpertInputRequest.objects.get(pk=request.pk).overdue_since is None


@pytest.mark.parametrize("leave", ["deliver", "cancel"])
def test_leaving_the_states_that_can_be_late_clears_the_flag(leave, assigned, clock, team):
    request = flagged(assigned, clock)
    if leave == "deliver":
        services.request_accept(request=request, actor=team.expert)
        services.request_deliver(request=request, actor=team.expert, text="Late, sorry", hours_spent="2")
    else:
        services.request_cancel(request=request, actor=team.requester)
    request.refresh_from_db()
    assert request.status in (Status.DELIVERED, Status.CANCELLED)
    assert request.overdue_since is None


def test_the_flag_is_not_set_on_a_request_re_dated_after_it_was_found(assigned, clock, team, monkeypatch):
    """Between finding the late rows and claiming one, the request may have moved on."""
    from content_workflow.services import periodic

    clock.move_to(at(15, 8))
    claim = periodic._claim

    def re_dated_meanwhile(pk, marker, now, **conditions):
        ExpertInputRequest.objects.filter(pk=pk).update(due_date=datetime.date(2031, 3, 28))
        return claim(pk, marker, now, **conditions)

    monkeypatch.setattr(periodic, "_claim", re_dated_meanwhile)
    assert services.overdue_flag() == 0
    assert ExpertInputRequest.objects.get(pk=assigned.pk).overdue_since is None
