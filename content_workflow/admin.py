"""Django admin for the expert input workflow.

The admin is a window on the data and one more front-end of the same services: a
request's state changes only through its admin actions (which call the services the
pages and the API call), a budget changes only through `budget_approve` and
`budget_adjust`, and the timeline and the ledger are append-only records that the admin
shows but never changes or deletes. A rule a service refuses becomes a message.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from content_workflow import services
from content_workflow.models import (
    Attachment,
    BudgetEntry,
    CalendarFeed,
    ContentPiece,
    ContentVersion,
    Contribution,
    DeputyGrant,
    ExpertInputRequest,
    ExpertInputRequestGroupObjectPermission,
    ExpertInputRequestUserObjectPermission,
    FinalCheck,
    Notification,
    NotificationPreference,
    PieceEvent,
    RequestEvent,
    ResponseTarget,
    SubmissionToken,
    TimeAllocationRequest,
    TimeBudget,
    TimeBudgetGroupObjectPermission,
    TimeBudgetUserObjectPermission,
)
from content_workflow.permissions import VIEW_REQUEST
from content_workflow.planning import budget_month_problem
from content_workflow.services.notifications import display_name
from governance.admin import ServiceErrorsAsMessages
from governance.errors import DomainError

REFUSALS = (DomainError, ValidationError, PermissionDenied)


def refusal_text(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, DomainError):
        return str(exc.message)
    return str(exc) or str(_("Not allowed."))


class RecordOnly:
    """Written by the services only: shown here, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WorkflowActions:
    """Admin actions that call services; the services check the actor again."""

    def has_workflow_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def run_each(self, request, queryset, call, *, done_message):
        """Call `call(obj)` for each selected row; refusals become error messages."""
        done = 0
        for obj in queryset:
            try:
                call(obj)
            except REFUSALS as exc:
                self.message_user(request, f"{obj}: {refusal_text(exc)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        return done


def admin_link(obj, label=None):
    if obj is None:
        return "–"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or obj)


# --- Requests -----------------------------------------------------------------------------------


class RequestEventInline(RecordOnly, admin.TabularInline):
    model = RequestEvent
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "assignee", "text", "note"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        # The texts name people by id: one query for the whole timeline's names.
        return super().get_queryset(request).select_related("actor", "assignee").with_names()


class ContributionInline(RecordOnly, admin.StackedInline):
    model = Contribution
    fields = ["author", "hours_spent", "created_at", "text", "files", "usefulness", "thanks"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author").prefetch_related("attachments")

    @admin.display(description=_("files"))
    def files(self, contribution):
        attachments = contribution.attachments.all()
        if not attachments:
            return "–"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} ({} bytes)</li>",
                ((admin_link(attachment, attachment.original_name), attachment.size) for attachment in attachments),
            ),
        )


class AllocationInline(RecordOnly, admin.TabularInline):
    model = TimeAllocationRequest
    fields = ["created_at", "status", "hours_requested", "hours_approved", "offered_estimate", "decided_by", "reason"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by")


REQUEST_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "title",
                "brief",
                "topic_tags",
                "requester",
                "target_discipline",
                "preferred_expert",
                "estimated_hours",
                "due_date",
                "content_piece",
                "channel",
                "format",
                "priority",
            ]
        },
    ),
    (
        _("State"),
        {
            "fields": [
                "status",
                "assignee",
                "routing_reason_text",
                "reservation_budget",
                "reserved_hours",
                "response_due_at",
                "overdue_since",
                "escalated_at",
            ]
        },
    ),
    (
        _("History"),
        {
            "classes": ["collapse"],
            "fields": [
                "created_at",
                "updated_at",
                "status_changed_at",
                "submitted_at",
                "assigned_at",
                "accepted_at",
                "delivered_at",
                "completed_at",
                "cancelled_at",
            ],
        },
    ),
]


@admin.register(ExpertInputRequest)
class ExpertInputRequestAdmin(WorkflowActions, admin.ModelAdmin):
    """Requests are asked for in the app or the API (the requester is whoever is signed in);
    here they are read, cancelled or routed again. A request is a record: it is cancelled,
    never deleted."""

    list_display = [
        "title",
        "status",
        "target_discipline",
        "requester",
        "assignee",
        "priority",
        "due_date",
        "overdue",
        "created_at",
    ]
    list_filter = ["status", "priority", "target_discipline", "channel", "format", "due_date"]
    search_fields = [
        "title",
        "brief",
        "requester__username",
        "requester__last_name",
        "assignee__username",
        "assignee__last_name",
    ]
    list_select_related = ["requester", "assignee", "target_discipline"]
    date_hierarchy = "created_at"
    fieldsets = REQUEST_FIELDSETS
    readonly_fields = [name for _title, options in REQUEST_FIELDSETS for name in options["fields"]]
    inlines = [ContributionInline, AllocationInline, RequestEventInline]
    actions = ["cancel_selected", "route_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reservation_budget__discipline")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("overdue"), boolean=True, ordering="overdue_since")
    def overdue(self, obj):
        return obj.is_overdue

    @admin.display(description=_("why this assignee"))
    def routing_reason_text(self, obj):
        return obj.routing_reason_text or "–"

    @admin.action(description=_("Cancel the selected requests"), permissions=["workflow"])
    def cancel_selected(self, request, queryset):
        reason = str(_("Cancelled in the admin."))
        self.run_each(
            request,
            queryset,
            lambda item: services.request_cancel(request=item, actor=request.user, reason=reason),
            done_message=lambda count: (
                ngettext("%(count)d request cancelled.", "%(count)d requests cancelled.", count) % {"count": count}
            ),
        )

    @admin.action(description=_("Route the selected requests again"), permissions=["workflow"])
    def route_selected(self, request, queryset):
        """Runs the routing service now for requests waiting for it (submitted, routing, declined),
        as the sweeper would; others are left alone and said so."""
        texts = {
            "assigned": _("assigned to %(name)s."),
            "awaiting_allocation": _("no budget left: time requested from the managers."),
            "unroutable": _("nobody suitable: the managers pick an expert."),
            "skipped": _("not waiting for routing (%(status)s): left as it is."),
        }
        for item in queryset:
            outcome = services.request_route(request_id=item.pk)
            item.refresh_from_db()
            name = display_name(item.assignee) if item.assignee_id else ""
            level = messages.WARNING if outcome in ("skipped", "unroutable") else messages.SUCCESS
            text = texts[outcome] % {"name": name, "status": item.get_status_display()}
            self.message_user(request, f"{item}: {text}", level)


# --- Contributions and attachments ---------------------------------------------------------------


class AttachmentInline(RecordOnly, admin.TabularInline):
    model = Attachment
    fields = ["original_name", "size", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Contribution)
class ContributionAdmin(RecordOnly, admin.ModelAdmin):
    list_display = ["request", "author", "hours_spent", "file_count", "usefulness", "created_at"]
    list_filter = ["request__target_discipline", "usefulness", "created_at"]
    search_fields = ["request__title", "text", "author__username", "author__last_name"]
    list_select_related = ["request", "author"]
    date_hierarchy = "created_at"
    fields = ["request_link", "author", "hours_spent", "created_at", "text", "usefulness", "thanks"]
    readonly_fields = fields
    inlines = [AttachmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(file_count=Count("attachments"))

    @admin.display(description=_("files"), ordering="file_count")
    def file_count(self, obj):
        return obj.file_count

    @admin.display(description=_("request"))
    def request_link(self, obj):
        return admin_link(obj.request)


@admin.register(Attachment)
class AttachmentAdmin(RecordOnly, admin.ModelAdmin):
    list_display = ["original_name", "contribution", "size", "uploaded_at"]
    list_filter = ["uploaded_at"]
    search_fields = ["original_name", "contribution__request__title"]
    list_select_related = ["contribution__request"]
    date_hierarchy = "uploaded_at"
    fields = ["original_name", "contribution", "size", "uploaded_at", "file"]
    readonly_fields = fields


@admin.register(RequestEvent)
class RequestEventAdmin(RecordOnly, admin.ModelAdmin):
    """The timeline: append-only, so read-only here too."""

    list_display = ["created_at", "request", "kind", "from_status", "to_status", "actor", "short_text"]
    list_filter = ["kind", "to_status", "created_at"]
    search_fields = ["request__title", "note", "actor__username"]
    list_select_related = ["request", "actor"]
    date_hierarchy = "created_at"
    fields = ["request", "kind", "from_status", "to_status", "actor", "assignee", "text", "note", "data", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        # The texts name people by id: one query for a page's names.
        return super().get_queryset(request).with_names()

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return Truncator(obj.text or obj.note).chars(80)


@admin.register(ResponseTarget)
class ResponseTargetAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["discipline", "business_days"]
    list_filter = ["business_days"]
    search_fields = ["discipline__name"]
    list_select_related = ["discipline"]

    def get_readonly_fields(self, request, obj=None):
        return ["discipline"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        target = services.response_target_set(
            actor=request.user, discipline=obj.discipline, business_days=obj.business_days
        )
        obj.pk = target.pk
        obj._state.adding = False


# --- Budgets ------------------------------------------------------------------------------------


class BudgetEntryInline(RecordOnly, admin.TabularInline):
    model = BudgetEntry
    fields = ["created_at", "kind", "hours", "request", "allocation", "actor", "note"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("ledger")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("request", "allocation__request", "actor")


class TimeBudgetForm(forms.ModelForm):
    """A budget's hours change by approving (new budget) or adjusting (existing one), with a
    reason for the ledger; the counters themselves are never typed in."""

    hours = forms.DecimalField(
        label=_("hours"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_("New budget: the hours to approve. Existing budget: the change (negative takes hours back)."),
    )
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)

    class Meta:
        model = TimeBudget
        fields = ["discipline", "month"]

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and (problem := budget_month_problem(month)):
            raise forms.ValidationError(problem)
        return month.replace(day=1) if month else month

    def clean(self):
        data = super().clean()
        adding = self.instance.pk is None
        if adding and not data.get("hours"):
            self.add_error("hours", _("Enter the hours to approve."))
        if data.get("hours") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why, for the record."))
        return data


@admin.register(TimeBudget)
class TimeBudgetAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    form = TimeBudgetForm
    list_display = [
        "discipline",
        "month",
        "approved_hours",
        "reserved_hours",
        "used_hours",
        "overrun_hours",
        "remaining",
        "approved_by",
        "approved_at",
    ]
    list_filter = ["discipline", "month"]
    search_fields = ["discipline__name"]
    list_select_related = ["discipline", "approved_by"]
    date_hierarchy = "month"
    counters = ["approved_hours", "reserved_hours", "used_hours", "overrun_hours", "remaining", "approved_by"]
    inlines = [BudgetEntryInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new budget has no ledger yet

    def get_fields(self, request, obj=None):
        fields = ["discipline", "month", "hours", "reason"]
        return fields if obj is None else [*fields, *self.counters, "approved_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["discipline", "month", *self.counters, "approved_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # the ledger refers to it; take hours back instead

    @admin.display(description=_("remaining hours"))
    def remaining(self, obj):
        return obj.remaining_hours

    def save_model(self, request, obj, form, change):
        hours, reason = form.cleaned_data.get("hours"), form.cleaned_data.get("reason", "")
        if change:
            if hours:
                services.budget_adjust(actor=request.user, budget=obj, hours=hours, reason=reason)
            return
        budget = services.budget_approve(
            actor=request.user, discipline=obj.discipline, month=obj.month, hours=hours, reason=reason
        )
        # The admin goes on with `obj` (log entry, redirect): make it the saved row.
        obj.pk = budget.pk
        obj.refresh_from_db()
        obj._state.adding = False


@admin.register(BudgetEntry)
class BudgetEntryAdmin(RecordOnly, admin.ModelAdmin):
    """The ledger: append-only, so read-only here too."""

    list_display = ["created_at", "budget", "kind", "hours", "request", "actor", "note"]
    list_filter = ["kind", "budget__discipline", "budget__month"]
    search_fields = ["note", "request__title", "idempotency_key", "budget__discipline__name"]
    list_select_related = ["budget__discipline", "request", "actor"]
    date_hierarchy = "created_at"
    fields = ["budget", "kind", "hours", "request", "allocation", "actor", "note", "idempotency_key", "created_at"]
    readonly_fields = fields


@admin.register(SubmissionToken)
class SubmissionTokenAdmin(RecordOnly, admin.ModelAdmin):
    """The one-time tokens of create forms already sent (content_workflow.submissions).
    Written by the form views, deleted by a periodic task; read-only here."""

    list_display = ["created_at", "kind", "object_id", "user"]
    list_filter = ["kind"]
    search_fields = ["kind", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    fields = ["kind", "object_id", "user", "created_at"]
    readonly_fields = fields


@admin.register(FinalCheck)
class FinalCheckAdmin(RecordOnly, admin.ModelAdmin):
    """Experts' final checks of content pieces: answered by the experts (pages, API,
    e-mail link) through services.final_check_answer; read-only here."""

    list_display = ["piece", "round", "expert", "verdict", "due_at", "answered_at"]
    list_filter = ["verdict"]
    search_fields = ["piece__title", "expert__username", "expert__last_name"]
    list_select_related = ["piece", "expert"]
    fields = [
        "piece",
        "request",
        "expert",
        "round",
        "version",
        "verdict",
        "comments",
        "hours_spent",
        "quote_consent",
        "due_at",
        "answered_at",
        "created_at",
    ]
    readonly_fields = fields


@admin.register(TimeAllocationRequest)
class TimeAllocationRequestAdmin(WorkflowActions, admin.ModelAdmin):
    """Decided by the discipline's managers in the app or the API; the admin can approve in full."""

    list_display = [
        "request",
        "discipline",
        "month",
        "hours_requested",
        "hours_approved",
        "status",
        "decided_by",
        "created_at",
    ]
    list_filter = ["status", "discipline", "month"]
    search_fields = ["request__title", "reason"]
    list_select_related = ["request", "discipline", "decided_by"]
    date_hierarchy = "created_at"
    fields = [
        "request",
        "discipline",
        "month",
        "hours_requested",
        "hours_approved",
        "offered_estimate",
        "status",
        "reason",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["approve_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve all hours asked for"), permissions=["workflow"])
    def approve_selected(self, request, queryset):
        self.run_each(
            request,
            queryset,
            lambda allocation: services.allocation_approve(allocation=allocation, actor=request.user),
            done_message=lambda count: (
                ngettext("%(count)d time allocation approved.", "%(count)d time allocations approved.", count)
                % {"count": count}
            ),
        )


@admin.register(DeputyGrant)
class DeputyGrantAdmin(WorkflowActions, admin.ModelAdmin):
    """Granted and taken back by the deputy sync (from absences); revoked early here."""

    list_display = ["deputy", "manager", "discipline", "starts_on", "ends_on", "granted_at", "revoked_at"]
    list_filter = ["discipline", ("revoked_at", admin.EmptyFieldListFilter), "starts_on"]
    search_fields = ["deputy__username", "deputy__last_name", "manager__username", "manager__last_name"]
    list_select_related = ["deputy", "manager", "discipline"]
    fields = ["absence", "manager", "deputy", "discipline", "starts_on", "ends_on", "granted_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected grants"), permissions=["workflow"])
    def revoke_selected(self, request, queryset):
        self.run_each(
            request,
            queryset.filter(revoked_at__isnull=True),
            lambda grant: services.deputy_grant_revoke(grant=grant),
            done_message=lambda count: (
                ngettext("%(count)d grant revoked.", "%(count)d grants revoked.", count) % {"count": count}
            ),
        )


# --- Notifications ------------------------------------------------------------------------------


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Inbox items as sent; they may be deleted (clean-up), never edited."""

    list_display = ["created_at", "recipient", "kind", "short_text", "read_at", "email_state"]
    list_filter = ["kind", "email_state", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    # The text is rendered from params when read; search what it is about instead.
    search_fields = ["request__title", "legacy_text", "recipient__username", "recipient__last_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    fields = [
        "recipient",
        "kind",
        "text",
        "params",
        "link",
        "request",
        "read_at",
        "created_at",
        "email_state",
        "email_attempts",
        "emailed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return Truncator(obj.text).chars(80)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["user", "email", "digest_sent_on"]
    list_filter = ["email"]
    search_fields = ["user__username", "user__last_name", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "digest_sent_on"] if obj is not None else ["digest_sent_on"]

    def save_model(self, request, obj, form, change):
        preference = services.notification_preference_set(actor=obj.user, email=obj.email)
        obj.pk = preference.pk
        obj._state.adding = False


# --- Explicit grants (django-guardian, direct foreign keys) --------------------------------------


class GrantAdmin(admin.ModelAdmin):
    """Object permissions no membership implies: requests shared with colleagues, budgets
    a deputy may approve. Choose among the permissions of the object's model only."""

    raw_id_fields = ["content_object"]
    list_filter = ["permission"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "permission":
            target = self.model._meta.get_field("content_object").related_model
            kwargs["queryset"] = Permission.objects.filter(
                content_type__app_label=target._meta.app_label, content_type__model=target._meta.model_name
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UserGrantAdmin(GrantAdmin):
    list_display = ["content_object", "user", "permission"]
    search_fields = ["user__username", "user__last_name"]
    list_select_related = ["content_object", "user", "permission"]
    autocomplete_fields = ["user"]


class GroupGrantAdmin(GrantAdmin):
    list_display = ["content_object", "group", "permission"]
    search_fields = ["group__name"]
    list_select_related = ["content_object", "group", "permission"]
    autocomplete_fields = ["group"]


@admin.register(ExpertInputRequestUserObjectPermission)
class RequestUserGrantAdmin(ServiceErrorsAsMessages, UserGrantAdmin):
    search_fields = [*UserGrantAdmin.search_fields, "content_object__title"]

    def save_model(self, request, obj, form, change):
        if change or obj.permission.codename != VIEW_REQUEST:
            return super().save_model(request, obj, form, change)
        # Sharing a request: the service also writes it into the request's timeline.
        services.request_share(request=obj.content_object, actor=request.user, user=obj.user)
        saved = ExpertInputRequestUserObjectPermission.objects.get(
            user=obj.user, permission=obj.permission, content_object=obj.content_object
        )
        obj.pk = saved.pk
        obj._state.adding = False
        return None


@admin.register(ExpertInputRequestGroupObjectPermission)
class RequestGroupGrantAdmin(GroupGrantAdmin):
    search_fields = [*GroupGrantAdmin.search_fields, "content_object__title"]


@admin.register(TimeBudgetUserObjectPermission)
class BudgetUserGrantAdmin(UserGrantAdmin):
    search_fields = [*UserGrantAdmin.search_fields, "content_object__discipline__name"]
    list_select_related = ["content_object__discipline", "user", "permission"]


@admin.register(TimeBudgetGroupObjectPermission)
class BudgetGroupGrantAdmin(GroupGrantAdmin):
    search_fields = [*GroupGrantAdmin.search_fields, "content_object__discipline__name"]
    list_select_related = ["content_object__discipline", "group", "permission"]


# --- Content pieces ----------------------------------------------------------------------------


class ContentVersionInline(RecordOnly, admin.TabularInline):
    model = ContentVersion
    fields = ["number", "author", "created_at", "note", "short_text"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("versions")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return Truncator(obj.text).chars(120)


class PieceEventInline(RecordOnly, admin.TabularInline):
    model = PieceEvent
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "text", "note"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor").with_names()


@admin.register(ContentPiece)
class ContentPieceAdmin(RecordOnly, WorkflowActions, admin.ModelAdmin):
    """Pieces change through their services only (versions and timeline stay complete):
    shown here, archived by an admin action."""

    list_display = ["title", "status", "channel", "format", "owner", "team", "planned_publish_date", "published_on"]
    list_filter = ["status", "channel", "format", "team"]
    search_fields = ["title", "owner__username", "owner__last_name"]
    list_select_related = ["owner", "team"]
    date_hierarchy = "planned_publish_date"
    fields = [
        "title",
        "status",
        "channel",
        "format",
        "owner",
        "team",
        "planned_publish_date",
        "published_url",
        "published_on",
        "version",
        "text",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [ContentVersionInline, PieceEventInline]
    actions = ["archive"]

    @admin.action(description=_("Archive the selected pieces"))
    def archive(self, request, queryset):
        self.run_each(
            request,
            queryset,
            lambda piece: services.piece_transition(piece=piece, actor=request.user, action="archive"),
            done_message=lambda count: (
                ngettext("%(count)s piece archived.", "%(count)s pieces archived.", count) % {"count": count}
            ),
        )


@admin.register(ContentVersion)
class ContentVersionAdmin(RecordOnly, admin.ModelAdmin):
    """Versions are append-only, so read-only here too."""

    list_display = ["piece", "number", "author", "created_at", "note"]
    search_fields = ["piece__title", "author__username"]
    list_select_related = ["piece", "author"]
    fields = ["piece", "number", "author", "created_at", "note", "text"]
    readonly_fields = fields


@admin.register(PieceEvent)
class PieceEventAdmin(RecordOnly, admin.ModelAdmin):
    list_display = ["created_at", "piece", "kind", "from_status", "to_status", "actor"]
    list_filter = ["kind", "to_status"]
    search_fields = ["piece__title", "note", "actor__username"]
    list_select_related = ["piece", "actor"]
    fields = ["piece", "kind", "from_status", "to_status", "actor", "text", "note", "data", "created_at"]
    readonly_fields = fields


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who has a feed URL (the token itself is not stored); deleting a row revokes it."""

    list_display = ["user", "created_at", "last_used_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
