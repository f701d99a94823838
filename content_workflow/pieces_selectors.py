"""Read queries about content pieces, shared by the pages, the API, the calendar and
reporting: each costs a fixed number of queries whatever the number of rows, and those
for a user start from `ContentPiece.objects.visible_to(user)`."""

from django.db.models import Count, DecimalField, FilteredRelation, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce

from content_workflow.models import (
    ContentPiece,
    ContentVersion,
    ExpertInputRequest,
    PieceEvent,
)
from content_workflow.piece_transitions import PLANNED, PieceStatus
from content_workflow.transitions import OPEN_WORK, Status

PIECE_RELATED = ("owner", "team")
# A request fed its piece once the expert delivered.
FED = (Status.DELIVERED, Status.COMPLETED)


def piece_list(user):
    """Pieces `user` may see, most recently changed first."""
    return ContentPiece.objects.visible_to(user).select_related(*PIECE_RELATED)


def piece_detail(user):
    """The queryset for one piece's page: versions (without their text), timeline and
    the requests that feed it come with it."""
    return piece_list(user).prefetch_related(
        Prefetch("versions", queryset=ContentVersion.objects.select_related("author").defer("text")),
        # The timeline stores people by id: their names come in one query (names_attach).
        Prefetch("events", queryset=PieceEvent.objects.select_related("actor").with_names()),
        Prefetch(
            "requests",
            queryset=ExpertInputRequest.objects.select_related("assignee", "target_discipline").order_by(
                "due_date", "pk"
            ),
        ),
    )


def piece_versions(piece):
    """A piece's versions, newest first, with their text and author."""
    return ContentVersion.objects.filter(piece=piece).select_related("author").order_by("-number")


def visible_request_ids(user, requests):
    """Which of `requests` `user` may open (one query): the piece page lists every
    request that feeds it, but links only those."""
    ids = [request.pk for request in requests]
    if not ids:
        return set()
    return set(ExpertInputRequest.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


# --- The calendar -----------------------------------------------------------------------------


def calendar_pieces(user, start, end):
    """Visible pieces planned (and not yet out) or published between `start` and `end`
    (inclusive), with their date as `calendar_date`. One query."""
    planned = Q(status__in=PLANNED, planned_publish_date__range=(start, end))
    published = Q(status=PieceStatus.PUBLISHED, published_on__range=(start, end))
    rows = list(piece_list(user).filter(planned | published).order_by("title", "pk"))
    for piece in rows:
        piece.calendar_date = (
            piece.published_on if piece.status == PieceStatus.PUBLISHED else piece.planned_publish_date
        )
    return rows


def calendar_input_due(user, start, end):
    """The due dates of the expert input requests of visible pieces between `start` and
    `end`, with their piece. One query."""
    visible = ContentPiece.objects.visible_to(user).order_by().values("pk")
    return list(
        ExpertInputRequest.objects.filter(piece__in=visible, due_date__range=(start, end))
        .exclude(status__in=(Status.CANCELLED, Status.DRAFT))
        .select_related("piece", "assignee")
        .order_by("due_date", "pk")
    )


def feed_items(user, *, since):
    """What the user's iCalendar feed holds: (requests assigned to or accepted by them
    with a due date from `since`, their own pieces planned from `since`). Two queries."""
    requests = list(
        ExpertInputRequest.objects.filter(assignee=user, status__in=OPEN_WORK, due_date__gte=since)
        .select_related("piece")
        .order_by("due_date", "pk")
    )
    pieces = list(
        ContentPiece.objects.filter(owner=user, status__in=PLANNED, planned_publish_date__gte=since).order_by(
            "planned_publish_date", "pk"
        )
    )
    return requests, pieces


# --- Figures for reporting -------------------------------------------------------------------
# No user here: the reporting module shows these to those who read every figure
# (managers, governance leads, executives) and checks that itself.


def pieces_published_by_discipline_channel(*, start, end, discipline_ids=None):
    """Pieces published between `start` and `end` (inclusive), counted per discipline
    whose experts fed them (delivered input) and per channel: rows {"discipline_id",
    "discipline", "discipline_de", "channel", "pieces"}. A piece fed by two disciplines
    counts once for each; a piece published without expert input counts under
    discipline None. `discipline_ids`: only the input
    of these disciplines (a manager's scope). One aggregate query (the
    `cw_piece_published` index finds the period's pieces)."""
    pieces = ContentPiece.objects.filter(status=PieceStatus.PUBLISHED, published_on__range=(start, end)).annotate(
        fed=FilteredRelation("requests", condition=Q(requests__status__in=FED))
    )
    if discipline_ids is not None:
        pieces = pieces.filter(fed__target_discipline_id__in=discipline_ids)
    rows = (
        pieces.values(
            "channel", "fed__target_discipline_id", "fed__target_discipline__name", "fed__target_discipline__name_de"
        )
        .annotate(pieces=Count("pk", distinct=True))
        .order_by("fed__target_discipline__name", "channel")
    )
    return [
        {
            "discipline_id": row["fed__target_discipline_id"],
            "discipline": row["fed__target_discipline__name"],
            "discipline_de": row["fed__target_discipline__name_de"],
            "channel": row["channel"],
            "pieces": row["pieces"],
        }
        for row in rows
    ]


def expert_hours_per_published_piece(*, start, end):
    """Every piece published between `start` and `end`, with the hours experts booked on
    the contributions of the requests that feed it (0 without any): rows {"id", "title",
    "channel", "published_on", "expert_hours"}, newest publication first. One aggregate
    query."""
    hours = DecimalField(max_digits=10, decimal_places=2)
    return list(
        ContentPiece.objects.filter(status=PieceStatus.PUBLISHED, published_on__range=(start, end))
        .annotate(expert_hours=Coalesce(Sum("requests__contribution__hours_spent"), Value(0), output_field=hours))
        .values("id", "title", "channel", "published_on", "expert_hours")
        .order_by("-published_on", "-id")
    )


def pending_check(piece, user):
    """The final check of `piece` waiting for `user`'s answer (the latest round), or None."""
    return piece.checks.filter(expert=user, verdict="pending").order_by("-round").first()
