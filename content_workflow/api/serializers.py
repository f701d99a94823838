"""Shape of expert input requests, budgets, allocations and notifications in the API.

Serializers check types and formats only. Whether an action is allowed, and what it
does, is decided by `content_workflow.services`, which the viewsets call for every write.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_description_list
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from content_workflow.models import (
    Attachment,
    BudgetEntry,
    Channel,
    Contribution,
    ExpertInputRequest,
    Format,
    Notification,
    NotificationPreference,
    Priority,
    RequestEvent,
    Status,
    TimeAllocationRequest,
    TimeBudget,
)
from content_workflow.permissions import actors_for
from content_workflow.planning import budget_month_problem, due_date_problem
from content_workflow.services.notifications import display_name
from content_workflow.transitions import next_states
from disciplines.models import Discipline
from governance.api import strict
from governance.api.fast_read import FastRead

User = get_user_model()

# The API action that makes each move, for the `actions` a user may take on a request.
ACTION_FOR_TARGET = {
    Status.SUBMITTED: "submit",
    Status.ACCEPTED: "accept",
    Status.DECLINED: "decline",
    Status.DELIVERED: "deliver",
    Status.COMPLETED: "complete",
    Status.CANCELLED: "cancel",
    Status.ASSIGNED: "reassign",
}


# --- Enums with names of their own ------------------------------------------------------------


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set is a schema component of its own (`RequestStatusEnum`).

    drf-spectacular names an enum after its field, so our `status` and `kind` would collide
    with other apps' (organisational model status, discipline kind). A fixed name per
    choice set keeps the schema free of collision warnings without global settings.
    With `allow_null`, an empty stored value ("") is answered as null.
    """

    def __init__(self, choices, *, enum_name, **kwargs):
        self.enum_name = enum_name
        super().__init__(choices=choices, **kwargs)

    def to_representation(self, value):
        if value in ("", None) and self.allow_null:
            return None
        return super().to_representation(value)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def get_name(self):
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        # The component holds the choices only; "nullable" stays on the property.
        values = [value for value in self.target.choices if value not in ("", None)]
        return {
            "type": "integer" if all(isinstance(value, int) for value in values) else "string",
            "enum": values,
            "description": build_choice_description_list(self.target.choices.items()),
        }


class ChoiceLabelField(serializers.CharField):
    """The label of a stored choice, in the reader's language (read-only). Model's
    get_FOO_display() rebuilds a dict of every choice on each call; in a list of 25 rows
    that was a quarter of the serialising time. The enum's label is one look-up."""

    def __init__(self, choices, **kwargs):
        self.choices_enum = choices
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        try:
            return str(self.choices_enum(value).label)
        except ValueError:  # a value no longer among the choices shows as stored
            return str(value)


def status_field(**kwargs):
    return NamedChoiceField(Status.choices, enum_name="RequestStatusEnum", **kwargs)


# --- Shared pieces -------------------------------------------------------------------------------


class WorkflowPersonSerializer(serializers.Serializer):
    """Someone in the workflow: requester, expert, manager."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(source="get_username", read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)

    def to_representation(self, user):
        # The fields above, written out: a list of 25 requests names 75 people, and
        # DRF's field-by-field walk was two thirds of the list's serialising time.
        return {"id": user.pk, "username": user.get_username(), "name": display_name(user)}


def person(**kwargs):
    return WorkflowPersonSerializer(read_only=True, **kwargs)


# --- Requests: reading ---------------------------------------------------------------------------


class ExpertRequestSerializer(FastRead, serializers.ModelSerializer):
    """A request as lists show it (no brief, no timeline)."""

    status = status_field(read_only=True)
    status_label = ChoiceLabelField(Status, source="status")
    priority = NamedChoiceField(Priority.choices, enum_name="RequestPriorityEnum", read_only=True)
    channel = NamedChoiceField(Channel.choices, enum_name="RequestChannelEnum", read_only=True)
    format = NamedChoiceField(Format.choices, enum_name="RequestFormatEnum", read_only=True)
    requester = person()
    preferred_expert = person(allow_null=True)
    assignee = person(allow_null=True)
    target_discipline_name = serializers.CharField(source="target_discipline.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    routing_reason = serializers.CharField(
        source="routing_reason_text", read_only=True, help_text=_("Why routing chose the assignee (or nobody).")
    )
    capacity_warning = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("Set while a manager's pick gives the expert more than their weekly capacity."),
    )

    class Meta:
        model = ExpertInputRequest
        fields = [
            "id",
            "title",
            "status",
            "status_label",
            "priority",
            "requester",
            "target_discipline",
            "target_discipline_name",
            "preferred_expert",
            "assignee",
            "topic_tags",
            "estimated_hours",
            "reserved_hours",
            "due_date",
            "content_piece",
            "piece",
            "channel",
            "format",
            "is_overdue",
            "overdue_since",
            "routing_reason",
            "capacity_warning",
            "response_due_at",
            "created_at",
            "updated_at",
            "submitted_at",
            "assigned_at",
            "accepted_at",
            "delivered_at",
            "completed_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class RequestEventSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(RequestEvent.Kind.choices, enum_name="RequestEventKindEnum", read_only=True)
    actor = person(allow_null=True)
    assignee = person(allow_null=True, help_text=_("Set when this event gave the request an assignee."))
    from_status = status_field(read_only=True, allow_null=True)
    to_status = status_field(read_only=True, allow_null=True)
    text = serializers.CharField(read_only=True, help_text=_("The event's details in the reader's language."))

    class Meta:
        model = RequestEvent
        fields = ["id", "kind", "actor", "assignee", "from_status", "to_status", "note", "text", "created_at"]
        read_only_fields = fields


class ContributionAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download = serializers.SerializerMethodField(help_text=_("Always sent as a download (application/octet-stream)."))

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "uploaded_at", "download"]
        read_only_fields = fields

    def get_download(self, attachment) -> str:
        path = reverse("expert-request-attachment", args=[attachment.contribution.request_id, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ContributionSerializer(serializers.ModelSerializer):
    author = person()
    attachments = ContributionAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Contribution
        fields = ["id", "author", "text", "hours_spent", "created_at", "usefulness", "thanks", "attachments"]
        read_only_fields = fields


class RequestAllocationSerializer(FastRead, serializers.ModelSerializer):
    """A time allocation request as the request's page shows it."""

    status = NamedChoiceField(TimeAllocationRequest.Status.choices, enum_name="AllocationStatusEnum", read_only=True)
    decided_by = person(allow_null=True)

    class Meta:
        model = TimeAllocationRequest
        fields = [
            "id",
            "status",
            "hours_requested",
            "hours_approved",
            "offered_estimate",
            "reason",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class ExpertRequestDetailSerializer(ExpertRequestSerializer):
    """One request with its brief, its timeline, the expert's contribution and allocations."""

    events = RequestEventSerializer(many=True, read_only=True)
    contribution = serializers.SerializerMethodField()
    allocations = RequestAllocationSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(
        help_text=_("The actions the signed-in user may take on the request now (names of the POST endpoints).")
    )

    class Meta(ExpertRequestSerializer.Meta):
        fields = [
            *ExpertRequestSerializer.Meta.fields[:2],
            "brief",
            *ExpertRequestSerializer.Meta.fields[2:],
            "events",
            "contribution",
            "allocations",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(ContributionSerializer(allow_null=True))
    def get_contribution(self, request):
        contribution = getattr(request, "contribution", None)
        return ContributionSerializer(contribution, context=self.context).data if contribution else None

    def get_actions(self, request) -> list[str]:
        http_request = self.context.get("request")
        if http_request is None:
            return []
        user = http_request.user
        actions = [
            ACTION_FOR_TARGET[state]
            for state in next_states(request.status, actors_for(user, request))
            if state in ACTION_FOR_TARGET
        ]
        if request.status == Status.DRAFT and user.pk == request.requester_id:
            actions.insert(0, "update")
        return actions


# --- Requests: writing ---------------------------------------------------------------------------


class ExpertRequestWriteSerializer(serializers.Serializer):
    """What a requester writes. `submit=true` on create submits at once (routing starts)."""

    title = strict.CharField(max_length=200)
    brief = strict.CharField(max_length=10000)
    topic_tags = serializers.ListField(child=strict.CharField(max_length=50), required=False, max_length=20)
    target_discipline = serializers.PrimaryKeyRelatedField(queryset=Discipline.objects.all())
    preferred_expert = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    estimated_hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    due_date = serializers.DateField()
    content_piece = strict.CharField(max_length=200, required=False, allow_blank=True)
    channel = NamedChoiceField(Channel.choices, enum_name="RequestChannelEnum", required=False)
    format = NamedChoiceField(Format.choices, enum_name="RequestFormatEnum", required=False)
    priority = NamedChoiceField(Priority.choices, enum_name="RequestPriorityEnum", required=False)
    submit = serializers.BooleanField(
        default=False, write_only=True, help_text=_("Submit at once instead of saving a draft (create only).")
    )

    def validate_due_date(self, value):
        if problem := due_date_problem(value):
            raise serializers.ValidationError(problem)
        return value


class ExpertRequestUpdateSerializer(ExpertRequestWriteSerializer):
    """Changes to a draft (PATCH: send only what changes)."""

    submit = None


class RequestNoteSerializer(serializers.Serializer):
    note = strict.CharField(required=False, allow_blank=True, max_length=2000)


class RequestRatingSerializer(serializers.Serializer):
    rating = serializers.IntegerField(
        min_value=1, max_value=5, help_text=_("How useful the input was, from 1 (not useful) to 5 (very useful).")
    )
    note = strict.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("A thank-you for the expert.")
    )


class RequestCompleteSerializer(serializers.Serializer):
    rating = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=5,
        help_text=_("How useful the input was, from 1 (not useful) to 5 (very useful)."),
    )
    note = strict.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("A thank-you for the expert.")
    )


class RequestDeclineSerializer(serializers.Serializer):
    reason = strict.CharField(max_length=2000, help_text=_("Why, so the requester can adjust the request."))


class RequestCancelSerializer(serializers.Serializer):
    reason = strict.CharField(required=False, allow_blank=True, max_length=2000)


class RequestDeliverSerializer(serializers.Serializer):
    text = strict.CharField(max_length=50000, help_text=_("The expert's input."))
    hours_spent = serializers.DecimalField(max_digits=6, decimal_places=2, help_text=_("Hours it really took."))
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text=_("Documents or images (multipart/form-data only); at most 5, each at most 10 MB."),
    )


class RequestReassignSerializer(serializers.Serializer):
    expert = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text=_("An expert of the request's discipline.")
    )
    note = strict.CharField(required=False, allow_blank=True, max_length=2000)


# --- Budgets -------------------------------------------------------------------------------------


class TimeBudgetSerializer(FastRead, serializers.ModelSerializer):
    discipline_name = serializers.CharField(source="discipline.name", read_only=True)
    remaining_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, read_only=True, help_text=_("Approved minus reserved minus used.")
    )
    approved_by = person(allow_null=True)

    class Meta:
        model = TimeBudget
        fields = [
            "id",
            "discipline",
            "discipline_name",
            "month",
            "approved_hours",
            "reserved_hours",
            "used_hours",
            "overrun_hours",
            "remaining_hours",
            "approved_by",
            "approved_at",
            "created_at",
        ]
        read_only_fields = fields


IDEMPOTENCY_HELP = _("Optional: send the same key again (a retry) and nothing changes a second time.")


class TimeBudgetApproveSerializer(serializers.Serializer):
    """Approve hours for a discipline and month (added to the budget, created if missing)."""

    discipline = serializers.PrimaryKeyRelatedField(queryset=Discipline.objects.all())
    month = serializers.DateField(help_text=_("Any day of the month; the budget is kept per calendar month."))
    hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    reason = strict.CharField(max_length=500)
    idempotency_key = strict.CharField(required=False, max_length=80, help_text=IDEMPOTENCY_HELP)

    def validate_month(self, value):
        if problem := budget_month_problem(value):
            raise serializers.ValidationError(problem)
        return value


class TimeBudgetAdjustSerializer(serializers.Serializer):
    hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, help_text=_("Change of the approved hours; negative takes hours back.")
    )
    reason = strict.CharField(max_length=500)
    idempotency_key = strict.CharField(required=False, max_length=80, help_text=IDEMPOTENCY_HELP)


class TimeBudgetChangeSerializer(serializers.Serializer):
    approved_hours = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        help_text=_("The new approved total; never below what is reserved and used."),
    )
    reason = strict.CharField(max_length=500)


class BudgetEntrySerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(BudgetEntry.Kind.choices, enum_name="BudgetEntryKindEnum", read_only=True)
    kind_label = ChoiceLabelField(BudgetEntry.Kind, source="kind")
    actor = person(allow_null=True)
    request_title = serializers.CharField(source="request.title", read_only=True, allow_null=True, default=None)

    class Meta:
        model = BudgetEntry
        fields = [
            "id",
            "kind",
            "kind_label",
            "hours",
            "request",
            "request_title",
            "allocation",
            "actor",
            "note",
            "created_at",
        ]
        read_only_fields = fields


# --- Allocations ---------------------------------------------------------------------------------


class TimeAllocationSerializer(RequestAllocationSerializer):
    status_label = ChoiceLabelField(TimeAllocationRequest.Status, source="status")
    request_title = serializers.CharField(source="request.title", read_only=True)
    requester = person(source="request.requester")
    discipline_name = serializers.CharField(source="discipline.name", read_only=True)
    is_pending = serializers.BooleanField(read_only=True)
    capacity_warning = serializers.CharField(
        source="request.capacity_warning",
        read_only=True,
        allow_null=True,
        help_text=_("Set when the expert named with the hours has more work than their weekly capacity."),
    )

    class Meta(RequestAllocationSerializer.Meta):
        fields = [
            "id",
            "request",
            "request_title",
            "requester",
            "discipline",
            "discipline_name",
            "month",
            "status",
            "status_label",
            "is_pending",
            "capacity_warning",
            *RequestAllocationSerializer.Meta.fields[2:],
        ]
        read_only_fields = fields


class AllocationApproveSerializer(serializers.Serializer):
    hours = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text=_("Fewer than asked: the requester is offered a smaller estimate. Leave out: all asked for."),
    )
    reason = strict.CharField(required=False, allow_blank=True, max_length=2000)


class AllocationRejectSerializer(serializers.Serializer):
    reason = strict.CharField(max_length=2000, help_text=_("Why, so the requester can revise the request."))


class AllocationReassignSerializer(serializers.Serializer):
    expert = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text=_("An expert of the discipline to do the work.")
    )
    reason = strict.CharField(required=False, allow_blank=True, max_length=2000)


# --- Notifications -------------------------------------------------------------------------------


class NotificationSerializer(FastRead, serializers.ModelSerializer):
    kind = NamedChoiceField(Notification.Kind.choices, enum_name="NotificationKindEnum", read_only=True)
    kind_label = ChoiceLabelField(Notification.Kind, source="kind")
    text = serializers.CharField(read_only=True, help_text=_("What happened, in the language of the request."))
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "text", "link", "request", "is_read", "read_at", "created_at"]
        read_only_fields = fields

    def get_is_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationPreferenceSerializer(serializers.Serializer):
    email = NamedChoiceField(
        NotificationPreference.Email.choices,
        enum_name="NotificationEmailEnum",
        help_text=_("How notifications also reach you by e-mail."),
    )


class NotificationsMarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were unread and are read now."))
