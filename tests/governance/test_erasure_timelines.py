"""Erasure and the append-only timelines (issue 13): what the system writes into a
timeline names people by id, and the name is looked up when the text is read. So a
person whose history touches every kind of entry that names someone leaves no copy of
their name or e-mail in any table once erased, the append-only rows untouched, and the
timelines show the pseudonym where the name was.

The history is made through the services, so a service that copies a name into a
timeline again makes `test_no_table_holds_the_name_after_erasure` fail."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content_workflow import services
from content_workflow.models import (
    BudgetEntry,
    Channel,
    ContentVersion,
    ExpertInputRequest,
    FinalCheck,
    Format,
    PieceEvent,
    RequestEvent,
    Status,
)
from content_workflow.models.messages import describe, names_attach, person_ids
from content_workflow.services.notifications import display_name
from content_workflow.services.periodic import escalations_send, reminders_send
from disciplines.models import Absence, Membership
from governance import personal_data
from tests.governance import test_personal_data as erasure

# The erasure tests' person and their history (used here as fixtures).
competency, history = erasure.competency, erasure.history
F = Membership.Function
NAME = " ".join(erasure.NAME)
NEEDLES = [NAME, erasure.EMAIL]
# Every kind of timeline entry the services write naming a person.
CODES = {"shared", "reminder", "due_tomorrow", "escalated", "manager_pick", "no_candidates"}


def _route(make_request, team, **fields):
    request = make_request(**fields)
    services.request_submit(request=request, actor=team.requester)
    services.request_route(request_id=request.pk)
    return ExpertInputRequest.objects.get(pk=request.pk)


def _aware(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def everywhere(history, team, member, make_request, budget, open_work, due):
    """Eva (erasure.history) named by every kind of timeline entry: shared with her,
    reminded and due-tomorrow-reminded, escalated to her as marketing's manager and, while
    she is away, to her deputy, chosen by her and by her deputy on her behalf, chosen over
    her capacity, named among the closest to having room, and her final check on a piece."""
    eva, first = history
    Absence.objects.filter(user=eva).delete()  # back from holiday (she is away again below)
    services.request_share(request=first, actor=team.requester, user=eva)

    # Reminders to her.
    reminded = _route(make_request, team, title="Reminded", preferred_expert=eva)
    assert reminded.assignee == eva, reminded.routing_reason
    assert reminders_send(now=reminded.reminder_at + datetime.timedelta(minutes=1)) >= 1
    assert reminders_send(now=_aware(reminded.due_date - datetime.timedelta(days=1))) >= 1

    # Her final check on a piece that her input fed.
    budget(10, month=timezone.localdate())  # checks book in the month they are answered
    piece = services.piece_create(
        actor=team.requester, title="Pricing", channel=Channel.BLOG, format=Format.BLOG_POST, text="Draft"
    )
    piece = services.piece_transition(piece=piece, actor=team.requester, action="start")
    fed = _route(make_request, team, title="Feeds the piece", piece=piece, preferred_expert=eva)
    assert fed.assignee == eva, fed.routing_reason
    services.request_accept(request=fed, actor=eva)
    services.request_deliver(request=fed, actor=eva, text="Facts", hours_spent="1")
    piece = services.piece_transition(piece=piece, actor=team.requester, action="send_to_final_check")
    check = FinalCheck.objects.get(piece=piece, expert=eva, verdict=FinalCheck.Verdict.PENDING)
    services.final_check_answer(check=check, actor=eva, verdict=FinalCheck.Verdict.APPROVED)

    # Nobody has room: she is among the closest; product's manager gives it to her anyway.
    open_work(eva, 5)
    open_work(team.expert2, 5)
    crowded = _route(make_request, team, title="Crowded", estimated_hours=Decimal(4))
    assert crowded.status == Status.UNROUTABLE
    assert eva.pk in person_ids(crowded.routing_reason["nearest"])
    services.request_reassign(request=crowded, actor=team.manager, expert=eva)

    # She manages marketing: an unanswered request is escalated to her, she picks another expert.
    member("marketing", F.MANAGER, user=eva)
    mia = member("marketing", F.EXPERT, tags=["pricing"], username="mia")
    budget(40, discipline=team.marketing)
    escalated = _route(make_request, team, title="Marketing", target_discipline=team.marketing)
    assert escalated.status == Status.ASSIGNED, escalated.routing_reason
    assert escalations_send(now=escalated.response_due_at + datetime.timedelta(minutes=1)) >= 1
    other = team.other_expert if escalated.assignee == mia else mia
    escalated = services.request_reassign(request=escalated, actor=eva, expert=other)

    # Away: her deputy is escalated to and acts for her.
    today = timezone.localdate()
    Absence.objects.create(user=eva, starts_on=today, ends_on=today + datetime.timedelta(days=90), deputy=team.deputy)
    services.deputy_grants_sync()
    away = _route(make_request, team, title="While away", target_discipline=team.marketing)
    assert away.status == Status.ASSIGNED, away.routing_reason
    assert escalations_send(now=away.response_due_at + datetime.timedelta(minutes=1)) >= 1
    other = team.other_expert if away.assignee == mia else mia
    services.request_reassign(request=away, actor=team.deputy, expert=other)
    return eva


def _naming(eva):
    """The request and piece events whose data names Eva by id, by code."""
    found = {}
    for event in [*RequestEvent.objects.all(), *PieceEvent.objects.all()]:
        if eva.pk in person_ids(event.data):
            found.setdefault(event.data["code"], []).append(event)
    return found


def test_every_kind_of_entry_names_her_by_id(everywhere, team):
    eva = everywhere
    naming = _naming(eva)
    assert CODES | {"piece_check"} <= naming.keys()
    deputy = [e for e in naming["manager_pick"] if e.data.get("deputy_for") == {"user": eva.pk}]
    assert deputy and deputy[0].actor == team.deputy
    assert any(e.data.get("overbooked", {}).get("name") == {"user": eva.pk} for e in naming["manager_pick"])
    assert any({"user": team.deputy.pk, "deputy_of": eva.pk} in e.data["names"] for e in naming["escalated"])
    assert any({"user": eva.pk} in e.data["names"] for e in naming["escalated"])
    # Nowhere in an append-only table as text.
    for label in personal_data.append_only_labels():
        assert not [found for found in erasure.rows_mentioning(NEEDLES) if found[0] == label]


def test_no_table_holds_the_name_after_erasure(everywhere, team):
    eva = everywhere
    assert erasure.rows_mentioning(NEEDLES)  # notifications, contributions... hold it before
    counts = [model.objects.count() for model in (RequestEvent, PieceEvent, ContentVersion, BudgetEntry)]

    report = personal_data.personal_data_erase(actor=team.admin, user=eva)

    assert report["snapshots_kept"] == 0
    assert erasure.rows_mentioning(NEEDLES) == []
    assert [model.objects.count() for model in (RequestEvent, PieceEvent, ContentVersion, BudgetEntry)] == counts
    erasure.ledger_adds_up()


def test_the_texts_show_the_live_name_then_the_pseudonym(everywhere, team):
    eva = everywhere
    before = {code: [event.text for event in events] for code, events in _naming(eva).items()}
    for code in CODES:
        assert all(NAME in text for text in before[code]), (code, before[code])
    assert any(f"(as deputy of {NAME})" in text for text in before["manager_pick"])
    assert any(f"{display_name(team.deputy)} (deputy of {NAME})" in text for text in before["escalated"])

    personal_data.personal_data_erase(actor=team.admin, user=eva)

    pseudonym = personal_data.pseudonym_text(eva)
    after = {code: [event.text for event in events] for code, events in _naming(eva).items()}
    for code in CODES:
        assert all(pseudonym in text and NAME not in text for text in after[code]), (code, after[code])
    crowded = ExpertInputRequest.objects.get(title="Crowded")
    assert pseudonym in crowded.capacity_warning and pseudonym in crowded.routing_reason_text


def test_pages_and_api_show_the_pseudonym(everywhere, team, client_for):
    eva = everywhere
    crowded = ExpertInputRequest.objects.get(title="Crowded")
    page = client_for(team.manager).get(f"/requests/{crowded.pk}/")
    assert NAME.encode() in page.content
    personal_data.personal_data_erase(actor=team.admin, user=eva)
    pseudonym = personal_data.pseudonym_text(eva)
    for address in (f"/requests/{crowded.pk}/", f"/api/v1/requests/{crowded.pk}/"):
        response = client_for(team.manager).get(address)
        assert response.status_code == 200
        assert pseudonym.encode() in response.content and erasure.NAME[1].encode() not in response.content


def test_rows_written_before_ids_still_render(db):
    """Old rows hold the name as text: shown as written (and counted by the erasure page)."""
    assert describe({"code": "shared", "name": "Old Name"}) == "Shared with Old Name."
    assert describe({"code": "escalated", "days": 2, "names": ["A B", "C D (deputy of E F)"]}) == (
        "Not answered within 2 business day(s): escalated to A B, C D (deputy of E F)."
    )
    text = describe(
        {
            "code": "manager_pick",
            "manager": "Max M",
            "deputy_for": "Mo N",
            "overbooked": {"name": "Eva E", "load": "5", "hours": "4", "capacity": "6"},
        }
    )
    assert text.startswith("Chosen by Max M. Over capacity: Eva E has 5 h open") and text.endswith(
        "(as deputy of Mo N)"
    )
    nearest = {
        "code": "no_candidates",
        "experts": 1,
        "absent": 0,
        "declined": 0,
        "busy": 1,
        "hours": "4",
        "nearest": [{"name": "Old Name", "load": "5", "capacity": "6"}],
    }
    assert "Old Name (5 h open of 6 h a week)" in describe(nearest)


def test_a_person_gone_from_the_database_reads_as_unknown(team):
    assert describe({"code": "shared", "name": {"user": 999999}}) == "Shared with (unknown person)."


def test_the_timeline_loads_the_names_in_one_query(team, make_request, django_assert_num_queries):
    request = make_request()
    people = [team.expert, team.expert2, team.manager, team.deputy]
    for someone in people:
        services.request_share(request=request, actor=team.requester, user=someone)
    events = list(RequestEvent.objects.filter(request=request))
    with django_assert_num_queries(1):
        names_attach(events)
        texts = [event.text for event in events]
    assert [f"Shared with {display_name(someone)}." for someone in people] == [t for t in texts if t]
    with django_assert_num_queries(0):  # nothing named: no query
        names_attach([RequestEvent(data={"code": "overdue", "due": "x"})])


def _detail_queries(client, addresses):
    counts = []
    for address in addresses:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts.append(len(queries))
    return counts


def test_detail_pages_cost_the_same_however_many_named_entries(team, make_request, client_for, make_user):
    request = make_request()
    client = client_for(team.requester)
    addresses = [f"/requests/{request.pk}/", f"/api/v1/requests/{request.pk}/"]
    services.request_share(request=request, actor=team.requester, user=team.expert)
    few = _detail_queries(client, addresses)
    for number in range(6):
        services.request_share(request=request, actor=team.requester, user=make_user(username=f"reader{number}"))
    assert _detail_queries(client, addresses) == few


def test_piece_pages_cost_the_same_however_many_checks(everywhere, team, client_for):
    piece = PieceEvent.objects.filter(data__code="piece_check").first().piece
    client = client_for(team.requester)
    addresses = [f"/pieces/{piece.pk}/", f"/api/v1/content-pieces/{piece.pk}/"]
    few = _detail_queries(client, addresses)
    for _ in range(4):  # more named entries on the timeline (as a service writes them)
        PieceEvent.objects.create(
            piece=piece,
            kind=PieceEvent.Kind.CHECK,
            actor=team.expert2,
            data={"code": "piece_check", "expert": {"user": team.expert2.pk}},
        )
    assert _detail_queries(client, addresses) == few


def test_erasing_someone_named_in_a_text_version_and_a_piece_note(team, client_for):
    """The pieces' versions and timeline are append-only too: erasure leaves them alone
    (the triggers would refuse an UPDATE) and the confirmation page counts them."""
    expert = team.expert2
    name = f"{expert.first_name} {expert.last_name}".strip() or expert.username
    assert name and expert.first_name and expert.last_name, "the test needs a full name"
    piece = services.piece_create(
        actor=team.requester, title="Quotes", channel=Channel.BLOG, format=Format.BLOG_POST, text=f"As {name} says."
    )
    PieceEvent.objects.create(piece=piece, kind=PieceEvent.Kind.EDITED, actor=team.requester, note=f"Ask {name}")
    page = client_for(team.admin).get(f"/accounts/people/{expert.pk}/erase/")
    assert b"2 timeline entries, ledger entries or text versions mention their name" in page.content

    report = personal_data.personal_data_erase(actor=team.admin, user=expert)

    assert report["snapshots_kept"] == 2
    assert ContentVersion.objects.get(piece=piece).text == f"As {name} says."
    piece.refresh_from_db()
    assert name not in piece.text  # the piece's current text is not a record: replaced
    assert {label for label, _field, _pk in erasure.rows_mentioning([name])} == {
        "content_workflow.ContentVersion",
        "content_workflow.PieceEvent",
    }


def test_request_list_api_costs_the_same_however_many_named_reasons(team, routed, open_work, client_for):
    """Routing reasons name the closest experts by id: the list loads the names in one query."""
    open_work(team.expert, 5)
    open_work(team.expert2, 5)

    def unroutable(title):
        request = routed(title=title, estimated_hours=Decimal(4))
        assert request.status == Status.UNROUTABLE and person_ids(request.routing_reason)
        return request

    unroutable("First")
    client = client_for(team.manager)
    few = _detail_queries(client, ["/api/v1/requests/"])
    for number in range(3):
        unroutable(f"More {number}")
    assert _detail_queries(client, ["/api/v1/requests/"]) == few
    texts = [row["routing_reason"] for row in client.get("/api/v1/requests/").json()["results"]]
    assert sum(display_name(team.expert) in text for text in texts) == 4
