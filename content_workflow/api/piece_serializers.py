"""Shape of content pieces in the API. Types and formats only: what may change, and
what a move does, is decided by `content_workflow.services.pieces`."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from content_workflow.api.serializers import ChoiceLabelField, NamedChoiceField, person
from content_workflow.models import (
    Channel,
    ContentPiece,
    ContentVersion,
    ExpertInputRequest,
    FinalCheck,
    Format,
    PieceEvent,
)
from content_workflow.models.pieces import PieceStatus
from content_workflow.permissions import piece_actors_for
from content_workflow.piece_transitions import next_piece_actions
from disciplines.models import Discipline
from governance.api import strict
from governance.api.fast_read import FastRead


def piece_status_field(**kwargs):
    return NamedChoiceField(PieceStatus.choices, enum_name="PieceStatusEnum", **kwargs)


def channel_field(**kwargs):
    return NamedChoiceField(Channel.choices, enum_name="RequestChannelEnum", **kwargs)


def format_field(**kwargs):
    return NamedChoiceField(Format.choices, enum_name="RequestFormatEnum", **kwargs)


class OptionalURLField(serializers.URLField):
    """A URL, or null while there is none (stored as "")."""

    def to_representation(self, value):
        return value or None


class ContentPieceSerializer(FastRead, serializers.ModelSerializer):
    """A piece as lists show it (no text, no history)."""

    published_url = OptionalURLField(read_only=True, allow_null=True, help_text=_("Set once the piece is published."))
    status = piece_status_field(read_only=True)
    status_label = ChoiceLabelField(PieceStatus, source="status")
    channel = channel_field(read_only=True)
    format = format_field(read_only=True)
    owner = person()
    team_name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = ContentPiece
        fields = [
            "id",
            "title",
            "status",
            "status_label",
            "channel",
            "format",
            "owner",
            "team",
            "team_name",
            "planned_publish_date",
            "published_url",
            "published_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ContentVersionSerializer(serializers.ModelSerializer):
    author = person()

    class Meta:
        model = ContentVersion
        fields = ["number", "text", "note", "author", "created_at"]
        read_only_fields = fields


class PieceEventSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(PieceEvent.Kind.choices, enum_name="PieceEventKindEnum", read_only=True)
    actor = person(allow_null=True)
    from_status = piece_status_field(read_only=True, allow_null=True)
    to_status = piece_status_field(read_only=True, allow_null=True)
    text = serializers.CharField(read_only=True, help_text=_("The event's details in the reader's language."))

    class Meta:
        model = PieceEvent
        fields = ["id", "kind", "actor", "from_status", "to_status", "note", "text", "created_at"]
        read_only_fields = fields


class FeedingRequestSerializer(serializers.ModelSerializer):
    """A request that feeds the piece, in brief (its own endpoint has the rest, for those
    who may see it)."""

    status = NamedChoiceField(ExpertInputRequest._meta.get_field("status").choices, enum_name="RequestStatusEnum")
    assignee = person(allow_null=True)

    class Meta:
        model = ExpertInputRequest
        fields = ["id", "title", "status", "target_discipline", "assignee", "due_date"]
        read_only_fields = fields


class ContentPieceDetailSerializer(ContentPieceSerializer):
    """One piece with its current text, the requests that feed it, its timeline and the
    moves the signed-in user may make now. Versions: `GET /content-pieces/{id}/versions/`."""

    requests = FeedingRequestSerializer(many=True, read_only=True)
    events = PieceEventSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(
        help_text=_("The moves the signed-in user may make now (names of the POST endpoints, with - for _).")
    )

    class Meta(ContentPieceSerializer.Meta):
        fields = [*ContentPieceSerializer.Meta.fields, "text", "requests", "events", "actions"]
        read_only_fields = fields

    def get_actions(self, piece) -> list[str]:
        http_request = self.context.get("request")
        if http_request is None:
            return []
        return [
            action.replace("_", "-")
            for action in next_piece_actions(piece.status, piece_actors_for(http_request.user, piece))
        ]


class ContentPieceWriteSerializer(serializers.Serializer):
    title = strict.CharField(max_length=200)
    channel = channel_field(required=False, default=Channel.BLOG)
    format = format_field(required=False, default=Format.BLOG_POST)
    planned_publish_date = serializers.DateField(required=False, allow_null=True)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Discipline.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The discipline whose communicators write the piece (default: the creator's first)."),
    )
    text = strict.CharField(required=False, allow_blank=True, max_length=100000)


class ContentPieceUpdateSerializer(serializers.Serializer):
    """PATCH: send only what changes. A changed `text` becomes a new version."""

    title = strict.CharField(max_length=200, required=False)
    channel = channel_field(required=False)
    format = format_field(required=False)
    planned_publish_date = serializers.DateField(required=False, allow_null=True)
    text = strict.CharField(required=False, allow_blank=True, max_length=100000)
    version_note = strict.CharField(required=False, allow_blank=True, max_length=300)


class PieceMoveSerializer(serializers.Serializer):
    note = strict.CharField(required=False, allow_blank=True, max_length=2000)


class PiecePublishSerializer(PieceMoveSerializer):
    published_url = strict.URLField(max_length=500)
    published_on = serializers.DateField()


class FinalCheckCommentSerializer(serializers.Serializer):
    label = NamedChoiceField(FinalCheck.Label.choices, enum_name="FinalCheckLabelEnum")
    text = strict.CharField(max_length=2000)


class FinalCheckSerializer(serializers.ModelSerializer):
    expert = person()
    verdict = NamedChoiceField(FinalCheck.Verdict.choices, enum_name="FinalCheckVerdictEnum", read_only=True)
    comments = FinalCheckCommentSerializer(many=True, read_only=True)

    class Meta:
        model = FinalCheck
        fields = [
            "id",
            "expert",
            "request",
            "round",
            "version",
            "verdict",
            "comments",
            "hours_spent",
            "quote_consent",
            "due_at",
            "answered_at",
        ]
        read_only_fields = fields


class FinalCheckAnswerSerializer(serializers.Serializer):
    verdict = NamedChoiceField(
        [choice for choice in FinalCheck.Verdict.choices if choice[0] != FinalCheck.Verdict.PENDING],
        enum_name="FinalCheckAnswerEnum",
    )
    comments = FinalCheckCommentSerializer(
        many=True, required=False, help_text=_("Required (one or more) unless the verdict is `approved`.")
    )
    hours_spent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default="0.5")
    quote_consent = serializers.BooleanField(required=False, default=False)
