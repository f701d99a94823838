"""Recovery within two minutes, with a real broker, worker and beat (issue 9, item 10).

Each test runs a redis-server of its own on a free port, so it can stop the broker, and
kill a worker holding a message, without disturbing anyone else's. The worker and beat
run with a short stuck threshold and sweep period so the tests finish in seconds; the
production values are held to the target by `recovery_bound` (tests/content_workflow).
"""

import datetime
import os
import shutil
import socket
import subprocess
import time
from decimal import Decimal

import psycopg2
import pytest
from celery import Celery
from celery import current_app as current_celery_app
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from content_workflow import services, tasks
from content_workflow.models import BudgetEntry, ExpertInputRequest, Notification, RequestEvent, Status, TimeBudget
from disciplines.models import Discipline, Expertise, Membership
from governance.access import Role
from governance.tasks import clear_expired_sessions
from tests.integration.conftest import start_celery, start_worker, stop
from tests.integration.polling import wait_for

pytestmark = pytest.mark.integration

TARGET = 120  # seconds: routed within two minutes of the broker and a worker being back
STUCK_SECONDS, SWEEP_SECONDS = 4, 2  # the test stack's; production's are in settings
FAST_SWEEP = {
    "CONTENT_WORKFLOW_STUCK_SECONDS": str(STUCK_SECONDS),
    "CONTENT_WORKFLOW_SWEEP_SECONDS": str(SWEEP_SECONDS),
}
ESTIMATE = Decimal("2.5")


class Broker:
    """A redis-server of the test's own, on a free port between 6390 and 6399."""

    def __init__(self, directory):
        self.directory = directory
        self.port = next((port for port in range(6390, 6400) if _free(port)), None)
        if self.port is None:
            pytest.fail("no free port between 6390 and 6399 for the test's own redis-server")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        if not wait_for(lambda: not _free(self.port), timeout=10):
            pytest.fail("the test's redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def _free(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def broker(tmp_path, transactional_db, django_db_serialized_rollback, settings):
    """The test's own broker, and this process's tasks sent to it (the Celery app of
    this thread points at it while the test runs)."""
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_INTEGRATION") == "1":
            pytest.fail("REQUIRE_INTEGRATION=1 but redis-server is not installed")
        pytest.skip("needs redis-server")
    settings.CONTENT_WORKFLOW_STUCK_SECONDS = STUCK_SECONDS  # for submits made in this process
    own = Broker(tmp_path)
    own.start()
    app = Celery("recovery-tests", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    # Not broker_url: the CELERY_BROKER_URL variable of this process would win over it.
    app.conf.broker_read_url = app.conf.broker_write_url = own.url
    previous = current_celery_app._get_current_object()
    app.set_current()
    own.app = app
    try:
        yield own
    finally:
        previous.set_current()
        app.close()
        if own.process.poll() is None:
            own.stop()


@pytest.fixture
def stack(broker, tmp_path):
    """Beat and workers on the test's broker; everything started is stopped at the end."""
    started = []

    class Stack:
        def beat(self):
            started.append(
                start_celery(
                    "beat", "--schedule", str(tmp_path / "beat-schedule"), CELERY_BROKER_URL=broker.url, **FAST_SWEEP
                )
            )

        def worker(self, name):
            started.append(start_worker(broker.app, name, CELERY_BROKER_URL=broker.url, **FAST_SWEEP))
            return started[-1]

    yield Stack()
    for process in started:
        stop(process)


@pytest.fixture
def product(make_model, make_user):
    """A hub and spoke model in which the requester's routing goes to `product.expert`."""
    make_model(spokes=("marketing", "product"), publish=True)
    hub = Discipline.objects.get(slug="corporate-communications")
    product = Discipline.objects.get(slug="product")
    product.requester = make_user(Role.COMMUNICATOR)
    product.expert = make_user(Role.EXPERT)
    manager = make_user(Role.MANAGER)
    Membership.objects.create(user=product.requester, discipline=hub, function=Membership.Function.COMMUNICATOR)
    Membership.objects.create(user=product.expert, discipline=product, function=Membership.Function.EXPERT)
    Membership.objects.create(user=manager, discipline=product, function=Membership.Function.MANAGER)
    Expertise.objects.create(user=product.expert, tags=["pricing"])
    product.due = timezone.localdate() + datetime.timedelta(days=10)
    product.budget = services.budget_approve(
        actor=manager, discipline=product, month=product.due, hours=10, reason="Integration test"
    )
    return product


def submit(product):
    return services.request_create(
        actor=product.requester,
        title="Pricing explained",
        brief="Why the pricing works as it does.",
        topic_tags=["pricing"],
        target_discipline=product,
        estimated_hours=ESTIMATE,
        due_date=product.due,
        submit=True,
    )


def status(request):
    return ExpertInputRequest.objects.get(pk=request.pk).status


def assert_routed_once(request, expert):
    """One move into routing... one assignment, one reservation, one notice."""
    request = ExpertInputRequest.objects.get(pk=request.pk)
    assert (request.status, request.assignee) == (Status.ASSIGNED, expert)
    events = RequestEvent.objects.filter(request=request)
    assert events.filter(to_status=Status.ASSIGNED).count() == 1
    assert BudgetEntry.objects.filter(request=request, kind=BudgetEntry.Kind.RESERVE).count() == 1
    assert TimeBudget.objects.get(pk=request.reservation_budget_id).reserved_hours == ESTIMATE
    assert Notification.objects.filter(request=request, recipient=expert, kind=Notification.Kind.ASSIGNED).count() == 1
    # The sweeper did it: nothing else would have sent the routing again.
    assert events.filter(kind=RequestEvent.Kind.SWEEP).exists()


def test_a_request_submitted_while_the_broker_is_down_is_routed_once_it_is_back(broker, stack, product):
    stack.beat()
    stack.worker("outage")
    broker.stop()

    request = submit(product)  # the message cannot be sent; the request is kept
    assert status(request) == Status.SUBMITTED

    broker.start()
    back = time.monotonic()
    assert wait_for(lambda: status(request) == Status.ASSIGNED, timeout=TARGET), (
        f"not routed within {TARGET} s of the broker's return: {status(request)}"
    )
    print(f"routed {time.monotonic() - back:.1f} s after the broker came back")
    assert_routed_once(request, product.expert)


def test_a_request_whose_worker_was_killed_mid_routing_is_routed_exactly_once(broker, stack, product):
    stack.beat()
    doomed = stack.worker("doomed")
    # Hold the budget row, so the worker stops inside routing: routing claims and decides
    # in one transaction, so the request still reads `submitted` to everyone else, the
    # reservation is written but not committed, and the message is unacked.
    db = connection.settings_dict
    blocker = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or "localhost", port=db["PORT"]
    )
    try:
        with blocker.cursor() as cursor:
            cursor.execute("SELECT 1 FROM content_workflow_timebudget WHERE id = %s FOR UPDATE", [product.budget.pk])
            request = submit(product)
            assert wait_for(lambda: _blocked_by(blocker), timeout=30), (
                f"the worker did not stop at the budget: the request is {status(request)}"
            )
        assert status(request) == Status.SUBMITTED
        doomed.kill()  # SIGKILL: no acknowledgement, no clean-up
        doomed.wait(timeout=10)
        killed = time.monotonic()
    finally:
        blocker.rollback()  # the dead worker's transaction is rolled back by PostgreSQL
        blocker.close()

    stack.worker("rescuer")  # started at once: the target counts from here on
    assert wait_for(lambda: status(request) == Status.ASSIGNED, timeout=TARGET), (
        f"not routed within {TARGET} s of a worker being available: {status(request)}"
    )
    print(f"routed {time.monotonic() - killed:.1f} s after the worker was killed and a new one started")

    # Redis hands the dead worker's message back after the visibility timeout (an hour):
    # send that duplicate now, then a marker task behind it, and wait for the marker.
    tasks.route_request.delay(request.pk)
    expired = Session.objects.create(session_key="r" * 32, session_data="", expire_date=timezone.now())
    clear_expired_sessions.delay()
    assert wait_for(lambda: not Session.objects.filter(pk=expired.pk).exists(), timeout=30)
    assert_routed_once(request, product.expert)
    assert RequestEvent.objects.filter(request=request, to_status=Status.ROUTING).count() == 1


def _blocked_by(blocker):
    # Asked on another connection: inside the blocker's transaction pg_stat_activity
    # would keep showing the snapshot of its first read.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [blocker.get_backend_pid()]
        )
        return cursor.fetchone()[0] > 0
