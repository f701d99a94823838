"""Reads the management pages need beyond the engine's selectors: what someone may act
for, a month of budgets, the allocation queue, the inbox, and the dashboards' figures
(the team's are in team_queries).

Everything starts from the engine's scoping (`visible_to`, `managed_discipline_ids`) and
costs a fixed number of queries whatever the number of rows.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    IntegerField,
    Value,
    When,
)

from content_workflow import selectors
from content_workflow.models import TimeAllocationRequest
from content_workflow.permissions import managed_discipline_ids, reads_everything
from disciplines.models import Discipline
from governance.access import Role, has_role

ZERO = Decimal(0)


# --- Who acts for what ------------------------------------------------------------------------


def acting_discipline_ids(user):
    """Disciplines `user` approves time for and decides allocations of: as a manager, as
    a deputy while granted, or (admins) all. Two queries (one for admins)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Discipline.objects.values_list("pk", flat=True))
    return managed_discipline_ids(user)


def acting_disciplines(ids):
    return Discipline.objects.filter(pk__in=ids).order_by("position", "name")


def may_open_manage_pages(user, acting_ids):
    """Budgets, allocations and the team: managers (also before they manage anything:
    an empty page says so), deputies, governance leads, executives and admins."""
    return bool(acting_ids) or reads_everything(user) or has_role(user, Role.MANAGER)


# --- Months -------------------------------------------------------------------------------------


def month_start(day):
    return day.replace(day=1)


def shift_month(month, months):
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def parse_month(value, *, default):
    """ "2026-11" -> date(2026, 11, 1); anything else (or a year outside 2000-2999, where
    the month switcher would run off the calendar) -> `default`."""
    try:
        year, month = (int(part) for part in str(value).split("-"))
        if not 2000 <= year <= 2999:
            return default
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return default


def month_param(month):
    return f"{month:%Y-%m}"


# --- Budgets -----------------------------------------------------------------------------------


@dataclass
class BudgetRow:
    """One discipline's budget in a month (budget None: nothing approved yet)."""

    discipline: Discipline
    budget: object = None
    can_act: bool = False

    def _value(self, name):
        return getattr(self.budget, name) if self.budget is not None else ZERO

    @property
    def approved(self):
        return self._value("approved_hours")

    @property
    def reserved(self):
        return self._value("reserved_hours")

    @property
    def used(self):
        return self._value("used_hours")

    @property
    def overrun(self):
        return self._value("overrun_hours")

    @property
    def remaining(self):
        return max(self.approved - self.reserved - self.used, ZERO)

    @property
    def extent(self):
        """How far the bar reaches: the approved hours (or what is booked, if more),
        plus the overrun drawn beyond them."""
        return max(self.approved, self.reserved + self.used) + self.overrun

    @property
    def use_share(self):
        """Used and reserved as a share of the approved hours (None without a budget)."""
        if not self.approved:
            return None
        return (self.reserved + self.used) / self.approved


def budget_rows(user, month, *, acting=()):
    """Every budget `user` may see for `month`, plus an empty row for each discipline they
    act for that has none yet (so they can approve one). Two queries.

    `acting` is the list of Discipline objects `user` acts for.
    """
    acting_ids = {discipline.pk for discipline in acting}
    rows = {
        budget.discipline_id: BudgetRow(budget.discipline, budget, budget.discipline_id in acting_ids)
        for budget in selectors.budget_list(user, month=month)
    }
    for discipline in acting:
        rows.setdefault(discipline.pk, BudgetRow(discipline, None, True))
    return sorted(rows.values(), key=lambda row: (row.discipline.position, row.discipline.name))


def bar_scale(rows):
    """One scale for all bars on a page, so lengths compare across disciplines."""
    return max([row.extent for row in rows] + [Decimal(1)])


# --- Allocations -------------------------------------------------------------------------------


def allocation_queue(user, acting_ids):
    """The allocation requests a manager decides (all of them for readers), pending first,
    then newest. Requests a manager asked for themselves elsewhere are not in their queue."""
    if reads_everything(user):
        queryset = selectors.allocation_list(user)
    else:
        # `acting_ids` are disciplines the user manages (acting_discipline_ids), whose
        # allocations allocation_visibility lets them see: filtering by them alone spares
        # PostgreSQL the visibility UNION, half of the manager dashboard's queue query.
        queryset = TimeAllocationRequest.objects.filter(discipline_id__in=acting_ids).select_related(
            *selectors.ALLOCATION_RELATED
        )
    queryset = queryset.select_related("request__target_discipline")
    return queryset.annotate(
        pending_first=Case(
            When(status__in=TimeAllocationRequest.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("pending_first", "-created_at", "-pk")


# --- The inbox ----------------------------------------------------------------------------------


def inbox(user, *, unread_only=False):
    """The user's notifications, unread first, then newest."""
    return (
        selectors.notification_list(user, unread=unread_only)
        .annotate(
            unread_first=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("unread_first", "-created_at", "-pk")
    )


# --- Dashboards ---------------------------------------------------------------------------------


def pending_allocation_count(user, acting_ids):
    return allocation_queue(user, acting_ids).filter(status=TimeAllocationRequest.Status.OPEN).count()
