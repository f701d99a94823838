"""Content pieces in the API: `/api/v1/content-pieces/`.

The same rules as the pages: lists and details start from `ContentPiece.objects.
visible_to(user)`, so a piece the user may not see is a 404; a write by someone who may
read but not edit the piece is a 403 before any validation; every write calls one
service of `services.pieces`, which checks again. A move the piece state table does not
have is 409 `illegal_transition`; bad input is 400 naming the field.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from content_workflow import pieces_selectors as selectors
from content_workflow import services
from content_workflow.api import filters
from content_workflow.api import piece_serializers as s
from content_workflow.api.views import BAD_INPUT, NOT_FOUND, WorkflowViewSet, conflict, forbidden, reloaded
from content_workflow.models import ContentPiece
from content_workflow.permissions import can_create_piece, piece_actors_for
from content_workflow.piece_transitions import PIECE_TRANSITIONS, PieceActor, action_for
from governance.api.serializers import DetailSerializer
from governance.api.viewsets import service_write

WHO = {PieceActor.EDITOR: "owner or team communicator", PieceActor.ADMIN: "admin", PieceActor.SYSTEM: "system"}


def piece_state_table():
    rows = ["| from | to | who may | through |", "| --- | --- | --- | --- |"]
    for current, targets in PIECE_TRANSITIONS.items():
        for wanted, actors in targets.items():
            who = ", ".join(WHO[actor] for actor in PieceActor if actor in actors)
            endpoint = action_for(current, wanted).replace("_", "-")
            rows.append(f"| `{current}` | `{wanted}` | {who} | `POST /content-pieces/{{id}}/{endpoint}/` |")
    return "\n".join(rows)


PIECES_DESCRIPTION = f"""Content pieces: what the expert input is for, from idea to published.

Visible to the owner and the communicators of the piece's team (who edit it), to experts
assigned to a request that feeds it (who read it), and to managers, governance leads,
executives and admins (who read all). Others' pieces answer 404; a reader's write 403.

Every move locks the piece, checks the table below and who is acting, and writes a
timeline event. A move the table does not have answers **409** `illegal_transition`.
Publishing needs `published_url` and `published_on` (400 naming them otherwise). The
text is kept in versions (`GET /content-pieces/{{id}}/versions/`); it cannot change in
final check, published or archived (409 `not_editable`).

{piece_state_table()}
"""

# A body without a content type (or one no parser reads) is refused before anything else.
UNSUPPORTED = OpenApiResponse(
    DetailSerializer, description="Unsupported media type: send JSON, form data or multipart form data."
)
ERRORS = {
    400: BAD_INPUT,
    403: forbidden("only the owner, the team's communicators and admins change a piece."),
    404: NOT_FOUND,
    409: conflict("`illegal_transition` (the state table has no such move), `not_editable`."),
    415: UNSUPPORTED,
}


def move_docs(summary, *, body=s.PieceMoveSerializer, extra=""):
    return extend_schema(
        summary=summary,
        description=f"{extra} See the list operation for the state table.".strip(),
        request=body,
        responses={200: s.ContentPieceDetailSerializer, **ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Content pieces the user may see",
        description=PIECES_DESCRIPTION,
        responses={200: s.ContentPieceSerializer(many=True), 403: forbidden("not signed in.")},
    ),
    retrieve=extend_schema(
        summary="One piece with its text, requests and timeline",
        responses={200: s.ContentPieceDetailSerializer, 403: forbidden("not signed in."), 404: NOT_FOUND},
    ),
)
class ContentPieceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkflowViewSet):
    """Content pieces and their state machine (see the list operation for the table)."""

    filterset_class = filters.ContentPieceFilter
    ordering_fields = ["updated_at", "created_at", "planned_publish_date", "title", "status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContentPiece.objects.none()
        if self.action == "list" or self.request.method not in SAFE_METHODS:
            return selectors.piece_list(self.request.user)
        return selectors.piece_detail(self.request.user)

    def get_serializer_class(self):
        return s.ContentPieceSerializer if self.action == "list" else s.ContentPieceDetailSerializer

    def may_write(self, user):
        return self.action != "create" or can_create_piece(user)

    def may_act(self, user, piece):
        # The final check is answered by its expert (the service checks it is theirs).
        return self.action == "final_check" or bool(piece_actors_for(user, piece))

    def answer(self, piece, code=status.HTTP_200_OK):
        fresh = selectors.piece_detail(self.request.user).filter(pk=piece.pk).first()
        return Response(
            s.ContentPieceDetailSerializer(fresh or reloaded(piece), context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        summary="Plan a content piece",
        description="A communicator plans a piece (state `idea`); `text`, when given, is version 1.",
        request=s.ContentPieceWriteSerializer,
        responses={
            201: s.ContentPieceDetailSerializer,
            400: BAD_INPUT,
            403: forbidden("only communicators (and admins) plan pieces."),
            409: conflict("a concurrent change."),
            415: UNSUPPORTED,
        },
    )
    def create(self, request):
        data = self.body(s.ContentPieceWriteSerializer)
        with service_write():
            piece = services.piece_create(actor=request.user, **data)
        return self.answer(piece, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a piece",
        description="Title, channel, format, planned date and text; a changed text becomes a new version.",
        request=s.ContentPieceUpdateSerializer,
        responses={200: s.ContentPieceDetailSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        piece = self.get_object()
        body = s.ContentPieceUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        with service_write():
            services.piece_update(piece=piece, actor=request.user, **data)
        return self.answer(piece)

    @extend_schema(
        summary="The versions of the piece's text",
        description="Newest first, read-only: versions are never changed or deleted.",
        responses={200: s.ContentVersionSerializer(many=True), 403: forbidden("not signed in."), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def versions(self, request, pk=None):
        piece = self.get_object()
        return Response(s.ContentVersionSerializer(selectors.piece_versions(piece), many=True).data)

    @extend_schema(
        summary="The final checks of the piece",
        description="Every round, newest first: who checks, their answer, comments and hours.",
        responses={200: s.FinalCheckSerializer(many=True), 403: forbidden("not signed in."), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def checks(self, request, pk=None):
        piece = self.get_object()
        rows = piece.checks.select_related("expert").order_by("-round", "expert_id")
        return Response(s.FinalCheckSerializer(rows, many=True).data)

    @extend_schema(
        summary="Answer your final check of the piece",
        description="The expert whose input is in the piece approves it, approves it with changes or asks for "
        "changes (comments labelled fact, risk or wording), books the hours it took (default 0.5) and may "
        "consent to be quoted by name. When every check of the round is answered the piece is approved, or "
        "goes back to production if anyone asked for changes.",
        request=s.FinalCheckAnswerSerializer,
        responses={
            200: s.FinalCheckSerializer,
            400: BAD_INPUT,
            403: forbidden("only the expert asked for the check answers it."),
            404: NOT_FOUND,
            409: conflict("`check_not_open`: answered already, or the piece moved on."),
            415: UNSUPPORTED,
        },
    )
    @action(detail=True, methods=["post"], url_path="final-check")
    def final_check(self, request, pk=None):
        piece = self.get_object()
        check = selectors.pending_check(piece, request.user)
        if check is None:
            raise NotFound(_("No final check of this piece is waiting for you."))
        body = self.body(s.FinalCheckAnswerSerializer)
        with service_write():
            answered = services.final_check_answer(check=check, actor=request.user, **body)
        return Response(s.FinalCheckSerializer(answered).data)

    def _move(self, request, action_name, body_class=s.PieceMoveSerializer):
        piece = self.get_object()
        body = self.body(body_class)
        with service_write():
            services.piece_transition(piece=piece, actor=request.user, action=action_name, **body)
        return self.answer(piece)

    @move_docs("Start production", extra="`idea` → `in_production`.")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._move(request, "start")

    @move_docs("Back to ideas", extra="`in_production` → `idea`.")
    @action(detail=True, methods=["post"])
    def shelve(self, request, pk=None):
        return self._move(request, "shelve")

    @move_docs("Send to final check", extra="`in_production` → `in_final_check`; the text is frozen.")
    @action(detail=True, methods=["post"], url_path="send-to-final-check")
    def send_to_final_check(self, request, pk=None):
        return self._move(request, "send_to_final_check")

    @move_docs("Approve", extra="`in_final_check` → `approved`.")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._move(request, "approve")

    @move_docs("Back to production", extra="`in_final_check` or `approved` → `in_production`.")
    @action(detail=True, methods=["post"])
    def rework(self, request, pk=None):
        return self._move(request, "rework")

    @move_docs(
        "Mark as published",
        body=s.PiecePublishSerializer,
        extra="`approved` → `published`, with the URL and the date it went out.",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._move(request, "publish", s.PiecePublishSerializer)

    @move_docs("Archive", extra="From `idea`, `in_production`, `approved` or `published`.")
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._move(request, "archive")
