"""A real Celery worker process against the test database and the configured broker.

These tests run only when CELERY_BROKER_URL is set and the database is PostgreSQL; CI
sets REQUIRE_INTEGRATION=1 so that a missing service fails instead of skipping.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config, items):
    reason = None
    if not os.environ.get("CELERY_BROKER_URL"):
        reason = "needs CELERY_BROKER_URL (Redis)"
    elif "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        reason = "needs DATABASE_URL pointing at PostgreSQL"
    if reason is None:
        return
    if os.environ.get("REQUIRE_INTEGRATION") == "1":
        raise pytest.UsageError(f"REQUIRE_INTEGRATION=1 but the integration tests cannot run: {reason}")
    for item in items:
        if item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.skip(reason=reason))


def _database_url_for(name):
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def start_celery(*args, **env):
    """Start `celery -A governance <args>` on the test database, with `env` added."""
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url_for(connection.settings_dict["NAME"]),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "governance", *args, "--loglevel", "INFO"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def start_worker(app, name, **env):
    """A solo-pool worker (one process: SIGKILL takes the task with it); returned once it
    answers a ping through `app`'s broker."""
    node = f"{name}-{os.getpid()}"
    process = start_celery(
        "worker",
        "--pool",
        "solo",
        "--hostname",
        f"{node}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        **env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited early:\n{process.stdout.read()}")
        replies = app.control.ping(timeout=1)
        if any(name.startswith(f"{node}@") for reply in replies for name in reply):
            return process
    stop(process)
    pytest.fail("the Celery worker did not answer a ping within 60 s")


def stop(process):
    """Stop a process started here and print its log (pytest shows it when a test fails)."""
    if process.poll() is None:
        process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)


@pytest.fixture
def celery_worker_process(transactional_db, django_db_serialized_rollback):
    """Start `celery worker` on the test database; yield once it answers a ping."""
    from governance.celery import app

    process = start_worker(app, "integration")
    try:
        yield process
    finally:
        stop(process)
