"""The management figures: each defined once, here, with the line that explains it.

Every dashboard that shows one of these figures takes it from this module, so two cards
never count the same thing two ways. A figure is a `Figure` (key, label, explanation,
value, unit); its label and one-line explanation come from `DEFINITIONS`, and pages show
both, so a reader knows what a number counts.

    period = Period.month(today)             # or Period.quarter / Period.year / Period(start, end)
    scope = Scope.for_user(user)             # all disciplines, or the ones a manager acts for
    hours = hours_by_discipline(period, scope)        # HoursFigures: rows per discipline + totals
    delivery = delivery_figures(period, scope)        # Figures of the input delivered in the period
    now = request_status_figures(scope, today=today)  # StatusFigures: open / delivered, now
    flow = request_flow_figures(period, scope)        # opened, completed, declined, cancelled, unroutable
    extra = allocation_figures(period, scope)         # extra time asked, granted, median time to decide
    figures = summary(period, scope)                  # {key: Figure}, every figure at once
    reports = reports_by_period([period, period.previous()], scope)  # both in one set of queries
    changes = compare(reports[0].figures, reports[1].figures)        # {key: Change}
    months = trend(period, scope)                     # twelve TrendMonths up to the period's last month

The rules that make the figures agree:
- Hours *used* (within the estimate) and *overrun* (beyond it) count in the month the
  input was delivered, from the budget ledger of the requests delivered in the period;
  *hours delivered* is their sum, so it equals what the budget figures show as used
  plus overrun. Approved and reserved hours count in the month of the budget they
  belong to (a reservation is for the month the request is due).
- Delivery figures (contributions, lead time, on time, rating) count the requests
  delivered in the period: the same requests whose hours are used. Lead time is also
  given as median and 90th percentile: `percentile_cont` in SQL on PostgreSQL; on
  SQLite (development) the same interpolation over one query of the period's values.
- The requests' flow counts by the requests' own timestamps (submitted = opened,
  completed, cancelled) and by their timeline (declined, nobody suitable found, and
  response targets missed = escalations), each request once per period. Extra time
  counts the allocation requests asked for in the period.
- The change against the previous period (`Period.previous`, same length) is computed
  in the same queries as the period (`reports_by_period` sums each period with its own
  filter); no change is given for a withheld figure in either period.
- Request counts by status are a snapshot of the requests under way now; *open* is
  exactly the sum of the statuses listed under it.

- Delivery figures resting on fewer than MIN_PEOPLE (3) contributing experts are
  withheld (`suppressed`, shown as "fewer than 3 people"): per discipline, for the
  scope, and for the scope when the withheld disciplines together are that small.
  Budget hours (approved, reserved, used) are the budget's ledger that managers run
  their budgets by, and stay shown. Named recognition and per-person tables:
  governance/recognition.py.
- Model health (`model_health`) is a snapshot of now; each item counts the rows its
  drill-down lists (`health_rows`, or the request list's filter with the same rule).

Cost: a fixed number of aggregate queries whatever the data size (conditional
aggregation, grouped by discipline or status), each on an index:
- budgets: `cw_budget_once_per_month` (discipline, month);
- used and overrun: requests by `cw_request_delivered` (delivered_at), joined to their
  ledger rows by the ledger's request index;
- delivery: `cw_request_delivered`;
- flow: `cw_request_submitted`, `cw_request_completed`, `cw_request_cancelled` (a bitmap
  OR of the three ranges) and the timeline's `created_at` index;
- extra time: `cw_allocation_created`;
- status now: the status index, reading only requests under way (not the finished bulk).
At 100,000 requests (the bench's large set, PostgreSQL) a month and the month before
cost about 140 ms in eight queries, the twelve-month trend about 140 ms in three.

Add a figure by adding its definition to `DEFINITIONS` and computing it in one of the
aggregates here (or one new aggregate, for every period of `reports_by_period`), never
per row.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content_workflow.models import BudgetEntry, ExpertInputRequest, TimeBudget
from content_workflow.permissions import managed_discipline_ids, reads_everything
from content_workflow.selectors import past_due_requests_q, stuck_requests_q
from content_workflow.transitions import UNFINISHED, Status
from disciplines.models import Discipline, Membership

ZERO = Decimal(0)
# Figures about delivered work that rest on fewer people than this are withheld ("fewer
# than 3 people"): per-person performance figures need a works council's agreement in
# Germany, and a figure of one or two people is one. Applied here, so every consumer
# (page, export, API) gets the same rule.
MIN_PEOPLE = 3


def is_small_group(people):
    """True when 1 to MIN_PEOPLE - 1 people contributed: their figures are withheld."""
    return 0 < people < MIN_PEOPLE


# --- What each figure counts: the one place --------------------------------------------------


@dataclass(frozen=True)
class Definition:
    label: str
    explanation: str
    unit: str  # "hours", "count", "share", "duration", "rating"


DEFINITIONS = {
    "hours_approved": Definition(
        _("Approved"),
        _("Hours the discipline managers approved for the months of the period."),
        "hours",
    ),
    "hours_reserved": Definition(
        _("Reserved"),
        _("Hours set aside for requests being worked on, in the month each request is due."),
        "hours",
    ),
    "hours_used": Definition(
        _("Used"),
        _("Hours spent within the estimate on input delivered in the period, in the month it was delivered."),
        "hours",
    ),
    "hours_overrun": Definition(
        _("Overrun"),
        _("Hours spent beyond the estimate on input delivered in the period, in the month it was delivered."),
        "hours",
    ),
    "hours_remaining": Definition(
        _("Remaining"),
        _("Approved minus reserved and used, as counted here (never below zero)."),
        "hours",
    ),
    "hours_delivered": Definition(
        _("Hours delivered"),
        _("Used plus overrun: every hour the experts spent on input delivered in the period."),
        "hours",
    ),
    "contributions": Definition(
        _("Contributions"),
        _("Requests whose input was delivered in the period (one contribution each)."),
        "count",
    ),
    "lead_time": Definition(
        _("Average lead time"),
        _("From submitting a request to delivering its input, averaged over the input delivered in the period."),
        "duration",
    ),
    "on_time": Definition(
        _("On time"),
        _("Share of the input delivered in the period that arrived by its due date."),
        "share",
    ),
    "rating": Definition(
        _("Average rating"),
        _("How useful the requesters found the input delivered in the period (1 to 5), where they rated it."),
        "rating",
    ),
    "lead_time_median": Definition(
        _("Median lead time"),
        _("From submitting a request to delivering its input: half the input delivered in the period took less."),
        "duration",
    ),
    "lead_time_p90": Definition(
        _("Lead time, 90th percentile"),
        _("From submitting to delivery: nine in ten of the requests delivered in the period took at most this long."),
        "duration",
    ),
    "response_breaches": Definition(
        _("Response target missed"),
        _(
            "Assignments the expert neither accepted nor declined within the discipline's response target, "
            "escalated to the managers in the period."
        ),
        "count",
    ),
    "requests_opened": Definition(
        _("Opened"),
        _("Requests submitted in the period (a request sent back and submitted again counts when last submitted)."),
        "count",
    ),
    "requests_completed": Definition(
        _("Completed"),
        _("Requests the requester completed in the period."),
        "count",
    ),
    "requests_declined": Definition(
        _("Declined"),
        _("Requests an assigned expert declined in the period (each request once, however often)."),
        "count",
    ),
    "requests_cancelled": Definition(
        _("Cancelled"),
        _("Requests cancelled in the period."),
        "count",
    ),
    "requests_unroutable": Definition(
        _("Nobody suitable found"),
        _("Requests for which routing found nobody suitable in the period (each request once)."),
        "count",
    ),
    "allocations": Definition(
        _("Extra time requests"),
        _("Requests for extra time asked for in the period."),
        "count",
    ),
    "allocation_hours_asked": Definition(
        _("Hours asked for"),
        _("Extra hours asked for in the period."),
        "hours",
    ),
    "allocation_hours_granted": Definition(
        _("Hours granted"),
        _("Of the extra hours asked for in the period, those the managers granted."),
        "hours",
    ),
    "allocation_decision_time": Definition(
        _("Median time to a decision"),
        _("From asking for extra time to the manager's decision: the median of the requests asked for in the period."),
        "duration",
    ),
    "requests_open": Definition(
        _("Open"),
        _("Requests submitted and not yet delivered or cancelled, now: the sum of the statuses listed below."),
        "count",
    ),
    "requests_overdue": Definition(
        _("Past their due date"),
        _("Open requests whose due date has passed, now."),
        "count",
    ),
    "health_spokes_without_liaison": Definition(
        _("Spokes without a liaison"),
        _("Spokes of the active model with nobody named as their contact to the hub."),
        "count",
    ),
    "health_activities_accountable": Definition(
        _("Activities without exactly one Accountable"),
        _("Activities of the active model's responsibility matrix with no Accountable unit, or more than one."),
        "count",
    ),
    "health_vacancies": Definition(
        _("Job-profile vacancies"),
        _("Hubs without a social media manager and spokes without a community manager, from the staffing view."),
        "count",
    ),
    "health_budgets_missing": Definition(
        _("Disciplines without a budget for next month"),
        _("Disciplines with experts for which no manager has approved hours for next month yet."),
        "count",
    ),
    "health_requests_stuck": Definition(
        _("Requests stuck"),
        _("Requests nobody suitable was found for, or whose routing is overdue, now."),
        "count",
    ),
    "pieces_published": Definition(
        _("Pieces published"),
        _("Content pieces published in the period that expert input fed (in this scope: input of its disciplines)."),
        "count",
    ),
    "expert_hours_per_piece": Definition(
        _("Expert hours per published piece"),
        _("Hours experts spent on the input of the pieces published in the period, per piece."),
        "hours",
    ),
    "check_turnaround": Definition(
        _("Final-check turnaround"),
        _("From asking an expert for the final check to the answer: the median of the checks answered in the period."),
        "duration",
    ),
    "requests_delivered_now": Definition(
        _("Delivered, to be completed"),
        _("Input delivered, waiting for the requester to complete the request, now."),
        "count",
    ),
}


@dataclass(frozen=True)
class Figure:
    """One figure with what it counts. `value` is a Decimal (hours), an int (count), a
    fraction 0-1 (share), a timedelta (duration) or a float (rating); None: no data."""

    key: str
    value: object
    # Withheld: fewer than MIN_PEOPLE people contributed to it (value is None then).
    suppressed: bool = False

    @property
    def definition(self):
        return DEFINITIONS[self.key]

    @property
    def label(self):
        return self.definition.label

    @property
    def explanation(self):
        return self.definition.explanation

    @property
    def unit(self):
        return self.definition.unit


# --- Period and scope --------------------------------------------------------------------------


def _month_start(day):
    return day.replace(day=1)


def _shift_month(month, months):
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Calendar days `start` to `end`, both included, in the site's time zone."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @classmethod
    def month(cls, day):
        start = _month_start(day)
        return cls(start, _shift_month(start, 1) - datetime.timedelta(days=1))

    @classmethod
    def quarter(cls, day):
        start = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return cls(start, _shift_month(start, 3) - datetime.timedelta(days=1))

    @classmethod
    def year(cls, day):
        return cls(datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def previous(self):
        """The period of the same length just before (a whole month or year before
        a whole month or year: same number of months)."""
        if self.start.day == 1 and (self.end + datetime.timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            start = _shift_month(self.start, -months)
            return Period(start, self.start - datetime.timedelta(days=1))
        return Period(self.start - datetime.timedelta(days=self.days), self.start - datetime.timedelta(days=1))

    @property
    def first_month(self):
        return _month_start(self.start)

    @property
    def last_month(self):
        return _month_start(self.end)

    @property
    def is_one_month(self):
        return self == Period.month(self.start)

    def bounds(self):
        """[start, end) as aware datetimes: local midnight of the first day and of the
        day after the last, so an instant belongs to the local day it happened on."""
        zone = timezone.get_current_timezone()
        begin = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        return begin, after


# The periods a dashboard offers, by their query value (?period=...), in menu order.
PERIOD_CHOICES = {
    "month": (_("This month"), lambda today: Period.month(today)),
    "last-month": (_("Last month"), lambda today: Period.month(today).previous()),
    "quarter": (_("This quarter"), lambda today: Period.quarter(today)),
    "year": (_("This year"), lambda today: Period.year(today)),
}
DEFAULT_PERIOD = "month"


def period_from_query(value, *, today=None):
    """(key, Period) for a `?period=` value; anything unknown is this month."""
    today = today or timezone.localdate()
    key = value if value in PERIOD_CHOICES else DEFAULT_PERIOD
    return key, PERIOD_CHOICES[key][1](today)


@dataclass(frozen=True)
class Scope:
    """Which disciplines the figures cover: `discipline_ids` None means all."""

    discipline_ids: frozenset | None = None

    @classmethod
    def everything(cls):
        return cls(None)

    @classmethod
    def of(cls, ids):
        return cls(frozenset(ids))

    @classmethod
    def for_user(cls, user):
        """All disciplines for those who read everything (executives, governance leads,
        admins); otherwise the disciplines the user manages (as manager or deputy)."""
        if reads_everything(user):
            return cls.everything()
        return cls.of(managed_discipline_ids(user))

    @property
    def is_everything(self):
        return self.discipline_ids is None

    def filter(self, queryset, lookup):
        """`queryset` limited to the scope's disciplines through `lookup` (a discipline id path)."""
        if self.discipline_ids is None:
            return queryset
        return queryset.filter(**{f"{lookup}__in": self.discipline_ids})


# --- Hours: approved, reserved, used, overrun --------------------------------------------------


@dataclass
class HoursRow:
    """One discipline's hours in the period. Same interface as the budget pages' rows
    (`charts.budget_bar` draws either); `budget` is None when the row has no hours at all."""

    discipline: Discipline
    approved: Decimal = ZERO
    reserved: Decimal = ZERO
    used: Decimal = ZERO
    overrun: Decimal = ZERO
    has_budget: bool = False
    can_act: bool = False

    @property
    def budget(self):
        return None if self.is_empty else True

    @property
    def remaining(self):
        return max(self.approved - self.reserved - self.used, ZERO)

    @property
    def delivered(self):
        return self.used + self.overrun

    @property
    def extent(self):
        return max(self.approved, self.reserved + self.used) + self.overrun

    @property
    def use_share(self):
        if not self.approved:
            return None
        return (self.reserved + self.used) / self.approved

    @property
    def is_empty(self):
        return not (self.has_budget or self.reserved or self.used or self.overrun)


@dataclass
class HoursFigures:
    period: Period
    rows: list = field(default_factory=list)

    def _total(self, name):
        return sum((getattr(row, name) for row in self.rows), ZERO)

    @property
    def approved(self):
        return Figure("hours_approved", self._total("approved"))

    @property
    def reserved(self):
        return Figure("hours_reserved", self._total("reserved"))

    @property
    def used(self):
        return Figure("hours_used", self._total("used"))

    @property
    def overrun(self):
        return Figure("hours_overrun", self._total("overrun"))

    @property
    def remaining(self):
        return Figure("hours_remaining", self._total("remaining"))

    @property
    def delivered(self):
        return Figure("hours_delivered", self.used.value + self.overrun.value)

    @property
    def booked_share(self):
        """Used and reserved as a share of approved (None without approved hours)."""
        approved = self.approved.value
        return (self.used.value + self.reserved.value) / approved if approved else None

    @property
    def figures(self):
        return [self.approved, self.reserved, self.used, self.overrun, self.remaining]

    @property
    def scale(self):
        """One scale for all bars, so lengths compare across disciplines."""
        return max([row.extent for row in self.rows] + [Decimal(1)])


def _delivered_in(period):
    begin, after = period.bounds()
    return Q(delivered_at__gte=begin, delivered_at__lt=after)


# --- Percentiles: in the database on PostgreSQL, from one bounded query elsewhere ------------------

MEDIAN, P90 = 0.5, 0.9


class PercentileCont(models.Aggregate):
    """PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`: the
    continuous percentile, interpolated between the two nearest values (intervals too)."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentiles_in_sql(using=None):
    """True where the database computes percentiles (PostgreSQL); elsewhere (SQLite, the
    development database) they come from `percentile_cont` over the values of one query."""
    from django.db import connections

    return connections[using or "default"].vendor == "postgresql"


def percentile_cont(values, fraction):
    """The same interpolation as SQL's percentile_cont over `values` (None ignored):
    None without values. Works for numbers and timedeltas."""
    values = sorted(value for value in values if value is not None)
    if not values:
        return None
    position = (len(values) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


def _percentile_aggregates(expression, prefix):
    """{prefix_median, prefix_p90} aggregates on PostgreSQL; {} elsewhere."""
    if not percentiles_in_sql():
        return {}
    return {
        f"{prefix}_median": PercentileCont(expression, MEDIAN, output_field=DurationField()),
        f"{prefix}_p90": PercentileCont(expression, P90, output_field=DurationField()),
    }


def _percentiles_from_values(queryset, expression, group=None):
    """{group value: (median, p90)} from one query of `expression`'s values (no model
    rows): the fallback where the database has no percentile function. Bounded by the
    queryset's filter (the period's rows, on their index)."""
    fields = (group, "value") if group else ("value",)
    rows = queryset.order_by().annotate(value=expression).filter(value__isnull=False).values_list(*fields)
    values = {}
    for row in rows:
        values.setdefault(row[0] if group else None, []).append(row[-1])
    return {key: (percentile_cont(found, MEDIAN), percentile_cont(found, P90)) for key, found in values.items()}


def _lead():
    return ExpressionWrapper(F("delivered_at") - F("submitted_at"), output_field=DurationField())


def _any_period(periods, field):
    """Q: `field` within one of the periods (the span a multi-period aggregate reads)."""
    window = Q()
    for period in periods:
        window |= _within(period, field)
    return window


def hours_by_discipline(period, scope, *, always=(), can_act=(), disciplines=None):
    """HoursFigures for the period: a row per discipline with any hours (plus a row for
    each discipline in `always`, e.g. those a manager approves for). Three queries.

    Approved and reserved hours are those of the budgets of every month the period
    touches (budgets are monthly); used and overrun hours those of the input delivered
    between the period's first and last day.

    `can_act` (discipline ids) marks the rows whose budget the reader may approve;
    `disciplines` as for hours_by_period.
    """
    return hours_by_period([period], scope, always=always, can_act=can_act, disciplines=disciplines)[0]


@dataclass(frozen=True)
class _Unnamed:
    """A discipline by its id alone (rows summed for totals, never shown)."""

    pk: int


def _disciplines(ids, known=None):
    """The disciplines of `ids` in page order: from `known` (every discipline, in page
    order, as a page may already hold them) or one query."""
    if not ids:
        return []
    if known is not None:
        return [discipline for discipline in known if discipline.pk in ids]
    return list(Discipline.objects.filter(pk__in=ids).order_by("position", "name"))


def hours_by_period(periods, scope, *, always=(), can_act=(), totals_only=False, disciplines=None):
    """`hours_by_discipline` for several periods at once (say, a period and the one
    before), [HoursFigures] in their order: still three queries, each aggregate
    summing every period with its own filter. `totals_only`: the rows carry the
    discipline's id instead of the discipline (one query less), for the totals;
    `disciplines`: every discipline in page order, if the caller has them (one less too)."""
    first = min(period.first_month for period in periods)
    last = max(period.last_month for period in periods)
    budgets = scope.filter(TimeBudget.objects.filter(month__gte=first, month__lte=last), "discipline_id")
    sums = {}
    for index, period in enumerate(periods):
        months = Q(month__gte=period.first_month, month__lte=period.last_month)
        sums[f"approved_{index}"] = Sum("approved_hours", filter=months)
        sums[f"reserved_{index}"] = Sum("reserved_hours", filter=months)
        sums[f"n_{index}"] = Count("pk", filter=months)
    budgets = budgets.order_by().values("discipline_id").annotate(**sums)
    # Used and overrun: the ledger rows of the requests delivered in the period, wherever
    # their budget's month lies (a request due next month may be delivered this month).
    spent = scope.filter(
        BudgetEntry.objects.filter(
            _any_period(periods, "request__delivered_at"),
            kind__in=(BudgetEntry.Kind.CONSUME, BudgetEntry.Kind.OVERRUN),
        ),
        "budget__discipline_id",
    )
    sums = {}
    for index, period in enumerate(periods):
        delivered = _within(period, "request__delivered_at")
        sums[f"used_{index}"] = Sum("hours", filter=delivered & Q(kind=BudgetEntry.Kind.CONSUME))
        sums[f"overrun_{index}"] = Sum("hours", filter=delivered & Q(kind=BudgetEntry.Kind.OVERRUN))
    spent = spent.order_by().values("budget__discipline_id").annotate(**sums)
    values = [{} for _period in periods]
    for row in budgets:
        for index, found in enumerate(values):
            if row[f"n_{index}"]:
                found.setdefault(row["discipline_id"], {}).update(
                    approved=row[f"approved_{index}"] or ZERO,
                    reserved=row[f"reserved_{index}"] or ZERO,
                    has_budget=True,
                )
    for row in spent:
        for index, found in enumerate(values):
            if row[f"used_{index}"] or row[f"overrun_{index}"]:
                found.setdefault(row["budget__discipline_id"], {}).update(
                    used=row[f"used_{index}"] or ZERO, overrun=row[f"overrun_{index}"] or ZERO
                )
    always_ids = {getattr(discipline, "pk", discipline) for discipline in always}
    ids = set().union(*values) | always_ids
    disciplines = [_Unnamed(pk) for pk in sorted(ids)] if totals_only else _disciplines(ids, disciplines)
    can_act = set(can_act)
    result = []
    for period, found in zip(periods, values, strict=True):
        rows = [
            HoursRow(discipline, **found.get(discipline.pk, {}), can_act=discipline.pk in can_act)
            for discipline in disciplines
        ]
        rows = [row for row in rows if not row.is_empty or row.discipline.pk in always_ids]
        result.append(HoursFigures(period, rows))
    return result


# --- Delivery: what the input delivered in the period was like ------------------------------------


@dataclass
class DeliveryFigures:
    period: Period
    contributions: Figure
    lead_time: Figure
    on_time: Figure
    rating: Figure
    hours_delivered: Figure
    lead_time_median: Figure = None
    lead_time_p90: Figure = None
    people: int = 0
    # Withheld: too few people behind the figures (delivery_figures says when).
    suppressed: bool = False

    @property
    def figures(self):
        return [
            self.contributions,
            self.hours_delivered,
            self.lead_time_median,
            self.lead_time_p90,
            self.lead_time,
            self.on_time,
            self.rating,
        ]

    @property
    def is_empty(self):
        if self.suppressed:
            return False
        return not self.contributions.value and not self.hours_delivered.value


def delivery_figures(period, scope, *, hours=None):
    """Contributions, lead time (average, median, 90th percentile), on-time share and
    rating of the input delivered in the period, with the hours delivered taken from
    `hours` (HoursFigures of the same period and scope; computed if not given). Two
    queries on PostgreSQL, three elsewhere (the lead times' values for the
    percentiles); three more without `hours`.

    Withheld (`suppressed`, every value None) when fewer than MIN_PEOPLE experts
    delivered in the scope, and also when the disciplines withheld on their own
    (`delivery_by_discipline`) together have fewer than MIN_PEOPLE: otherwise the total
    minus the disciplines shown would give their numbers away.
    """
    if hours is None:
        hours = hours_by_discipline(period, scope)
    return delivery_by_period([period], scope, [hours])[0]


def _which_period(periods, field):
    """The index of the period `field` falls in, as an expression (None outside all)."""
    return models.Case(
        *(models.When(_within(period, field), then=models.Value(index)) for index, period in enumerate(periods)),
        output_field=models.IntegerField(),
    )


def delivery_by_period(periods, scope, hours):
    """`delivery_figures` for several periods at once, with their HoursFigures
    (`hours`, same order): [DeliveryFigures], still two queries (three where
    percentiles are not SQL), each aggregate counting every period with its own filter."""
    requests = scope.filter(
        ExpertInputRequest.objects.filter(_any_period(periods, "delivered_at")), "target_discipline_id"
    ).order_by()
    delivered_in = [_delivered_in(period) for period in periods]
    by_discipline = requests.values("target_discipline_id").annotate(
        **{
            f"people_{index}": Count("contribution__author", distinct=True, filter=window)
            for index, window in enumerate(delivered_in)
        }
    )
    small = [[] for _period in periods]
    for row in by_discipline:
        for index, found in enumerate(small):
            if is_small_group(row[f"people_{index}"]):
                found.append(row["target_discipline_id"])
    sums = {}
    for index, window in enumerate(delivered_in):
        sums.update(
            {
                f"delivered_{index}": Count("pk", filter=window),
                f"on_time_{index}": Count("pk", filter=window & Q(delivered_at__date__lte=F("due_date"))),
                f"lead_time_{index}": Avg("lead", filter=window & Q(submitted_at__isnull=False)),
                f"rating_{index}": Avg("contribution__usefulness", filter=window),
                f"people_{index}": Count("contribution__author", distinct=True, filter=window),
                f"small_people_{index}": Count(
                    "contribution__author", distinct=True, filter=window & Q(target_discipline_id__in=small[index])
                ),
            }
        )
        if percentiles_in_sql():
            sums[f"lead_median_{index}"] = PercentileCont("lead", MEDIAN, filter=window, output_field=DurationField())
            sums[f"lead_p90_{index}"] = PercentileCont("lead", P90, filter=window, output_field=DurationField())
    result = requests.annotate(lead=_lead()).aggregate(**sums)
    if not percentiles_in_sql():
        which = requests.annotate(which=_which_period(periods, "delivered_at"))
        for index, (median, p90) in _percentiles_from_values(which, _lead(), "which").items():
            result[f"lead_median_{index}"], result[f"lead_p90_{index}"] = median, p90
    return [_delivery(period, hours[index], result, index) for index, period in enumerate(periods)]


def _delivery(period, hours, result, index):
    def value(name):
        return result.get(f"{name}_{index}")

    delivered = value("delivered") or 0
    people = value("people") or 0
    if is_small_group(people) or is_small_group(value("small_people") or 0):
        # Every figure here would describe one or two people.
        return DeliveryFigures(
            period, **{key: Figure(key, None, suppressed=True) for key in DELIVERY_KEYS}, people=people, suppressed=True
        )
    return DeliveryFigures(
        period=period,
        contributions=Figure("contributions", delivered),
        lead_time=Figure("lead_time", value("lead_time")),
        lead_time_median=Figure("lead_time_median", value("lead_median")),
        lead_time_p90=Figure("lead_time_p90", value("lead_p90")),
        on_time=Figure("on_time", Decimal(value("on_time")) / delivered if delivered else None),
        rating=Figure("rating", value("rating")),
        hours_delivered=hours.delivered,
        people=people,
    )


DELIVERY_KEYS = (
    "contributions",
    "lead_time",
    "lead_time_median",
    "lead_time_p90",
    "on_time",
    "rating",
    "hours_delivered",
)


@dataclass
class DisciplineDelivery:
    """One discipline's delivery in the period; `suppressed` when fewer than MIN_PEOPLE
    experts delivered it (its figures are then None)."""

    discipline: Discipline
    people: int
    contributions: Figure
    hours_delivered: Figure
    lead_time: Figure
    rating: Figure
    lead_time_median: Figure = None
    lead_time_p90: Figure = None

    @property
    def suppressed(self):
        return is_small_group(self.people)

    @property
    def figures(self):
        return [
            self.contributions,
            self.hours_delivered,
            self.lead_time_median,
            self.lead_time_p90,
            self.lead_time,
            self.rating,
        ]


def delivery_by_discipline(period, scope, *, disciplines=None):
    """Per discipline: contributions, hours delivered, lead time and rating of the input
    delivered in the period, a row per discipline that delivered any, with the lead
    time's median and 90th percentile. A discipline with fewer than MIN_PEOPLE
    contributing experts shows no numbers (`suppressed`). Two queries (the aggregate
    grouped by discipline, and the disciplines unless given as `disciplines`, every
    discipline in page order), one more where percentiles are not SQL. Kept for a few
    minutes (governance/figures_cache.py)."""
    from governance.figures_cache import remembered

    return remembered(
        "by_discipline", [period], scope, lambda: _delivery_by_discipline(period, scope, disciplines=disciplines)
    )


def _delivery_by_discipline(period, scope, *, disciplines=None):
    requests = scope.filter(ExpertInputRequest.objects.filter(_delivered_in(period)), "target_discipline_id")
    rows = (
        requests.order_by()
        .annotate(lead=_lead())
        .values("target_discipline_id")
        .annotate(
            delivered=Count("pk"),
            hours=Sum("contribution__hours_spent"),
            lead_time=Avg("lead", filter=Q(submitted_at__isnull=False)),
            rating=Avg("contribution__usefulness"),
            people=Count("contribution__author", distinct=True),
            **_percentile_aggregates("lead", "lead"),
        )
    )
    values = {row["target_discipline_id"]: row for row in rows}
    if not percentiles_in_sql():
        for pk, (median, p90) in _percentiles_from_values(requests, _lead(), "target_discipline_id").items():
            if pk in values:
                values[pk].update(lead_median=median, lead_p90=p90)
    disciplines = _disciplines(set(values), disciplines)
    result = []
    for discipline in disciplines:
        row = values[discipline.pk]
        people = row["people"] or 0
        hidden = is_small_group(people)

        def figure(key, value, hidden=hidden):
            return Figure(key, None, suppressed=True) if hidden else Figure(key, value)

        result.append(
            DisciplineDelivery(
                discipline,
                people,
                contributions=figure("contributions", row["delivered"]),
                hours_delivered=figure("hours_delivered", row["hours"] or ZERO),
                lead_time=figure("lead_time", row["lead_time"]),
                rating=figure("rating", row["rating"]),
                lead_time_median=figure("lead_time_median", row.get("lead_median")),
                lead_time_p90=figure("lead_time_p90", row.get("lead_p90")),
            )
        )
    return result


# --- Requests through the period: opened, completed, declined, cancelled, unroutable -------------


@dataclass
class FlowFigures:
    period: Period
    opened: Figure
    completed: Figure
    declined: Figure
    cancelled: Figure
    unroutable: Figure
    # Counted with the delivery figures' rule: withheld where they are.
    breaches: Figure

    @property
    def figures(self):
        return [self.opened, self.completed, self.declined, self.cancelled, self.unroutable]

    @property
    def is_empty(self):
        return not any(figure.value for figure in [*self.figures, self.breaches])


def _within(period, field):
    begin, after = period.bounds()
    return Q(**{f"{field}__gte": begin, f"{field}__lt": after})


def request_flow_figures(period, scope, *, suppressed=False):
    """What happened to requests in the period: submitted (opened), completed and
    cancelled, from the requests' own timestamps; declined by an expert, found nobody
    suitable for, and response targets missed (escalated), from the timeline, each
    request once. Two queries: the requests by a bitmap OR of their three timestamp
    indexes, the timeline events by their time index.

    `suppressed`: the delivery figures of the period and scope are withheld (too few
    people), so the response-target breaches, which describe the same experts, are too.
    """
    return flow_by_period([period], scope, suppressed=[suppressed])[0]


def flow_by_period(periods, scope, *, suppressed=None, timeline=True):
    """`request_flow_figures` for several periods at once: [FlowFigures], still two
    queries. `suppressed`: a flag per period. Without `timeline`, only the requests'
    own counts (opened, completed, cancelled) in one query; the others are None."""
    from content_workflow.models import RequestEvent

    suppressed = suppressed or [False] * len(periods)
    stamps = ("submitted_at", "completed_at", "cancelled_at")
    window = Q()
    for stamp in stamps:
        window |= _any_period(periods, stamp)
    requests = scope.filter(ExpertInputRequest.objects.filter(window), "target_discipline_id").order_by()
    counts = requests.aggregate(
        **{
            f"{stamp}_{index}": Count("pk", filter=_within(period, stamp))
            for index, period in enumerate(periods)
            for stamp in stamps
        }
    )
    declined = Q(to_status=Status.DECLINED)
    unroutable = Q(to_status=Status.UNROUTABLE)
    escalated = Q(kind=RequestEvent.Kind.ESCALATION)
    events = RequestEvent.objects.filter(declined | unroutable | escalated).filter(_any_period(periods, "created_at"))
    events = scope.filter(events, "request__target_discipline_id").order_by()
    sums = {}
    for index, period in enumerate(periods):
        when = _within(period, "created_at")
        sums[f"declined_{index}"] = Count("request_id", distinct=True, filter=when & declined)
        sums[f"unroutable_{index}"] = Count("request_id", distinct=True, filter=when & unroutable)
        sums[f"breaches_{index}"] = Count("request_id", distinct=True, filter=when & escalated)
    timeline = events.aggregate(**sums) if timeline else dict.fromkeys(sums)
    result = []
    for index, period in enumerate(periods):
        breaches = Figure("response_breaches", timeline[f"breaches_{index}"])
        if suppressed[index]:
            breaches = Figure("response_breaches", None, suppressed=True)
        result.append(
            FlowFigures(
                period,
                opened=Figure("requests_opened", counts[f"submitted_at_{index}"]),
                completed=Figure("requests_completed", counts[f"completed_at_{index}"]),
                declined=Figure("requests_declined", timeline[f"declined_{index}"]),
                cancelled=Figure("requests_cancelled", counts[f"cancelled_at_{index}"]),
                unroutable=Figure("requests_unroutable", timeline[f"unroutable_{index}"]),
                breaches=breaches,
            )
        )
    return result


# --- Extra time: allocation requests asked for in the period ----------------------------------------


@dataclass
class AllocationFigures:
    period: Period
    count: Figure
    hours_asked: Figure
    hours_granted: Figure
    decision_time: Figure

    @property
    def figures(self):
        return [self.count, self.hours_asked, self.hours_granted, self.decision_time]


def allocation_figures(period, scope):
    """Extra time asked for in the period (allocation requests by the day they were
    asked): how many, hours asked for and granted, and the median time to a decision
    of those decided. One query on the allocations' time index (two where percentiles
    are not SQL)."""
    return allocations_by_period([period], scope)[0]


def allocations_by_period(periods, scope):
    """`allocation_figures` for several periods at once: [AllocationFigures], still one
    query (two where percentiles are not SQL)."""
    from content_workflow.models import TimeAllocationRequest

    allocations = scope.filter(
        TimeAllocationRequest.objects.filter(_any_period(periods, "created_at")), "discipline_id"
    ).order_by()
    wait = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
    sums = {}
    for index, period in enumerate(periods):
        asked = _within(period, "created_at")
        sums[f"n_{index}"] = Count("pk", filter=asked)
        sums[f"asked_{index}"] = Sum("hours_requested", filter=asked)
        sums[f"granted_{index}"] = Sum("hours_approved", filter=asked)
        if percentiles_in_sql():
            sums[f"wait_{index}"] = PercentileCont("wait", MEDIAN, filter=asked, output_field=DurationField())
    result = allocations.annotate(wait=wait).aggregate(**sums)
    if not percentiles_in_sql():
        which = allocations.annotate(which=_which_period(periods, "created_at"))
        for index, (median, _p90) in _percentiles_from_values(which, wait, "which").items():
            result[f"wait_{index}"] = median
    return [
        AllocationFigures(
            period,
            count=Figure("allocations", result[f"n_{index}"] or 0),
            hours_asked=Figure("allocation_hours_asked", result[f"asked_{index}"] or ZERO),
            hours_granted=Figure("allocation_hours_granted", result[f"granted_{index}"] or ZERO),
            decision_time=Figure("allocation_decision_time", result.get(f"wait_{index}")),
        )
        for index, period in enumerate(periods)
    ]


# --- Twelve months: the trend of hours and requests --------------------------------------------------

TREND_MONTHS = 12


@dataclass
class TrendMonth:
    month: datetime.date
    approved: Decimal
    used: Decimal
    overrun: Decimal
    opened: int
    completed: int

    @property
    def delivered(self):
        return self.used + self.overrun


def trend(period, scope):
    """The twelve months up to the period's last month: hours approved, used and
    overrun (the definitions of `hours_by_discipline`) and requests opened and
    completed (those of `request_flow_figures`), a TrendMonth each, oldest first.
    Three queries, each summing every month with its own filter; kept for a few minutes
    (governance/figures_cache.py)."""
    from governance.figures_cache import remembered

    months = [Period.month(_shift_month(period.last_month, -back)) for back in range(TREND_MONTHS - 1, -1, -1)]
    return remembered("trend", months, scope, lambda: _trend(months, scope))


def _trend(months, scope):
    hours = hours_by_period(months, scope, totals_only=True)
    flow = flow_by_period(months, scope, timeline=False)
    return [
        TrendMonth(
            month.start,
            approved=found.approved.value,
            used=found.used.value,
            overrun=found.overrun.value,
            opened=requests.opened.value,
            completed=requests.completed.value,
        )
        for month, found, requests in zip(months, hours, flow, strict=True)
    ]


# --- Requests now --------------------------------------------------------------------------------

OPEN_ORDER = [status for status in Status if status in UNFINISHED]


@dataclass
class StatusGroup:
    """A figure and the statuses it sums, [(Status, count)] (those with requests only)."""

    figure: Figure
    statuses: list


@dataclass
class StatusFigures:
    open: StatusGroup
    delivered: StatusGroup
    overdue: Figure

    @property
    def groups(self):
        return [self.open, self.delivered]

    @property
    def is_empty(self):
        return not any(group.figure.value for group in self.groups)

    @property
    def scale(self):
        return max([count for group in self.groups for _status, count in group.statuses] + [1])


def request_status_figures(scope, *, today=None):
    """The requests under way now, by status: open (submitted, not yet delivered or
    cancelled) and delivered (waiting to be completed), and the open ones past their due
    date. One query, on the status index: finished requests (completed, cancelled, the
    bulk of the table) are not read; period figures count those. Kept for a few minutes
    (governance/figures_cache.py)."""
    from governance.figures_cache import remembered

    return remembered("status", [], scope, lambda: _request_status_figures(scope, today=today), extra=(today,))


def _request_status_figures(scope, *, today=None):
    today = today or timezone.localdate()
    under_way = [*OPEN_ORDER, Status.DELIVERED]
    requests = scope.filter(ExpertInputRequest.objects.filter(status__in=under_way), "target_discipline_id")
    rows = (
        requests.order_by()
        .values("status")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(status__in=UNFINISHED, due_date__lt=today)))
    )
    counts, overdue = {}, 0
    for row in rows:
        counts[row["status"]] = row["n"]
        overdue += row["overdue"]

    def group(key, statuses):
        listed = [(status, counts[status.value]) for status in statuses if counts.get(status.value)]
        return StatusGroup(Figure(key, sum(count for _status, count in listed)), listed)

    return StatusFigures(
        open=group("requests_open", OPEN_ORDER),
        delivered=group("requests_delivered_now", (Status.DELIVERED,)),
        overdue=Figure("requests_overdue", overdue),
    )


# --- Everything at once ----------------------------------------------------------------------------


# The period figures by card, in display order.
FLOW_KEYS = (
    "requests_opened",
    "requests_completed",
    "requests_declined",
    "requests_cancelled",
    "requests_unroutable",
    "response_breaches",
)
ALLOCATION_KEYS = ("allocations", "allocation_hours_asked", "allocation_hours_granted", "allocation_decision_time")


def period_figures(period, scope, *, hours=None, delivery=None):
    """The figures of DEFINITIONS that count the period (not the snapshots of now), as
    {key: Figure}: hours, delivery, the requests' flow and extra time. Eight queries on
    PostgreSQL (ten elsewhere), fewer when `hours` and `delivery` are given."""
    hours = hours or hours_by_discipline(period, scope)
    delivery = delivery or delivery_figures(period, scope, hours=hours)
    flow = request_flow_figures(period, scope, suppressed=delivery.suppressed)
    allocations = allocation_figures(period, scope)
    figures = [*hours.figures, *delivery.figures, *flow.figures, flow.breaches, *allocations.figures]
    return {figure.key: figure for figure in figures}


@dataclass
class PeriodReport:
    """A period's figures with the cards' richer objects (rows per discipline)."""

    period: Period
    hours: HoursFigures
    delivery: DeliveryFigures
    figures: dict


def reports_by_period(periods, scope, *, always=(), can_act=(), disciplines=None):
    """[PeriodReport] for several periods (a period and the one before, for the
    change): the queries of one period, each summing every period with its own filter
    (eight on PostgreSQL, ten elsewhere), not one set per period. Kept for a few
    minutes (governance/figures_cache.py)."""
    from governance.figures_cache import remembered

    extra = (tuple(sorted(always)), tuple(sorted(can_act)))
    return remembered(
        "reports",
        periods,
        scope,
        lambda: _reports_by_period(periods, scope, always=always, can_act=can_act, disciplines=disciplines),
        extra=extra,
    )


def _reports_by_period(periods, scope, *, always=(), can_act=(), disciplines=None):
    hours = hours_by_period(periods, scope, always=always, can_act=can_act, disciplines=disciplines)
    delivery = delivery_by_period(periods, scope, hours)
    flow = flow_by_period(periods, scope, suppressed=[found.suppressed for found in delivery])
    allocations = allocations_by_period(periods, scope)
    reports = []
    for index, period in enumerate(periods):
        figures = [
            *hours[index].figures,
            *delivery[index].figures,
            *flow[index].figures,
            flow[index].breaches,
            *allocations[index].figures,
        ]
        reports.append(PeriodReport(period, hours[index], delivery[index], {figure.key: figure for figure in figures}))
    return reports


def summary(period, scope, *, today=None, hours=None, delivery=None):
    """Every figure of DEFINITIONS for the period and scope, as {key: Figure}: what an
    export or the API can serve next to the page (issue 8), with the content that went out
    (issue 11). Twelve queries on PostgreSQL (fourteen on SQLite) when nothing is cached.
    Model health, a snapshot of now rather than of the period, is `model_health`.
    Without `hours` and `delivery`, the period's figures come from the same cache as the
    dashboards' (`reports_by_period`)."""
    if hours is None and delivery is None:
        figures = dict(reports_by_period([period], scope)[0].figures)
    else:
        figures = period_figures(period, scope, hours=hours, delivery=delivery)
    for figure in content_figures(period, scope).figures:
        figures[figure.key] = figure
    now = request_status_figures(scope, today=today)
    for figure in (now.open.figure, now.delivered.figure, now.overdue):
        figures[figure.key] = figure
    return figures


# --- Change against the previous period -------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A figure against the same figure of the previous period of the same length.
    `relative`: the change as a fraction of the previous value (None when that is zero
    or missing); `points`: for shares, the difference in percentage points."""

    key: str
    value: object
    previous: object

    @property
    def unit(self):
        return DEFINITIONS[self.key].unit

    @staticmethod
    def _number(value):
        if isinstance(value, datetime.timedelta):
            return Decimal(value.total_seconds())
        return Decimal(str(value))

    @property
    def relative(self):
        if self.value is None or not self.previous:
            return None
        previous = self._number(self.previous)
        if not previous:
            return None
        return (self._number(self.value) - previous) / previous

    @property
    def points(self):
        if self.value is None or self.previous is None:
            return None
        return (self._number(self.value) - self._number(self.previous)) * 100


def compare(current, previous):
    """{key: Change} for the figures in both {key: Figure} dicts that have a value in the
    current period; withheld figures (either period) get no change, since the difference
    would give the withheld number away."""
    changes = {}
    for key, figure in current.items():
        before = previous.get(key)
        if before is None or figure.suppressed or before.suppressed or figure.value is None:
            continue
        changes[key] = Change(key, figure.value, before.value)
    return changes


def changes(period, scope, current):
    """{key: Change} of the period's figures (`current`, from `summary` or
    `period_figures`) against the previous period of the same length
    (`Period.previous`): the period figures once more, for that period."""
    return compare(current, period_figures(period.previous(), scope))


# --- Model health: what needs fixing, now ----------------------------------------------------------

# The health items in card order. Each counts the rows of `health_rows(key, ...)` (or, for
# requests, of the request list's filter with the same rule), so the page a number links
# to lists exactly the rows it counts.
HEALTH_KEYS = (
    "health_spokes_without_liaison",
    "health_activities_accountable",
    "health_vacancies",
    "health_budgets_missing",
    "health_requests_stuck",
    "requests_overdue",
)
# The figures only model_health computes (summary() holds the period's figures).
HEALTH_ONLY_KEYS = frozenset(HEALTH_KEYS) - {"requests_overdue"}
# Items about the whole model, not one discipline: shown to those who read everything.
WHOLE_MODEL_KEYS = frozenset({"health_activities_accountable", "health_vacancies"})


def next_month(today):
    return _shift_month(_month_start(today), 1)


def _active_model_q(prefix="model__"):
    from governance.models import OrganisationalModel

    return Q(**{f"{prefix}status": OrganisationalModel.Status.ACTIVE})


def health_rows(key, scope, *, today=None):
    """The rows a model-health item counts, as a queryset (spokes, activities,
    disciplines); the drill-down page lists exactly these."""
    from governance.models import Activity, Hub, Responsibility, Spoke

    today = today or timezone.localdate()
    if key == "health_spokes_without_liaison":
        spokes = Spoke.objects.filter(_active_model_q(), liaison__isnull=True)
        return scope.filter(spokes, "discipline_id").select_related("discipline", "hub", "model")
    if key == "health_activities_accountable":
        # Only cells of the model's own units count, as publishing checks them (validation).
        units = Q(discipline_id__in=Spoke.objects.filter(_active_model_q()).values("discipline_id")) | Q(
            discipline_id__in=Hub.objects.filter(_active_model_q()).values("home_discipline_id")
        )
        accountable = (
            Responsibility.objects.filter(
                _active_model_q(),
                units,
                activity_id=models.OuterRef("pk"),
                role__in=(Responsibility.Role.ACCOUNTABLE, Responsibility.Role.ACCOUNTABLE_RESPONSIBLE),
            )
            .order_by()
            .values("activity_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        activities = Activity.objects.annotate(
            accountables=Coalesce(models.Subquery(accountable, output_field=models.IntegerField()), 0)
        )
        return activities.exclude(accountables=1).order_by("position", "name")
    if key == "health_budgets_missing":
        approved = TimeBudget.objects.filter(
            discipline_id=models.OuterRef("pk"), month=next_month(today), approved_at__isnull=False
        )
        with_experts = Membership.objects.filter(function=Membership.Function.EXPERT).values("discipline_id")
        disciplines = Discipline.objects.filter(pk__in=with_experts).exclude(models.Exists(approved))
        return scope.filter(disciplines, "pk").order_by("position", "name")
    raise KeyError(key)


@dataclass
class HealthItem:
    figure: Figure

    @property
    def key(self):
        return self.figure.key

    @property
    def is_problem(self):
        return bool(self.figure.value)


@dataclass
class ModelHealth:
    items: list
    next_month: datetime.date

    @property
    def is_healthy(self):
        return not any(item.is_problem for item in self.items)

    def values(self):
        """{key: value} of the items shown."""
        return {item.key: item.figure.value for item in self.items}


def request_health_q(key, *, today=None, now=None):
    """The rule of a request item (stuck, past due): the request list's filter uses it too."""
    if key == "health_requests_stuck":
        return stuck_requests_q(now or timezone.now())
    if key == "requests_overdue":
        return past_due_requests_q(today or timezone.localdate())
    raise KeyError(key)


def model_health(scope, *, today=None, viewer=None):
    """The model-health figures: spokes without a liaison, activities without exactly one
    Accountable (active model), job-profile vacancies (staffing view), disciplines without
    an approved budget for next month, requests stuck or past their due date now.

    Whole-model items (activities, vacancies) only for a scope of everything; vacancies
    need `viewer` (the staffing view reads as someone). A fixed number of queries: one
    count each, one aggregate for both request items, and the staffing view's own.
    """
    today = today or timezone.localdate()
    figures = {}
    for key in ("health_spokes_without_liaison", "health_activities_accountable", "health_budgets_missing"):
        if key in WHOLE_MODEL_KEYS and not scope.is_everything:
            continue
        figures[key] = health_rows(key, scope, today=today).order_by().count()
    if scope.is_everything and viewer is not None:
        from roles.selectors import staffing_vacancies

        figures["health_vacancies"] = len(staffing_vacancies(today=today))
    # Both rules only match unfinished requests: the status index, not the finished bulk.
    under_way = ExpertInputRequest.objects.filter(status__in=UNFINISHED)
    requests = scope.filter(under_way, "target_discipline_id").order_by()
    counts = requests.aggregate(
        stuck=Count("pk", filter=request_health_q("health_requests_stuck", today=today)),
        overdue=Count("pk", filter=request_health_q("requests_overdue", today=today)),
    )
    figures["health_requests_stuck"] = counts["stuck"]
    figures["requests_overdue"] = counts["overdue"]
    items = [HealthItem(Figure(key, figures[key])) for key in HEALTH_KEYS if key in figures]
    return ModelHealth(items, next_month(today))


# --- Content that went out (issue 11: pieces, expert hours, final checks) ----------------------------


@dataclass
class ContentRow:
    discipline: object  # a Discipline (its label in the reader's language)
    channel_code: str
    pieces: int

    @property
    def channel(self):
        from content_workflow.models import Channel

        return Channel(self.channel_code).label if self.channel_code in Channel.values else self.channel_code


@dataclass
class ContentFigures:
    published: Figure
    hours_per_piece: Figure
    turnaround: Figure
    rows: list  # ContentRow per discipline that fed them and channel

    @property
    def figures(self):
        return [self.published, self.hours_per_piece, self.turnaround]


def content_figures(period, scope):
    """The pieces published in the period (per feeding discipline and channel), the expert
    hours per published piece, and the median final-check turnaround. Three queries on
    the pieces' publication index and the checks' answers; kept for a few minutes."""
    from governance.figures_cache import remembered

    return remembered("content", [period], scope, lambda: _content_figures(period, scope))


def _content_figures(period, scope):
    from content_workflow.models import Contribution, FinalCheck
    from content_workflow.pieces_selectors import pieces_published_by_discipline_channel

    ids = None if scope.is_everything else scope.discipline_ids
    rows = [
        row
        for row in pieces_published_by_discipline_channel(start=period.start, end=period.end, discipline_ids=ids)
        if row["discipline_id"] is not None
    ]
    # Names, not labels: the figures are kept for every reader, each reads their language.
    table = [
        ContentRow(
            Discipline(pk=row["discipline_id"], name=row["discipline"], name_de=row["discipline_de"] or ""),
            row["channel"],
            row["pieces"],
        )
        for row in rows
    ]
    spent = scope.filter(
        Contribution.objects.filter(
            request__piece__status="published", request__piece__published_on__range=(period.start, period.end)
        ),
        "request__target_discipline_id",
    ).aggregate(hours=Sum("hours_spent"), pieces=Count("request__piece", distinct=True))
    pieces = spent["pieces"] or 0
    per_piece = (spent["hours"] / pieces).quantize(Decimal("0.1")) if pieces else None
    begin, after = period.bounds()
    answered = scope.filter(
        FinalCheck.objects.filter(answered_at__gte=begin, answered_at__lt=after), "request__target_discipline_id"
    ).order_by()
    waits = [answer - asked for asked, answer in answered.values_list("created_at", "answered_at")[:10000]]
    median = percentile_cont(waits, 0.5)
    return ContentFigures(
        published=Figure("pieces_published", pieces),
        hours_per_piece=Figure("expert_hours_per_piece", per_piece),
        turnaround=Figure("check_turnaround", median),
        rows=table,
    )
