"""The states of an expert input request and who may move it where: one table.

`TRANSITIONS[current][next]` is the set of actors that may make that move. Every service
that changes a request's status asks `check_transition` first, so pages, the API, tasks
and admin actions share the same rules. A move that is not in the table is an
`IllegalTransition` (409 in the API, a form error on pages), never a 500.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.errors import DomainError


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ROUTING = "routing", _("Routing")
    AWAITING_ALLOCATION = "awaiting_allocation", _("Awaiting time allocation")
    UNROUTABLE = "unroutable", _("Nobody suitable found")
    ASSIGNED = "assigned", _("Assigned")
    DECLINED = "declined", _("Declined")
    ACCEPTED = "accepted", _("Accepted")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Actor(StrEnum):
    """Who someone is *for one request*; see `permissions.actors_for`."""

    REQUESTER = "requester"
    ASSIGNEE = "assignee"
    MANAGER = "manager"  # of the target discipline, or a deputy while granted
    ADMIN = "admin"  # a superuser
    SYSTEM = "system"  # routing, the sweeper and other tasks


S, A = Status, Actor
CANCELLERS = frozenset({A.REQUESTER, A.ADMIN})

TRANSITIONS: dict[str, dict[str, frozenset[Actor]]] = {
    S.DRAFT: {
        S.SUBMITTED: frozenset({A.REQUESTER}),
        S.CANCELLED: CANCELLERS,
    },
    S.SUBMITTED: {
        S.ROUTING: frozenset({A.SYSTEM}),
        # The sweeper gives up after N attempts: a manager then picks someone.
        S.UNROUTABLE: frozenset({A.SYSTEM}),
        S.CANCELLED: CANCELLERS,
    },
    S.ROUTING: {
        S.ASSIGNED: frozenset({A.SYSTEM}),
        S.AWAITING_ALLOCATION: frozenset({A.SYSTEM}),
        S.UNROUTABLE: frozenset({A.SYSTEM}),
        S.CANCELLED: CANCELLERS,
    },
    S.AWAITING_ALLOCATION: {
        # A manager approved the time, or the requester accepted a smaller estimate.
        S.ROUTING: frozenset({A.MANAGER, A.REQUESTER, A.SYSTEM}),
        # A manager named an expert (and granted the time with it).
        S.ASSIGNED: frozenset({A.MANAGER}),
        # A manager refused the time: back to the requester, who may revise and resubmit.
        S.DRAFT: frozenset({A.MANAGER}),
        S.CANCELLED: CANCELLERS,
    },
    S.UNROUTABLE: {
        S.ASSIGNED: frozenset({A.MANAGER}),
        S.CANCELLED: CANCELLERS,
    },
    S.ASSIGNED: {
        S.ACCEPTED: frozenset({A.ASSIGNEE}),
        S.DECLINED: frozenset({A.ASSIGNEE}),
        S.ASSIGNED: frozenset({A.MANAGER}),  # reassign to someone else
        S.CANCELLED: CANCELLERS,
    },
    S.DECLINED: {
        S.ROUTING: frozenset({A.SYSTEM}),
        S.UNROUTABLE: frozenset({A.SYSTEM}),
        S.CANCELLED: CANCELLERS,
    },
    S.ACCEPTED: {
        S.DELIVERED: frozenset({A.ASSIGNEE}),
        S.ASSIGNED: frozenset({A.MANAGER}),  # reassign; the new expert accepts again
        S.CANCELLED: CANCELLERS,
    },
    S.DELIVERED: {
        S.COMPLETED: frozenset({A.REQUESTER}),
    },
    S.COMPLETED: {},
    S.CANCELLED: {},
}

# Work is going on for these: reminders, the overdue flag and open load count them.
OPEN_WORK = frozenset({S.ASSIGNED, S.ACCEPTED})
# Not finished yet: the due date still matters.
UNFINISHED = frozenset(
    {S.SUBMITTED, S.ROUTING, S.AWAITING_ALLOCATION, S.UNROUTABLE, S.ASSIGNED, S.DECLINED, S.ACCEPTED}
)
# Waiting for the routing task; the sweeper re-enqueues these when they sit too long.
ROUTABLE = frozenset({S.SUBMITTED, S.ROUTING, S.DECLINED})
FINAL = frozenset(state for state, targets in TRANSITIONS.items() if not targets)


class IllegalTransition(DomainError):
    """The request cannot move from its current state to the one asked for."""

    http_status = 409

    def __init__(self, current, wanted):
        super().__init__(
            gettext("A request that is “%(current)s” cannot become “%(wanted)s”.")
            % {"current": Status(current).label, "wanted": Status(wanted).label},
            code="illegal_transition",
        )
        self.current = current
        self.wanted = wanted


def allowed_actors(current, wanted):
    """The actors that may move a request from `current` to `wanted` (empty: nobody)."""
    return TRANSITIONS.get(current, {}).get(wanted, frozenset())


def check_transition(current, wanted):
    """Raise `IllegalTransition` unless the table has the move at all."""
    if wanted not in TRANSITIONS.get(current, {}):
        raise IllegalTransition(current, wanted)


def next_states(current, actors):
    """Where these actors may take a request in state `current` (for buttons and the API)."""
    return [wanted for wanted, who in TRANSITIONS.get(current, {}).items() if who & set(actors)]
