"""Data of the expert input workflow: requests, budgets, allocations, notifications."""

from content_workflow.models.budgets import (
    BudgetEntry,
    DeputyGrant,
    TimeAllocationRequest,
    TimeBudget,
    TimeBudgetGroupObjectPermission,
    TimeBudgetUserObjectPermission,
)
from content_workflow.models.notifications import Notification, NotificationPreference
from content_workflow.models.requests import (
    Attachment,
    Channel,
    Contribution,
    ExpertInputRequest,
    ExpertInputRequestGroupObjectPermission,
    ExpertInputRequestUserObjectPermission,
    Format,
    Priority,
    RequestEvent,
    ResponseTarget,
)
from content_workflow.models.submissions import SubmissionToken
from content_workflow.transitions import Status

__all__ = [
    "Attachment",
    "BudgetEntry",
    "Channel",
    "Contribution",
    "DeputyGrant",
    "ExpertInputRequest",
    "ExpertInputRequestGroupObjectPermission",
    "ExpertInputRequestUserObjectPermission",
    "Format",
    "Notification",
    "NotificationPreference",
    "Priority",
    "RequestEvent",
    "ResponseTarget",
    "Status",
    "SubmissionToken",
    "TimeAllocationRequest",
    "TimeBudget",
    "TimeBudgetGroupObjectPermission",
    "TimeBudgetUserObjectPermission",
]
