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
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from content_workflow import selectors
from content_workflow.models import Contribution, ExpertInputRequest, TimeAllocationRequest
from content_workflow.permissions import managed_discipline_ids, reads_everything
from content_workflow.transitions import UNFINISHED, Status
from disciplines.models import Discipline
from governance.access import Role, has_role

ZERO = Decimal(0)
DELIVERED = (Status.DELIVERED, Status.COMPLETED)
# The window of the dashboards' delivery figures.
HEALTH_DAYS = 90


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
    queryset = selectors.allocation_list(user).select_related("request__target_discipline")
    if not reads_everything(user):
        queryset = queryset.filter(discipline_id__in=acting_ids)
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


@dataclass
class Health:
    since: datetime.date
    contributions: int
    hours_delivered: Decimal
    delivered: int
    on_time: int
    lead_time: datetime.timedelta | None
    average_rating: float | None  # usefulness 1-5, as the requesters rated it
    by_status: list  # [(Status, count)], in the table's order, only those with requests
    open_requests: int
    overdue: int

    @property
    def on_time_share(self):
        return self.on_time / self.delivered if self.delivered else None


def model_health(user, *, today=None):
    """What the model delivers, for the executive dashboard; five queries.

    Contributions, hours, lead time (submitted to delivered) and on-time share count the
    requests delivered in the last HEALTH_DAYS days; requests by status count them all.
    """
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=HEALTH_DAYS)
    visible = ExpertInputRequest.objects.visible_to(user)
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))

    contributions = Contribution.objects.filter(request__status__in=DELIVERED, created_at__gte=start)
    if not reads_everything(user):
        # Readers see every delivered request (only drafts are hidden from them), so
        # their figures need no visibility join over the whole request table.
        contributions = contributions.filter(request__in=visible.values("pk"))
    contributions = contributions.aggregate(count=Count("pk"), hours=Sum("hours_spent"), rating=Avg("usefulness"))

    lead = (
        visible.filter(delivered_at__gte=start, submitted_at__isnull=False)
        .annotate(
            lead=ExpressionWrapper(F("delivered_at") - F("submitted_at"), output_field=DurationField()),
        )
        .aggregate(
            delivered=Count("pk"),
            on_time=Count("pk", filter=Q(delivered_at__date__lte=F("due_date"))),
            lead_time=Avg("lead"),
        )
    )

    counts = dict(visible.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_status = [(status, counts[status.value]) for status in Status if counts.get(status.value)]
    overdue = visible.filter(status__in=UNFINISHED, due_date__lt=today).count()
    return Health(
        since=since,
        contributions=contributions["count"] or 0,
        hours_delivered=contributions["hours"] or ZERO,
        delivered=lead["delivered"] or 0,
        on_time=lead["on_time"] or 0,
        lead_time=lead["lead_time"],
        average_rating=contributions["rating"],
        by_status=by_status,
        open_requests=sum(counts.get(status.value, 0) for status in UNFINISHED),
        overdue=overdue,
    )
