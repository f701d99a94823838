"""Time-driven work, run from Celery beat: reminders, escalation, the overdue flag, and
the sweeper that recovers routing whose message was lost.

Each job finds its rows with one indexed query (cheap when there is nothing to do) and
claims each row with an UPDATE conditioned on the marker it sets, so two beats or a
retried task never remind, escalate or re-queue twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from content_workflow.models import ExpertInputRequest, Notification, RequestEvent
from content_workflow.services.deadlines import response_days
from content_workflow.services.notifications import display_name, notify, notify_managers
from content_workflow.services.requests import STUCK_AFTER, apply, authorize, enqueue_routing, locked_request
from content_workflow.transitions import OPEN_WORK, ROUTABLE, UNFINISHED, Status
from governance.transactions import enqueue_on_commit

logger = logging.getLogger("content_workflow.periodic")

BATCH = 500
MAX_SWEEPS = getattr(settings, "CONTENT_WORKFLOW_MAX_ROUTING_ATTEMPTS", 5)

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
            _("Reminder: “%(title)s” is due %(due)s."),
        ),
        (
            "reminded_day_before_at",
            open_work.filter(reminded_day_before_at__isnull=True, due_date=today + timedelta(days=1)),
            Notification.Kind.DUE_TOMORROW,
            "due_tomorrow",
            _("“%(title)s” is due tomorrow (%(due)s)."),
        ),
    )
    for marker, queryset, kind, code, template in jobs:
        for pk in queryset.values_list("pk", flat=True)[:BATCH]:
            with transaction.atomic():
                if not _claim(pk, marker, now, status__in=OPEN_WORK):
                    continue
                request = ExpertInputRequest.objects.select_related("assignee").get(pk=pk)
                notify(
                    recipient=request.assignee,
                    kind=kind,
                    text=template % {"title": request.title, "due": date_format(request.due_date, "SHORT_DATE_FORMAT")},
                    request=request,
                    dedupe_key=f"{code}:{_assignment_key(request)}",
                )
                RequestEvent.objects.create(
                    request=request, kind=Kind.REMINDER, data={"code": code, "name": display_name(request.assignee)}
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
                text=_(
                    "%(expert)s has not accepted or declined “%(title)s” within %(days)s business day(s): "
                    "remind them, or give the request to someone else."
                )
                % {"expert": display_name(request.assignee), "title": request.title, "days": days},
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
                    text=_("“%(title)s” is overdue: it was due %(due)s.") % {"title": request.title, "due": due},
                    request=request,
                    dedupe_key=f"overdue:{request.pk}:{recipient.pk}",
                )
            flagged += 1
    return flagged


def stuck_sweep(*, now=None):
    """Re-queue routing for requests stuck in submitted/routing/declined (the broker lost
    the message, a worker died); after MAX_SWEEPS attempts give up with an alert and let
    a manager pick someone. Also re-queues e-mails that were never sent."""
    now = now or timezone.now()
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
            ).update(sweep_attempts=F("sweep_attempts") + 1, next_sweep_at=now + STUCK_AFTER * (attempts + 2))
            if not claimed:
                continue
            request = ExpertInputRequest.objects.get(pk=pk)
            RequestEvent.objects.create(
                request=request, kind=Kind.SWEEP, data={"code": "requeued", "attempt": attempts + 1, "max": MAX_SWEEPS}
            )
            enqueue_routing(request)
            requeued += 1
    return {"requeued": requeued, "gave_up": gave_up, "emails": _requeue_emails(now)}


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
            text=_("Routing “%(title)s” failed %(attempts)s times: please pick an expert.")
            % {"title": request.title, "attempts": request.sweep_attempts},
            request=request,
        )
    return 1


def _requeue_emails(now):
    from content_workflow import tasks

    pending = Notification.objects.filter(
        email_state=Notification.Email.PENDING, created_at__lte=now - STUCK_AFTER
    ).values_list("pk", flat=True)
    ids = list(pending[:BATCH])
    for pk in ids:
        enqueue_on_commit(tasks.send_notification_email, pk)
    return len(ids)
