"""Content pieces: what the expert input is for, from idea to published, with the text's
versions, the piece's timeline and each user's calendar feed.

A piece belongs to an owner (a communicator) and to a team: the discipline whose
communicators plan and write it. Under the active organisational model that is the
hub's home discipline for a hub's communicators, so "communicators of the same hub edit"
is "communicators of the piece's team edit", and it stays true when a new model version
is published (hubs are rows of one model version; disciplines outlive them).
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content_workflow.models.append_only import AppendOnly
from content_workflow.models.messages import NamedQuerySet, describe
from content_workflow.piece_transitions import PieceStatus
from governance.choice_labels import ChoiceLabels


class Channel(models.TextChoices):
    BLOG = "blog", _("Corporate blog")
    LINKEDIN = "linkedin", _("LinkedIn")
    X = "x", _("X (Twitter)")
    INSTAGRAM = "instagram", _("Instagram")
    YOUTUBE = "youtube", _("YouTube")
    NEWSLETTER = "newsletter", _("Newsletter")
    WEBSITE = "website", _("Website")
    OTHER = "other", _("Other")


class Format(models.TextChoices):
    BLOG_POST = "blog_post", _("Blog post")
    INTERVIEW = "interview", _("Interview")
    POST = "post", _("Social post")
    VIDEO = "video", _("Video")
    WHITEPAPER = "whitepaper", _("White paper")
    FAQ = "faq", _("Answers for service replies")
    OTHER = "other", _("Other")


class ContentPieceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping queryset for pieces, pages and API alike: editors (owner and
        the team's communicators), experts who fed the piece, and readers (managers,
        governance leads, executives, admins). Anything else answers 404."""
        from content_workflow.permissions import piece_visibility

        return piece_visibility(self, user)


class ContentPiece(ChoiceLabels, models.Model):
    title = models.CharField(_("working title"), max_length=200)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.BLOG)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.BLOG_POST)
    # No foreign-key indexes of their own: cw_piece_owner and cw_piece_team lead with them.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="content_pieces",
        verbose_name=_("owner"),
        db_index=False,
    )
    team = models.ForeignKey(
        "disciplines.Discipline",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="content_pieces",
        verbose_name=_("team"),
        help_text=_("The discipline whose communicators plan and write the piece; they may all edit it."),
    )
    planned_publish_date = models.DateField(_("planned publish date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PieceStatus.choices,
        default=PieceStatus.IDEA,
        editable=False,
    )
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    published_url = models.URLField(
        _("published URL"), max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    # The current text; every change is kept as a ContentVersion, `version` is its number.
    text = models.TextField(_("text"), blank=True, max_length=100000)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContentPieceQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("content piece")
        verbose_name_plural = _("content pieces")
        indexes = [
            # The list in page order, for readers who see every piece.
            models.Index(fields=["updated_at", "id"], name="cw_piece_updated"),
            # Editors' visibility: their own pieces and their teams'.
            models.Index(fields=["owner", "updated_at"], name="cw_piece_owner"),
            models.Index(fields=["team", "updated_at"], name="cw_piece_team"),
            # The calendar and the iCalendar feed: planned pieces by date.
            models.Index(fields=["planned_publish_date", "status"], name="cw_piece_planned"),
            # The calendar's published pieces and the reporting figures of a period.
            models.Index(fields=["status", "published_on"], name="cw_piece_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=PieceStatus.PUBLISHED)
                | (models.Q(published_on__isnull=False) & ~models.Q(published_url="")),
                name="cw_piece_published_has_url_and_date",
            ),
        ]

    def __str__(self):
        return self.title


class ContentVersion(AppendOnly, models.Model):
    """One version of a piece's text. Append-only, like the request timeline: the
    database refuses to change or delete these rows (migration piece_history_append_only)."""

    piece = models.ForeignKey(ContentPiece, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), blank=True, max_length=100000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        # By the column, not the relation: ordering by `piece` would join the piece table
        # for its own ordering.
        ordering = ["piece_id", "-number"]
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")
        constraints = [models.UniqueConstraint(fields=["piece", "number"], name="cw_version_number_unique")]

    def __str__(self):
        return f"{self.piece_id} v{self.number}"


class PieceEvent(ChoiceLabels, AppendOnly, models.Model):
    """One line of a piece's timeline. Append-only (migration piece_history_append_only).
    `data` holds the machine-readable details ({"code": ..., params}); `text` renders them
    when read."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        TRANSITION = "transition", _("Status change")
        EDITED = "edited", _("Edited")
        VERSION = "version", _("New version")
        RESCHEDULED = "rescheduled", _("Date changed")
        REQUEST = "request", _("Expert input requested")
        CHECK = "check", _("Final check answered")

    # No index of its own: cw_piece_event_piece (piece, created_at) serves the lookups.
    piece = models.ForeignKey(ContentPiece, on_delete=models.PROTECT, related_name="events", db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PieceStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PieceStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("piece event")
        verbose_name_plural = _("piece events")
        indexes = [models.Index(fields=["piece", "created_at"], name="cw_piece_event_piece")]

    def __str__(self):
        return f"{self.piece_id}: {self.kind}"

    @property
    def text(self):
        data = self.data or {}
        if data.get("code") == "piece_edited":
            # Field names in the reader's language.
            labels = []
            for name in data.get("fields") or []:
                try:
                    labels.append(str(ContentPiece._meta.get_field(name).verbose_name))
                except FieldDoesNotExist:  # an old row naming a field that is gone
                    labels.append(str(name))
            data = {**data, "fields": labels}
        elif data.get("code") == "piece_check" and "verdict" in data:
            from content_workflow.models.checks import FinalCheck

            # The verdict in the reader's language (an unknown one as stored).
            verdict = data["verdict"]
            data = {
                **data,
                "verdict": FinalCheck.Verdict(verdict).label if verdict in FinalCheck.Verdict.values else verdict,
            }
        return describe(data, getattr(self, "_names", None))

    def person_data(self):
        return [self.data]


class CalendarFeed(models.Model):
    """A user's secret iCalendar feed URL. Only a SHA-256 of the token is stored: the URL
    is shown once, when made; revoking deletes the row, so the old URL answers 404."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)
