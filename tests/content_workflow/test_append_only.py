"""The timeline and the ledger are append-only in the database, not only in Python.

Runs on SQLite by default and on PostgreSQL with DATABASE_URL set: the triggers of
migration 0004_audit_append_only must refuse on both. Rows pointing at audit rows are
protected, so deleting a request, a user or a discipline is refused cleanly instead of
failing at the triggers (or taking the trail with it).
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from content_workflow.models import BudgetEntry, DeputyGrant, ExpertInputRequest, RequestEvent, Status
from disciplines import services as discipline_services
from disciplines.models import Discipline

AUDITED = [RequestEvent, BudgetEntry]


@pytest.fixture
def audit_rows(routed):
    """A routed request: it has a timeline and ledger lines (approve, reserve)."""
    request = routed()
    assert request.events.exists() and request.budget_entries.exists()
    return request


def refused(statement):
    """Run `statement` and return the database's refusal (the test fails if there is none)."""
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        statement()
    assert "append-only" in str(error.value)
    return error.value


def raw(sql, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


@pytest.mark.parametrize("model", AUDITED, ids=lambda model: model.__name__)
def test_the_database_refuses_updates(audit_rows, model):
    row = model.objects.order_by("pk").first()
    table = model._meta.db_table
    refused(lambda: model.objects.filter(pk=row.pk).update(note="rewritten"))
    refused(lambda: model.objects.update(note="rewritten"))
    refused(raw(f"UPDATE {table} SET note = %s WHERE id = %s", "rewritten", row.pk))  # noqa: S608 (our table)
    row.refresh_from_db()
    assert row.note != "rewritten"


@pytest.mark.parametrize("model", AUDITED, ids=lambda model: model.__name__)
def test_the_database_refuses_deletes(audit_rows, model):
    count = model.objects.count()
    row = model.objects.order_by("pk").first()
    refused(lambda: model.objects.filter(pk=row.pk).delete())
    refused(lambda: model.objects.all().delete())
    refused(raw(f"DELETE FROM {model._meta.db_table} WHERE id = %s", row.pk))  # noqa: S608 (our table)
    assert model.objects.count() == count


def test_new_lines_are_still_written(audit_rows, team):
    from content_workflow import services

    before = (audit_rows.events.count(), audit_rows.budget_entries.count())
    services.request_cancel(request=audit_rows, actor=team.requester)
    assert audit_rows.events.count() > before[0]  # the cancellation
    assert audit_rows.budget_entries.count() > before[1]  # the reservation released


# --- What points at audit rows cannot take them along ---------------------------------------------


def test_a_request_with_a_timeline_is_protected(in_state):
    request = in_state(Status.SUBMITTED)  # a timeline, but no ledger lines that would protect it anyway
    assert request.events.exists() and not request.budget_entries.exists()
    events = request.events.count()
    with pytest.raises(ProtectedError):
        request.delete()
    with pytest.raises(ProtectedError):
        ExpertInputRequest.objects.filter(pk=request.pk).delete()
    assert request.events.count() == events


def test_people_named_in_the_timeline_or_the_ledger_are_protected(audit_rows, team):
    # The assignee is named by the routing event, the manager by the budget approval.
    assert RequestEvent.objects.filter(assignee=audit_rows.assignee).exists()
    assert BudgetEntry.objects.filter(actor=team.manager).exists()
    for person in (audit_rows.assignee, team.manager):
        with pytest.raises(ProtectedError):
            person.delete()
    assert RequestEvent.objects.filter(assignee=audit_rows.assignee).exists()
    assert BudgetEntry.objects.filter(actor=team.manager).exists()


def test_the_admin_refuses_to_delete_such_a_person_and_says_why(client_for, audit_rows, team):
    client = client_for(team.admin)
    one = client.post(reverse("admin:auth_user_delete", args=[team.manager.pk]), {"post": "yes"})
    many = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [team.manager.pk, audit_rows.assignee.pk], "post": "yes"},
    )
    for response in (one, many):
        assert response.status_code == 200
        page = response.text
        assert "would require deleting the following protected related objects" in page
        assert "Budget entry" in page
        assert "doesn't have permission" not in page  # Django's wording when the ledger's admin came first
    assert get_user_model().objects.filter(pk__in=[team.manager.pk, audit_rows.assignee.pk]).count() == 2


@pytest.fixture
def grant(make_user):
    """A deputy grant in a discipline that nothing else refers to, between two otherwise unknown people."""
    legal = Discipline.objects.get(slug="legal")
    today = datetime.date.today()
    return DeputyGrant.objects.create(
        manager=make_user(username="absent"),
        deputy=make_user(username="standin"),
        discipline=legal,
        starts_on=today,
        ends_on=today,
    )


def test_deputy_grants_keep_their_people(grant):
    for person in (grant.manager, grant.deputy):
        with pytest.raises(ProtectedError):
            person.delete()
    assert DeputyGrant.objects.filter(pk=grant.pk).exists()


def test_deputy_grants_keep_their_discipline_with_a_message(grant, lead):
    with pytest.raises(ValidationError, match="deputy grant"):
        discipline_services.discipline_delete(actor=lead, discipline=grant.discipline)
    assert DeputyGrant.objects.filter(pk=grant.pk).exists()


def test_the_admin_says_why_a_discipline_with_grants_stays(client_for, grant, make_user):
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    address = reverse("admin:disciplines_discipline_delete", args=[grant.discipline.pk])
    client = client_for(admin)
    response = client.post(address, {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.text
    assert "Deputy grant" in response.text
    assert Discipline.objects.filter(pk=grant.discipline.pk).exists()
    german = client.post(address, {"post": "yes"}, headers={"accept-language": "de"})
    assert "folgenden geschützten verwandten Objekte" in german.text


# --- Emptying the whole database still works --------------------------------------------------------


def _a_timeline_from_scratch():
    """One event, built without the default catalogue (a flushed database has none)."""
    user = get_user_model().objects.create(username="again")
    # An id of its own: rows restored by a serialized rollback do not move the sequence
    # on PostgreSQL, so the next default id may be taken.
    discipline = Discipline.objects.create(pk=9001, name="Again", slug="again")
    request = ExpertInputRequest.objects.create(
        title="Again",
        brief="Again",
        requester=user,
        target_discipline=discipline,
        estimated_hours=1,
        due_date=datetime.date.today(),
    )
    return RequestEvent.objects.create(request=request, actor=user, note="created")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_empties_the_audited_tables_and_the_guard_comes_back():
    # SQLite flushes with DELETE (the triggers must step aside), PostgreSQL with TRUNCATE.
    _a_timeline_from_scratch()
    call_command("flush", interactive=False, verbosity=0)
    assert not RequestEvent.objects.exists()
    event = _a_timeline_from_scratch()
    refused(lambda: RequestEvent.objects.filter(pk=event.pk).delete())
    refused(lambda: RequestEvent.objects.filter(pk=event.pk).update(note="rewritten"))
