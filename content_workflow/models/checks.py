"""The expert's final check of a content piece (issue 11, item 3)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.choice_labels import ChoiceLabels

CHECK_HOURS = Decimal("0.5")  # DOMAIN.md: half an hour for the final check


class FinalCheck(ChoiceLabels, models.Model):
    """One expert's check of one version of a piece whose input they gave.

    Opened for every expert whose delivered input feeds the piece when its owner sends
    it to final check; after a request for changes, the next round goes to those who
    asked for changes only. The answer books the hours through the budget ledger
    (services.checks) and may come with typed comments and consent to be quoted.
    """

    class Verdict(models.TextChoices):
        PENDING = "pending", _("Waiting for the expert")
        APPROVED = "approved", _("Approved")
        APPROVED_WITH_CHANGES = "approved_with_changes", _("Approved with changes")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    class Label(models.TextChoices):
        FACT = "fact", _("Fact")
        RISK = "risk", _("Risk")
        WORDING = "wording", _("Wording")

    piece = models.ForeignKey("content_workflow.ContentPiece", on_delete=models.CASCADE, related_name="checks")
    request = models.ForeignKey(
        "content_workflow.ExpertInputRequest", on_delete=models.PROTECT, related_name="final_checks"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="final_checks", verbose_name=_("expert")
    )
    round = models.PositiveIntegerField(_("round"), default=1)
    version = models.PositiveIntegerField(_("version checked"))
    verdict = models.CharField(_("answer"), max_length=24, choices=Verdict.choices, default=Verdict.PENDING)
    # [{"label": "fact" | "risk" | "wording", "text": "..."}], what must change and why.
    comments = models.JSONField(_("comments"), default=list, blank=True)
    hours_spent = models.DecimalField(_("hours spent"), max_digits=5, decimal_places=2, null=True, blank=True)
    quote_consent = models.BooleanField(_("may be quoted by name"), default=False)
    due_at = models.DateTimeField(_("answer by"))
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["piece", "-round", "expert_id"]
        verbose_name = _("final check")
        verbose_name_plural = _("final checks")
        constraints = [
            models.UniqueConstraint(fields=["piece", "expert", "round"], name="cw_check_once_per_round"),
        ]
        indexes = [
            # An expert's open checks (their work list); the reminder sweep's pending ones.
            models.Index(fields=["expert", "verdict"], name="cw_check_expert"),
            models.Index(fields=["due_at"], name="cw_check_pending_due", condition=Q(verdict="pending")),
        ]

    def __str__(self):
        return f"{self.piece_id} r{self.round}: {self.expert_id} {self.verdict}"

    @property
    def is_pending(self):
        return self.verdict == self.Verdict.PENDING
