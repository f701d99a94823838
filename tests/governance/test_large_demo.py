"""`seed_demo --scale large`, shrunk: the generated history must obey the same rules as
one the services wrote (ledger sums, reservations, timelines), and a second run must
change nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.utils import translation

from content_workflow import demo_history
from content_workflow.demo import DEMO_REQUESTS
from content_workflow.models import (
    BudgetEntry,
    ExpertInputRequest,
    Notification,
    RequestEvent,
    RequestTally,
    TimeBudget,
)
from governance import large_demo
from governance.large_demo import people, workflow

pytestmark = pytest.mark.postgres


@pytest.fixture
def small_scale(monkeypatch, settings):
    settings.DEBUG = True
    size = large_demo.Size(users=300, experts=120, managers=48, leads=2, executives=2, requests=2000, shares=20)
    monkeypatch.setitem(large_demo.SIZES, "large", size)
    monkeypatch.setattr(workflow, "BATCH", 500)


def _generated_users():
    return get_user_model().objects.filter(email__endswith="@" + people.EMAIL_DOMAIN).count()


def test_large_set_is_consistent_and_generated_once(db, small_scale):
    call_command("seed_demo", "--scale", "large")

    assert _generated_users() == 300
    # The demo's own requests, and its year of history, are not the generator's.
    generated = ExpertInputRequest.objects.exclude(title__in=[row[0] for row in DEMO_REQUESTS]).exclude(
        title__startswith=demo_history.TITLE
    )
    assert generated.count() == 2000
    statuses = set(generated.values_list("status", flat=True))
    assert {"draft", "assigned", "accepted", "delivered", "completed", "cancelled"} <= statuses

    # Every budget's counters are its ledger's sums, as ledger_write keeps them.
    for budget in TimeBudget.objects.all():
        sums = {
            row["kind"]: row["total"]
            for row in BudgetEntry.objects.filter(budget=budget).values("kind").annotate(total=Sum("hours"))
        }
        zero = Decimal(0)
        assert budget.approved_hours == sums.get("approve", zero) + sums.get("adjust", zero)
        assert budget.reserved_hours == (
            sums.get("reserve", zero) - sums.get("release", zero) - sums.get("consume", zero)
        )
        assert budget.used_hours == sums.get("consume", zero)
        assert budget.overrun_hours == sums.get("overrun", zero)
        held = ExpertInputRequest.objects.filter(reservation_budget=budget).aggregate(total=Sum("reserved_hours"))
        assert budget.reserved_hours == (held["total"] or zero)

    # Each timeline starts as a draft and ends in the request's status.
    for request in generated.order_by("?")[:200]:
        events = list(RequestEvent.objects.filter(request=request).order_by("created_at", "pk"))
        assert events[0].to_status == "draft"
        assert events[-1].to_status == request.status
    assert Notification.objects.filter(request__in=generated).exists()
    # Notifications are stored as params and read in the reader's language, like the services' own.
    assert not Notification.objects.filter(request__in=generated, params={}).exists()
    for notification in Notification.objects.filter(request__in=generated).order_by("?")[:50]:
        with translation.override("de"):
            assert notification.text and "%(" not in notification.text

    # The kept counts add up to the requests, though the load went around their triggers.
    kept = RequestTally.objects.order_by().values("discipline_id", "status").annotate(n=Sum("delta"))
    real = ExpertInputRequest.objects.order_by().values("target_discipline_id", "status").annotate(n=Count("id"))
    assert {(r["discipline_id"], r["status"]): r["n"] for r in kept if r["n"]} == {
        (r["target_discipline_id"], r["status"]): r["n"] for r in real
    }

    before = (_generated_users(), ExpertInputRequest.objects.count(), BudgetEntry.objects.count())
    with pytest.raises(CommandError, match="already in this database"):
        call_command("seed_demo", "--scale", "large")
    assert (_generated_users(), ExpertInputRequest.objects.count(), BudgetEntry.objects.count()) == before
