"""Time-driven work, run from Celery beat: reminders, escalation, the overdue flag, and
the sweeper that recovers routing whose message was lost.

Each job finds its rows with one indexed query (cheap when there is nothing to do) and
claims each row with an UPDATE conditioned on the marker it sets, so two beats or a
retried task never remind, escalate or re-queue twice.

Recovering lost routing within two minutes
------------------------------------------
A routing message is lost when the broker is down as the request is submitted (the
send after the commit fails), when the broker loses its queue, or when a worker dies
holding it: with late acknowledgement Redis hands such a message back only after the
visibility timeout (an hour), so recovery must not wait for that.

Mechanism: the request row is its own outbox. Every move into a state that waits for
routing (submitted, routing, declined) sets `next_sweep_at = now + T` in the same
transaction as the move, and `stuck_sweep` runs from beat every P seconds and re-queues
whatever is still waiting past that time. A separate outbox table would add a write to
every submit and still not cover a message that a worker took and died with; the
request's own state covers all three losses, and it is already written anyway.

Why it is cheap: the sweep is one probe of the (status, next_sweep_at) index that
finds nothing when nothing is stuck, so running it every 15 s costs a few index
lookups a minute. A sweep that no worker took in time expires instead of piling up.

Why no request is re-queued while it is fine, so T can be short: the sweep travels in
the same FIFO queue as routing, so when it runs every routing message sent before it
has been taken by a worker; and a routing run is cut off (its time limit in tasks.py,
enforced by the prefork pool the Procfile runs) before T passes, so a request still
waiting after T has no live task working on it. (Routing claims and decides in one
transaction, so a run that dies leaves the request in the state it found it.)

Why the bound holds: let t be when the broker is back and a worker runs. The worker
is connected by t + R (it retries the broker at least every R = 30 s). Every request
that lost its message started waiting before t, so it is due by t + T. The first sweep
published after both (beat sends one every P) re-queues it, and a worker routes it
within the routing time limit L. So routing happens by t + max(T, R) + P + L, which is
45 + 15 + 30 = 90 s with the defaults: under two minutes. `recovery_bound` computes it
from the settings and a test holds it to the target. (A backlog of thousands of
requests takes longer: then worker throughput is the limit, not recovery.)

Why no double routing: a re-queued message may meet the original one (restored by
Redis after the visibility timeout, or merely slow). Routing claims the request under
a row lock and does nothing unless it is still waiting (services/routing.py), so
however many copies run, one assignment and one reservation. A request whose routing
keeps failing is re-queued after 2T, 3T, ... and handed to its managers after
MAX_SWEEPS attempts, so a broken request does not loop hot.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from content_workflow.models import ExpertInputRequest, Notification, RequestEvent
from content_workflow.models.messages import person_ref
from content_workflow.notification_texts import date_param
from content_workflow.services.deadlines import response_days
from content_workflow.services.notifications import display_name, notify, notify_managers
from content_workflow.services.requests import apply, authorize, enqueue_routing, locked_request, stuck_after
from content_workflow.transitions import OPEN_WORK, ROUTABLE, UNFINISHED, Status
from governance.transactions import enqueue_on_commit

logger = logging.getLogger("content_workflow.periodic")

BATCH = 500
MAX_SWEEPS = getattr(settings, "CONTENT_WORKFLOW_MAX_ROUTING_ATTEMPTS", 5)
# The longest a worker waits between attempts to reach the broker (kombu's ceiling).
BROKER_RETRY_MAX = timedelta(seconds=30)
# An e-mail whose send task has not run after this is sent again; every 5 minutes (beat),
# so a mail server that is down for a while does not use up the attempts at once.
EMAIL_RESEND_AFTER = timedelta(minutes=10)

Kind = RequestEvent.Kind


def _claim(pk, marker, now, **conditions):
    """Set `marker` to now unless someone did already; True if this call did."""
    return bool(
        ExpertInputRequest.objects.filter(pk=pk, **{f"{marker}__isnull": True}, **conditions).update(**{marker: now})
    )


def _assignment_key(request):
    return f"{request.pk}:{request.assignee_id}:{request.assigned_at.timestamp() if request.assigned_at else 0}"


def reminders_send(*, now=None):
    """Remind assignees when 75% of the time is gone, and the day before the due date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    open_work = ExpertInputRequest.objects.filter(status__in=OPEN_WORK, assignee__isnull=False)
    jobs = (
        (
            "reminded_at",
            open_work.filter(reminded_at__isnull=True, reminder_at__lte=now, due_date__gte=today),
            Notification.Kind.REMINDER,
            "reminder",
        ),
        (
            "reminded_day_before_at",
            open_work.filter(reminded_day_before_at__isnull=True, due_date=today + timedelta(days=1)),
            Notification.Kind.DUE_TOMORROW,
            "due_tomorrow",
        ),
    )
    for marker, queryset, kind, code in jobs:
        for pk in queryset.values_list("pk", flat=True)[:BATCH]:
            with transaction.atomic():
                if not _claim(pk, marker, now, status__in=OPEN_WORK):
                    continue
                request = ExpertInputRequest.objects.select_related("assignee").get(pk=pk)
                notify(
                    recipient=request.assignee,
                    kind=kind,
                    params={"title": request.title, "due": date_param(request.due_date)},
                    request=request,
                    dedupe_key=f"{code}:{_assignment_key(request)}",
                )
                RequestEvent.objects.create(
                    request=request, kind=Kind.REMINDER, data={"code": code, "name": person_ref(request.assignee)}
                )
                sent += 1
    return sent


def escalations_send(*, now=None):
    """Tell the managers (or their deputies) when an assignee has not answered in time."""
    now = now or timezone.now()
    escalated = 0
    due = ExpertInputRequest.objects.filter(
        status=Status.ASSIGNED, escalated_at__isnull=True, response_due_at__lte=now
    ).values_list("pk", flat=True)
    for pk in due[:BATCH]:
        with transaction.atomic():
            if not _claim(pk, "escalated_at", now, status=Status.ASSIGNED):
                continue
            request = ExpertInputRequest.objects.select_related("assignee").get(pk=pk)
            days = response_days(request.target_discipline_id)
            names = notify_managers(
                request.target_discipline_id,
                kind=Notification.Kind.ESCALATION,
                params={"expert": display_name(request.assignee), "title": request.title, "days": days},
                request=request,
                dedupe_key=f"escalation:{_assignment_key(request)}",
                today=timezone.localdate(now),
            )
            RequestEvent.objects.create(
                request=request, kind=Kind.ESCALATION, data={"code": "escalated", "days": days, "names": names}
            )
            escalated += 1
    return escalated


def overdue_flag(*, now=None):
    """Flag unfinished requests whose due date has passed (a flag, not a state)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    flagged = 0
    late = ExpertInputRequest.objects.filter(
        status__in=UNFINISHED, overdue_since__isnull=True, due_date__lt=today
    ).values_list("pk", flat=True)
    for pk in late[:BATCH]:
        with transaction.atomic():
            # Re-checked in the claim: the request may have been re-dated or sent back since.
            if not _claim(pk, "overdue_since", now, status__in=UNFINISHED, due_date__lt=today):
                continue
            request = ExpertInputRequest.objects.select_related("requester", "assignee").get(pk=pk)
            due = date_format(request.due_date, "SHORT_DATE_FORMAT")
            RequestEvent.objects.create(request=request, kind=Kind.OVERDUE, data={"code": "overdue", "due": due})
            recipients = [request.requester]
            if request.status in OPEN_WORK and request.assignee_id:
                recipients.append(request.assignee)
            for recipient in recipients:
                notify(
                    recipient=recipient,
                    kind=Notification.Kind.OVERDUE,
                    params={"title": request.title, "due": date_param(request.due_date)},
                    request=request,
                    dedupe_key=f"overdue:{request.pk}:{recipient.pk}",
                )
            flagged += 1
    return flagged


def recovery_bound():
    """How long after the broker and a worker are back every request that lost its
    routing message is routed at the latest (see the module docstring)."""
    from content_workflow import tasks

    sweep_period = timedelta(seconds=settings.CELERY_BEAT_SCHEDULE["content-workflow-sweep"]["schedule"])
    routing_limit = timedelta(seconds=tasks.route_request.time_limit)
    return max(stuck_after(), BROKER_RETRY_MAX) + sweep_period + routing_limit


def stuck_sweep(*, now=None):
    """Re-queue routing for requests stuck in submitted/routing/declined (the broker lost
    the message, a worker died); after MAX_SWEEPS attempts give up with an alert and let
    a manager pick someone."""
    now = now or timezone.now()
    stuck_for = stuck_after()
    requeued = gave_up = 0
    stuck = ExpertInputRequest.objects.filter(status__in=ROUTABLE, next_sweep_at__lte=now).values_list(
        "pk", "sweep_attempts"
    )
    for pk, attempts in stuck[:BATCH]:
        if attempts >= MAX_SWEEPS:
            gave_up += _give_up(pk, now)
            continue
        with transaction.atomic():
            claimed = ExpertInputRequest.objects.filter(
                pk=pk, status__in=ROUTABLE, next_sweep_at__lte=now, sweep_attempts=attempts
            ).update(sweep_attempts=F("sweep_attempts") + 1, next_sweep_at=now + stuck_for * (attempts + 2))
            if not claimed:
                continue
            request = ExpertInputRequest.objects.get(pk=pk)
            RequestEvent.objects.create(
                request=request, kind=Kind.SWEEP, data={"code": "requeued", "attempt": attempts + 1, "max": MAX_SWEEPS}
            )
            enqueue_routing(request)
            requeued += 1
    return {"requeued": requeued, "gave_up": gave_up}


def _give_up(pk, now):
    with transaction.atomic():
        request = locked_request(pk)
        if request.status not in ROUTABLE or request.next_sweep_at is None or request.next_sweep_at > now:
            return 0
        reason = {"code": "gave_up", "attempts": request.sweep_attempts}
        authorize(request, to=Status.UNROUTABLE, actor=None)
        apply(request, to=Status.UNROUTABLE, actor=None, data=reason, routing_reason=reason, assignee=None)
        logger.error("ALERT: routing of request %s failed %s times; handed to the managers", pk, request.sweep_attempts)
        notify_managers(
            request.target_discipline_id,
            kind=Notification.Kind.STUCK,
            params={"title": request.title, "attempts": request.sweep_attempts},
            request=request,
        )
    return 1


def lost_emails_resend(*, now=None):
    """Send again the e-mails whose send task never ran (the broker lost the message)."""
    from content_workflow import tasks

    now = now or timezone.now()
    pending = Notification.objects.filter(
        email_state=Notification.Email.PENDING, created_at__lte=now - EMAIL_RESEND_AFTER
    ).values_list("pk", flat=True)
    ids = list(pending[:BATCH])
    for pk in ids:
        enqueue_on_commit(tasks.send_notification_email, pk)
    return len(ids)
