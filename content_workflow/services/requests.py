"""Every change to an expert input request: one function per use case.

Each function locks the request row, checks the transition table and the actor, writes
the new state and a `RequestEvent` in one transaction, and schedules follow-up work
(routing, e-mail) to run after the commit. Pages, the API, tasks and admin actions all
call these; none repeats their steps.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from content_workflow.models import (
    Attachment,
    Contribution,
    ExpertInputRequest,
    Notification,
    RequestEvent,
    ResponseTarget,
    TimeAllocationRequest,
)
from content_workflow.models.messages import format_hours, person_ref, plain_hours
from content_workflow.notification_texts import date_param, datetime_param, hours_param
from content_workflow.permissions import (
    actors_for,
    can_manage_discipline,
    can_share_request,
    deputy_for,
    rating_edit_until,
)
from content_workflow.planning import check_due_date
from content_workflow.routing import expert_room, request_scope
from content_workflow.services.budgets import (
    BudgetExceeded,
    month_label,
    release_for_request,
    reservation_shortfall,
    reserve_for_request,
    settle_delivery,
)
from content_workflow.services.deadlines import assignment_deadlines
from content_workflow.services.notifications import display_name, notify, notify_managers
from content_workflow.transitions import (
    OPEN_WORK,
    ROUTABLE,
    UNFINISHED,
    Actor,
    Status,
    allowed_actors,
    check_transition,
)
from disciplines.models import Membership
from disciplines.services import normalise_tags
from governance.access import log_denied
from governance.errors import DomainError, FieldErrors
from governance.transactions import enqueue_on_commit

MAX_ATTACHMENT_BYTES = getattr(settings, "CONTENT_WORKFLOW_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
MAX_ATTACHMENTS = 5
# Documents and images only: nothing a browser would run (HTML, SVG, scripts).
DOCUMENTS = ".pdf .doc .docx .odt .rtf .txt .md .csv .xls .xlsx .ods .ppt .pptx .odp"
IMAGES = ".png .jpg .jpeg .gif .webp"
ALLOWED_EXTENSIONS = frozenset(f"{DOCUMENTS} {IMAGES}".split())
EDITABLE_FIELDS = (
    "title",
    "brief",
    "topic_tags",
    "target_discipline",
    "preferred_expert",
    "estimated_hours",
    "due_date",
    "content_piece",
    "channel",
    "format",
    "priority",
)


# --- The one way a request changes state ----------------------------------------------------


def locked_request(request):
    """Re-read the request under a row lock (the caller is inside a transaction)."""
    return ExpertInputRequest.objects.select_for_update().get(pk=getattr(request, "pk", request))


def authorize(locked, *, to, actor):
    """Check the table, then the actor; return extra event data (a deputy's audit note)."""
    check_transition(locked.status, to)
    allowed = allowed_actors(locked.status, to)
    acting = actors_for(actor, locked) & allowed
    if not acting:
        log_denied(actor, f"request_to_{to}", f"request:{locked.pk}")
        raise PermissionDenied(_("You may not do this with this request."))
    if acting == {Actor.MANAGER}:
        manager = deputy_for(actor, locked.target_discipline_id)
        if manager is not None:
            return {"deputy_for": person_ref(manager)}
    return {}


# How the action being written came in, when not through the app's own pages or API (a
# one-click e-mail link): `apply` records it on the event, so the timeline can say so.
_event_channel = ContextVar("request_event_channel", default=None)


@contextmanager
def event_channel(via):
    """Every event written inside records `via` (e.g. "email_link") in its data."""
    token = _event_channel.set(via)
    try:
        yield
    finally:
        _event_channel.reset(token)


def stuck_after():
    """How long a request may wait for routing before the sweeper sends it again."""
    return timedelta(seconds=settings.CONTENT_WORKFLOW_STUCK_SECONDS)


def apply(
    locked,
    *,
    to,
    actor,
    note="",
    data=None,
    event_assignee=None,
    kind=RequestEvent.Kind.TRANSITION,
    save=True,
    **fields,
):
    """Write the new state of a locked, authorised request and its timeline event.

    `save=False` writes nothing yet: for a step the caller follows with another move in
    the same transaction, which saves the row once and both events in one insert
    (routing's claim, on every request)."""
    now = timezone.now()
    from_status = locked.status
    locked.status = to
    locked.status_changed_at = now
    if to in ROUTABLE:
        locked.next_sweep_at = now + stuck_after()
        if from_status not in ROUTABLE:
            locked.sweep_attempts = 0  # the sweeper counts attempts per wait for routing
    if to not in UNFINISHED:
        # Done, or back with the requester as a draft: no longer late. A resubmitted
        # draft is judged afresh by its (perhaps new) due date.
        locked.overdue_since = None
    for name, value in fields.items():
        setattr(locked, name, value)
    data = dict(data or {})
    if via := _event_channel.get():
        data["via"] = via
    event = RequestEvent(
        request=locked,
        kind=kind,
        actor=actor,
        assignee=event_assignee,
        from_status=from_status,
        to_status=to,
        note=note,
        data=data,
        created_at=now,
    )
    pending = locked.__dict__.setdefault("_unsaved_events", [])
    pending.append(event)
    if save:
        locked.save()
        RequestEvent.objects.bulk_create(pending)
        pending.clear()
    return locked


def move(locked, *, to, actor, note="", data=None, **fields):
    extra = authorize(locked, to=to, actor=actor)
    return apply(locked, to=to, actor=actor, note=note, data={**(data or {}), **extra}, **fields)


def enqueue_routing(request):
    from content_workflow import tasks

    enqueue_on_commit(tasks.route_request, request.pk)


# --- Validation -----------------------------------------------------------------------------


def _check_expert(discipline_id, expert, *, field, requester_id=None):
    if expert is None:
        return
    is_expert = Membership.objects.filter(
        user=expert, discipline_id=discipline_id, function=Membership.Function.EXPERT
    ).exists()
    if not is_expert:
        raise ValidationError({field: _("Choose an expert of the requested discipline.")})
    if requester_id is not None and expert.pk == requester_id:
        raise ValidationError({field: _("The requester cannot answer their own request.")})


def _validate(request, actor):
    """Everything a request must satisfy to be saved or submitted, as form errors: all
    wrong fields at once, not the first of them."""
    errors = FieldErrors()
    with errors.check():
        request.full_clean(exclude=["requester"])
    if request.due_date is not None and "due_date" not in errors.errors:
        with errors.check():
            check_due_date(request.due_date)
    scope = request_scope(actor)
    if scope.is_empty:
        errors.raise_any()
        log_denied(actor, "request_create")
        raise PermissionDenied(str(scope.message))
    if request.target_discipline_id is not None:
        if not scope.allows(request.target_discipline_id):
            errors.add(
                "target_discipline",
                _("The active organisational model does not let you ask %(discipline)s. %(rule)s")
                % {"discipline": request.target_discipline, "rule": scope.message},
            )
        with errors.check():
            _check_expert(
                request.target_discipline_id,
                request.preferred_expert,
                field="preferred_expert",
                requester_id=actor.pk,
            )
    errors.raise_any()


def _set_fields(request, fields):
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if name == "topic_tags":
            value = normalise_tags(value or [])
        setattr(request, name, value)


# --- Requester ------------------------------------------------------------------------------


@transaction.atomic
def request_create(*, actor, submit=False, piece=None, **fields):
    """A new request (a draft, or submitted at once with `submit=True`). With `piece`,
    the request feeds that content piece: only its editors ask for it, and the piece's
    timeline records it."""
    request = ExpertInputRequest(requester=actor)
    _set_fields(request, fields)
    if piece is not None:
        from content_workflow.permissions import can_edit_piece

        if not can_edit_piece(actor, piece):
            log_denied(actor, "request_create_for_piece", f"piece:{piece.pk}")
            raise ValidationError({"piece": _("You may ask for input only for pieces you edit.")})
        request.piece = piece
    _validate(request, actor)
    request.save()
    RequestEvent.objects.create(request=request, actor=actor, to_status=Status.DRAFT)
    if piece is not None:
        from content_workflow.services.pieces import piece_request_linked

        piece_request_linked(piece=piece, request=request, actor=actor)
    if submit:
        request = request_submit(request=request, actor=actor)
    return request


@transaction.atomic
def request_update(*, request, actor, **fields):
    """Change a draft: only its requester, only while it is a draft."""
    locked = locked_request(request)
    if locked.requester_id != actor.pk:
        log_denied(actor, "request_update", f"request:{locked.pk}")
        raise PermissionDenied(_("Only the requester changes a request."))
    if locked.status != Status.DRAFT:
        raise DomainError(_("Only a draft can be changed."), code="not_editable")
    due_date = locked.due_date
    _set_fields(locked, fields)
    if locked.due_date != due_date:
        locked.overdue_since = None  # the overdue flag was about the old date
    _validate(locked, actor)
    locked.save()
    return locked


@transaction.atomic
def request_submit(*, request, actor):
    locked = locked_request(request)
    authorize(locked, to=Status.SUBMITTED, actor=actor)
    _validate(locked, actor)  # the model may have changed since the draft was written
    locked = apply(
        locked, to=Status.SUBMITTED, actor=actor, submitted_at=timezone.now(), sweep_attempts=0, routing_reason={}
    )
    enqueue_routing(locked)
    return locked


@transaction.atomic
def request_complete(*, request, actor, note="", rating=None):
    """Close a delivered request. `rating` (1-5) is how useful the input was and `note`
    the thank-you; both are kept with the contribution and reach the expert and the
    managers of the discipline, so the time given shows where it counts."""
    _check_rating(rating)
    locked = move(locked_request(request), to=Status.COMPLETED, actor=actor, note=note, completed_at=timezone.now())
    Contribution.objects.filter(request=locked).update(usefulness=rating, thanks=note)
    if locked.assignee_id:
        thanks = {"title": locked.title, "requester": display_name(actor), "expert": display_name(locked.assignee)}
        if rating:
            thanks["rating"] = rating
        if note:
            thanks["note"] = note
        notify(recipient=locked.assignee, kind=Notification.Kind.COMPLETED, params=thanks, request=locked)
        notify_managers(
            locked.target_discipline,
            kind=Notification.Kind.COMPLETED,
            params={**thanks, "variant": "managers"},
            request=locked,
        )
    return locked


def _check_rating(rating):
    if rating is not None and (not isinstance(rating, int) or not 1 <= rating <= 5):
        raise ValidationError({"rating": _("Rate the input from 1 (not useful) to 5 (very useful).")})


@transaction.atomic
def request_rating_change(*, request, actor, rating, note=""):
    """Change the rating and thanks of a completed request: only its requester, within
    `RATING_EDIT_DAYS` of completing. The timeline keeps both (events are append-only:
    a new event records the change); the contribution holds the current values, which
    the expert and the discipline's managers see. Nothing changed: nothing written."""
    if rating is None:
        raise ValidationError({"rating": _("Rate the input from 1 (not useful) to 5 (very useful).")})
    _check_rating(rating)
    locked = locked_request(request)
    if locked.requester_id != actor.pk:
        log_denied(actor, "request_rating_change", f"request:{locked.pk}")
        raise PermissionDenied(_("Only the requester changes the rating."))
    if locked.status != Status.COMPLETED:
        raise DomainError(_("Only a completed request has a rating to change."), code="not_completed")
    until = rating_edit_until(locked)
    if timezone.now() > until:
        raise DomainError(
            _("The rating can be changed for %(days)s days after completing; that time ended on %(date)s.")
            % {"days": settings.RATING_EDIT_DAYS, "date": date_format(timezone.localtime(until), "SHORT_DATE_FORMAT")},
            code="rating_final",
        )
    contribution = Contribution.objects.select_for_update().filter(request=locked).first()
    if contribution is None:
        raise DomainError(_("Only a completed request has a rating to change."), code="not_completed")
    note = (note or "").strip()
    if (contribution.usefulness, contribution.thanks) == (rating, note):
        return locked
    data = {"code": "rating_changed", "before": contribution.usefulness, "after": rating}
    if rating == contribution.usefulness:
        data["code"] = "thanks_changed"
    elif contribution.usefulness is None:
        data["code"] = "rating_added"
    thanks_changed = note != contribution.thanks
    contribution.usefulness, contribution.thanks = rating, note
    contribution.save(update_fields=["usefulness", "thanks"])
    RequestEvent.objects.create(
        request=locked,
        kind=RequestEvent.Kind.RATING,
        actor=actor,
        from_status=locked.status,
        to_status=locked.status,
        # The new thanks, when they changed (empty thanks: the text says so).
        note=note if thanks_changed else "",
        data=data,
    )
    return locked


@transaction.atomic
def request_cancel(*, request, actor, reason=""):
    """Cancel (the requester or an admin): reserved hours go back, a pending time
    allocation is withdrawn, the assignee is told."""
    locked = locked_request(request)
    extra = authorize(locked, to=Status.CANCELLED, actor=actor)
    release_for_request(locked, actor=actor, note=_("Request cancelled."))
    TimeAllocationRequest.objects.filter(request=locked, status__in=TimeAllocationRequest.PENDING).update(
        status=TimeAllocationRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )
    assignee = locked.assignee if locked.status in OPEN_WORK else None
    locked = apply(locked, to=Status.CANCELLED, actor=actor, note=reason, data=extra, cancelled_at=timezone.now())
    if assignee is not None:
        notify(
            recipient=assignee,
            kind=Notification.Kind.CANCELLED,
            params={"title": locked.title},
            request=locked,
        )
    return locked


@transaction.atomic
def request_share(*, request, actor, user):
    """Let a colleague read the request (a guardian grant, shown in the timeline)."""
    if not can_share_request(actor, request):
        log_denied(actor, "request_share", f"request:{request.pk}")
        raise PermissionDenied(_("Only the requester shares a request."))
    assign_perm("content_workflow.view_expertinputrequest", user, request)
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.SHARE,
        actor=actor,
        data={"code": "shared", "name": person_ref(user)},
    )
    return request


# --- Assignee -------------------------------------------------------------------------------


@transaction.atomic
def request_accept(*, request, actor, note=""):
    locked = move(locked_request(request), to=Status.ACCEPTED, actor=actor, note=note, accepted_at=timezone.now())
    notify(
        recipient=locked.requester,
        kind=Notification.Kind.ACCEPTED,
        params={"expert": display_name(actor), "title": locked.title},
        request=locked,
    )
    return locked


@transaction.atomic
def request_decline(*, request, actor, reason):
    """The assignee declines with a reason; routing looks again, without them."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline, so the requester can adjust the request.")})
    locked = locked_request(request)
    extra = authorize(locked, to=Status.DECLINED, actor=actor)
    release_for_request(locked, actor=actor, note=_("Declined by the expert."))
    locked = apply(locked, to=Status.DECLINED, actor=actor, note=reason, data=extra, assignee=None)
    notify(
        recipient=locked.requester,
        kind=Notification.Kind.DECLINED,
        params={"expert": display_name(actor), "title": locked.title, "reason": reason},
        request=locked,
    )
    enqueue_routing(locked)
    return locked


def _hours(value, field):
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter the hours as a number, for example 2.5.")}) from None
    if not hours.is_finite() or hours <= 0 or hours > 500:
        raise ValidationError({field: _("Enter between 0.25 and 500 hours.")})
    return hours.quantize(Decimal("0.01"))


def check_files(files):
    """The uploads of a delivery: their number, and each file's type and size (every
    problem at once; the delivery form checks with this too)."""
    errors = FieldErrors()
    if len(files) > MAX_ATTACHMENTS:
        errors.add("files", _("Attach at most %(count)s files.") % {"count": MAX_ATTACHMENTS})
    for upload in files:
        name = PurePosixPath(upload.name or "").name
        if PurePosixPath(name).suffix.lower() not in ALLOWED_EXTENSIONS:
            errors.add("files", _("“%(name)s” is not a document or image type we accept.") % {"name": name})
        if upload.size > MAX_ATTACHMENT_BYTES:
            errors.add(
                "files",
                _("“%(name)s” is larger than %(limit)s MB.")
                % {"name": name, "limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
            )
    errors.raise_any()


@transaction.atomic
def request_deliver(*, request, actor, text, hours_spent, files=()):
    """The assignee delivers their input and books the hours it took.

    The reservation becomes used hours; hours beyond the estimate are recorded as
    overrun against the same budget and reported to the managers.
    """
    errors = FieldErrors()
    text = (text or "").strip()
    if not text:
        errors.add("text", _("Write your input (attach files if you like)."))
    with errors.check():
        hours = _hours(hours_spent, "hours_spent")
    files = list(files or ())
    with errors.check():
        check_files(files)
    errors.raise_any()
    locked = locked_request(request)
    extra = authorize(locked, to=Status.DELIVERED, actor=actor)
    estimate = locked.reserved_hours
    overrun = settle_delivery(locked, hours_spent=hours, actor=actor)
    contribution = Contribution.objects.create(request=locked, author=actor, text=text, hours_spent=hours)
    for upload in files:
        Attachment.objects.create(
            contribution=contribution,
            file=upload,
            original_name=PurePosixPath(upload.name).name[:200],
            size=upload.size,
        )
    code = "overrun" if overrun > 0 else "delivered"
    data = {
        "code": code,
        "hours": plain_hours(hours),
        "estimate": plain_hours(estimate),
        "overrun": plain_hours(overrun),
        **extra,
    }
    locked = apply(locked, to=Status.DELIVERED, actor=actor, data=data, delivered_at=timezone.now())
    notify(
        recipient=locked.requester,
        kind=Notification.Kind.DELIVERED,
        params={"expert": display_name(actor), "title": locked.title},
        request=locked,
    )
    if overrun > 0:
        notify_managers(
            locked.target_discipline_id,
            kind=Notification.Kind.OVERRUN,
            params={
                "expert": display_name(actor),
                "spent": hours_param(hours),
                "title": locked.title,
                "overrun": hours_param(overrun),
            },
            request=locked,
        )
    return locked


# --- Managers -------------------------------------------------------------------------------


def assign(locked, *, expert, actor, reason, note="", extra=None, response_days=None):
    """Give a locked, authorised request to `expert`, reserving its hours if it holds
    none yet; tells the new (and any previous) assignee. `response_days`: the
    discipline's response target, when the caller has read it already."""
    previous = locked.assignee if locked.status in OPEN_WORK and locked.assignee_id != expert.pk else None
    if locked.reserved_hours <= 0 and not reserve_for_request(locked, actor=actor):
        _shortfall, remaining = reservation_shortfall(locked)
        raise BudgetExceeded(
            _(
                "The %(month)s budget of %(discipline)s has %(remaining)s h left and %(hours)s h are needed: "
                "approve more time first."
            )
            % {
                "month": month_label(locked.due_date),
                "discipline": locked.target_discipline,
                "remaining": format_hours(remaining),
                "hours": format_hours(locked.estimated_hours),
            }
        )
    now = timezone.now()
    locked = apply(
        locked,
        to=Status.ASSIGNED,
        actor=actor,
        note=note,
        data={**reason, **(extra or {})},
        event_assignee=expert,
        assignee=expert,
        accepted_at=None,  # the new expert accepts again
        routing_reason=reason,
        **assignment_deadlines(locked, now=now, days=response_days),
    )
    notify(
        recipient=expert,
        kind=Notification.Kind.ASSIGNED,
        params={
            "title": locked.title,
            "due": date_param(locked.due_date),
            "answer_by": datetime_param(locked.response_due_at),
        },
        request=locked,
    )
    if previous is not None:
        notify(
            recipient=previous,
            kind=Notification.Kind.CANCELLED,
            params={"title": locked.title, "variant": "reassigned"},
            request=locked,
        )
    return locked


@transaction.atomic
def request_reassign(*, request, actor, expert, note=""):
    """A manager names the expert: picks someone for an unroutable request, or gives an
    assigned one to someone else (the reservation stays with the request)."""
    locked = locked_request(request)
    extra = authorize(locked, to=Status.ASSIGNED, actor=actor)
    _check_expert(locked.target_discipline_id, expert, field="expert", requester_id=locked.requester_id)
    if locked.status in OPEN_WORK and locked.assignee_id == expert.pk:
        raise ValidationError({"expert": _("This expert has the request already.")})
    TimeAllocationRequest.objects.filter(request=locked, status__in=TimeAllocationRequest.PENDING).update(
        status=TimeAllocationRequest.Status.REASSIGNED, decided_by=actor, decided_at=timezone.now()
    )
    reason = manager_pick(locked, expert, actor)
    return assign(locked, expert=expert, actor=actor, reason=reason, note=note, extra=extra)


def manager_pick(locked, expert, actor):
    """The reason stored when a manager names the expert. Unlike routing, a manager may
    give someone more than their weekly capacity holds (they know the people); the
    reason then carries the overbooking, so the page, the API and the timeline say so."""
    reason = {"code": "manager_pick", "manager": person_ref(actor)}
    load, capacity = expert_room(expert, locked)
    if capacity is not None and load + locked.estimated_hours > capacity:
        reason["overbooked"] = {
            "name": person_ref(expert),
            "load": plain_hours(load),
            "hours": plain_hours(locked.estimated_hours),
            "capacity": plain_hours(capacity),
        }
    return reason


@transaction.atomic
def response_target_set(*, actor, discipline, business_days):
    if not can_manage_discipline(actor, discipline):
        log_denied(actor, "response_target_set", f"discipline:{discipline.pk}")
        raise PermissionDenied(_("Only the discipline's managers set its response target."))
    target = ResponseTarget.objects.filter(discipline=discipline).first() or ResponseTarget(discipline=discipline)
    target.business_days = business_days
    target.full_clean()
    target.save()
    return target
