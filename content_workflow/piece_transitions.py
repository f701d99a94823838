"""The states of a content piece and who may move it where: one table.

`PIECE_TRANSITIONS[current][next]` is the set of actors that may make that move, the way
`transitions.TRANSITIONS` rules requests. Every piece service asks `check_piece_transition`
first, so pages, the API and the admin share the same rules; a move that is not in the
table is an `IllegalPieceTransition` (409 in the API, an error message on pages).

The final check (issue 11, item 3) plugs in here: today an editor approves a piece in
final check by hand; once experts' checks exist, `IN_FINAL_CHECK -> APPROVED` becomes the
system's move when every check is approved, and `IN_FINAL_CHECK -> IN_PRODUCTION` the
result of a request for changes.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.errors import DomainError


class PieceStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    IN_PRODUCTION = "in_production", _("In production")
    IN_FINAL_CHECK = "in_final_check", _("In final check")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class PieceActor(StrEnum):
    """Who someone is *for one piece*; see `permissions.piece_actors_for`."""

    EDITOR = "editor"  # the owner, or a communicator of the piece's team
    ADMIN = "admin"  # a superuser
    SYSTEM = "system"  # tasks (the final check, once it exists)


P, A = PieceStatus, PieceActor
EDITORS = frozenset({A.EDITOR, A.ADMIN})

PIECE_TRANSITIONS: dict[str, dict[str, frozenset[PieceActor]]] = {
    P.IDEA: {
        P.IN_PRODUCTION: EDITORS,
        P.ARCHIVED: EDITORS,
    },
    P.IN_PRODUCTION: {
        P.IN_FINAL_CHECK: EDITORS,
        P.IDEA: EDITORS,  # back on the shelf
        P.ARCHIVED: EDITORS,
    },
    P.IN_FINAL_CHECK: {
        P.APPROVED: frozenset({A.EDITOR, A.ADMIN, A.SYSTEM}),
        P.IN_PRODUCTION: frozenset({A.EDITOR, A.ADMIN, A.SYSTEM}),  # changes needed
    },
    P.APPROVED: {
        P.PUBLISHED: EDITORS,  # with the published URL and date
        P.IN_PRODUCTION: EDITORS,  # reopened before it went out
        P.ARCHIVED: EDITORS,
    },
    P.PUBLISHED: {
        P.ARCHIVED: EDITORS,
    },
    P.ARCHIVED: {},
}

# The text may change in these states; in final check it is frozen (the experts check
# one version), and a published or archived piece is a record.
TEXT_EDITABLE = frozenset({P.IDEA, P.IN_PRODUCTION, P.APPROVED})
# Still to come out: the calendar places these on their planned date.
PLANNED = frozenset({P.IDEA, P.IN_PRODUCTION, P.IN_FINAL_CHECK, P.APPROVED})

# The API's and the pages' action names, one per target state.
PIECE_ACTIONS = {
    "start": P.IN_PRODUCTION,
    "shelve": P.IDEA,
    "send_to_final_check": P.IN_FINAL_CHECK,
    "approve": P.APPROVED,
    "publish": P.PUBLISHED,
    "archive": P.ARCHIVED,
}
# Moving back to production from final check or approved reads as "rework".
REWORK = "rework"


def action_for(current, wanted):
    """The action name that moves a piece from `current` to `wanted`."""
    if wanted == P.IN_PRODUCTION and current in (P.IN_FINAL_CHECK, P.APPROVED):
        return REWORK
    return next(name for name, target in PIECE_ACTIONS.items() if target == wanted)


def target_of(action, current):
    """The state `action` leads to from `current` (None: no such action)."""
    if action == REWORK:
        return P.IN_PRODUCTION if current in (P.IN_FINAL_CHECK, P.APPROVED) else None
    target = PIECE_ACTIONS.get(action)
    if target == P.IN_PRODUCTION and current != P.IDEA:
        return None  # "start" is from an idea; back from a check is "rework"
    return target


ALL_ACTIONS = (*PIECE_ACTIONS, REWORK)


class IllegalPieceTransition(DomainError):
    """The piece cannot move from its current state to the one asked for."""

    http_status = 409

    def __init__(self, current, wanted):
        super().__init__(
            gettext("A content piece that is “%(current)s” cannot become “%(wanted)s”.")
            % {"current": PieceStatus(current).label, "wanted": PieceStatus(wanted).label if wanted else "?"},
            code="illegal_transition",
        )
        self.current = current
        self.wanted = wanted


def allowed_piece_actors(current, wanted):
    return PIECE_TRANSITIONS.get(current, {}).get(wanted, frozenset())


def check_piece_transition(current, wanted):
    if wanted not in PIECE_TRANSITIONS.get(current, {}):
        raise IllegalPieceTransition(current, wanted)


def next_piece_actions(current, actors):
    """The action names these actors may take on a piece in state `current`."""
    return [
        action_for(current, wanted) for wanted, who in PIECE_TRANSITIONS.get(current, {}).items() if who & set(actors)
    ]
