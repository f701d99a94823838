"""Time budgets and their ledger. Every change of a budget's counters goes through
`ledger_write`: one ledger row and one conditional UPDATE, in one transaction.

Safety, whatever runs concurrently:
- a reservation is `UPDATE ... SET reserved = reserved + h WHERE approved >= reserved +
  used + h`: PostgreSQL re-checks the condition on the latest row version after a lock
  wait, so twenty racing reservations against room for five leave exactly five;
- the check constraint `approved >= reserved + used` (and all >= 0) backs that up;
- each ledger row has a unique idempotency key, and a second write with the same key is
  a no-op, so a retried task or a double click changes nothing.
"""

import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from content_workflow.models import BudgetEntry, TimeBudget
from content_workflow.models.messages import format_hours
from content_workflow.permissions import can_manage_discipline, month_start
from content_workflow.planning import check_budget_month
from governance.access import log_denied
from governance.errors import DomainError, FieldErrors

Kind = BudgetEntry.Kind
ZERO = Decimal(0)


class BudgetExceeded(DomainError):
    """The budget has too few hours left for what was asked (409)."""

    def __init__(self, message=None):
        super().__init__(message or _("The budget has too few hours left for this."), code="budget_exceeded")


def month_label(month):
    return date_format(month, "YEAR_MONTH_FORMAT")


# What each kind of entry does to the counters, and the condition that must hold first.
def _effect(kind, hours):
    if kind == Kind.APPROVE:
        return {"approved_hours": F("approved_hours") + hours}, {}
    if kind == Kind.ADJUST:
        # Taking hours back never goes below what is already reserved or used.
        return {"approved_hours": F("approved_hours") + hours}, {
            "approved_hours__gte": F("reserved_hours") + F("used_hours") - hours
        }
    if kind == Kind.RESERVE:
        return {"reserved_hours": F("reserved_hours") + hours}, {
            "approved_hours__gte": F("reserved_hours") + F("used_hours") + hours
        }
    if kind == Kind.RELEASE:
        return {"reserved_hours": F("reserved_hours") - hours}, {"reserved_hours__gte": hours}
    if kind == Kind.CONSUME:
        return {"reserved_hours": F("reserved_hours") - hours, "used_hours": F("used_hours") + hours}, {
            "reserved_hours__gte": hours
        }
    if kind == Kind.OVERRUN:
        return {"overrun_hours": F("overrun_hours") + hours}, {}
    raise ValueError(f"unknown ledger entry kind {kind!r}")


def ledger_write(*, budget, kind, hours, key, request=None, allocation=None, actor=None, note=""):
    """Append one ledger entry and move the budget's counters by it, atomically.

    Returns the new entry, or None when an entry with `key` exists already (nothing
    changes). Raises `BudgetExceeded` when the entry would break the budget's rules;
    then nothing is written either. Hours are positive, except that an adjustment may
    be negative. This is the only code that changes a budget's counters.
    """
    hours = Decimal(hours)
    if hours == 0 or (hours < 0 and kind != Kind.ADJUST):
        raise ValueError("ledger hours must be positive (adjustments: not zero)")
    changes, condition = _effect(kind, hours)
    budget_id = getattr(budget, "pk", budget)
    entry = None
    # One savepoint for both statements (routing writes here on every request): a
    # failure of either undoes both.
    try:
        with transaction.atomic():
            entry = BudgetEntry.objects.create(
                budget_id=budget_id,
                kind=kind,
                hours=hours,
                request=request,
                allocation=allocation,
                actor=actor,
                note=note[:500],
                idempotency_key=key,
            )
            if not TimeBudget.objects.filter(pk=budget_id, **condition).update(**changes):
                raise BudgetExceeded()
    except IntegrityError:
        if entry is None:  # the entry itself could not be written
            if BudgetEntry.objects.filter(idempotency_key=key).exists():
                return None  # written before: a retry or a double click
            raise
        # Only the check constraint can get here (the condition above should have
        # refused first); the budget stays as it was.
        raise BudgetExceeded() from None
    return entry


def ledger_book_spent(*, budget, hours, key, request=None, actor=None):
    """Hours already spent outside a reservation (an expert's final check): reserved and
    used at once when the budget has room, recorded as overrun when not (the time was
    spent either way). Idempotent by `key`, like every ledger write."""
    entry = {"budget": budget, "hours": hours, "request": request, "actor": actor}
    try:
        with transaction.atomic():
            ledger_write(kind=Kind.RESERVE, key=f"{key}:reserve", **entry)
            ledger_write(kind=Kind.CONSUME, key=f"{key}:consume", **entry)
    except BudgetExceeded:
        ledger_write(kind=Kind.OVERRUN, key=f"{key}:overrun", **entry)


def budget_get_or_create(*, discipline, month):
    discipline_id = getattr(discipline, "pk", discipline)
    budget, _created = TimeBudget.objects.get_or_create(discipline_id=discipline_id, month=month_start(month))
    return budget


def _require_manager(actor, discipline, action):
    if not can_manage_discipline(actor, discipline):
        log_denied(actor, action, f"discipline:{getattr(discipline, 'pk', discipline)}")
        raise PermissionDenied(_("Only the discipline's managers (or their deputies) approve its time."))


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, for the record.")})
    return reason


def _mark_approved(budget_id, actor):
    TimeBudget.objects.filter(pk=budget_id).update(approved_by=actor, approved_at=timezone.now())


@transaction.atomic
def budget_approve(*, actor, discipline, month, hours, reason, idempotency_key=None, allocation=None, request=None):
    """Add `hours` to the discipline's budget for `month` (created if missing).

    Pass the `idempotency_key` rendered into the form, so that a second submit of the
    same form changes nothing.
    """
    _require_manager(actor, discipline, "budget_approve")
    errors = FieldErrors()  # every wrong field in one answer
    if allocation is None:  # a month someone chose; an allocation's comes from its request
        with errors.check():
            check_budget_month(month)
    with errors.check():
        reason = _require_reason(reason)
    hours = Decimal(hours)
    if hours <= 0:
        errors.add("hours", _("Approve more than zero hours."))
    errors.raise_any()
    budget = budget_get_or_create(discipline=discipline, month=month)
    key = f"approve:{idempotency_key}" if idempotency_key else f"approve:{uuid.uuid4().hex}"
    if ledger_write(
        budget=budget,
        kind=Kind.APPROVE,
        hours=hours,
        key=key,
        allocation=allocation,
        request=request,
        actor=actor,
        note=reason,
    ):
        _mark_approved(budget.pk, actor)
    budget.refresh_from_db()
    return budget


@transaction.atomic
def budget_adjust(*, actor, budget, hours, reason, idempotency_key=None):
    """Change the approved hours by `hours` (negative takes hours back).

    Refused with a clear message when that would leave less than is reserved and used.
    """
    _require_manager(actor, budget.discipline_id, "budget_adjust")
    errors = FieldErrors()  # every wrong field in one answer
    with errors.check():
        reason = _require_reason(reason)
    hours = Decimal(hours)
    if hours == 0:
        errors.add("hours", _("Enter a change other than zero."))
    errors.raise_any()
    key = f"adjust:{idempotency_key}" if idempotency_key else f"adjust:{uuid.uuid4().hex}"
    try:
        written = ledger_write(budget=budget, kind=Kind.ADJUST, hours=hours, key=key, actor=actor, note=reason)
    except BudgetExceeded:
        budget.refresh_from_db()
        raise BudgetExceeded(
            _("%(reserved)s h are reserved and %(used)s h used: the budget cannot go below that.")
            % {"reserved": format_hours(budget.reserved_hours), "used": format_hours(budget.used_hours)}
        ) from None
    if written:
        _mark_approved(budget.pk, actor)
    budget.refresh_from_db()
    return budget


# --- Reservations of requests (callers hold the request's row lock) ---------------------------


def reservation_shortfall(request):
    """How many hours the due month's budget lacks for `request`'s estimate (0: it fits)."""
    budget = TimeBudget.objects.filter(
        discipline_id=request.target_discipline_id, month=month_start(request.due_date)
    ).first()
    remaining = max(budget.remaining_hours, ZERO) if budget else ZERO
    return max(request.estimated_hours - remaining, ZERO), remaining


def reserve_for_request(request, *, actor=None):
    """Reserve the estimate against the budget of the due date's month.

    Sets the request's reservation fields (the caller saves the row); returns False
    when there is no budget or too little of it.
    """
    budget = TimeBudget.objects.filter(
        discipline_id=request.target_discipline_id, month=month_start(request.due_date)
    ).first()
    if budget is None:
        return False
    cycle = request.reservation_cycle + 1
    try:
        ledger_write(
            budget=budget,
            kind=Kind.RESERVE,
            hours=request.estimated_hours,
            key=f"request:{request.pk}:reserve:{cycle}",
            request=request,
            actor=actor,
        )
    except BudgetExceeded:
        return False
    request.reservation_budget = budget
    request.reserved_hours = request.estimated_hours
    request.reservation_cycle = cycle
    return True


def release_for_request(request, *, actor=None, note=""):
    """Give back what the request holds (decline, cancel, reassignment elsewhere)."""
    if request.reserved_hours <= 0:
        return
    ledger_write(
        budget=request.reservation_budget_id,
        kind=Kind.RELEASE,
        hours=request.reserved_hours,
        key=f"request:{request.pk}:release:{request.reservation_cycle}",
        request=request,
        actor=actor,
        note=note,
    )
    request.reserved_hours = ZERO


def settle_delivery(request, *, hours_spent, actor=None):
    """Turn the reservation into used hours; record hours beyond it as overrun.

    Returns the overrun (0 when the estimate held). Hours under the estimate go back
    to the budget.
    """
    spent = Decimal(hours_spent)
    reserved = request.reserved_hours
    budget = request.reservation_budget_id or budget_get_or_create(
        discipline=request.target_discipline_id, month=request.due_date
    )
    cycle = request.reservation_cycle
    base = f"request:{request.pk}"
    used = min(spent, reserved)
    if used > 0:
        ledger_write(
            budget=budget, kind=Kind.CONSUME, hours=used, key=f"{base}:consume:{cycle}", request=request, actor=actor
        )
    if reserved - used > 0:
        ledger_write(
            budget=budget,
            kind=Kind.RELEASE,
            hours=reserved - used,
            key=f"{base}:release:{cycle}",
            request=request,
            actor=actor,
        )
    overrun = spent - used
    if overrun > 0:
        ledger_write(
            budget=budget,
            kind=Kind.OVERRUN,
            hours=overrun,
            key=f"{base}:overrun:{cycle}",
            request=request,
            actor=actor,
        )
    request.reserved_hours = ZERO
    if request.reservation_budget_id is None:
        request.reservation_budget_id = getattr(budget, "pk", budget)
    return overrun
