"""Filters of the workflow API.

They narrow querysets that already start from what the user may see (`visible_to`), so
an id the user may not see simply matches nothing. A malformed value is a 400 that
names the parameter.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content_workflow.models import (
    Channel,
    ContentPiece,
    ExpertInputRequest,
    Notification,
    PieceStatus,
    Priority,
    RequestEvent,
    Status,
    TimeAllocationRequest,
    TimeBudget,
)
from content_workflow.selectors import past_due_requests_q, request_search, stuck_requests_q
from disciplines.models import Discipline
from governance.filtersets import FilterSet

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]
FINISHED = (Status.DELIVERED, Status.COMPLETED, Status.CANCELLED)


class MonthFilter(django_filters.DateFilter):
    """`2026-05` or any day of it: matches the month's first day, as budgets store it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", MONTH_FORMATS)
        kwargs.setdefault("label", _("Month (YYYY-MM)"))
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        return super().filter(queryset, value.replace(day=1) if value else value)


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """`1,2,3`: any of these ids."""


# A choice filter on a column of the row itself never needs DISTINCT (django-filter
# adds it by default, and it made every filtered count sort the whole result).


class ExpertRequestFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    target_discipline = django_filters.ModelChoiceFilter(queryset=Discipline.objects.all())
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Past its due date and not delivered (true) or the others (false)")
    )
    stuck = django_filters.BooleanFilter(
        method="filter_stuck",
        label=_("Stuck now: unroutable, or waiting for routing past its time (true) or the others (false)"),
    )
    past_due = django_filters.BooleanFilter(
        method="filter_past_due", label=_("Not finished and its due date has passed (true) or the others (false)")
    )
    disciplines = NumberInFilter(
        field_name="target_discipline_id", lookup_expr="in", label=_("Target disciplines (comma-separated ids)")
    )
    requester = django_filters.NumberFilter(field_name="requester_id", label=_("Requester (user id)"))
    assignee = django_filters.NumberFilter(field_name="assignee_id", label=_("Current assignee (user id)"))
    due_date = django_filters.DateFromToRangeFilter()
    # The dashboards' period figures drill down by these (local days, both included).
    delivered = django_filters.DateFromToRangeFilter(
        field_name="delivered_at", label=_("Input delivered from / to (YYYY-MM-DD, both days included)")
    )
    submitted = django_filters.DateFromToRangeFilter(
        field_name="submitted_at", label=_("Submitted from / to (YYYY-MM-DD, both days included)")
    )
    completed = django_filters.DateFromToRangeFilter(
        field_name="completed_at", label=_("Completed from / to (YYYY-MM-DD, both days included)")
    )
    cancelled = django_filters.DateFromToRangeFilter(
        field_name="cancelled_at", label=_("Cancelled from / to (YYYY-MM-DD, both days included)")
    )
    # What the timeline says happened in those days (each request once).
    declined = django_filters.DateFromToRangeFilter(
        method="filter_declined", label=_("Declined by an expert from / to (YYYY-MM-DD, both days included)")
    )
    unroutable = django_filters.DateFromToRangeFilter(
        method="filter_unroutable", label=_("Nobody suitable found from / to (YYYY-MM-DD, both days included)")
    )
    escalated = django_filters.DateFromToRangeFilter(
        method="filter_escalated", label=_("Response target missed from / to (YYYY-MM-DD, both days included)")
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        label=_("Words that must each appear in the title, brief or content piece"),
    )

    class Meta:
        model = ExpertInputRequest
        fields = [
            "status",
            "target_discipline",
            "disciplines",
            "priority",
            "overdue",
            "stuck",
            "past_due",
            "requester",
            "assignee",
            "due_date",
            "delivered",
            "submitted",
            "completed",
            "cancelled",
            "declined",
            "unroutable",
            "escalated",
            "search",
        ]

    def filter_search(self, queryset, name, value):
        return request_search(queryset, value)

    def filter_overdue(self, queryset, name, value):
        # The same rule as ExpertInputRequest.is_overdue.
        overdue = Q(overdue_since__isnull=False) & ~Q(status__in=FINISHED)
        return queryset.filter(overdue if value else ~overdue)

    # The model-health figures count with the same rules (governance.reporting.model_health).
    def filter_stuck(self, queryset, name, value):
        stuck = stuck_requests_q(timezone.now())
        return queryset.filter(stuck if value else ~stuck)

    def filter_past_due(self, queryset, name, value):
        past_due = past_due_requests_q(timezone.localdate())
        return queryset.filter(past_due if value else ~past_due)

    # The dashboards' flow figures count with the same events (governance.reporting.flow_by_period).
    def _with_event(self, queryset, value, condition):
        events = RequestEvent.objects.filter(condition, request=OuterRef("pk"))
        if value.start is not None:
            events = events.filter(created_at__gte=value.start)
        if value.stop is not None:
            events = events.filter(created_at__lte=value.stop)
        return queryset.filter(Exists(events)) if value.start or value.stop else queryset

    def filter_declined(self, queryset, name, value):
        return self._with_event(queryset, value, Q(to_status=Status.DECLINED))

    def filter_unroutable(self, queryset, name, value):
        return self._with_event(queryset, value, Q(to_status=Status.UNROUTABLE))

    def filter_escalated(self, queryset, name, value):
        return self._with_event(queryset, value, Q(kind=RequestEvent.Kind.ESCALATION))


# The request list page applies these of the API's filters (the drill-down from the figures).
PAGE_FILTERS = (
    "stuck",
    "past_due",
    "disciplines",
    "delivered_after",
    "delivered_before",
    "submitted_after",
    "submitted_before",
    *(
        f"{name}_{end}"
        for name in ("completed", "cancelled", "declined", "unroutable", "escalated")
        for end in ("after", "before")
    ),
)


class TimeBudgetFilter(FilterSet):
    discipline = django_filters.ModelChoiceFilter(queryset=Discipline.objects.all())
    month = MonthFilter()

    class Meta:
        model = TimeBudget
        fields = ["discipline", "month"]


class TimeAllocationFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=TimeAllocationRequest.Status.choices, distinct=False)
    discipline = django_filters.ModelChoiceFilter(queryset=Discipline.objects.all())
    month = MonthFilter()
    request = django_filters.NumberFilter(field_name="request_id", label=_("Request id"))
    pending = django_filters.BooleanFilter(method="filter_pending", label=_("Still waiting for a decision"))

    class Meta:
        model = TimeAllocationRequest
        fields = ["status", "discipline", "month", "request", "pending"]

    def filter_pending(self, queryset, name, value):
        pending = Q(status__in=TimeAllocationRequest.PENDING)
        return queryset.filter(pending if value else ~pending)


class NotificationFilter(FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Not read yet"))
    kind = django_filters.MultipleChoiceFilter(choices=Notification.Kind.choices, distinct=False)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class ContentPieceFilter(FilterSet):
    """The content piece list's filters, shared by the page (/pieces/) and the API."""

    status = django_filters.ChoiceFilter(
        choices=PieceStatus.choices, distinct=False, label=_("Status"), empty_label=_("Any status")
    )
    channel = django_filters.ChoiceFilter(
        choices=Channel.choices, distinct=False, label=_("Channel"), empty_label=_("Any channel")
    )
    owner = django_filters.ChoiceFilter(
        choices=[("me", _("Me"))], method="filter_owner", distinct=False, label=_("Owner"), empty_label=_("Anyone")
    )

    class Meta:
        model = ContentPiece
        fields = ["status", "channel", "owner"]

    def filter_owner(self, queryset, name, value):
        if value == "me" and self.request is not None:
            return queryset.filter(owner=self.request.user)
        return queryset
