from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions():
    """Periodic: expired sessions otherwise pile up in the database for ever."""
    call_command("clearsessions")
