"""Expert input requests, time budgets, allocations and notifications in the API.

The same rules as the pages: every list and detail starts from `visible_to(user)` (via
the selectors), so someone else's object is a 404; every write calls exactly one
service of `content_workflow.services`, which checks the permission, the transition
table and the input again. The viewsets ask the same predicates first, so a refused
write answers 403 before any validation and reveals nothing; a move the state table
does not have is 409 `illegal_transition`; bad input is 400 naming the field.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from content_workflow import selectors, services
from content_workflow.api import filters
from content_workflow.api import serializers as s
from content_workflow.models import Attachment, ExpertInputRequest, Notification, TimeAllocationRequest, TimeBudget
from content_workflow.permissions import (
    actors_for,
    can_answer_offer,
    can_decide_allocation,
    can_manage_discipline,
    can_request,
    managed_discipline_ids,
)
from content_workflow.services.notifications import email_choice
from content_workflow.transitions import TRANSITIONS, Actor, Status
from governance.access import log_denied
from governance.api.parsers import JSONParser
from governance.api.serializers import DetailSerializer, ErrorSerializer
from governance.api.viewsets import service_write

# --- Permissions -----------------------------------------------------------------------------


class WorkflowAccess(BasePermission):
    """Every signed-in user reads (the querysets decide what they see); writes need the
    view's `may_write(user)` and, on one object, `may_act(user, obj)`: the predicates of
    `content_workflow.permissions` that the called service checks again."""

    message = gettext_lazy("You may not do this.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or self._allowed(request, view, view.may_write(request.user))

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or self._allowed(request, view, view.may_act(request.user, obj))

    @staticmethod
    def _allowed(request, view, allowed):
        if not allowed:
            log_denied(request.user, f"api:{view.basename}:{getattr(view, 'action', request.method)}")
        return allowed


def _is_schema_view(view):
    return getattr(view, "swagger_fake_view", False)


def reloaded(obj):
    """The row as it is now, for an answer the actor may no longer see through `visible_to`
    (e.g. a deputy whose grant ended in the meantime): what they did is still answered."""
    return type(obj).objects.get(pk=obj.pk)


class WorkflowViewSet(viewsets.GenericViewSet):
    permission_classes = [WorkflowAccess]

    def may_write(self, user):
        return True

    def may_act(self, user, obj):
        return True

    def body(self, serializer_class):
        """The request body checked by `serializer_class` (400 naming the fields)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


# --- Documentation -------------------------------------------------------------------------------

BAD_INPUT = OpenApiResponse(description="Invalid input: the body names each field with its messages.")
NOT_FOUND = OpenApiResponse(description="Not found, or not visible to the signed-in user.")


def forbidden(who):
    return OpenApiResponse(DetailSerializer, description=f"Forbidden: {who}")


def conflict(what):
    return OpenApiResponse(ErrorSerializer, description=f"Conflict: {what}")


WHO = {
    Actor.REQUESTER: "requester",
    Actor.ASSIGNEE: "assignee",
    Actor.MANAGER: "discipline manager or deputy",
    Actor.ADMIN: "admin",
    Actor.SYSTEM: "system (routing, periodic jobs)",
}
ALLOCATION_API = {
    (Status.AWAITING_ALLOCATION, Status.ROUTING): "`POST /allocations/{id}/approve/` or `/accept-offer/`",
    (Status.AWAITING_ALLOCATION, Status.DRAFT): "`POST /allocations/{id}/reject/`",
    (Status.AWAITING_ALLOCATION, Status.ASSIGNED): (
        "`POST /allocations/{id}/reassign/` or `POST /requests/{id}/reassign/`"
    ),
}


def _api_for(current, wanted, actors):
    if (current, wanted) in ALLOCATION_API:
        return ALLOCATION_API[current, wanted]
    if actors == {Actor.SYSTEM} or wanted not in s.ACTION_FOR_TARGET:
        return "automatic"
    return f"`POST /requests/{{id}}/{s.ACTION_FOR_TARGET[wanted]}/`"


def state_machine_table():
    """The transition table as Markdown, generated from `transitions.TRANSITIONS`."""
    rows = ["| from | to | who may | through |", "| --- | --- | --- | --- |"]
    for current, targets in TRANSITIONS.items():
        for wanted, actors in targets.items():
            who = ", ".join(WHO[actor] for actor in Actor if actor in actors)
            rows.append(f"| `{current}` | `{wanted}` | {who} | {_api_for(current, wanted, actors)} |")
    return "\n".join(rows)


def moves_to(wanted):
    """'From `assigned`, `accepted` by the assignee.' for one action's description."""
    lines = []
    for current, targets in TRANSITIONS.items():
        actors = targets.get(wanted, frozenset()) - {Actor.SYSTEM}
        if actors:
            who = ", ".join(WHO[actor] for actor in Actor if actor in actors)
            lines.append(f"`{current}` → `{wanted}` ({who})")
    return "Moves: " + "; ".join(lines) + "."


REQUESTS_DESCRIPTION = f"""Expert input requests: a communicator asks a discipline's experts for input.

Everyone sees only the requests they may: their own, those assigned to them now or
before, their discipline's as a manager (or deputy), those shared with them; governance
leads, executives and admins read all. Others' requests answer 404. Leads and executives
never write (403).

Every action calls one service that locks the request, checks the state table below and
who is acting, writes the new state and a timeline event. A move the table does not
have answers **409** with code `illegal_transition`; an actor the table does not name
answers **403**; bad input answers **400** naming the field.

`overdue` is a flag (`is_overdue`), not a state.

{state_machine_table()}
"""

REQUEST_ERRORS = {
    400: BAD_INPUT,
    403: forbidden("the user is not an actor of this move (or reads only)."),
    404: NOT_FOUND,
    409: conflict("`illegal_transition` (the state table has no such move), `budget_exceeded`, `not_editable`."),
}


def request_action(summary, wanted, *, body=None, extra=""):
    return extend_schema(
        summary=summary,
        description=f"{moves_to(wanted)} {extra}".strip(),
        request=body,
        responses={200: s.ExpertRequestDetailSerializer, **REQUEST_ERRORS},
    )


# --- Requests -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Requests the user may see", description=REQUESTS_DESCRIPTION),
    retrieve=extend_schema(
        summary="One request with its timeline and contribution",
        description=REQUESTS_DESCRIPTION,
        responses={200: s.ExpertRequestDetailSerializer, 404: NOT_FOUND},
    ),
)
class ExpertRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkflowViewSet):
    """Expert input requests and their state machine (see the list operation for the table)."""

    filterset_class = filters.ExpertRequestFilter  # its `search` is the pages' search too
    ordering_fields = ["created_at", "updated_at", "due_date", "priority", "status", "title"]

    def get_queryset(self):
        if _is_schema_view(self):
            return ExpertInputRequest.objects.none()
        if self.action == "list":  # the page's people and the names its routing reasons need: one query
            return selectors.request_rows(self.request.user)
        if self.request.method not in SAFE_METHODS:
            return selectors.request_list(self.request.user)
        return selectors.request_detail(self.request.user)

    def get_serializer_class(self):
        return s.ExpertRequestSerializer if self.action == "list" else s.ExpertRequestDetailSerializer

    def may_write(self, user):
        return self.action != "create" or can_request(user)

    def may_act(self, user, request):
        # Someone who is none of requester, assignee, manager or admin for this request
        # (a lead, an executive, a former assignee, a colleague it was shared with) reads only.
        return bool(actors_for(user, request))

    def answer(self, request_obj, code=status.HTTP_200_OK):
        # Read back through the detail selector: the answer is what a GET would show.
        fresh = selectors.request_detail(self.request.user).filter(pk=request_obj.pk).first()
        return Response(self.get_serializer(fresh or reloaded(request_obj)).data, status=code)

    @extend_schema(
        summary="Ask for expert input",
        description="Saves a draft, or with `submit: true` submits it at once (routing starts).",
        request=s.ExpertRequestWriteSerializer,
        responses={
            201: s.ExpertRequestDetailSerializer,
            400: BAD_INPUT,
            403: forbidden("the active organisational model gives the user nobody to ask."),
        },
    )
    def create(self, request):
        data = dict(self.body(s.ExpertRequestWriteSerializer))
        submit = data.pop("submit", False)
        with service_write():
            created = services.request_create(actor=request.user, submit=submit, **data)
        return self.answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft",
        description="Only the requester, only while the request is a draft (else 409 `not_editable`).",
        request=s.ExpertRequestUpdateSerializer,
        responses={200: s.ExpertRequestDetailSerializer, **REQUEST_ERRORS},
    )
    def partial_update(self, request, pk=None):
        draft = self.get_object()
        body = s.ExpertRequestUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        with service_write():
            services.request_update(request=draft, actor=request.user, **body.validated_data)
        return self.answer(draft)

    @request_action("Submit a draft", Status.SUBMITTED, extra="Routing then looks for an expert.")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        obj = self.get_object()
        with service_write():
            services.request_submit(request=obj, actor=request.user)
        return self.answer(obj)

    @request_action("Accept an assignment", Status.ACCEPTED, body=s.RequestNoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        obj = self.get_object()
        body = self.body(s.RequestNoteSerializer)
        with service_write():
            services.request_accept(request=obj, actor=request.user, note=body.get("note", ""))
        return self.answer(obj)

    @request_action(
        "Decline an assignment",
        Status.DECLINED,
        body=s.RequestDeclineSerializer,
        extra="The reason is required; routing looks again without this expert.",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        obj = self.get_object()
        body = self.body(s.RequestDeclineSerializer)
        with service_write():
            services.request_decline(request=obj, actor=request.user, reason=body["reason"])
        return self.answer(obj)

    @request_action(
        "Deliver the input",
        Status.DELIVERED,
        body={"application/json": s.RequestDeliverSerializer, "multipart/form-data": s.RequestDeliverSerializer},
        extra="Books the hours spent against the reservation; hours beyond the estimate are recorded as overrun. "
        "Send files as multipart/form-data.",
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def deliver(self, request, pk=None):
        obj = self.get_object()
        body = self.body(s.RequestDeliverSerializer)
        with service_write():
            services.request_deliver(
                request=obj,
                actor=request.user,
                text=body["text"],
                hours_spent=body["hours_spent"],
                files=body.get("files", ()),
            )
        return self.answer(obj)

    @request_action(
        "Complete a delivered request",
        Status.COMPLETED,
        body=s.RequestCompleteSerializer,
        extra="The rating and the thank-you are kept with the contribution and reach the expert and the managers.",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        obj = self.get_object()
        body = self.body(s.RequestCompleteSerializer)
        with service_write():
            services.request_complete(
                request=obj, actor=request.user, note=body.get("note", ""), rating=body.get("rating")
            )
        return self.answer(obj)

    @extend_schema(
        summary="Change the rating and thanks of a completed request",
        description="Only the requester, within `RATING_EDIT_DAYS` (7 by default) of completing; later "
        "409 `rating_final`. The change is recorded in the timeline.",
        request=s.RequestRatingSerializer,
        responses={200: s.ExpertRequestDetailSerializer, **REQUEST_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def rating(self, request, pk=None):
        obj = self.get_object()
        body = self.body(s.RequestRatingSerializer)
        with service_write():
            services.request_rating_change(
                request=obj, actor=request.user, note=body.get("note", ""), rating=body["rating"]
            )
        return self.answer(obj)

    @request_action(
        "Cancel a request",
        Status.CANCELLED,
        body=s.RequestCancelSerializer,
        extra="Reserved hours go back to the budget; a pending time allocation is withdrawn.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        obj = self.get_object()
        body = self.body(s.RequestCancelSerializer)
        with service_write():
            services.request_cancel(request=obj, actor=request.user, reason=body.get("reason", ""))
        return self.answer(obj)

    @request_action(
        "Give the request to a named expert",
        Status.ASSIGNED,
        body=s.RequestReassignSerializer,
        extra="The expert must be an expert of the discipline (400 naming `expert` otherwise).",
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        obj = self.get_object()
        body = self.body(s.RequestReassignSerializer)
        with service_write():
            services.request_reassign(request=obj, actor=request.user, expert=body["expert"], note=body.get("note", ""))
        return self.answer(obj)

    @extend_schema(
        summary="Download an attachment of the contribution",
        description="Always sent as a download (`application/octet-stream`), never rendered by the browser.",
        parameters=[OpenApiParameter("attachment_id", int, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>\d+)",
        url_name="attachment",
        filter_backends=[],
        pagination_class=None,
    )
    def attachment(self, request, pk=None, attachment_id=None):
        obj = self.get_object()
        try:
            attachment = selectors.attachment_for_download(request.user, attachment_id)
        except Attachment.DoesNotExist:
            raise NotFound() from None
        if attachment.contribution.request_id != obj.pk:
            raise NotFound()
        return attachment.download_response()


# --- Budgets ------------------------------------------------------------------------------------

BUDGET_ERRORS = {
    400: BAD_INPUT,
    403: forbidden("only the discipline's managers (or their deputies) and admins approve its time."),
}
BUDGET_OBJECT_ERRORS = {
    **BUDGET_ERRORS,
    404: NOT_FOUND,
    409: conflict("`budget_exceeded`: the approved hours cannot go below what is reserved and used."),
}


def _idempotency_key(user, body):
    # Namespaced per user, so one client's key never swallows another's approval.
    key = body.get("idempotency_key")
    return f"api:{user.pk}:{key}" if key else None


@extend_schema_view(
    list=extend_schema(
        summary="Time budgets the user may see",
        description="Managers see their disciplines' budgets (deputies while granted); governance leads, "
        "executives and admins see all. `remaining_hours` = approved − reserved − used; overrun is recorded "
        "separately (hours spent beyond estimates).",
    ),
    retrieve=extend_schema(responses={200: s.TimeBudgetSerializer, 404: NOT_FOUND}),
)
class TimeBudgetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkflowViewSet):
    """Hours each discipline's managers grant for expert input, per month, with their ledger."""

    serializer_class = s.TimeBudgetSerializer
    filterset_class = filters.TimeBudgetFilter
    search_fields = ["discipline__name"]
    ordering_fields = ["month", "approved_hours", "reserved_hours", "used_hours", "overrun_hours"]

    def get_queryset(self):
        if _is_schema_view(self):
            return TimeBudget.objects.none()
        return selectors.budget_list(self.request.user)

    def may_write(self, user):
        return user.is_superuser or bool(managed_discipline_ids(user))

    def may_act(self, user, budget):
        return can_manage_discipline(user, budget.discipline_id)

    def answer(self, budget, code=status.HTTP_200_OK):
        fresh = selectors.budget_list(self.request.user).filter(pk=budget.pk).first() or reloaded(budget)
        return Response(s.TimeBudgetSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Approve hours for a discipline and month",
        description="Adds the hours to the month's budget (created if missing) and writes an `approve` ledger entry.",
        request=s.TimeBudgetApproveSerializer,
        responses={201: s.TimeBudgetSerializer, **BUDGET_ERRORS},
    )
    def create(self, request):
        body = self.body(s.TimeBudgetApproveSerializer)
        with service_write():
            budget = services.budget_approve(
                actor=request.user,
                discipline=body["discipline"],
                month=body["month"],
                hours=body["hours"],
                reason=body["reason"],
                idempotency_key=_idempotency_key(request.user, body),
            )
        return self.answer(budget, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Set the approved hours",
        description="Writes the difference as an `adjust` ledger entry; the same value again changes nothing.",
        request=s.TimeBudgetChangeSerializer,
        responses={200: s.TimeBudgetSerializer, **BUDGET_OBJECT_ERRORS},
    )
    def partial_update(self, request, pk=None):
        budget = self.get_object()
        body = self.body(s.TimeBudgetChangeSerializer)
        with service_write():
            # Locked, so two editors setting a total never add up each other's differences.
            locked = TimeBudget.objects.select_for_update().get(pk=budget.pk)
            change = body["approved_hours"] - locked.approved_hours
            if change:
                services.budget_adjust(actor=request.user, budget=locked, hours=change, reason=body["reason"])
        return self.answer(budget)

    @extend_schema(
        summary="Add or take back approved hours",
        description="A negative `hours` takes hours back, never below what is reserved and used (else 409).",
        request=s.TimeBudgetAdjustSerializer,
        responses={200: s.TimeBudgetSerializer, **BUDGET_OBJECT_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        budget = self.get_object()
        body = self.body(s.TimeBudgetAdjustSerializer)
        with service_write():
            services.budget_adjust(
                actor=request.user,
                budget=budget,
                hours=body["hours"],
                reason=body["reason"],
                idempotency_key=_idempotency_key(request.user, body),
            )
        return self.answer(budget)

    @extend_schema(
        summary="The budget's ledger",
        description="Append-only: approvals, adjustments, reservations, releases, used hours and overruns, "
        "oldest first. The budget's counters are the sums of these entries.",
        responses={200: s.BudgetEntrySerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def entries(self, request, pk=None):
        budget = self.get_object()
        page = self.paginate_queryset(selectors.budget_entries(budget))
        return self.get_paginated_response(s.BudgetEntrySerializer(page, many=True).data)


# --- Allocations --------------------------------------------------------------------------------

ALLOCATION_ERRORS = {
    400: BAD_INPUT,
    403: forbidden("only the discipline's managers (or deputies) decide; only the requester accepts an offer."),
    404: NOT_FOUND,
    409: conflict("`allocation_decided` (decided already), `illegal_transition`, `budget_exceeded`."),
}


def allocation_action(summary, description, body):
    return extend_schema(
        summary=summary,
        description=description,
        request=body,
        responses={200: s.TimeAllocationSerializer, **ALLOCATION_ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Time allocation requests the user may see",
        description="Routing asks a discipline's managers for extra hours when an expert is free but the "
        "month's budget is not. The requester sees their own; managers their discipline's; leads and "
        "executives all.",
    ),
    retrieve=extend_schema(responses={200: s.TimeAllocationSerializer, 404: NOT_FOUND}),
)
class TimeAllocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkflowViewSet):
    """Extra hours asked of a discipline's managers; they approve, approve fewer, name an expert, or reject."""

    serializer_class = s.TimeAllocationSerializer
    filterset_class = filters.TimeAllocationFilter
    search_fields = ["request__title"]
    ordering_fields = ["created_at", "month", "hours_requested", "status"]

    def get_queryset(self):
        if _is_schema_view(self):
            return TimeAllocationRequest.objects.none()
        if self.action == "list":  # the page's people and the names its capacity warnings need: one query
            return selectors.allocation_rows(self.request.user)
        return selectors.allocation_list(self.request.user)

    def may_act(self, user, allocation):
        if self.action == "accept_offer":
            return can_answer_offer(user, allocation)
        return can_decide_allocation(user, allocation)

    def answer(self, allocation):
        fresh = selectors.allocation_list(self.request.user).filter(pk=allocation.pk).first() or reloaded(allocation)
        return Response(s.TimeAllocationSerializer(fresh, context=self.get_serializer_context()).data)

    @allocation_action(
        "Approve the hours",
        "All hours asked for (or more): the budget grows and routing resumes by itself. Fewer: the requester "
        "is offered a smaller estimate (`partially_approved`).",
        s.AllocationApproveSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        allocation = self.get_object()
        body = self.body(s.AllocationApproveSerializer)
        with service_write():
            services.allocation_approve(
                allocation=allocation, actor=request.user, hours=body.get("hours"), reason=body.get("reason", "")
            )
        return self.answer(allocation)

    @allocation_action(
        "Reject the hours",
        "The request goes back to its requester as a draft, with the reason.",
        s.AllocationRejectSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        allocation = self.get_object()
        body = self.body(s.AllocationRejectSerializer)
        with service_write():
            services.allocation_reject(allocation=allocation, actor=request.user, reason=body["reason"])
        return self.answer(allocation)

    @allocation_action(
        "Approve the hours for a named expert",
        "Grants the hours asked for and assigns the request to this expert of the discipline in one step.",
        s.AllocationReassignSerializer,
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        allocation = self.get_object()
        body = self.body(s.AllocationReassignSerializer)
        with service_write():
            services.allocation_reassign(
                allocation=allocation, actor=request.user, expert=body["expert"], reason=body.get("reason", "")
            )
        return self.answer(allocation)

    @allocation_action(
        "Accept the smaller estimate offered",
        "The requester takes the estimate a manager offered with fewer hours; routing resumes with it.",
        None,
    )
    @action(detail=True, methods=["post"], url_path="accept-offer")
    def accept_offer(self, request, pk=None):
        allocation = self.get_object()
        with service_write():
            services.allocation_accept_offer(allocation=allocation, actor=request.user)
        return self.answer(allocation)


# --- Notifications ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The signed-in user's notifications, newest first"),
    retrieve=extend_schema(responses={200: s.NotificationSerializer, 404: NOT_FOUND}),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkflowViewSet):
    """Your inbox. Nobody sees anyone else's notifications (404)."""

    serializer_class = s.NotificationSerializer
    filterset_class = filters.NotificationFilter
    # The text is rendered in the reader's language when read, so search what the
    # notification is about: its request's title (and the stored text of old rows).
    search_fields = ["request__title", "legacy_text"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if _is_schema_view(self):
            return Notification.objects.none()
        return selectors.notification_list(self.request.user)

    def may_act(self, user, notification):
        return notification.recipient_id == user.pk

    @extend_schema(summary="Mark one as read", request=None, responses={200: s.NotificationSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request, pk=None):
        notification = services.notification_mark_read(notification=self.get_object(), actor=request.user)
        return Response(self.get_serializer(notification).data)

    @extend_schema(summary="Mark all as read", request=None, responses={200: s.NotificationsMarkedSerializer})
    @action(detail=False, methods=["post"], url_path="mark-all-read", filter_backends=[], pagination_class=None)
    def mark_all_read(self, request):
        return Response({"marked": services.notifications_mark_all_read(actor=request.user)})

    @extend_schema(
        methods=["GET"],
        summary="How notifications reach you by e-mail",
        responses={200: s.NotificationPreferenceSerializer},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Choose how notifications reach you by e-mail",
        request=s.NotificationPreferenceSerializer,
        responses={200: s.NotificationPreferenceSerializer, 400: BAD_INPUT},
    )
    @action(
        detail=False,
        methods=["get", "put"],
        filter_backends=[],
        pagination_class=None,
        serializer_class=s.NotificationPreferenceSerializer,
    )
    def preferences(self, request):
        if request.method == "PUT":
            body = self.body(s.NotificationPreferenceSerializer)
            services.notification_preference_set(actor=request.user, email=body["email"])
        return Response({"email": email_choice(request.user)})
