import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from governance.tasks import clear_expired_sessions
from governance.transactions import enqueue_on_commit
from tests.integration.polling import wait_for

pytestmark = pytest.mark.integration


def test_work_enqueued_on_commit_is_done_by_the_worker(celery_worker_process):
    expired = Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(1))
    with transaction.atomic():
        enqueue_on_commit(clear_expired_sessions)
        # Nothing is sent before the commit: the worker must not see half-written state.
        time.sleep(0.5)
        assert Session.objects.filter(pk=expired.pk).exists()
    assert wait_for(lambda: not Session.objects.filter(pk=expired.pk).exists()), "the worker did not clear the session"
