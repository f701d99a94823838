"""Time budgets: the ledger, reservations through the workflow, and safety under load."""

import datetime
import itertools
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content_workflow import services
from content_workflow.models import BudgetEntry, ExpertInputRequest, Notification, Status, TimeBudget
from content_workflow.services.budgets import BudgetExceeded, ledger_book_spent, ledger_write

Kind = BudgetEntry.Kind


def sums(budget):
    totals = {
        kind: BudgetEntry.objects.filter(budget=budget, kind=kind).aggregate(total=Sum("hours"))["total"] or Decimal(0)
        for kind in Kind.values
    }
    return {
        "approved_hours": totals["approve"] + totals["adjust"],
        "reserved_hours": totals["reserve"] - totals["release"] - totals["consume"],
        "used_hours": totals["consume"],
        "overrun_hours": totals["overrun"],
    }


def assert_consistent(budget):
    budget.refresh_from_db()
    assert budget.reserved_hours + budget.used_hours <= budget.approved_hours
    assert min(budget.approved_hours, budget.reserved_hours, budget.used_hours, budget.overrun_hours) >= 0
    assert sums(budget) == {
        "approved_hours": budget.approved_hours,
        "reserved_hours": budget.reserved_hours,
        "used_hours": budget.used_hours,
        "overrun_hours": budget.overrun_hours,
    }


# --- Managers approve and adjust ---------------------------------------------------------------


def test_a_manager_approves_a_month(team, due):
    budget = services.budget_approve(actor=team.manager, discipline=team.product, month=due, hours=10, reason="Q3")
    assert budget.month == due.replace(day=1)
    assert (budget.approved_hours, budget.approved_by) == (Decimal(10), team.manager)
    assert budget.approved_at is not None
    budget = services.budget_approve(actor=team.manager, discipline=team.product, month=due, hours=5, reason="More")
    assert budget.approved_hours == Decimal(15)
    assert list(budget.entries.values_list("note", flat=True)) == ["Q3", "More"]


def test_approving_needs_a_reason_and_positive_hours(team, due):
    with pytest.raises(ValidationError):
        services.budget_approve(actor=team.manager, discipline=team.product, month=due, hours=10, reason=" ")
    with pytest.raises(ValidationError):
        services.budget_approve(actor=team.manager, discipline=team.product, month=due, hours=0, reason="x")


@pytest.mark.parametrize("who", ["other_manager", "lead", "executive", "expert", "requester", "outsider"])
def test_only_the_disciplines_managers_approve(team, due, who):
    with pytest.raises(PermissionDenied):
        services.budget_approve(actor=getattr(team, who), discipline=team.product, month=due, hours=10, reason="x")
    assert not TimeBudget.objects.exists()


def test_a_double_submit_of_the_same_form_approves_once(team, due):
    for _ in range(2):
        budget = services.budget_approve(
            actor=team.manager, discipline=team.product, month=due, hours=8, reason="x", idempotency_key="form-1"
        )
    assert budget.approved_hours == Decimal(8)
    assert budget.entries.count() == 1


def test_adjusting_never_goes_below_what_is_committed(routed, team):
    request = routed(budget_hours=4)
    budget = request.reservation_budget
    with pytest.raises(BudgetExceeded) as caught:
        services.budget_adjust(actor=team.manager, budget=budget, hours=-2, reason="Cut")
    assert "2.5" in caught.value.message
    budget = services.budget_adjust(actor=team.manager, budget=budget, hours="-1.5", reason="Cut")
    assert budget.approved_hours == Decimal("2.5")
    assert budget.remaining_hours == 0
    assert_consistent(budget)


def test_the_database_refuses_overbooking_even_without_the_condition(budget):
    product_budget = budget(2)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeBudget.objects.filter(pk=product_budget.pk).update(reserved_hours=3)


def test_a_budget_month_is_its_first_day(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeBudget.objects.create(discipline=team.product, month=datetime.date(2030, 1, 2))


def test_ledger_entries_are_append_only(budget):
    entry = budget(2).entries.get()
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


# --- Reservations through the workflow --------------------------------------------------------


def test_assignment_reserves_the_estimate_in_the_due_month(routed, team, due):
    request = routed()
    assert request.status == Status.ASSIGNED
    assert request.reservation_budget.month == due.replace(day=1)
    assert request.reserved_hours == Decimal("2.5")
    assert request.reservation_budget.reserved_hours == Decimal("2.5")
    assert_consistent(request.reservation_budget)


def test_a_budget_of_another_month_does_not_count(routed, team, due, budget):
    budget(20, month=due - datetime.timedelta(days=40))
    request = routed(budget_hours=0)
    assert request.status == Status.AWAITING_ALLOCATION


@pytest.mark.parametrize("how", ["decline", "cancel"])
def test_decline_and_cancel_release(routed, team, how):
    request = routed()
    if how == "decline":
        services.request_decline(request=request, actor=request.assignee, reason="No time")
    else:
        services.request_cancel(request=request, actor=team.requester)
    budget = TimeBudget.objects.get()
    assert budget.reserved_hours == 0
    assert ExpertInputRequest.objects.get(pk=request.pk).reserved_hours == 0
    assert_consistent(budget)


def test_cancel_after_accepting_releases_too(in_state, team):
    request = in_state(Status.ACCEPTED)
    services.request_cancel(request=request, actor=team.requester)
    assert TimeBudget.objects.get().reserved_hours == 0


def test_delivery_under_the_estimate_uses_what_was_spent(in_state):
    request = in_state(Status.ACCEPTED)
    services.request_deliver(request=request, actor=request.assignee, text="Input", hours_spent="1.5")
    budget = TimeBudget.objects.get()
    assert (budget.reserved_hours, budget.used_hours, budget.overrun_hours) == (0, Decimal("1.5"), 0)
    assert_consistent(budget)


def test_delivery_over_the_estimate_records_overrun_and_tells_the_manager(in_state, team):
    request = in_state(Status.ACCEPTED)
    request = services.request_deliver(request=request, actor=request.assignee, text="Input", hours_spent=4)
    budget = TimeBudget.objects.get()
    assert (budget.reserved_hours, budget.used_hours, budget.overrun_hours) == (0, Decimal("2.5"), Decimal("1.5"))
    assert_consistent(budget)
    notice = Notification.objects.get(recipient=team.manager, kind=Notification.Kind.OVERRUN)
    assert "spent 4 h on “Pricing explained”, 1.5 h more than estimated" in notice.text
    assert request.events.last().text == "4 h spent for an estimate of 2.5 h: 1.5 h over."


def test_reassigning_keeps_the_reservation(in_state, team):
    request = in_state(Status.ASSIGNED)
    request = services.request_reassign(request=request, actor=team.manager, expert=team.expert2)
    assert request.reserved_hours == Decimal("2.5")
    assert BudgetEntry.objects.filter(kind=Kind.RESERVE).count() == 1
    assert TimeBudget.objects.get().reserved_hours == Decimal("2.5")


def test_a_manager_pick_without_budget_is_refused_clearly(in_state, team):
    request = in_state(Status.AWAITING_ALLOCATION)
    with pytest.raises(BudgetExceeded) as caught:
        services.request_reassign(request=request, actor=team.manager, expert=team.expert2)
    assert caught.value.http_status == 409 and "approve more time first" in caught.value.message
    assert ExpertInputRequest.objects.get(pk=request.pk).status == Status.AWAITING_ALLOCATION


# --- The ledger itself --------------------------------------------------------------------------


def test_a_repeated_ledger_write_is_a_no_op(budget):
    product_budget = budget(10)
    first = ledger_write(budget=product_budget, kind=Kind.RESERVE, hours=2, key="k1")
    again = ledger_write(budget=product_budget, kind=Kind.RESERVE, hours=2, key="k1")
    assert first is not None and again is None
    product_budget.refresh_from_db()
    assert product_budget.reserved_hours == 2
    assert_consistent(product_budget)


def test_a_refused_write_leaves_no_entry(budget):
    product_budget = budget(1)
    with pytest.raises(BudgetExceeded):
        ledger_write(budget=product_budget, kind=Kind.RESERVE, hours=2, key="too-much")
    assert not BudgetEntry.objects.filter(idempotency_key="too-much").exists()
    # ...so the same key may be used again once there is room.
    services.budget_adjust(actor=product_budget.approved_by, budget=product_budget, hours=1, reason="x")
    assert ledger_write(budget=product_budget, kind=Kind.RESERVE, hours=2, key="too-much")


_months = itertools.count()
hours = st.decimals(min_value=Decimal("0.25"), max_value=Decimal("12"), places=2)
operation = st.one_of(
    st.tuples(st.just(Kind.APPROVE), hours),
    st.tuples(st.just(Kind.ADJUST), hours.map(lambda h: -h)),
    st.tuples(st.just(Kind.RESERVE), hours),
    st.tuples(st.just(Kind.RELEASE), hours),
    st.tuples(st.just(Kind.CONSUME), hours),
    st.tuples(st.just(Kind.OVERRUN), hours),
    st.tuples(st.just("replay"), st.integers(min_value=0, max_value=30)),
    # Hours spent outside a reservation (an expert's final check): used, or overrun.
    st.tuples(st.just("spent"), hours),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, max_size=30))
def test_any_sequence_keeps_the_budget_sound(team, operations):
    n = next(_months)
    product_budget = TimeBudget.objects.create(
        discipline=team.product, month=datetime.date(2100 + n // 12, n % 12 + 1, 1)
    )
    written = []
    for kind, value in operations:
        if kind == "replay":
            if not written:
                continue
            kind, value, key = written[value % len(written)]
            before = TimeBudget.objects.get(pk=product_budget.pk)
            assert ledger_write(budget=product_budget, kind=kind, hours=value, key=key) is None
            after = TimeBudget.objects.get(pk=product_budget.pk)
            assert (before.approved_hours, before.reserved_hours, before.used_hours, before.overrun_hours) == (
                after.approved_hours,
                after.reserved_hours,
                after.used_hours,
                after.overrun_hours,
            )
            continue
        key = uuid.uuid4().hex
        if kind == "spent":
            ledger_book_spent(budget=product_budget, hours=value, key=key)
            assert_consistent(product_budget)
            continue
        try:
            ledger_write(budget=product_budget, kind=kind, hours=value, key=key)
        except BudgetExceeded:
            pass
        else:
            written.append((kind, value, key))
        assert_consistent(product_budget)


# --- Concurrency (PostgreSQL: real row locks) ------------------------------------------------


def run_in_threads(count, work):
    barrier = threading.Barrier(count)
    outcomes = []

    def run(i):
        try:
            barrier.wait()
            outcomes.append(work(i))
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_racing_reservations_against_room_for_five(team, due):
    product_budget = services.budget_approve(
        actor=team.manager, discipline=team.product, month=due, hours="12.5", reason="x"
    )

    def reserve(i):
        with transaction.atomic():
            ledger_write(budget=product_budget.pk, kind=Kind.RESERVE, hours="2.5", key=f"race-{i}")
        return "reserved"

    outcomes = run_in_threads(20, reserve)
    assert outcomes.count("reserved") == 5
    assert outcomes.count("BudgetExceeded") == 15
    product_budget.refresh_from_db()
    assert product_budget.reserved_hours == Decimal("12.5")
    assert_consistent(product_budget)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_racing_double_click_writes_once(team, due):
    product_budget = services.budget_approve(
        actor=team.manager, discipline=team.product, month=due, hours=10, reason="x"
    )

    def approve(i):
        services.budget_approve(
            actor=team.manager, discipline=team.product, month=due, hours=5, reason="x", idempotency_key="click"
        )
        return "ok"

    assert run_in_threads(5, approve) == ["ok"] * 5
    product_budget.refresh_from_db()
    assert product_budget.approved_hours == Decimal(15)
    assert_consistent(product_budget)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_routing_on_two_workers_at_once_assigns_once(make_request, team, budget, monkeypatch):
    from content_workflow import tasks

    monkeypatch.setattr(tasks.route_request, "delay", lambda *args: None)  # we play the workers
    budget(10)
    request = services.request_submit(request=make_request(), actor=team.requester)

    outcomes = run_in_threads(2, lambda i: services.request_route(request_id=request.pk))
    assert sorted(outcomes) == ["assigned", "skipped"]
    request.refresh_from_db()
    assert request.status == Status.ASSIGNED
    assert request.events.filter(to_status=Status.ASSIGNED).count() == 1
    assert BudgetEntry.objects.filter(request=request, kind=Kind.RESERVE).count() == 1
    assert TimeBudget.objects.get().reserved_hours == Decimal("2.5")
