"""Every change to a content piece: one function per use case.

Like `services.requests`: each function locks the piece row, checks who is acting (and
for a status change the piece transition table), writes the change and a `PieceEvent`
in one transaction. A text change appends a `ContentVersion`; versions and events are
never changed afterwards. Pages, the API and the admin call these; none repeats them.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from content_workflow.models import CalendarFeed, ContentPiece, ContentVersion, PieceEvent
from content_workflow.permissions import can_create_piece, piece_actors_for, piece_team_ids
from content_workflow.piece_transitions import (
    PIECE_ACTIONS,
    TEXT_EDITABLE,
    IllegalPieceTransition,
    PieceStatus,
    allowed_piece_actors,
    check_piece_transition,
    target_of,
)
from governance.access import log_denied
from governance.errors import DomainError, FieldErrors

# What `piece_update` may change; the text goes through versions, the date through
# `piece_reschedule`'s rule (both also reachable from here).
DETAIL_FIELDS = ("title", "channel", "format")


class PieceNotEditable(DomainError):
    def __init__(self, status):
        super().__init__(
            _("The text of a piece that is “%(status)s” cannot change.") % {"status": PieceStatus(status).label},
            code="not_editable",
        )


def locked_piece(piece):
    return ContentPiece.objects.select_for_update().get(pk=getattr(piece, "pk", piece))


def _require_editor(actor, piece, action):
    if not piece_actors_for(actor, piece):
        log_denied(actor, f"piece_{action}", f"piece:{piece.pk}")
        raise PermissionDenied(_("Only the owner and the communicators of the piece's team change it."))


def _event(piece, *, actor, kind, note="", data=None, from_status="", to_status=""):
    return PieceEvent.objects.create(
        piece=piece,
        actor=actor,
        kind=kind,
        note=note,
        data=data or {},
        from_status=from_status,
        to_status=to_status,
    )


def _new_version(piece, *, actor, text, note=""):
    """Append the next version (the caller holds the row lock, so numbers never clash)."""
    piece.version += 1
    piece.text = text
    ContentVersion.objects.create(piece=piece, number=piece.version, text=text, author=actor, note=note[:300])
    _event(
        piece,
        actor=actor,
        kind=PieceEvent.Kind.VERSION,
        note=note,
        data={"code": "piece_version", "number": piece.version},
    )


EARLIEST = datetime.date(2000, 1, 1)
PLAN_AHEAD_YEARS = 10


def date_problem(value, *, today=None):
    """What is wrong with `value` as a planned or published date, or None: the calendar
    and the feed count days from it, so it stays within a sensible window."""
    if value is None:
        return None
    today = today or timezone.localdate()
    latest = today.replace(year=today.year + PLAN_AHEAD_YEARS, day=min(today.day, 28))
    if value < EARLIEST or value > latest:
        return _("Choose a date between %(earliest)s and %(latest)s.") % {
            "earliest": date_format(EARLIEST, "SHORT_DATE_FORMAT"),
            "latest": date_format(latest, "SHORT_DATE_FORMAT"),
        }
    return None


def _check_date(value, field):
    if problem := date_problem(value):
        raise ValidationError({field: problem})


def _validate(piece):
    errors = FieldErrors()
    with errors.check():
        piece.full_clean(exclude=["owner", "team"])
    with errors.check():
        _check_date(piece.planned_publish_date, "planned_publish_date")
    errors.raise_any()


def _team_for(actor, team):
    """The team of a new piece: the one asked for (the actor must be its communicator),
    else the actor's first team."""
    teams = piece_team_ids(actor)
    if team is not None:
        team_id = getattr(team, "pk", team)
        if team_id not in teams and not actor.is_superuser:
            raise ValidationError({"team": _("Choose a team you are a communicator of.")})
        return team_id
    if not teams:
        raise ValidationError({"team": _("Choose the team whose communicators write the piece.")})
    return min(teams)


@transaction.atomic
def piece_create(*, actor, title, channel, format, planned_publish_date=None, text="", team=None):  # noqa: A002
    """A new piece in state "idea", owned by `actor` (a communicator), with version 1 of
    its text if there is one."""
    if not can_create_piece(actor):
        log_denied(actor, "piece_create")
        raise PermissionDenied(_("Only communicators plan content pieces."))
    piece = ContentPiece(
        owner=actor,
        title=title,
        channel=channel,
        format=format,
        planned_publish_date=planned_publish_date,
    )
    piece.team_id = _team_for(actor, team)
    _validate(piece)
    piece.save()
    _event(piece, actor=actor, kind=PieceEvent.Kind.CREATED, to_status=PieceStatus.IDEA)
    if text:
        _new_version(piece, actor=actor, text=text)
        piece.save(update_fields=["text", "version", "updated_at"])
    return piece


@transaction.atomic
def piece_update(*, piece, actor, text=None, version_note="", planned_publish_date=..., **fields):
    """Change the working title, channel, format, planned date and the text. A changed
    text becomes a new version (refused while the piece is in final check, published or
    archived); the other changes are one "edited" event."""
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    locked = locked_piece(piece)
    _require_editor(actor, locked, "update")
    if locked.status == PieceStatus.ARCHIVED:
        raise PieceNotEditable(locked.status)
    changed = [name for name, value in fields.items() if value is not None and getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    text_changed = text is not None and text != locked.text
    if text_changed and locked.status not in TEXT_EDITABLE:
        raise PieceNotEditable(locked.status)
    before = locked.planned_publish_date
    date_changed = planned_publish_date is not ... and planned_publish_date != before
    if date_changed:
        _check_date_movable(locked)
        locked.planned_publish_date = planned_publish_date
    _validate(locked)
    if changed:
        _event(locked, actor=actor, kind=PieceEvent.Kind.EDITED, data={"code": "piece_edited", "fields": changed})
    if date_changed:
        _rescheduled(locked, actor=actor, before=before)
    if text_changed:
        _new_version(locked, actor=actor, text=text, note=version_note)
    locked.save()
    return locked


def _rescheduled(piece, *, actor, before):
    after = piece.planned_publish_date
    _event(
        piece,
        actor=actor,
        kind=PieceEvent.Kind.RESCHEDULED,
        data={
            "code": "piece_rescheduled",
            "before": before.isoformat() if before else "–",
            "after": after.isoformat() if after else "–",
        },
    )


def _check_date_movable(piece):
    if piece.status in (PieceStatus.PUBLISHED, PieceStatus.ARCHIVED):
        raise DomainError(
            _("A piece that is “%(status)s” keeps its date.") % {"status": PieceStatus(piece.status).label},
            code="not_editable",
        )


@transaction.atomic
def piece_reschedule(*, piece, actor, planned_publish_date):
    """Move the planned publish date (the calendar's date field). Not for a piece that
    is published or archived: its date is history."""
    locked = locked_piece(piece)
    _require_editor(actor, locked, "reschedule")
    _check_date_movable(locked)
    before = locked.planned_publish_date
    if before == planned_publish_date:
        return locked
    _check_date(planned_publish_date, "planned_publish_date")
    locked.planned_publish_date = planned_publish_date
    _rescheduled(locked, actor=actor, before=before)
    locked.save(update_fields=["planned_publish_date", "updated_at"])
    return locked


def _check_published(url, published_on):
    errors = FieldErrors()
    if not url:
        errors.add("published_url", _("Give the URL where the piece was published."))
    else:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.add("published_url", _("Enter a web address starting with http:// or https://."))
    if published_on is None:
        errors.add("published_on", _("Give the date the piece was published."))
    elif published_on > timezone.localdate():
        errors.add("published_on", _("The publication date cannot be in the future."))
    elif problem := date_problem(published_on):
        errors.add("published_on", problem)
    errors.raise_any()


@transaction.atomic
def piece_transition(*, piece, actor, action, note="", published_url="", published_on=None):
    """Move a piece by one of `piece_transitions.ALL_ACTIONS` ("start", "publish",
    "rework"...). Locks the row, checks the table and the actor, writes the state and a
    timeline event. Publishing needs the published URL and date (400 naming them)."""
    locked = locked_piece(piece)
    current = locked.status
    wanted = target_of(action, current)
    if wanted is None:
        raise IllegalPieceTransition(current, PIECE_ACTIONS.get(action, PieceStatus.IN_PRODUCTION))
    check_piece_transition(current, wanted)
    if not piece_actors_for(actor, locked) & allowed_piece_actors(current, wanted):
        log_denied(actor, f"piece_{action}", f"piece:{locked.pk}")
        raise PermissionDenied(_("Only the owner and the communicators of the piece's team change it."))
    data = {}
    if wanted == PieceStatus.PUBLISHED:
        _check_published(published_url, published_on)
        locked.published_url = published_url
        locked.published_on = published_on
        data = {"code": "piece_published", "url": published_url, "date": published_on.isoformat()}
    locked.status = wanted
    locked.status_changed_at = timezone.now()
    locked.save()
    _event(
        locked,
        actor=actor,
        kind=PieceEvent.Kind.TRANSITION,
        from_status=current,
        to_status=wanted,
        note=note,
        data=data,
    )
    if wanted == PieceStatus.IN_FINAL_CHECK:
        from content_workflow.services.checks import final_checks_open

        final_checks_open(locked)
    return locked


def piece_request_linked(*, piece, request, actor):
    """Record on the piece's timeline that `request` was made for it (called by
    `request_create` inside its transaction)."""
    _event(piece, actor=actor, kind=PieceEvent.Kind.REQUEST, data={"code": "piece_request", "title": request.title})


# --- The calendar feed ------------------------------------------------------------------------


def feed_token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_renew(*, actor):
    """A new secret feed token for `actor` (the old URL stops working). Returns the token;
    only its hash is stored, so this is the one time it can be shown."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=actor, defaults={"token_hash": feed_token_hash(token), "created_at": timezone.now(), "last_used_at": None}
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor):
    """Revoke `actor`'s feed: its URL answers 404 from now on."""
    return CalendarFeed.objects.filter(user=actor).delete()[0] > 0
