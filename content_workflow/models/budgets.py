"""Experts' time as a budget: per discipline and month, with an append-only ledger."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from content_workflow.models.append_only import AppendOnly
from content_workflow.models.messages import WithNames
from governance.choice_labels import ChoiceLabels

BUDGET_HOURS = {"max_digits": 8, "decimal_places": 2}


class TimeBudgetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers see their disciplines' budgets (deputies while granted); governance
        leads, executives and admins see all; everyone else none."""
        from content_workflow.permissions import budget_visibility

        return budget_visibility(self, user)


class TimeBudget(models.Model):
    """Hours a discipline's manager grants for expert input in one calendar month.

    The four counters are the ledger's sums, kept here so that a reservation is one
    conditional UPDATE; the check constraint makes overbooking impossible even if a
    code path forgot the condition. Only `services.budgets.ledger_write` changes them.
    """

    discipline = models.ForeignKey(
        "disciplines.Discipline", on_delete=models.PROTECT, related_name="time_budgets", verbose_name=_("discipline")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    approved_hours = models.DecimalField(_("approved hours"), **BUDGET_HOURS, default=0, editable=False)
    reserved_hours = models.DecimalField(_("reserved hours"), **BUDGET_HOURS, default=0, editable=False)
    used_hours = models.DecimalField(_("used hours"), **BUDGET_HOURS, default=0, editable=False)
    overrun_hours = models.DecimalField(_("overrun hours"), **BUDGET_HOURS, default=0, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TimeBudgetQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "discipline__position"]
        verbose_name = _("time budget")
        verbose_name_plural = _("time budgets")
        permissions = [("approve_timebudget", _("Can approve time for the discipline (deputy)"))]
        constraints = [
            models.UniqueConstraint(fields=["discipline", "month"], name="cw_budget_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="cw_budget_month_first_day"),
            models.CheckConstraint(
                condition=Q(approved_hours__gte=0)
                & Q(reserved_hours__gte=0)
                & Q(used_hours__gte=0)
                & Q(overrun_hours__gte=0),
                name="cw_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(approved_hours__gte=F("reserved_hours") + F("used_hours")),
                name="cw_budget_within_approved",
            ),
        ]

    def __str__(self):
        return f"{self.discipline} {self.month:%Y-%m}"

    @property
    def remaining_hours(self):
        return self.approved_hours - self.reserved_hours - self.used_hours


class BudgetEntry(ChoiceLabels, AppendOnly, models.Model):
    """One line of the budget ledger. Append-only, enforced by database triggers (migration
    0004_audit_append_only); a second write with the same idempotency key is a no-op, so a
    retried task or a double click changes nothing."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("Approved")
        ADJUST = "adjust", _("Adjusted")
        RESERVE = "reserve", _("Reserved")
        RELEASE = "release", _("Released")
        CONSUME = "consume", _("Used")
        OVERRUN = "overrun", _("Overrun")

    budget = models.ForeignKey(TimeBudget, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Positive, except for adjustments, which may take approved hours back.
    hours = models.DecimalField(_("hours"), **BUDGET_HOURS)
    request = models.ForeignKey(
        "content_workflow.ExpertInputRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_entries",
    )
    allocation = models.ForeignKey(
        "content_workflow.TimeAllocationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_entries",
    )
    # PROTECT, not SET_NULL: clearing the actor would be an UPDATE, which the database refuses.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("reason"), max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("budget entry")
        verbose_name_plural = _("budget entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="adjust", hours__lt=0) | Q(hours__gt=0), name="cw_entry_hours_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.hours} h"


class TimeAllocationRequestQuerySet(WithNames, models.QuerySet):
    def visible_to(self, user):
        from content_workflow.permissions import allocation_visibility

        return allocation_visibility(self, user)


class TimeAllocationRequest(ChoiceLabels, models.Model):
    """Extra hours asked of a discipline's managers when routing found experts but no budget."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a manager")
        PARTIALLY_APPROVED = "partially_approved", _("Fewer hours approved: waiting for the requester")
        APPROVED = "approved", _("Approved")
        OFFER_ACCEPTED = "offer_accepted", _("Smaller estimate accepted")
        REASSIGNED = "reassigned", _("Approved for a named expert")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    PENDING = (Status.OPEN, Status.PARTIALLY_APPROVED)

    request = models.ForeignKey(
        "content_workflow.ExpertInputRequest", on_delete=models.CASCADE, related_name="allocations"
    )
    discipline = models.ForeignKey(
        "disciplines.Discipline", on_delete=models.PROTECT, related_name="+", verbose_name=_("discipline")
    )
    month = models.DateField(_("month"))
    hours_requested = models.DecimalField(_("hours asked for"), **BUDGET_HOURS)
    hours_approved = models.DecimalField(_("hours approved"), **BUDGET_HOURS, null=True, blank=True)
    # With fewer hours approved: the estimate the requester may accept instead.
    offered_estimate = models.DecimalField(_("estimate offered"), **BUDGET_HOURS, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    objects = TimeAllocationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("time allocation request")
        verbose_name_plural = _("time allocation requests")
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["open", "partially_approved"]),
                name="cw_one_pending_allocation",
            ),
            models.CheckConstraint(condition=Q(hours_requested__gt=0), name="cw_allocation_hours_positive"),
        ]
        indexes = [
            # A discipline's allocations by status, oldest first: the manager's card reads
            # the first few open ones from here (by created_at alone, PostgreSQL walked
            # every allocation of the company to find them).
            models.Index(fields=["discipline", "status", "created_at"], name="cw_allocation_discipline_open"),
            # The period figures: extra time asked for in a window (governance.reporting).
            models.Index(fields=["created_at"], name="cw_allocation_created"),
        ]

    def __str__(self):
        return f"{self.request}: {self.hours_requested} h"

    def person_holders(self):
        """The request, when it was loaded with the allocation (its capacity warning)."""
        return [self.request] if TimeAllocationRequest.request.is_cached(self) else []

    @property
    def is_pending(self):
        return self.status in self.PENDING


class DeputyGrant(models.Model):
    """A deputy acts for an absent manager of a discipline, for the absence's dates.

    The authority itself is a django-guardian object permission (`approve_timebudget` on
    the discipline's budgets of those months); this row is the audit trail of who was
    granted what, when, and when it was taken back.
    """

    # The trail outlives the absence (its dates are copied here), but not the people or
    # the discipline it names: those cannot be deleted while a grant refers to them.
    absence = models.ForeignKey("disciplines.Absence", on_delete=models.SET_NULL, null=True, related_name="+")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("absent manager")
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deputy_grants", verbose_name=_("deputy")
    )
    discipline = models.ForeignKey(
        "disciplines.Discipline", on_delete=models.PROTECT, related_name="deputy_grants", verbose_name=_("discipline")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("deputy grant")
        verbose_name_plural = _("deputy grants")
        constraints = [
            models.UniqueConstraint(
                fields=["absence", "discipline", "deputy"],
                condition=Q(revoked_at__isnull=True),
                name="cw_one_live_grant",
            ),
        ]

    def __str__(self):
        return f"{self.deputy} for {self.manager}, {self.discipline}: {self.starts_on} – {self.ends_on}"


class TimeBudgetUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(TimeBudget, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("budget permission (user)")
        verbose_name_plural = _("budget permissions (user)")


class TimeBudgetGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(TimeBudget, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("budget permission (group)")
        verbose_name_plural = _("budget permissions (group)")
