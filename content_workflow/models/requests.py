"""Expert input requests, their timeline and what the expert delivers."""

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from content_workflow.models.append_only import AppendOnly
from content_workflow.models.messages import NamedQuerySet, WithNames, describe

# Channel and Format moved to pieces (issue 11); importable from here as before.
from content_workflow.models.pieces import Channel, Format
from content_workflow.models.tally import Narrowing, TalliedPart
from content_workflow.transitions import Status
from governance.choice_labels import ChoiceLabels

HOURS = {"max_digits": 6, "decimal_places": 2}


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class ExpertInputRequestQuerySet(WithNames, models.QuerySet):
    # Set by request_visibility: conditions that together select exactly what the user
    # sees, without overlap, so that count() can add up one count per condition; and the
    # filter as visibility left it, while the tallied parts hold.
    _count_parts = None
    _visible_where = None

    def _clone(self):
        clone = super()._clone()
        clone._count_parts = self._count_parts
        clone._visible_where = self._visible_where
        return clone

    def count(self):
        """As QuerySet.count(), but for a user's visible requests the sum of one count per
        disjoint reason to see them, added up in one statement. PostgreSQL cannot answer the
        OR of those reasons from an index, so it reads every matching row (thousands for a
        manager); each reason alone it counts from an index, and a discipline's or a
        reader's whole list, by status and discipline if so filtered, it reads from the
        kept tallies (models/tally.py)."""
        parts = self._count_parts
        query = self.query
        if (
            not parts
            or self._result_cache is not None
            or query.is_sliced
            or query.distinct
            or query.combinator  # a union's count is not its parts'
            or query.group_by is not None  # nor is the number of groups
        ):
            return super().count()
        # The tallies hold status and discipline only: a list filtered by anything else
        # counts each of its tallied parts from the requests, as a condition like the others.
        narrowing = self._visible_where is not None and Narrowing.of(self.query, self._visible_where)
        # One statement adding up one scalar per part: PostgreSQL counts each straight
        # from its index (a UNION ALL of the parts, counted, passed every row through two
        # more plan nodes: a third of the time for a manager's 15,000).
        terms, params = [], []
        for part in parts:
            if isinstance(part, TalliedPart) and narrowing:
                queries = [("+", "SUM(part.delta)", part.tallies(self.db, narrowing))]
                if part.overlap is not None:
                    plain = self.model._default_manager.using(self.db)
                    queries.append(("-", "COUNT(*)", part.counted_before(plain, narrowing)))
            else:
                condition = part.condition if isinstance(part, TalliedPart) else part
                queries = [("+", "COUNT(*)", self.filter(condition).order_by().values_list("pk", flat=True))]
            for sign, total, query in queries:
                try:
                    sql, query_params = query.query.get_compiler(self.db).as_sql()
                except EmptyResultSet:  # a filter that matches nothing (none(), an empty list)
                    continue
                # The ORM's SQL and its parameters only.
                terms.append(f"{sign} (SELECT COALESCE({total}, 0) FROM ({sql}) AS part)")  # noqa: S608
                params.extend(query_params)
        with connections[self.db].cursor() as cursor:
            cursor.execute("SELECT 0 " + " ".join(terms), params)
            return cursor.fetchone()[0]

    def visible_to(self, user):
        """The one scoping queryset for requests: list and detail, pages and API.

        Requester, assignees now or before, managers of the target discipline (and their
        deputies while granted), guardian shares; governance leads, executives and admins
        read everything. Anything else is not there at all, so a view answers 404.
        """
        from content_workflow.permissions import request_visibility

        return request_visibility(self, user)


class ExpertInputRequest(ChoiceLabels, models.Model):
    title = models.CharField(_("title"), max_length=200)
    brief = models.TextField(_("brief"), max_length=10000)
    topic_tags = models.JSONField(_("topic tags"), default=list, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_requests", verbose_name=_("requester")
    )
    target_discipline = models.ForeignKey(
        "disciplines.Discipline", on_delete=models.PROTECT, related_name="expert_requests", verbose_name=_("discipline")
    )
    preferred_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred expert"),
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"), **HOURS, validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(200)]
    )
    due_date = models.DateField(_("due date"))
    content_piece = models.CharField(_("content piece"), max_length=200, blank=True)
    # The planned piece this input feeds (issue 11); the free text above stays for
    # requests made without one.
    piece = models.ForeignKey(
        "content_workflow.ContentPiece",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="requests",
        verbose_name=_("content piece"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.BLOG)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.BLOG_POST)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="assigned_expert_requests",
        verbose_name=_("assignee"),
    )
    # Why routing chose the assignee (or nobody): {"code": ..., params}; see routing.reason_text.
    routing_reason = models.JSONField(default=dict, blank=True, editable=False)

    # The current reservation: what to release or consume, whatever the estimate is now.
    reservation_budget = models.ForeignKey(
        "content_workflow.TimeBudget", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    reserved_hours = models.DecimalField(**HOURS, default=0, editable=False)
    # Counts reservations, so each one gets its own ledger idempotency keys.
    reservation_cycle = models.PositiveIntegerField(default=0, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)

    # Deadlines, computed at assignment; each "..._at" marker is set once by a conditional
    # UPDATE, so a periodic job that runs twice sends nothing twice.
    response_due_at = models.DateTimeField(_("answer due"), null=True, blank=True, editable=False)
    reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_day_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True, editable=False)
    overdue_since = models.DateTimeField(_("overdue since"), null=True, blank=True, editable=False)

    # The sweeper: when to look again if routing has not moved the request on.
    next_sweep_at = models.DateTimeField(null=True, blank=True, editable=False)
    sweep_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = ExpertInputRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("expert input request")
        verbose_name_plural = _("expert input requests")
        indexes = [
            models.Index(fields=["status", "next_sweep_at"], name="cw_request_sweep"),
            models.Index(fields=["status", "response_due_at"], name="cw_request_response_due"),
            # Past due and stuck, counted together for the model's health on every
            # dashboard: both dates and the id from the index, no row of the table read.
            models.Index(fields=["status", "due_date"], name="cw_request_due", include=["next_sweep_at", "id"]),
            models.Index(fields=["assignee", "status"], name="cw_request_assignee"),
            # Each expert's open load (assigned or accepted, estimated hours): the team
            # pages and routing's ranking sum it from this small index alone.
            models.Index(
                fields=["assignee"],
                include=["estimated_hours"],
                condition=Q(status__in=["accepted", "assigned"]),
                name="cw_request_open_load",
            ),
            # Managers' lists by status and due date (id last: the discipline's ids from the
            # index alone); requester and assignee carried along, so that counting what a
            # manager sees needs no row of the table (see permissions.request_visibility).
            models.Index(
                fields=["target_discipline", "status", "due_date", "id"],
                name="cw_request_discipline_due",
                include=["requester", "assignee"],
            ),
            # "My requests", newest change first; the id carried along, so that a
            # requester's ids (their allocations' visibility, their list's count) come
            # from the index alone: reading 1,500 rows of the table for them was 3.5 ms.
            models.Index(fields=["requester", "updated_at"], name="cw_request_requester_ids", include=["id"]),
            # A communicator's open requests by due date (their dashboard).
            models.Index(fields=["requester", "status", "due_date"], name="cw_request_requester_due"),
            # Readers' lists in page order (pages sort by change, the API by creation).
            models.Index(fields=["updated_at", "id"], name="cw_request_updated"),
            models.Index(fields=["created_at", "id"], name="cw_request_created"),
            # The dashboards' delivery figures look at a recent window of deliveries.
            models.Index(fields=["delivered_at"], name="cw_request_delivered"),
            # The period figures count requests submitted, completed and cancelled in a
            # window (governance.reporting: one query, a bitmap OR of these three ranges).
            models.Index(fields=["submitted_at"], name="cw_request_submitted"),
            models.Index(fields=["completed_at"], name="cw_request_completed"),
            models.Index(fields=["cancelled_at"], name="cw_request_cancelled"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_hours__gt=0), name="cw_request_estimate_positive"),
            models.CheckConstraint(condition=Q(reserved_hours__gte=0), name="cw_request_reserved_not_negative"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return self.overdue_since is not None and self.status not in (
            Status.DELIVERED,
            Status.COMPLETED,
            Status.CANCELLED,
        )

    def person_data(self):
        return [self.routing_reason]

    def person_holders(self):
        """The timeline, when it was prefetched with the request (`names_attach`)."""
        return getattr(self, "_prefetched_objects_cache", {}).get("events", ())

    @property
    def routing_reason_text(self):
        return describe(self.routing_reason, getattr(self, "_names", None))

    @property
    def capacity_warning(self):
        """While a manager's pick beyond the expert's weekly capacity is being worked on:
        the warning text (None otherwise)."""
        overbooked = (self.routing_reason or {}).get("overbooked")
        if not overbooked or self.status not in (Status.ASSIGNED, Status.ACCEPTED):
            return None
        return describe({"code": "overbooked", **overbooked}, getattr(self, "_names", None))


class RequestEvent(ChoiceLabels, AppendOnly, models.Model):
    """One line of a request's timeline. Append-only: rows are never changed or deleted,
    which the database enforces with triggers (migration 0004_audit_append_only).

    `data` holds the machine-readable details ({"code": ..., params}); `text` renders
    them in the reader's language, so the timeline is translated when read.
    """

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Status change")
        ROUTING = "routing", _("Routing decision")
        REMINDER = "reminder", _("Reminder")
        ESCALATION = "escalation", _("Escalation")
        OVERDUE = "overdue", _("Overdue")
        SWEEP = "sweep", _("Re-queued")
        BUDGET = "budget", _("Budget")
        SHARE = "share", _("Shared")
        RATING = "rating", _("Rating changed")

    # PROTECT throughout: the database refuses to change or delete these rows (migration
    # 0004_audit_append_only), so a cascade or a SET_NULL would fail there; the ORM refuses
    # first, with a ProtectedError that the admin shows as "protected related objects".
    request = models.ForeignKey(ExpertInputRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TRANSITION)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Set when this event gave the request an assignee: "assigned to them now or before".
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        # "Assigned to them now or before": visibility looks former assignments up by assignee.
        indexes = [models.Index(fields=["assignee", "request"], name="cw_event_assigned_to")]

    def __str__(self):
        return f"{self.request_id}: {self.from_status} → {self.to_status}"

    @property
    def text(self):
        return describe(self.data, getattr(self, "_names", None))

    def person_data(self):
        return [self.data]


class Contribution(models.Model):
    """The expert's input for a request, and the hours it really took."""

    request = models.OneToOneField(ExpertInputRequest, on_delete=models.CASCADE, related_name="contribution")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("expert")
    )
    text = models.TextField(_("input"), max_length=50000)
    hours_spent = models.DecimalField(
        _("hours spent"), **HOURS, validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(500)]
    )
    created_at = models.DateTimeField(_("delivered"), auto_now_add=True)
    # Set when the requester completes the request: how useful the input was, and thanks.
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    thanks = models.TextField(_("thank-you note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        # The dashboards' figures count the contributions of a recent window.
        indexes = [
            models.Index(fields=["created_at"], name="cw_contribution_created"),
            # An expert's own contributions, newest first (/work/ and /work/contributions/).
            models.Index(fields=["author", "-created_at", "-id"], name="cw_contribution_author"),
            # The team page's figures per expert (a page of authors): read from the index
            # alone. Without it PostgreSQL scanned every contribution for 25 authors.
            models.Index(
                fields=["author"],
                include=["id", "request", "hours_spent", "usefulness"],
                name="cw_contribution_author_figures",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours_spent__gt=0), name="cw_contribution_hours_positive"),
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | Q(usefulness__gte=1, usefulness__lte=5),
                name="cw_contribution_usefulness_range",
            ),
        ]

    def __str__(self):
        return f"{self.request}: {self.hours_spent} h"


def _attachment_path(instance, filename):
    # The stored name is random: nothing the uploader typed ends up in a path.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"contributions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file that comes with a contribution. Checked on upload (size, type), and always
    handed out as a download, never rendered by the browser: see `download_response`."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def download_response(self):
        """A FileResponse that makes the browser save the file instead of showing it.

        The type is a plain octet stream (never the uploader's claim), so an HTML or SVG
        upload cannot run script in our origin; the name is sanitised.
        """
        from django.http import FileResponse

        response = FileResponse(
            self.file.open("rb"),
            as_attachment=True,
            filename=get_valid_filename(self.original_name) or "attachment",
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response


class ResponseTarget(models.Model):
    """How fast a discipline's experts answer (accept or decline) a request."""

    discipline = models.OneToOneField(
        "disciplines.Discipline", on_delete=models.CASCADE, related_name="response_target"
    )
    business_days = models.PositiveSmallIntegerField(
        _("answer within (business days)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )

    class Meta:
        verbose_name = _("response target")
        verbose_name_plural = _("response targets")

    def __str__(self):
        return f"{self.discipline}: {self.business_days}"


# --- django-guardian grants with direct foreign keys (fast Exists in visible_to) -------------


class ExpertInputRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ExpertInputRequest, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("request permission (user)")
        verbose_name_plural = _("request permissions (user)")


class ExpertInputRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ExpertInputRequest, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("request permission (group)")
        verbose_name_plural = _("request permissions (group)")
