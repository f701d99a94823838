"""Tasks are thin, take ids, and are scheduled by beat."""

import pytest
from django.conf import settings

from content_workflow import tasks
from governance.celery import app


def test_beat_runs_every_periodic_job_of_the_workflow():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in (
        "sweep_stuck_requests",
        "resend_lost_emails",
        "compact_request_tallies",
        "run_deadlines",
        "sync_deputy_grants",
        "send_digests",
    ):
        task = f"content_workflow.tasks.{name}"
        assert task in scheduled
        assert task in app.tasks


@pytest.mark.django_db
def test_tasks_for_missing_rows_do_nothing():
    assert tasks.send_notification_email.delay(999999).get() is False
    assert tasks.route_request.delay(999999).get() == "skipped"


def test_periodic_tasks_are_cheap_when_empty(db):
    assert tasks.sweep_stuck_requests.delay().get() == {"requeued": 0, "gave_up": 0}
    assert tasks.resend_lost_emails.delay().get() == 0
    assert tasks.compact_request_tallies.delay().get() == 0
    assert tasks.sync_deputy_grants.delay().get() == {"granted": 0, "revoked": 0}
