"""Celery tasks: thin wrappers that take ids, reload and call a service.

Every task is safe to run twice or on two workers at once (the services claim their
rows under locks or with conditional UPDATEs), because with late acknowledgement a
message can be delivered again after a worker died.
"""

from celery import shared_task

from content_workflow import services


# Cut off well before the sweeper's stuck threshold (see services/periodic.py), so the
# sweeper never re-queues a request that a live routing task is still working on.
@shared_task(soft_time_limit=20, time_limit=30)
def route_request(request_id):
    return services.request_route(request_id=request_id)


@shared_task
def send_notification_email(notification_id):
    return services.notification_email_send(notification_id=notification_id)


@shared_task
def sweep_stuck_requests():
    """Periodic (every few seconds, cheap): re-queue routing whose message was lost;
    give up with an alert after N tries."""
    return services.stuck_sweep()


@shared_task
def compact_request_tallies():
    """Periodic: fold the kept request counts into one row per discipline and status."""
    return services.request_tallies_compact()


@shared_task
def resend_lost_emails():
    """Periodic: send again the e-mails whose send task never ran."""
    return services.lost_emails_resend()


@shared_task
def run_deadlines():
    """Periodic: reminders, escalation to managers, the overdue flag."""
    return {
        "reminded": services.reminders_send(),
        "escalated": services.escalations_send(),
        "overdue": services.overdue_flag(),
        "final_checks_reminded": services.final_check_reminders_send(),
    }


@shared_task
def sync_deputy_grants():
    """Periodic: grant deputies for running absences, take back ended grants."""
    return services.deputy_grants_sync()


@shared_task
def send_digests():
    """Periodic (hourly is fine): each person's daily digest, once a day from the digest hour."""
    return services.digests_send()


@shared_task
def expire_submission_tokens():
    """Periodic: delete the one-time tokens of forms too old to be sent."""
    from content_workflow.submissions import submission_tokens_expire

    return submission_tokens_expire()
