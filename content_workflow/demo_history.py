"""A year of history for the demo (`seed_demo`), so the dashboards tell a story on a fresh
`make run`: for each of the last twelve months, product's approved budget and a handful
of requests asked by the demo communicator and delivered by product's experts (with
three former colleagues, so the figures are not withheld as "fewer than 3 people"),
completed and rated, with some declines, a cancellation and overruns along the way.

The budget moves only through the ledger (`ledger_write`: approve, reserve, consume,
release, overrun), so its counters equal its entries as everywhere else; the past
timestamps are set on the rows afterwards (the services stamp "now"). Idempotent: a
second run finds the history and adds nothing. Small on purpose (about 70 requests):
the large benchmark set is `seed_demo --scale medium|large`.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from content_workflow.models import (
    BudgetEntry,
    Contribution,
    ExpertInputRequest,
    RequestEvent,
    Status,
    TimeBudget,
)
from content_workflow.services.budgets import ledger_write
from disciplines.models import Expertise, Membership

MONTHS = 12
TITLE = "Earlier: "  # every history request's title starts so (and the second run stops)
HISTORY_EXPERTS = [
    ("nora.kraus", "Nora", "Kraus", ["api", "pricing"]),
    ("tim.berger", "Tim", "Berger", ["security", "compliance"]),
    ("lena.vogt", "Lena", "Vogt", ["roadmap", "ai"]),
]
TOPICS = [
    ("Pricing questions from the webinar", ["pricing"]),
    ("API limits explained", ["api"]),
    ("Security review quotes", ["security"]),
    ("Roadmap teaser for LinkedIn", ["roadmap"]),
    ("AI features: what is real", ["ai"]),
    ("Compliance FAQ for sales", ["compliance"]),
    ("Customer story: onboarding in a week", ["api"]),
]


def _month_start(months_back, today):
    first = today.replace(day=1)
    for _ in range(months_back):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _experts(product):
    User = get_user_model()
    experts = []
    for username, first, last, tags in HISTORY_EXPERTS:
        # Colleagues who have since moved on: their work is in the history, but nobody
        # signs in as them and routing never picks them (it takes active people only),
        # so new demo requests go to the experts one can sign in as.
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com", "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, discipline=product, function=Membership.Function.EXPERT, defaults={"weekly_capacity_hours": 4}
        )
        Expertise.objects.get_or_create(user=user, defaults={"tags": tags})
        experts.append(user)
    return experts


def seed_history(*, users, product, today=None):
    """Twelve months of product's requests; returns how many were made (0: there already)."""
    today = today or timezone.localdate()
    if ExpertInputRequest.objects.filter(title__startswith=TITLE).exists():
        return 0
    experts = [*_experts(product), users["expert"], users["expert2"]]
    requester = users["communicator"]
    rng = random.Random(2026)  # the same history on every machine
    made = 0
    for months_back in range(MONTHS, 0, -1):
        month = _month_start(months_back, today)
        budget, _created = TimeBudget.objects.get_or_create(discipline=product, month=month)
        ledger_write(
            budget=budget,
            kind=BudgetEntry.Kind.APPROVE,
            hours=Decimal(40),
            key=f"demo-history:{month:%Y-%m}:approve",
            actor=users["manager"],
            note="Demo: monthly time for expert input",
        )
        for number in range(4 + months_back % 3 + (MONTHS - months_back) // 3):
            made += _one(rng, budget, month, number, requester, experts, product, users["manager"])
    return made


def _one(rng, budget, month, number, requester, experts, product, manager):
    topic, tags = TOPICS[(month.month + number) % len(TOPICS)]
    estimate = Decimal(rng.choice([1, 1.5, 2, 2.5, 3]))
    submitted = _at(month + datetime.timedelta(days=rng.randint(0, 20)), 9)
    due = (submitted + datetime.timedelta(days=rng.randint(5, 9))).date()
    expert = experts[(month.month * 7 + number) % len(experts)]
    cancelled = number == 5
    request = ExpertInputRequest.objects.create(
        title=f"{TITLE}{topic} ({month:%b %Y})",
        brief="From the demo's history: input for a post, an article or service replies.",
        topic_tags=tags,
        requester=requester,
        target_discipline=product,
        estimated_hours=estimate,
        due_date=due,
        status=Status.CANCELLED if cancelled else Status.COMPLETED,
    )
    key = f"demo-history:request:{request.pk}"
    events = [(submitted, Status.DRAFT, Status.SUBMITTED, None, {})]
    assigned = submitted + datetime.timedelta(hours=rng.randint(1, 20))
    if number % 4 == 3:  # someone declined first; routing asked the next expert
        other = experts[(experts.index(expert) + 1) % len(experts)]
        events += [
            (assigned, Status.ROUTING, Status.ASSIGNED, other, {}),
            (assigned + datetime.timedelta(hours=3), Status.ASSIGNED, Status.DECLINED, None, {}),
        ]
        assigned += datetime.timedelta(hours=4)
    events.append((assigned, Status.ROUTING, Status.ASSIGNED, expert, {}))
    fields = {"submitted_at": submitted, "assigned_at": assigned, "assignee": expert}
    if cancelled:
        events.append((assigned + datetime.timedelta(days=1), Status.ASSIGNED, Status.CANCELLED, None, {}))
        fields["cancelled_at"] = assigned + datetime.timedelta(days=1)
    else:
        ledger_write(
            budget=budget, kind=BudgetEntry.Kind.RESERVE, hours=estimate, key=f"{key}:reserve", request=request
        )
        spent = estimate + Decimal(rng.choice([-0.5, 0, 0, 0.5, 1])) if estimate > 1 else estimate
        delivered = assigned + datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
        completed = delivered + datetime.timedelta(days=rng.randint(0, 2), hours=2)
        used = min(spent, estimate)
        ledger_write(budget=budget, kind=BudgetEntry.Kind.CONSUME, hours=used, key=f"{key}:consume", request=request)
        # What was reserved and not used goes back; what was spent beyond it is overrun.
        for kind, hours in ((BudgetEntry.Kind.RELEASE, estimate - used), (BudgetEntry.Kind.OVERRUN, spent - estimate)):
            if hours > 0:
                ledger_write(budget=budget, kind=kind, hours=hours, key=f"{key}:{kind.value}", request=request)
        contribution = Contribution.objects.create(
            request=request,
            author=expert,
            text="The facts, two quotes and a link to the source.",
            hours_spent=spent,
            usefulness=rng.choice([3, 4, 4, 5, 5]),
            thanks=rng.choice(["", "", "Exactly what we needed.", "Thank you, the quote made the post."]),
        )
        Contribution.objects.filter(pk=contribution.pk).update(created_at=delivered)
        events += [
            (assigned + datetime.timedelta(hours=2), Status.ASSIGNED, Status.ACCEPTED, None, {}),
            (delivered, Status.ACCEPTED, Status.DELIVERED, None, {}),
            (completed, Status.DELIVERED, Status.COMPLETED, None, {}),
        ]
        fields.update(
            accepted_at=assigned + datetime.timedelta(hours=2),
            delivered_at=delivered,
            completed_at=completed,
            reservation_budget=budget,
            reservation_cycle=1,
        )
    RequestEvent.objects.bulk_create(
        [
            RequestEvent(
                request=request,
                kind=RequestEvent.Kind.TRANSITION,
                actor=requester if to in (Status.SUBMITTED, Status.COMPLETED, Status.CANCELLED) else None,
                assignee=assignee,
                from_status=from_status,
                to_status=to,
                data=data,
                created_at=when,
            )
            for when, from_status, to, assignee, data in events
        ]
    )
    last = events[-1][0]
    ExpertInputRequest.objects.filter(pk=request.pk).update(
        created_at=submitted, updated_at=last, status_changed_at=last, **fields
    )
    return 1
