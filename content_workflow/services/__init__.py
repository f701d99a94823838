"""Every write of the expert input workflow, one function per use case.

Pages, the API, Celery tasks and admin actions call these and nothing else. Each takes
keyword arguments, checks the actor's permission, locks what it changes, and schedules
follow-up work to run after the commit.
"""

from content_workflow.services.allocations import (
    AllocationDecided,
    allocation_accept_offer,
    allocation_approve,
    allocation_reassign,
    allocation_reject,
    allocation_withdraw,
)
from content_workflow.services.budgets import BudgetExceeded, budget_adjust, budget_approve, ledger_write
from content_workflow.services.checks import final_check_answer, final_check_reminders_send
from content_workflow.services.deputies import deputy_grant_revoke, deputy_grants_sync
from content_workflow.services.notifications import (
    digests_send,
    notification_email_send,
    notification_mark_read,
    notification_preference_set,
    notifications_mark_all_read,
)
from content_workflow.services.periodic import (
    escalations_send,
    lost_emails_resend,
    overdue_flag,
    reminders_send,
    stuck_sweep,
)
from content_workflow.services.pieces import (
    calendar_feed_renew,
    calendar_feed_revoke,
    piece_create,
    piece_reschedule,
    piece_transition,
    piece_update,
)
from content_workflow.services.requests import (
    request_accept,
    request_cancel,
    request_complete,
    request_create,
    request_decline,
    request_deliver,
    request_rating_change,
    request_reassign,
    request_share,
    request_submit,
    request_update,
    response_target_set,
)
from content_workflow.services.routing import request_route
from content_workflow.services.tally import request_tallies_compact, request_tallies_rebuild

__all__ = [
    "AllocationDecided",
    "BudgetExceeded",
    "allocation_accept_offer",
    "allocation_approve",
    "allocation_reassign",
    "allocation_reject",
    "allocation_withdraw",
    "budget_adjust",
    "calendar_feed_renew",
    "calendar_feed_revoke",
    "budget_approve",
    "deputy_grant_revoke",
    "deputy_grants_sync",
    "digests_send",
    "escalations_send",
    "final_check_answer",
    "final_check_reminders_send",
    "ledger_write",
    "lost_emails_resend",
    "notification_email_send",
    "notification_mark_read",
    "notification_preference_set",
    "notifications_mark_all_read",
    "overdue_flag",
    "piece_create",
    "piece_reschedule",
    "piece_transition",
    "piece_update",
    "reminders_send",
    "request_accept",
    "request_cancel",
    "request_complete",
    "request_rating_change",
    "request_create",
    "request_decline",
    "request_deliver",
    "request_reassign",
    "request_route",
    "request_share",
    "request_submit",
    "request_tallies_compact",
    "request_tallies_rebuild",
    "request_update",
    "response_target_set",
    "stuck_sweep",
]
