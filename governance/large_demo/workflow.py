"""The large set's expert input history: requests in every state with their timeline,
the budget ledger that their reservations wrote, contributions, allocations and the
notifications people got, generated in batches and loaded with COPY.

The ledger is consistent the way `services.budgets.ledger_write` keeps it: every budget's
counters are the sums of its entries (approve, reserve, consume, release, overrun), and a
request that holds a reservation names its budget and the hours it holds.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import F

from content_workflow.models import (
    BudgetEntry,
    Contribution,
    ExpertInputRequest,
    Notification,
    RequestEvent,
    TimeAllocationRequest,
    TimeBudget,
)
from content_workflow.models.requests import Channel, Format
from content_workflow.notification_texts import hours_param, month_param
from content_workflow.transitions import ROUTABLE, UNFINISHED, Status
from governance.large_demo.copy import copy_rows, next_id

S = Status
BATCH = 10_000
HISTORY_DAYS = 730
ROUTED = ["draft", "submitted", "routing"]
PATHS = {
    S.DRAFT: ["draft"],
    S.SUBMITTED: ["draft", "submitted"],
    S.ROUTING: ROUTED,
    S.AWAITING_ALLOCATION: [*ROUTED, "awaiting_allocation"],
    S.UNROUTABLE: [*ROUTED, "unroutable"],
    S.ASSIGNED: [*ROUTED, "assigned"],
    S.DECLINED: [*ROUTED, "assigned", "declined"],
    S.ACCEPTED: [*ROUTED, "assigned", "accepted"],
    S.DELIVERED: [*ROUTED, "assigned", "accepted", "delivered"],
    S.COMPLETED: [*ROUTED, "assigned", "accepted", "delivered", "completed"],
}
# Requests due long ago have mostly ended; recent ones are spread over the open states.
PAST = {S.COMPLETED: 84, S.CANCELLED: 9, S.DELIVERED: 4, S.UNROUTABLE: 1, S.DRAFT: 2}
RECENT = {
    S.DRAFT: 5,
    S.SUBMITTED: 2,
    S.ROUTING: 1,
    S.AWAITING_ALLOCATION: 4,
    S.UNROUTABLE: 3,
    S.ASSIGNED: 20,
    S.DECLINED: 2,
    S.ACCEPTED: 25,
    S.DELIVERED: 15,
    S.COMPLETED: 18,
    S.CANCELLED: 5,
}
# Time from one step to the next, in hours (low, high).
GAPS = {
    "submitted": (0, 48),
    "routing": (0.001, 0.01),
    "assigned": (0.001, 0.01),
    "awaiting_allocation": (0.001, 0.01),
    "unroutable": (0.001, 0.01),
    "accepted": (1, 48),
    "declined": (1, 48),
    "delivered": (24, 240),
    "completed": (2, 72),
    "cancelled": (1, 120),
}
HOURS = [Decimal(h) for h in ("0.5", "1", "1.5", "2", "2", "2.5", "3", "4", "6", "8")]
OPENERS = ["Customer story on", "Explainer:", "Interview about", "FAQ answers on", "Quotes for a post on", "Facts on"]
QUARTER = Decimal("0.25")


def month_start(day):
    return day.replace(day=1)


def _weighted(rng, table):
    return rng.choices(list(table), weights=list(table.values()))[0]


class Ledger:
    """Budgets of every discipline and month, and the counters the entries add up to."""

    def __init__(self, ctx):
        self.ctx = ctx
        first = month_start(ctx.today - datetime.timedelta(days=HISTORY_DAYS - 5))
        last = month_start(ctx.today + datetime.timedelta(days=60))
        months, month = [], first
        while month <= last:
            months.append(month)
            month = month_start(month + datetime.timedelta(days=32))
        existing = {(b.discipline_id, b.month): b.pk for b in TimeBudget.objects.all()}
        self.existing = set(existing.values())
        self.ids = dict(existing)
        pk = next_id(TimeBudget)
        for discipline in ctx.disciplines:
            for month in months:
                if (discipline, month) not in self.ids:
                    self.ids[discipline, month] = pk
                    pk += 1
        self.sums = defaultdict(lambda: defaultdict(Decimal))
        self.entries = []
        self.next_entry = next_id(BudgetEntry)

    def budget(self, discipline, due):
        return self.ids[discipline, month_start(due)]

    def write(self, budget, kind, hours, key, when, request=None, allocation=None, actor=None):
        field = {"approve": "approved", "reserve": "reserved", "consume": "used", "overrun": "overrun"}.get(kind)
        if kind == "release":
            self.sums[budget]["reserved"] -= hours
        elif kind == "consume":
            self.sums[budget]["reserved"] -= hours
            self.sums[budget]["used"] += hours
        else:
            self.sums[budget][field] += hours
        self.entries.append(
            {
                "id": self.next_entry,
                "budget_id": budget,
                "kind": kind,
                "hours": hours,
                "request_id": request,
                "allocation_id": allocation,
                "actor_id": actor,
                "note": "",
                "idempotency_key": key,
                "created_at": when,
            }
        )
        self.next_entry += 1

    def flush(self):
        rows, self.entries = self.entries, []
        copy_rows(BudgetEntry, rows)
        return len(rows)

    def close(self):
        """Approve enough for what was reserved and used (more from this month on), then
        write the budgets with their counters; the demo's own budgets get the increments."""
        ctx, rng = self.ctx, self.ctx.rng
        this_month = month_start(ctx.today)
        new_budgets = []
        for (discipline, month), pk in sorted(self.ids.items(), key=lambda item: item[1]):
            sums = self.sums[pk]
            demand = sums["reserved"] + sums["used"] - sums["approved"]
            room = Decimal(rng.randint(60, 160) if month >= this_month else rng.randint(5, 40))
            hours = max(demand, Decimal(0)) + room
            approver = ctx.manager_of(discipline)
            when = ctx.aware(month - datetime.timedelta(days=5))
            self.write(pk, "approve", hours, f"approve:large:{pk}", min(when, ctx.now), actor=approver)
            if pk in self.existing:
                continue
            new_budgets.append(
                {
                    "id": pk,
                    "discipline_id": discipline,
                    "month": month,
                    "approved_hours": sums["approved"],
                    "reserved_hours": sums["reserved"],
                    "used_hours": sums["used"],
                    "overrun_hours": sums["overrun"],
                    "approved_by_id": approver,
                    "approved_at": min(when, ctx.now),
                    "created_at": min(when, ctx.now),
                }
            )
        copy_rows(TimeBudget, new_budgets)
        for pk in self.existing:
            sums = self.sums[pk]
            TimeBudget.objects.filter(pk=pk).update(
                approved_hours=F("approved_hours") + sums["approved"],
                reserved_hours=F("reserved_hours") + sums["reserved"],
                used_hours=F("used_hours") + sums["used"],
                overrun_hours=F("overrun_hours") + sums["overrun"],
            )
        return len(new_budgets) + self.flush()


class Batch:
    """The rows of one batch of requests, loaded together."""

    def __init__(self):
        self.requests, self.events, self.notifications = [], [], []
        self.contributions, self.allocations = [], []

    def load(self):
        copy_rows(ExpertInputRequest, self.requests)
        copy_rows(RequestEvent, self.events)
        copy_rows(Contribution, self.contributions)
        copy_rows(TimeAllocationRequest, self.allocations)
        copy_rows(Notification, self.notifications)
        return len(self.events), len(self.notifications)


class Ids:
    def __init__(self, **models):
        self._next = {name: next_id(model) for name, model in models.items()}

    def take(self, name):
        value = self._next[name]
        self._next[name] += 1
        return value


def generate_workflow(ctx, say):
    ledger = Ledger(ctx)
    ids = Ids(
        request=ExpertInputRequest,
        event=RequestEvent,
        notification=Notification,
        contribution=Contribution,
        allocation=TimeAllocationRequest,
    )
    totals = defaultdict(int)
    requests = ctx.size.requests
    for start in range(0, requests, BATCH):
        batch = Batch()
        for _n in range(start, min(start + BATCH, requests)):
            _request(ctx, ids, ledger, batch)
        events, notifications = batch.load()
        totals["requests"] += len(batch.requests)
        totals["events"] += events
        totals["notifications"] += notifications
        totals["ledger"] += ledger.flush()
        say(
            "requests",
            totals["requests"],
            of=requests,
            extra=f"{totals['events']:,} events, {totals['notifications']:,} notifications, "
            f"{totals['ledger']:,} ledger entries",
        )
    totals["ledger"] += ledger.close()
    say("budgets and approvals", totals["ledger"], extra="ledger entries in all")
    return totals


def _request(ctx, ids, ledger, batch):
    rng, now = ctx.rng, ctx.now
    pk = ids.take("request")
    created = now - datetime.timedelta(seconds=rng.random() * HISTORY_DAYS * 86400)
    created = min(created, now - datetime.timedelta(minutes=15))
    due = created.date() + datetime.timedelta(days=rng.randint(5, 45))
    status = _weighted(rng, PAST if due < ctx.today - datetime.timedelta(days=10) else RECENT)
    target = ctx.pick_target()
    requester = ctx.pick_requester()
    if status == S.CANCELLED:
        stage = rng.choice([["draft"], ROUTED, [*ROUTED, "assigned"], [*ROUTED, "assigned", "accepted"]])
        path = [*stage, "cancelled"]
    else:
        path = PATHS[status]
    assignee = ctx.pick_expert(target) if "assigned" in path else None
    tags = rng.sample(ctx.tags_of[target], rng.randint(1, 3))
    estimate = rng.choice(HOURS)

    # The timeline: each step after the one before, all of it in the past.
    times, when = {}, created
    for step_no, step in enumerate(path):
        if step != "draft":
            low, high = GAPS[step]
            when += datetime.timedelta(hours=rng.uniform(low, high))
        when = min(when, now - datetime.timedelta(minutes=len(path) - step_no))
        when = max(when, times[path[step_no - 1]] if step_no else created)
        times[step] = when
    last = times[path[-1]]

    title = f"{rng.choice(OPENERS)} {' and '.join(tags)}"
    channel = rng.choice(Channel.values)
    fmt = rng.choice(Format.values)
    reason = {}
    if "assigned" in path:
        reason = {"code": "matched", "tags": tags[:2], "load": str(rng.randint(0, 6)), "capacity": "6"}
    elif "unroutable" in path:
        # The closest experts by id, as routing stores them (the list resolves their names).
        nearest = [{"name": {"user": ctx.pick_expert(target)}, "load": "5", "capacity": "6"} for _ in range(2)]
        reason = {"code": "no_candidates", "experts": 12, "absent": 2, "declined": 0, "busy": 10, "nearest": nearest}
    elif "awaiting_allocation" in path:
        reason = {"code": "no_budget", "month": f"{due:%B %Y}", "remaining": "0", "hours": str(estimate)}
        reason["shortfall"] = str(estimate)
    row = {
        "id": pk,
        "title": title,
        "brief": f"We need {fmt.replace('_', ' ')} input on {', '.join(tags)} for the {channel} channel: "
        f"the key facts, one or two quotes, and what customers should take away. Request {pk}.",
        "topic_tags": tags,
        "requester_id": requester,
        "target_discipline_id": target,
        "preferred_expert_id": assignee if assignee and rng.random() < 0.05 else None,
        "estimated_hours": estimate,
        "due_date": due,
        "content_piece": title,
        "channel": channel,
        "format": fmt,
        "priority": rng.choices([1, 2, 3, 4], weights=[15, 60, 20, 5])[0],
        "status": status,
        "assignee_id": assignee,
        "routing_reason": reason,
        "reservation_budget_id": None,
        "reserved_hours": Decimal(0),
        "reservation_cycle": 0,
        "created_at": created,
        "updated_at": last,
        "status_changed_at": last,
        "submitted_at": times.get("submitted"),
        "assigned_at": times.get("assigned"),
        "accepted_at": times.get("accepted"),
        "delivered_at": times.get("delivered"),
        "completed_at": times.get("completed"),
        "cancelled_at": times.get("cancelled"),
        "response_due_at": times["assigned"] + datetime.timedelta(days=2) if "assigned" in times else None,
        "reminder_at": times["assigned"] + datetime.timedelta(days=1) if status == S.ASSIGNED else None,
        "reminded_at": None,
        "reminded_day_before_at": None,
        "escalated_at": None,
        "overdue_since": ctx.aware(due + datetime.timedelta(days=1))
        if status in UNFINISHED and due < ctx.today
        else None,
        "next_sweep_at": last + datetime.timedelta(minutes=10) if status in ROUTABLE else None,
        "sweep_attempts": 0,
    }
    batch.requests.append(row)
    _events(ctx, ids, batch, row, path, times)
    spent = _ledger(ctx, ledger, row, path, times)
    _contribution(ctx, ids, batch, row, times, spent)
    _allocation(ctx, ids, ledger, batch, row, path, times)
    _notifications(ctx, ids, batch, row, path, times)


def _events(ctx, ids, batch, row, path, times):
    requester, assignee = row["requester_id"], row["assignee_id"]
    actors = {"draft": requester, "submitted": requester, "completed": requester, "cancelled": requester}
    actors.update({"accepted": assignee, "declined": assignee, "delivered": assignee})
    previous = ""
    for step in path:
        data = {}
        if step in ("assigned", "awaiting_allocation", "unroutable"):
            data = row["routing_reason"]
        elif step == "delivered":
            data = {"code": "delivered", "hours": "", "estimate": str(row["estimated_hours"])}
        batch.events.append(
            {
                "id": ids.take("event"),
                "request_id": row["id"],
                "kind": "transition",
                "actor_id": actors.get(step),
                "assignee_id": assignee if step == "assigned" else None,
                "from_status": previous,
                "to_status": step,
                "note": "Cannot make it this month." if step == "declined" else "",
                "data": data,
                "created_at": times[step],
            }
        )
        previous = step


def _ledger(ctx, ledger, row, path, times):
    """Reservation at assignment, then release or consumption; returns the hours spent (or None)."""
    if "assigned" not in path:
        return None
    pk, estimate = row["id"], row["estimated_hours"]
    budget = ledger.budget(row["target_discipline_id"], row["due_date"])
    base = f"request:{pk}"
    row.update(reservation_budget_id=budget, reservation_cycle=1)
    ledger.write(budget, "reserve", estimate, f"{base}:reserve:1", times["assigned"], request=pk)
    end = path[-1]
    if end in ("declined", "cancelled"):
        ledger.write(budget, "release", estimate, f"{base}:release:1", times[end], request=pk)
        return None
    if "delivered" not in path:
        row["reserved_hours"] = estimate
        return None
    spent = max(QUARTER, (estimate * Decimal(ctx.rng.uniform(0.6, 1.3)) / QUARTER).quantize(Decimal(1)) * QUARTER)
    used = min(spent, estimate)
    when, actor = times["delivered"], row["assignee_id"]
    ledger.write(budget, "consume", used, f"{base}:consume:1", when, request=pk, actor=actor)
    if estimate > used:
        ledger.write(budget, "release", estimate - used, f"{base}:release:1", when, request=pk, actor=actor)
    if spent > used:
        ledger.write(budget, "overrun", spent - used, f"{base}:overrun:1", when, request=pk, actor=actor)
    return spent


def _contribution(ctx, ids, batch, row, times, spent):
    if spent is None:
        return
    completed = "completed" in times
    rated = completed and ctx.rng.random() < 0.7
    batch.contributions.append(
        {
            "id": ids.take("contribution"),
            "request_id": row["id"],
            "author_id": row["assignee_id"],
            "text": f"My input on {row['title']}: the facts, two quotes and a link to the documentation.",
            "hours_spent": spent,
            "created_at": times["delivered"],
            "usefulness": ctx.rng.randint(3, 5) if rated else None,
            "thanks": "Thank you, this helped a lot." if rated else "",
        }
    )


def _allocation(ctx, ids, ledger, batch, row, path, times):
    """An open allocation for requests waiting for time; an approved one behind some old ones."""
    rng = ctx.rng
    waiting = path[-1] == "awaiting_allocation"
    if not waiting and not ("completed" in path and rng.random() < 0.03):
        return
    pk, discipline = ids.take("allocation"), row["target_discipline_id"]
    when = times["awaiting_allocation"] if waiting else times["assigned"] - datetime.timedelta(minutes=5)
    manager = ctx.manager_of(discipline)
    allocation = {
        "id": pk,
        "request_id": row["id"],
        "discipline_id": discipline,
        "month": month_start(row["due_date"]),
        "hours_requested": row["estimated_hours"],
        "hours_approved": None if waiting else row["estimated_hours"],
        "offered_estimate": None,
        "status": TimeAllocationRequest.Status.OPEN if waiting else TimeAllocationRequest.Status.APPROVED,
        "reason": "" if waiting else "Important launch.",
        "decided_by_id": None if waiting else manager,
        "decided_at": None if waiting else when,
        "created_at": when,
    }
    batch.allocations.append(allocation)
    if not waiting:
        budget = ledger.budget(discipline, row["due_date"])
        ledger.write(
            budget, "approve", row["estimated_hours"], f"approve:allocation:{pk}", when, allocation=pk, actor=manager
        )


def _notifications(ctx, ids, batch, row, path, times):
    """The notifications the services would have sent, with the params they capture
    (the text is rendered when read, see content_workflow.notification_texts)."""
    rng = ctx.rng
    requester, assignee, title = row["requester_id"], row["assignee_id"], row["title"]
    managers = ctx.managers.get(row["target_discipline_id"], [])
    expert = {"expert": ctx.names.get(assignee, ""), "title": title}
    sends = []
    if "assigned" in path:
        answer_by = times["assigned"] + datetime.timedelta(days=2)
        params = {"title": title, "due": row["due_date"].isoformat(), "answer_by": answer_by.isoformat()}
        sends.append((assignee, Notification.Kind.ASSIGNED, "assigned", params))
    if "accepted" in path and rng.random() < 0.3:
        sends.append((requester, Notification.Kind.ACCEPTED, "accepted", expert))
    if "declined" in path:
        params = {**expert, "reason": "Cannot make it this month."}
        sends.append((requester, Notification.Kind.DECLINED, "declined", params))
    if "delivered" in path:
        sends.append((requester, Notification.Kind.DELIVERED, "delivered", expert))
    if "completed" in path:
        params = {"requester": ctx.names.get(requester, ""), "title": title}
        sends.append((assignee, Notification.Kind.COMPLETED, "completed", params))
    if path[-1] == "cancelled" and assignee:
        sends.append((assignee, Notification.Kind.CANCELLED, "cancelled", {"title": title}))
    asked = {
        "title": title,
        "hours": hours_param(row["estimated_hours"]),
        "discipline": ctx.discipline_names.get(row["target_discipline_id"], ""),
        "month": month_param(row["due_date"]),
    }
    for step, kind, params in (
        ("awaiting_allocation", Notification.Kind.ALLOCATION_REQUESTED, asked),
        ("unroutable", Notification.Kind.UNROUTABLE, {"title": title}),
    ):
        if step in path:
            sends += [(manager, kind, step, params) for manager in managers]
    for recipient, kind, step, params in sends:
        when = times[step]
        read = rng.random() < (0.95 if ctx.now - when > datetime.timedelta(days=14) else 0.4)
        batch.notifications.append(
            {
                "id": ids.take("notification"),
                "recipient_id": recipient,
                "kind": kind,
                "params": params,
                "legacy_text": "",
                "link": f"/requests/{row['id']}/",
                "request_id": row["id"],
                "read_at": min(when + datetime.timedelta(hours=rng.uniform(0.1, 48)), ctx.now) if read else None,
                "created_at": when,
                "email_state": Notification.Email.SENT,
                "email_attempts": 1,
                "emailed_at": when,
                "dedupe_key": None,
            }
        )
