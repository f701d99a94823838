from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions():
    """Periodic: expired sessions otherwise pile up in the database for ever."""
    call_command("clearsessions")


@shared_task
def send_weekly_digests():
    """Periodic (hourly): each executive's and manager's weekly summary, once a week from Monday's digest hour."""
    from governance.digest import weekly_digests_send

    return weekly_digests_send()


@shared_task
def expire_old_assessments():
    """Periodic (daily): delete assessments older than ASSESSMENT_RETENTION_DAYS."""
    from governance.personal_data import assessments_expire

    return assessments_expire()
