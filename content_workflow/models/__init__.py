"""Data of the expert input workflow: requests, budgets, allocations, notifications, and
the content pieces the input feeds."""

from content_workflow.models.budgets import (
    BudgetEntry,
    DeputyGrant,
    TimeAllocationRequest,
    TimeBudget,
    TimeBudgetGroupObjectPermission,
    TimeBudgetUserObjectPermission,
)
from content_workflow.models.checks import FinalCheck
from content_workflow.models.notifications import Notification, NotificationPreference
from content_workflow.models.pieces import (
    CalendarFeed,
    Channel,
    ContentPiece,
    ContentVersion,
    Format,
    PieceEvent,
)
from content_workflow.models.requests import (
    Attachment,
    Contribution,
    ExpertInputRequest,
    ExpertInputRequestGroupObjectPermission,
    ExpertInputRequestUserObjectPermission,
    Priority,
    RequestEvent,
    ResponseTarget,
)
from content_workflow.models.submissions import SubmissionToken
from content_workflow.models.tally import RequestTally
from content_workflow.piece_transitions import PieceStatus
from content_workflow.transitions import Status

__all__ = [
    "Attachment",
    "BudgetEntry",
    "CalendarFeed",
    "Channel",
    "ContentPiece",
    "ContentVersion",
    "Contribution",
    "DeputyGrant",
    "FinalCheck",
    "ExpertInputRequest",
    "ExpertInputRequestGroupObjectPermission",
    "ExpertInputRequestUserObjectPermission",
    "Format",
    "Notification",
    "NotificationPreference",
    "PieceEvent",
    "PieceStatus",
    "Priority",
    "RequestEvent",
    "RequestTally",
    "ResponseTarget",
    "Status",
    "SubmissionToken",
    "TimeAllocationRequest",
    "TimeBudget",
    "TimeBudgetGroupObjectPermission",
    "TimeBudgetUserObjectPermission",
]
