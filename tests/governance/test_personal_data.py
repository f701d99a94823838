"""Personal data (governance/personal_data.py): the export holds the person's rows and
nobody else's; erasure leaves no name or e-mail in any table, keeps the ledger adding up
and the history showing the pseudonym; assessments expire; who may do what."""

import datetime
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from rest_framework.authtoken.models import Token

from content_workflow import services
from content_workflow.models import (
    BudgetEntry,
    Contribution,
    ExpertInputRequest,
    Notification,
    RequestEvent,
    TimeBudget,
)
from disciplines.models import Absence, Expertise, Membership
from governance import personal_data
from governance.models import UserProfile
from roles.models import Assessment, Competency

User = get_user_model()
NAME = ("Evangelina", "Zwanziger")
EMAIL = "evangelina.zwanziger@example.com"


@pytest.fixture
def competency(db):
    """A competency of the default matrix (made sure of: a live-server test may have flushed it)."""
    from roles.defaults import ensure_default_matrix
    from roles.models import CompetencyCategory, JobProfile, RequiredLevel

    ensure_default_matrix(JobProfile, CompetencyCategory, Competency, RequiredLevel)
    return Competency.objects.first()


@pytest.fixture
def history(team, routed, competency):
    """Eva (the product expert) with a name to find: a request routed to her, accepted,
    delivered and completed with thanks; her expertise, absence, profile, token, and
    assessments about her and by her."""
    eva = team.expert
    User.objects.filter(pk=eva.pk).update(first_name=NAME[0], last_name=NAME[1], email=EMAIL)
    eva.refresh_from_db()
    request = routed()
    assert request.assignee_id == eva.pk, request.routing_reason
    services.request_accept(request=request, actor=eva, note="Happy to help")
    services.request_deliver(
        request=request, actor=eva, text=f"Our pricing, explained. Questions: {EMAIL}", hours_spent="2"
    )
    # The thank-you note goes into the append-only timeline too: no name in it here (see
    # test_names_typed_into_the_timeline_stay_and_are_counted for what happens then).
    services.request_complete(request=request, actor=team.requester, note="Thanks, very useful!", rating=5)
    Expertise.objects.filter(user=eva).update(profile=f"I am {NAME[0]} {NAME[1]}, pricing lead.")
    Absence.objects.create(user=eva, starts_on=timezone.localdate(), ends_on=timezone.localdate(), note="Holiday")
    UserProfile.objects.create(user=eva, language="de")
    Token.objects.create(user=eva)
    Assessment.objects.create(user=eva, competency=competency, level=3, assessed_by=team.manager, note="Solid")
    Assessment.objects.create(
        user=team.expert2, competency=competency, level=2, assessed_by=eva, note=f"From {NAME[0]} {NAME[1]}"
    )
    # Someone else's own data, which must not appear in Eva's export.
    Expertise.objects.filter(user=team.expert2).update(profile="Erik's own profile text")
    return eva, request


def rows_mentioning(needles):
    """(table, column, pk) of every text, char and JSON value of every model that holds a needle."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            kind = field.get_internal_type()
            if kind not in ("CharField", "TextField", "EmailField", "SlugField", "JSONField", "URLField"):
                continue
            queryset = model._default_manager.annotate(_text=Cast(field.name, models.TextField()))
            condition = Q()
            for needle in needles:
                condition |= Q(_text__icontains=needle) | Q(_text__icontains=json.dumps(needle)[1:-1])
            for pk in queryset.filter(condition).values_list("pk", flat=True):
                found.append((model._meta.label, field.name, pk))
    return found


def ledger_adds_up():
    for budget_ in TimeBudget.objects.all():
        sums = {
            kind: BudgetEntry.objects.filter(budget=budget_, kind=kind).aggregate(s=Sum("hours"))["s"] or Decimal(0)
            for kind in BudgetEntry.Kind.values
        }
        assert budget_.approved_hours == sums["approve"] + sums["adjust"]
        assert budget_.used_hours == sums["consume"]
        assert budget_.reserved_hours == sums["reserve"] - sums["release"] - sums["consume"]
        assert budget_.overrun_hours == sums["overrun"]


# --- Export ----------------------------------------------------------------------------------------


def test_export_holds_the_persons_rows_and_nobody_elses(history, team):
    eva, request = history
    data = personal_data.personal_data_export(actor=eva, user=eva)
    assert data["account"]["email"] == EMAIL
    assert data["account"]["password"] == "(secret, not exported)"
    tables = data["tables"]
    assert {row["id"] for row in tables["disciplines.Membership"]} == set(eva.memberships.values_list("pk", flat=True))
    assert tables["disciplines.Expertise"][0]["profile"].startswith("I am")
    assert tables["content_workflow.Contribution"][0]["text"].startswith("Our pricing")
    assert request.pk in {row["id"] for row in tables["content_workflow.ExpertInputRequest"]}
    assert tables["authtoken.Token"][0]["key"] == "(secret, not exported)"
    assert {row["refers_to_you_as"][0] for row in tables["roles.Assessment"]} == {"user", "assessed_by"}
    # Every exported row refers to Eva by some field; nobody else's rows come along.
    for label, rows in tables.items():
        for row in rows:
            assert any(
                row.get(f"{name}_id", row.get(name)) in (eva.pk, eva.username) for name in row["refers_to_you_as"]
            ), (
                label,
                row,
            )
    text = json.dumps(data)
    assert "Erik's own profile text" not in text
    assert team.expert2.email not in text


def test_profile_page_offers_the_download(client_for, history):
    eva, _request = history
    client = client_for(eva)
    assert b"/accounts/profile/data.json" in client.get("/accounts/profile/").content
    response = client.get("/accounts/profile/data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["account"]["id"] == eva.pk


def test_admins_download_anyones_data_and_others_get_403(client_for, history, team):
    eva, _request = history
    assert client_for(team.admin).get(f"/accounts/people/{eva.pk}/data.json").status_code == 200
    assert client_for(team.admin).get("/accounts/people/999999/data.json").status_code == 404
    for user in (team.lead, team.manager, team.expert2):
        assert client_for(user).get(f"/accounts/people/{eva.pk}/data.json").status_code == 403
    with pytest.raises(personal_data.PermissionDenied):
        personal_data.personal_data_export(actor=team.manager, user=eva)


def test_anonymous_gets_nothing(client, history):
    eva, _request = history
    assert client.get("/accounts/profile/data.json").status_code == 302
    assert client.get(f"/accounts/people/{eva.pk}/data.json").status_code == 302


# --- Erasure -------------------------------------------------------------------------------------


def test_after_erasure_no_table_holds_the_name_or_email(history, team):
    eva, request = history
    needles = [f"{NAME[0]} {NAME[1]}", EMAIL]
    assert rows_mentioning(needles)  # the test would find them
    events = RequestEvent.objects.count()
    entries = BudgetEntry.objects.count()
    ledger_adds_up()

    report = personal_data.personal_data_erase(actor=team.admin, user=eva)

    assert rows_mentioning(needles) == []
    assert report["snapshots_kept"] == 0
    # The append-only tables are untouched and the ledger still adds up.
    assert RequestEvent.objects.count() == events and BudgetEntry.objects.count() == entries
    ledger_adds_up()
    eva.refresh_from_db()
    assert (eva.username, eva.get_full_name(), eva.email) == (f"erased-{eva.pk}", f"Erased person {eva.pk}", "")
    assert not eva.is_active and not eva.has_usable_password()
    assert not eva.groups.exists()
    # Her rows alone are gone; the history stays, pointing at the pseudonym.
    assert not Membership.objects.filter(user=eva).exists()
    assert not Expertise.objects.filter(user=eva).exists()
    assert not Assessment.objects.filter(user=eva).exists()
    assert Assessment.objects.get(assessed_by=eva).note == ""
    assert not Token.objects.filter(user=eva).exists()
    request = ExpertInputRequest.objects.get(pk=request.pk)
    assert request.assignee_id == eva.pk
    contribution = Contribution.objects.get(request=request)
    assert contribution.author_id == eva.pk
    assert contribution.thanks == "Thanks, very useful!"  # the requester wrote it: theirs, kept
    assert f"Erased person {eva.pk}" in contribution.text
    assert RequestEvent.objects.filter(actor=eva).exists()
    assert Notification.objects.filter(recipient=team.requester).exists()


def test_names_typed_into_the_timeline_stay_and_are_counted(history, team, client_for):
    """A note typed into an append-only row cannot be changed: the confirmation page says
    how many there are, and erasure leaves them (and only them)."""
    eva, request = history
    services.request_share(request=request, actor=team.requester, user=team.expert2)  # a name of someone else
    RequestEvent.objects.create(request=request, actor=team.requester, note=f"Asked {NAME[0]} {NAME[1]} by phone")
    # Her user name inside another word is not her: not counted.
    RequestEvent.objects.create(request=request, actor=team.requester, note="Shared with Neva Evans, relevant")
    page = client_for(team.admin).get(f"/accounts/people/{eva.pk}/erase/")
    assert b"1 timeline entry, ledger entry or text version mentions their name" in page.content
    report = personal_data.personal_data_erase(actor=team.admin, user=eva)
    assert report["snapshots_kept"] == 1
    assert [label for label, _field, _pk in rows_mentioning([f"{NAME[0]} {NAME[1]}", EMAIL])] == [
        "content_workflow.RequestEvent"
    ]


def test_only_whole_words_are_replaced_and_keys_stay(history, team, disciplines):
    """A short user name ("eva") must not change "relevant"; choices and keys are never touched."""
    eva, _request = history
    product = disciplines["product"]
    product.description = "Relevant evaluations. Ask eva or Eva."
    product.save()
    personal_data.personal_data_erase(actor=team.admin, user=eva)
    product.refresh_from_db()
    assert product.description == f"Relevant evaluations. Ask Erased person {eva.pk} or Erased person {eva.pk}."


def test_history_pages_show_the_pseudonym(history, team, client_for):
    eva, request = history
    personal_data.personal_data_erase(actor=team.admin, user=eva)
    page = client_for(team.requester).get(f"/requests/{request.pk}/")
    assert page.status_code == 200
    assert f"Erased person {eva.pk}".encode() in page.content
    assert NAME[1].encode() not in page.content


def test_erasure_page_confirms_first(history, team, client_for):
    eva, _request = history
    client = client_for(team.admin)
    page = client.get(f"/accounts/people/{eva.pk}/erase/")
    assert page.status_code == 200 and b"Erase this person" in page.content
    assert client.post(f"/accounts/people/{eva.pk}/erase/", {}).status_code == 200  # box not ticked
    assert User.objects.get(pk=eva.pk).is_active
    response = client.post(f"/accounts/people/{eva.pk}/erase/", {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.get(pk=eva.pk).is_active
    # Twice: a clear message, not a 500.
    again = client.post(f"/accounts/people/{eva.pk}/erase/", {"confirm": "on"})
    assert again.status_code == 200 and b"already erased" in again.content


def test_erasure_page_warns_of_open_work(team, routed, client_for):
    request = routed()
    page = client_for(team.admin).get(f"/accounts/people/{request.assignee_id}/erase/")
    assert b"Still open: 1 requests assigned to them and 0 unfinished" in page.content
    page = client_for(team.admin).get(f"/accounts/people/{team.requester.pk}/erase/")
    assert b"0 requests assigned to them and 1 unfinished" in page.content


def test_only_admins_erase(history, team, client_for):
    eva, _request = history
    for user in (team.lead, team.manager, eva):
        client = client_for(user)
        assert client.get(f"/accounts/people/{eva.pk}/erase/").status_code == 403
        assert client.post(f"/accounts/people/{eva.pk}/erase/", {"confirm": "on"}).status_code == 403
    assert User.objects.get(pk=eva.pk).is_active
    with pytest.raises(personal_data.PermissionDenied):
        personal_data.personal_data_erase(actor=team.lead, user=eva)


def test_admins_cannot_erase_themselves_or_another_admin(team, make_user):
    other_admin = make_user(username="root2", is_staff=True, is_superuser=True)
    for person in (team.admin, other_admin):
        with pytest.raises(personal_data.ValidationError):
            personal_data.personal_data_erase(actor=team.admin, user=person)


def test_admin_actions_lead_to_the_pages(history, team, client_for):
    eva, _request = history
    client = client_for(team.admin)
    for action, target in (
        ("erase_personal_data", f"/accounts/people/{eva.pk}/erase/"),
        ("download_personal_data", f"/accounts/people/{eva.pk}/data.json"),
    ):
        response = client.post("/admin/auth/user/", {"action": action, "_selected_action": [eva.pk]})
        assert response.status_code == 302 and response["Location"] == target


# --- Retention --------------------------------------------------------------------------------------


def test_retention_job_deletes_only_old_assessments(team, competency, settings):
    from governance.tasks import expire_old_assessments

    settings.ASSESSMENT_RETENTION_DAYS = 365
    today = timezone.localdate()
    old = Assessment.objects.create(
        user=team.expert, competency=competency, level=2, assessed_on=today - datetime.timedelta(days=366)
    )
    edge = Assessment.objects.create(
        user=team.expert, competency=competency, level=3, assessed_on=today - datetime.timedelta(days=365)
    )
    new = Assessment.objects.create(user=team.expert2, competency=competency, level=4, assessed_on=today)
    assert expire_old_assessments.delay().get() == 1
    assert set(Assessment.objects.values_list("pk", flat=True)) >= {edge.pk, new.pk}
    assert not Assessment.objects.filter(pk=old.pk).exists()
    assert expire_old_assessments.delay().get() == 0


def test_retention_job_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "governance.tasks.expire_old_assessments" in tasks


# --- Processing record -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, words", [("en", b"What is stored and why"), ("de", b"Was gespeichert wird und warum")]
)
def test_processing_record_in_both_languages(client_for, make_user, language, words):
    client = client_for(make_user(username="reader"))
    response = client.get("/privacy/", headers={"accept-language": language})
    assert response.status_code == 200
    assert words in response.content


def test_processing_record_needs_sign_in(client):
    assert client.get("/privacy/").status_code == 302
