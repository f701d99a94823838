"""In-app notifications, and how each person wants them by e-mail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.choice_labels import ChoiceLabels


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everyone sees their own inbox, nobody else's (admins use the admin site)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Asked for input")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        DELIVERED = "delivered", _("Input delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REMINDER = "reminder", _("Reminder")
        DUE_TOMORROW = "due_tomorrow", _("Due tomorrow")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalation")
        UNROUTABLE = "unroutable", _("Nobody suitable found")
        ALLOCATION_REQUESTED = "allocation_requested", _("Time requested")
        ALLOCATION_APPROVED = "allocation_approved", _("Time approved")
        ALLOCATION_PARTIAL = "allocation_partial", _("Fewer hours approved")
        ALLOCATION_REJECTED = "allocation_rejected", _("Time refused")
        OVERRUN = "overrun", _("Hours over the estimate")
        STUCK = "stuck", _("Routing failed")
        DEPUTY = "deputy", _("You are deputy")
        FINAL_CHECK = "final_check", _("Final check")
        FINAL_CHECK_DONE = "final_check_done", _("Final check answered")

    class Email(models.TextChoices):
        PENDING = "pending", _("To send")
        SENT = "sent", _("Sent")
        DIGEST = "digest", _("In the next digest")
        NONE = "none", _("In-app only")
        FAILED = "failed", _("Could not be sent")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What happened, not a sentence: display values captured when it was made (names,
    # titles, hours as numbers, dates as ISO strings). `text` renders them when read, in
    # the reader's language (content_workflow.notification_texts), with no query per row.
    params = models.JSONField(_("details"), default=dict, blank=True)
    # Only for rows written before params existed that the migration could not take
    # apart: their sentence as it was stored. Empty for every new notification.
    legacy_text = models.CharField(_("old text"), max_length=500, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    request = models.ForeignKey(
        "content_workflow.ExpertInputRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    email_state = models.CharField(max_length=10, choices=Email.choices, default=Email.NONE)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set by periodic jobs: the same reminder for the same assignment is stored once.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="cw_notification_inbox"),
            # The inbox in page order.
            models.Index(fields=["recipient", "created_at"], name="cw_notification_recent"),
            models.Index(fields=["email_state", "created_at"], name="cw_notification_email"),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self):
        """The sentence, in the active language (wrap in `translation.override` for a
        recipient's language, as the e-mails do)."""
        from content_workflow.notification_texts import notification_text

        return notification_text(self.kind, self.params, self.legacy_text)

    @property
    def absolute_link(self):
        return settings.SITE_URL.rstrip("/") + self.link if self.link.startswith("/") else self.link


class NotificationPreference(ChoiceLabels, models.Model):
    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("An e-mail for each notification")
        DIGEST = "digest", _("One e-mail a day with everything new")
        NONE = "none", _("No e-mail, in the app only")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(_("e-mail"), max_length=10, choices=Email.choices, default=Email.IMMEDIATE)
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user}: {self.email}"
