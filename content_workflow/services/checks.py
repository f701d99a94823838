"""The expert's final check of a content piece (issue 11, item 3).

- `final_checks_open`: when a piece goes to final check (`piece_transition` calls it in
  its transaction), every expert whose delivered input feeds it gets a check of that
  version, with a response target like an assignment's; after a round in which someone
  asked for changes, only those experts check the new version.
- `final_check_answer`: the expert approves, approves with changes or requests changes
  (typed comments: fact, risk, wording), books the time it took (default 0.5 h)
  through the budget ledger, and may consent to be quoted by name. When the round is
  complete the piece is approved, or goes back to production if anyone asked for
  changes (the system's moves in the piece transition table).
- `final_check_reminders_send`: once, when a check is past its response target.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from content_workflow.models import Contribution, FinalCheck, Notification, PieceEvent, Status
from content_workflow.models.checks import CHECK_HOURS
from content_workflow.models.messages import person_ref
from content_workflow.notification_texts import datetime_param
from content_workflow.piece_transitions import PieceStatus
from content_workflow.services.budgets import budget_get_or_create, ledger_book_spent
from content_workflow.services.deadlines import add_business_days, response_days
from content_workflow.services.notifications import display_name, notify
from governance.access import log_denied
from governance.errors import DomainError, FieldErrors

V = FinalCheck.Verdict
ANSWERS = (V.APPROVED, V.APPROVED_WITH_CHANGES, V.CHANGES_REQUESTED)
MAX_COMMENTS = 20


class CheckNotOpen(DomainError):
    def __init__(self, message):
        super().__init__(message, code="check_not_open")


def _piece_link(piece):
    return reverse("content_workflow:piece_detail", args=[piece.pk])


def _contributors(piece):
    """(expert id, request id) of each expert whose delivered input feeds `piece`, once."""
    seen = {}
    rows = Contribution.objects.filter(
        request__piece=piece, request__status__in=(Status.DELIVERED, Status.COMPLETED)
    ).order_by("created_at", "pk")
    for author_id, request_id in rows.values_list("author_id", "request_id"):
        seen.setdefault(author_id, request_id)
    return list(seen.items())


def final_checks_open(piece, *, now=None):
    """Open this round's checks of `piece` (locked, just moved to final check); returns
    them. None to open (nobody's input feeds it): the owner approves it themselves."""
    now = now or timezone.now()
    last_round = piece.checks.aggregate(last=Max("round"))["last"] or 0
    experts = []
    if last_round:
        # Only those who asked for changes check again; if nobody did (the piece was
        # reworked after its approval), everyone does.
        experts = list(
            piece.checks.filter(round=last_round, verdict=V.CHANGES_REQUESTED).values_list("expert_id", "request_id")
        )
    experts = experts or _contributors(piece)
    checks = FinalCheck.objects.bulk_create(
        [
            FinalCheck(
                piece=piece,
                request_id=request_id,
                expert_id=expert_id,
                round=last_round + 1,
                version=piece.version,
                due_at=add_business_days(timezone.localtime(now), response_days(piece.team_id)),
                created_at=now,
            )
            for expert_id, request_id in experts
        ]
    )
    for check in FinalCheck.objects.filter(piece=piece, round=last_round + 1).select_related("expert"):
        notify(
            recipient=check.expert,
            kind=Notification.Kind.FINAL_CHECK,
            params={"title": piece.title, "answer_by": datetime_param(check.due_at), "check": check.pk},
            request=check.request,
            link=_piece_link(piece),
        )
    return checks


def _comments(verdict, comments, errors):
    cleaned = []
    for comment in comments or ():
        label = str((comment or {}).get("label", "")).strip()
        text = str((comment or {}).get("text", "")).strip()
        if not text and not label:
            continue
        if label not in FinalCheck.Label.values:
            errors.add("comments", _("Label each comment as fact, risk or wording."))
        elif not text:
            errors.add("comments", _("Write what must change in each comment you label."))
        elif len(text) > 2000:
            errors.add("comments", _("Keep each comment under 2,000 characters."))
        else:
            cleaned.append({"label": label, "text": text})
    if len(cleaned) > MAX_COMMENTS:
        errors.add("comments", _("At most %(count)s comments.") % {"count": MAX_COMMENTS})
    if verdict in (V.APPROVED_WITH_CHANGES, V.CHANGES_REQUESTED) and not cleaned:
        errors.add("comments", _("Say what must change: at least one comment, labelled fact, risk or wording."))
    return cleaned


def _hours(value, errors):
    try:
        hours = Decimal(str(value if value not in (None, "") else CHECK_HOURS))
    except ArithmeticError:
        hours = None
    if hours is None or not hours.is_finite() or hours < Decimal("0.25") or hours > 40:
        errors.add("hours_spent", _("Enter between 0.25 and 40 hours."))
        return None
    return hours.quantize(Decimal("0.01"))


def _book(check, hours, actor):
    """The check's hours, in this month's budget of the request's discipline, through
    the ledger like input (services.budgets.ledger_book_spent)."""
    budget = budget_get_or_create(discipline=check.request.target_discipline_id, month=timezone.localdate())
    ledger_book_spent(budget=budget, hours=hours, key=f"check:{check.pk}", request=check.request, actor=actor)


@transaction.atomic
def final_check_answer(*, check, actor, verdict, comments=(), hours_spent=None, quote_consent=False):
    """The expert's answer to their check; see the module docstring."""
    from content_workflow.services.pieces import locked_piece, piece_transition

    errors = FieldErrors()
    if verdict not in ANSWERS:
        errors.add("verdict", _("Choose approve, approve with changes, or request changes."))
    cleaned = _comments(verdict, comments, errors)
    hours = _hours(hours_spent, errors)
    errors.raise_any()
    locked = FinalCheck.objects.select_for_update().select_related("request").get(pk=getattr(check, "pk", check))
    if actor is None or actor.pk != locked.expert_id:
        log_denied(actor, "final_check_answer", f"check:{locked.pk}")
        raise PermissionDenied(_("Only the expert asked for this check answers it."))
    if not locked.is_pending:
        raise CheckNotOpen(_("You answered this check already."))
    piece = locked_piece(locked.piece_id)
    if piece.status != PieceStatus.IN_FINAL_CHECK or piece.version != locked.version:
        raise CheckNotOpen(_("This check is closed: the piece has moved on since it was asked for."))
    _book(locked, hours, actor)
    locked.verdict = verdict
    locked.comments = cleaned
    locked.hours_spent = hours
    locked.quote_consent = bool(quote_consent)
    locked.answered_at = timezone.now()
    locked.save()
    PieceEvent.objects.create(
        piece=piece,
        actor=actor,
        kind=PieceEvent.Kind.CHECK,
        note="\n".join(f"[{comment['label']}] {comment['text']}" for comment in cleaned)[:2000],
        data={"code": "piece_check", "verdict": verdict, "expert": person_ref(actor), "version": locked.version},
    )
    notify(
        recipient=piece.owner,
        kind=Notification.Kind.FINAL_CHECK_DONE,
        params={"expert": display_name(actor), "title": piece.title, "variant": verdict},
        request=locked.request,
        link=_piece_link(piece),
    )
    round_checks = list(piece.checks.filter(round=locked.round).values_list("verdict", flat=True))
    if V.PENDING not in round_checks:
        action = "rework" if V.CHANGES_REQUESTED in round_checks else "approve"
        piece_transition(piece=piece, actor=None, action=action, note=_("Every final check is answered."))
    return locked


def final_check_reminders_send(*, now=None):
    """Remind each expert once whose check is past its response target."""
    now = now or timezone.now()
    due = FinalCheck.objects.filter(verdict=V.PENDING, due_at__lte=now, reminded_at__isnull=True)
    sent = 0
    for check in due.select_related("expert", "piece", "request")[:500]:
        # Claimed by the update, so two sweeps never remind twice.
        if FinalCheck.objects.filter(pk=check.pk, reminded_at__isnull=True).update(reminded_at=now):
            notify(
                recipient=check.expert,
                kind=Notification.Kind.FINAL_CHECK,
                params={
                    "title": check.piece.title,
                    "answer_by": datetime_param(check.due_at),
                    "check": check.pk,
                    "variant": "reminder",
                },
                request=check.request,
                link=_piece_link(check.piece),
            )
            sent += 1
    return sent
