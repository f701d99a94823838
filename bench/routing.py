"""Routing throughput on the database at DATABASE_URL (a scratch copy: it writes).

    python bench/routing.py inprocess --count 100    # one process, at ~200 then ~2,000 experts
    python bench/routing.py worker --count 100       # through the Celery worker run.py started

Requests are made already submitted (bulk, so making them costs nothing measured), for
the demo manager's discipline (product), asked by the demo communicator, due next month,
with budget room approved first. In-process, each `request_route` runs with a query
counter, its after-commit work included: run.py gives it a broker, so the assignee's
notification e-mail is queued for a worker as in production (without a broker the e-mail
is attempted in-process, SMTP to localhost, and its statements count too). Prints one
JSON line.
"""

import argparse
import datetime
import json
import time
from decimal import Decimal

import django_env

django_env.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from content_workflow import services, tasks  # noqa: E402
from content_workflow.models import ExpertInputRequest  # noqa: E402
from content_workflow.transitions import Status  # noqa: E402
from disciplines.models import Discipline, Expertise, Membership  # noqa: E402

User = get_user_model()


def _setup():
    users = {u.username: u for u in User.objects.filter(username__in=["communicator", "manager"])}
    product = Discipline.objects.get(slug="product")
    due = (timezone.localdate().replace(day=1) + datetime.timedelta(days=45)).replace(day=14)
    services.budget_approve(
        actor=users["manager"],
        discipline=product,
        month=due,
        hours=Decimal(50000),
        reason="Benchmark: room for routing",
        idempotency_key=f"bench:{time.time_ns()}",
    )
    return users["communicator"], product, due


def _make(count, requester, product, due):
    tags = list(
        Expertise.objects.filter(
            user__memberships__discipline=product, user__memberships__function="expert"
        ).values_list("tags", flat=True)[:50]
    )
    now = timezone.now()
    rows = [
        ExpertInputRequest(
            title=f"Benchmark routing {n}",
            brief="Routing throughput.",
            topic_tags=(tags[n % len(tags)] if tags else [])[:2],
            requester=requester,
            target_discipline=product,
            estimated_hours=Decimal(1),
            due_date=due,
            status=Status.SUBMITTED,
            submitted_at=now,
            status_changed_at=now,
        )
        for n in range(count)
    ]
    return [r.pk for r in ExpertInputRequest.objects.bulk_create(rows)]


def _experts(product):
    return Membership.objects.filter(discipline=product, function=Membership.Function.EXPERT).count()


def _grow_experts(product, target):
    """Make more of the generated experts members of `product`, up to `target` in all."""
    have = set(Membership.objects.filter(discipline=product, function="expert").values_list("user_id", flat=True))
    more = (
        User.objects.filter(groups__name="expert").exclude(pk__in=have).order_by("pk").values_list("pk", flat=True)
    )[: max(0, target - len(have))]
    Membership.objects.bulk_create(
        [Membership(user_id=pk, discipline=product, function="expert", weekly_capacity_hours=4) for pk in more]
    )


def _route_all(ids):
    counts, outcomes = [], {}
    started = time.perf_counter()
    for pk in ids:
        with CaptureQueriesContext(connection) as captured:
            outcome = services.request_route(request_id=pk)
        counts.append(len(captured))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    elapsed = time.perf_counter() - started
    return {
        "routings": len(ids),
        "per_second": round(len(ids) / elapsed, 1),
        "queries_mean": round(sum(counts) / len(counts), 1),
        "queries_max": max(counts),
        "outcomes": outcomes,
    }


def inprocess(count):
    requester, product, due = _setup()
    results = []
    for target in (200, 2000):
        _grow_experts(product, target)
        ids = _make(count, requester, product, due)
        _route_all(ids[:2])  # warm-up: imports, caches, first plans
        result = _route_all(ids[2:])
        result["experts"] = _experts(product)
        results.append(result)
    return {"inprocess": results}


def worker(count, timeout):
    requester, product, due = _setup()
    warm = _make(1, requester, product, due)
    tasks.route_request.delay(warm[0])
    _wait(warm, timeout)
    ids = _make(count, requester, product, due)
    started = time.perf_counter()
    for pk in ids:
        tasks.route_request.delay(pk)
    done = _wait(ids, timeout)
    elapsed = time.perf_counter() - started
    return {
        "worker": {
            "routings": count,
            "done": done,
            "per_second": round(done / elapsed, 1),
            "experts": _experts(product),
        }
    }


def _wait(ids, timeout):
    waiting = [Status.SUBMITTED, Status.ROUTING]
    deadline = time.monotonic() + timeout
    while True:
        left = ExpertInputRequest.objects.filter(pk__in=ids, status__in=waiting).count()
        if not left or time.monotonic() > deadline:
            return len(ids) - left
        time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["inprocess", "worker"])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    result = inprocess(args.count) if args.mode == "inprocess" else worker(args.count, args.timeout)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
