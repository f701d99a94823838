"""Content pieces (issue 11, item 1): the state table, the services, versions and the
diff, and who may see and change a piece."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from content_workflow import services
from content_workflow.models import Channel, ContentPiece, ContentVersion, Format, PieceEvent, PieceStatus
from content_workflow.permissions import can_edit_piece
from content_workflow.piece_diff import version_diff
from content_workflow.piece_transitions import (
    ALL_ACTIONS,
    PIECE_TRANSITIONS,
    IllegalPieceTransition,
    target_of,
)

P = PieceStatus
TODAY = timezone.localdate


@pytest.fixture
def make_piece(team):
    def make(*, actor=None, **fields):
        values = {"title": "Pricing explained", "channel": Channel.BLOG, "format": Format.BLOG_POST}
        values.update(fields)
        return services.piece_create(actor=actor or team.requester, **values)

    return make


@pytest.fixture
def piece_in(make_piece, team):
    """piece_in(status) -> a piece brought there through the services."""
    path = {
        P.IDEA: [],
        P.IN_PRODUCTION: ["start"],
        P.IN_FINAL_CHECK: ["start", "send_to_final_check"],
        P.APPROVED: ["start", "send_to_final_check", "approve"],
        P.PUBLISHED: ["start", "send_to_final_check", "approve", "publish"],
        P.ARCHIVED: ["archive"],
    }

    def make(status, **fields):
        piece = make_piece(**fields)
        for action in path[status]:
            extra = {}
            if action == "publish":
                extra = {"published_url": "https://example.com/blog/pricing", "published_on": TODAY()}
            piece = services.piece_transition(piece=piece, actor=team.requester, action=action, **extra)
        assert piece.status == status
        return piece

    return make


# --- The state table -------------------------------------------------------------------------

MOVES = [(current, action) for current in P.values for action in ALL_ACTIONS]


@pytest.mark.parametrize(("current", "action"), MOVES)
def test_every_move_is_allowed_exactly_when_the_table_has_it(piece_in, team, current, action):
    piece = piece_in(current)
    wanted = target_of(action, current)
    allowed = wanted is not None and wanted in PIECE_TRANSITIONS[current]
    extra = {}
    if action == "publish":
        extra = {"published_url": "https://example.com/x", "published_on": TODAY()}
    if allowed:
        moved = services.piece_transition(piece=piece, actor=team.requester, action=action, **extra)
        assert moved.status == wanted
        event = PieceEvent.objects.filter(piece=piece, kind=PieceEvent.Kind.TRANSITION).last()
        assert (event.from_status, event.to_status, event.actor) == (current, wanted, team.requester)
    else:
        with pytest.raises(IllegalPieceTransition) as error:
            services.piece_transition(piece=piece, actor=team.requester, action=action, **extra)
        assert error.value.http_status == 409
        assert "cannot become" in error.value.message
        assert ContentPiece.objects.get(pk=piece.pk).status == current


def test_archived_is_final_and_every_state_can_be_reached():
    assert PIECE_TRANSITIONS[P.ARCHIVED] == {}
    reachable = {P.IDEA} | {wanted for targets in PIECE_TRANSITIONS.values() for wanted in targets}
    assert reachable == set(P.values)


def test_publishing_needs_the_url_and_the_date(piece_in, team):
    piece = piece_in(P.APPROVED)
    with pytest.raises(ValidationError) as error:
        services.piece_transition(piece=piece, actor=team.requester, action="publish")
    assert set(error.value.message_dict) == {"published_url", "published_on"}
    with pytest.raises(ValidationError) as error:
        services.piece_transition(
            piece=piece,
            actor=team.requester,
            action="publish",
            published_url="javascript:alert(1)",
            published_on=TODAY() + datetime.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"published_url", "published_on"}
    assert ContentPiece.objects.get(pk=piece.pk).status == P.APPROVED


def test_the_database_refuses_a_published_piece_without_url(piece_in):
    piece = piece_in(P.IDEA)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContentPiece.objects.filter(pk=piece.pk).update(status=P.PUBLISHED)


# --- Who may change a piece --------------------------------------------------------------------


def test_the_owner_and_the_teams_communicators_edit(piece_in, team):
    piece = piece_in(P.IDEA)
    assert can_edit_piece(team.requester, piece)
    assert can_edit_piece(team.other_requester, piece)  # same hub's communicator
    assert can_edit_piece(team.admin, piece)
    for person in (team.spoke_communicator, team.expert, team.manager, team.lead, team.executive, team.outsider):
        assert not can_edit_piece(person, piece), person
    moved = services.piece_transition(piece=piece, actor=team.other_requester, action="start")
    assert moved.status == P.IN_PRODUCTION


@pytest.mark.parametrize("who", ["spoke_communicator", "expert", "manager", "lead", "executive", "outsider"])
def test_others_may_not_move_or_change_a_piece(piece_in, team, who):
    piece = piece_in(P.IDEA)
    person = getattr(team, who)
    with pytest.raises(PermissionDenied):
        services.piece_transition(piece=piece, actor=person, action="start")
    with pytest.raises(PermissionDenied):
        services.piece_update(piece=piece, actor=person, title="Mine now")
    with pytest.raises(PermissionDenied):
        services.piece_reschedule(piece=piece, actor=person, planned_publish_date=TODAY())
    piece.refresh_from_db()
    assert (piece.status, piece.title) == (P.IDEA, "Pricing explained")


def test_only_communicators_plan_pieces(team):
    for person in (team.expert, team.manager, team.lead, team.outsider):
        with pytest.raises(PermissionDenied):
            services.piece_create(actor=person, title="x", channel="blog", format="post")
    with pytest.raises(ValidationError) as error:
        services.piece_create(actor=team.requester, title="x", channel="blog", format="post", team=team.product)
    assert "team" in error.value.message_dict


def test_bad_input_names_the_fields(team):
    with pytest.raises(ValidationError) as error:
        services.piece_create(actor=team.requester, title="", channel="tiktok", format="post")
    assert {"title", "channel"} <= set(error.value.message_dict)
    assert not ContentPiece.objects.exists()


# --- Who sees a piece ----------------------------------------------------------------------------


def test_visibility(piece_in, make_request, team):
    mine = piece_in(P.IN_PRODUCTION)
    fed = piece_in(P.IN_PRODUCTION, title="Fed by Eva")
    request = make_request(piece=fed)
    type(request).objects.filter(pk=request.pk).update(assignee=team.expert, status="accepted")
    other_team = services.piece_create(actor=team.spoke_communicator, title="Marketing's", channel="x", format="post")

    def visible(user):
        return set(ContentPiece.objects.visible_to(user).values_list("title", flat=True))

    everything = {mine.title, fed.title, other_team.title}
    assert visible(team.requester) == {mine.title, fed.title}
    assert visible(team.other_requester) == {mine.title, fed.title}
    assert visible(team.spoke_communicator) == {other_team.title}
    assert visible(team.expert) == {fed.title}  # the pieces they fed, only
    assert visible(team.expert2) == set()
    for reader in (team.manager, team.lead, team.executive, team.admin):
        assert visible(reader) == everything
    assert visible(team.outsider) == set()


# --- Versions, the diff and the timeline -----------------------------------------------------------


def test_each_text_change_is_a_version_and_versions_are_append_only(make_piece, team):
    piece = make_piece(text="First draft")
    assert piece.version == 1
    piece = services.piece_update(piece=piece, actor=team.other_requester, text="Second draft", version_note="Tighter")
    piece = services.piece_update(piece=piece, actor=team.requester, text="Second draft")  # no change: no version
    assert piece.version == 2
    versions = list(ContentVersion.objects.filter(piece=piece).order_by("number"))
    assert [(v.number, v.text, v.author) for v in versions] == [
        (1, "First draft", team.requester),
        (2, "Second draft", team.other_requester),
    ]
    assert versions[1].note == "Tighter"
    with pytest.raises(ValueError):
        versions[0].save()
    with pytest.raises(ValueError):
        versions[0].delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContentVersion.objects.filter(pk=versions[0].pk).update(text="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        PieceEvent.objects.filter(piece=piece).delete()


@pytest.mark.parametrize("status", [P.IN_FINAL_CHECK, P.PUBLISHED, P.ARCHIVED])
def test_the_text_is_frozen_in_final_check_and_after(piece_in, team, status):
    piece = piece_in(status)
    with pytest.raises(services.pieces.PieceNotEditable) as error:
        services.piece_update(piece=piece, actor=team.requester, text="Sneaky change")
    assert error.value.http_status == 409
    assert ContentPiece.objects.get(pk=piece.pk).text == ""


def test_the_timeline_records_edits_dates_and_moves(make_piece, team):
    piece = make_piece(planned_publish_date=TODAY() + datetime.timedelta(days=10))
    piece = services.piece_update(piece=piece, actor=team.requester, title="New title", channel="linkedin")
    piece = services.piece_reschedule(
        piece=piece, actor=team.requester, planned_publish_date=TODAY() + datetime.timedelta(days=12)
    )
    services.piece_transition(piece=piece, actor=team.requester, action="start", note="Go")
    kinds = list(PieceEvent.objects.filter(piece=piece).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["created", "edited", "rescheduled", "transition"]
    edited = PieceEvent.objects.get(piece=piece, kind="edited")
    assert edited.text == "Changed: working title, channel."
    assert "changed from" in PieceEvent.objects.get(piece=piece, kind="rescheduled").text


def test_a_published_piece_keeps_its_date(piece_in, team):
    piece = piece_in(P.PUBLISHED)
    with pytest.raises(services.pieces.DomainError):
        services.piece_reschedule(piece=piece, actor=team.requester, planned_publish_date=TODAY())
    with pytest.raises(services.pieces.DomainError):
        services.piece_update(piece=piece, actor=team.requester, planned_publish_date=TODAY())


def test_the_diff_shows_changed_lines_with_context():
    old = "\n".join(f"line {n}" for n in range(1, 21))
    new = old.replace("line 3", "line three").replace("line 18", "line 18\nline 18b")
    rows = version_diff(old, new)
    kinds = [(row.kind, row.text) for row in rows]
    assert ("removed", "line 3") in kinds
    assert ("added", "line three") in kinds
    assert ("added", "line 18b") in kinds
    assert ("gap", "…") in kinds  # unchanged lines between the two changes are left out
    assert ("same", "line 10") not in kinds
    assert version_diff("same", "same") == []


def test_a_request_feeds_a_piece_only_for_its_editors(make_piece, make_request, team):
    piece = make_piece()
    request = make_request(piece=piece)
    assert request.piece == piece
    assert PieceEvent.objects.get(piece=piece, kind="request").text == f"Expert input requested: “{request.title}”."
    outsider_piece = services.piece_create(actor=team.spoke_communicator, title="Theirs", channel="x", format="post")
    with pytest.raises(ValidationError) as error:
        make_request(piece=outsider_piece)
    assert "piece" in error.value.message_dict


def test_the_demo_has_a_piece_in_every_state_fed_by_its_requests(db, disciplines):
    from django.contrib.auth import get_user_model

    from content_workflow import demo
    from governance.demo import seed_accounts, seed_memberships, seed_model

    seed_accounts(password="demo")
    admin = get_user_model().objects.get(username="admin")
    seed_memberships(actor=admin)
    seed_model(actor=admin)
    demo.seed(actor=admin)
    assert set(ContentPiece.objects.values_list("status", flat=True)) == set(P.values)
    fed = ContentPiece.objects.get(title="How we protect customer data")
    assert fed.status == P.IN_FINAL_CHECK and fed.version == 2
    assert fed.requests.get().assignee.username == "expert2"
    assert demo.seed(actor=admin) == []  # idempotent
    assert ContentPiece.objects.count() == len(demo.DEMO_PIECES)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_empties_the_piece_history_and_the_guard_comes_back():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from disciplines.models import Discipline, Membership

    def a_piece_with_history():
        user = get_user_model().objects.create(username="again")
        # An id of its own: rows restored by a serialized rollback do not move the
        # sequence on PostgreSQL, so the next default id may be taken.
        team = Discipline.objects.create(pk=9001, name="Again", slug="again")
        Membership.objects.create(user=user, discipline=team, function=Membership.Function.COMMUNICATOR)
        return services.piece_create(actor=user, title="Again", channel="blog", format="post", text="v1")

    a_piece_with_history()
    call_command("flush", interactive=False, verbosity=0)
    assert not ContentVersion.objects.exists() and not PieceEvent.objects.exists()
    piece = a_piece_with_history()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContentVersion.objects.filter(piece=piece).update(text="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        PieceEvent.objects.filter(piece=piece).delete()
