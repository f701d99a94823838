"""Notifications store what happened and are written when read, in the reader's language:
the inbox, the API and e-mails (in the recipient's preferred language), and rows from
before params existed, converted by the migration."""

import datetime
import importlib
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import translation

from content_workflow import services
from content_workflow.models import Notification, NotificationPreference, Status
from content_workflow.notification_texts import TEMPLATES, notification_text
from content_workflow.services.notifications import notify
from governance.accounts import profile_language_set

# One notification of every kind, with the params its service captures.
SAMPLES = {
    "assigned": {"title": "Preise erklärt", "due": "2027-01-20", "answer_by": "2027-01-14T20:32:00+00:00"},
    "accepted": {"expert": "Erik Becker", "title": "Preise erklärt"},
    "declined": {"expert": "Erik Becker", "title": "Preise erklärt", "reason": "Im Urlaub."},
    "delivered": {"expert": "Erik Becker", "title": "Preise erklärt"},
    "completed": {"requester": "Clara Roth", "title": "Preise erklärt", "rating": 4, "note": "Danke!"},
    "cancelled": {"title": "Preise erklärt"},
    "reminder": {"title": "Preise erklärt", "due": "2027-01-20"},
    "due_tomorrow": {"title": "Preise erklärt", "due": "2027-01-20"},
    "overdue": {"title": "Preise erklärt", "due": "2027-01-20"},
    "escalation": {"expert": "Erik Becker", "title": "Preise erklärt", "days": 2, "deputy_for": "Max Fischer"},
    "unroutable": {"title": "Preise erklärt"},
    "allocation_requested": {
        "title": "Preise erklärt",
        "hours": 30,
        "discipline": {"en": "Product management", "de": "Produktmanagement"},
        "month": "2027-01",
    },
    "allocation_approved": {"manager": "Max Fischer", "hours": 2.5, "title": "Preise erklärt"},
    "allocation_partial": {
        "manager": "Max Fischer",
        "approved": 20,
        "requested": 30,
        "title": "Preise erklärt",
        "offer": 12.5,
    },
    "allocation_rejected": {"manager": "Max Fischer", "title": "Preise erklärt", "reason": "Kein Budget mehr."},
    "overrun": {"expert": "Erik Becker", "spent": 7.5, "title": "Preise erklärt", "overrun": 1.5},
    "stuck": {"title": "Preise erklärt", "attempts": 3},
    "deputy": {
        "manager": "Max Fischer",
        "discipline": {"en": "Product management", "de": "Produktmanagement"},
        "start": "2027-01-04",
        "end": "2027-01-15",
    },
    "final_check": {"title": "Preise erklärt", "answer_by": "2027-01-14T20:32:00+00:00", "check": 7},
    "final_check_done": {"expert": "Erik Becker", "title": "Preise erklärt", "variant": "changes_requested"},
}

# Words of the English sentences that have no business in a German one.
ENGLISH = re.compile(
    r"\b(accepted|declined|delivered|completed|cancelled|approved|refused|needs|Reminder|is due|overdue|"
    r"Routing|please|Please|You|your|thank|the request|business|failed|stand in|more than|budget has|"
    r"Usefulness|a\.m\.|p\.m\.)\b"
)


def render(kind, params, language):
    with translation.override(language):
        return notification_text(kind, params)


def assert_german(text):
    assert text and "%(" not in text, text
    assert not ENGLISH.search(text), f"English in German: {text}"


def test_every_kind_has_a_sample_and_a_sentence():
    assert set(SAMPLES) == set(Notification.Kind.values) == set(TEMPLATES)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_kind_renders_in_english_and_german(kind):
    english, german = render(kind, SAMPLES[kind], "en"), render(kind, SAMPLES[kind], "de")
    assert english and "%(" not in english
    assert_german(german)
    assert german != english


def test_values_are_formatted_for_the_reader():
    params = SAMPLES["allocation_requested"]
    assert render("allocation_requested", params, "en") == (
        "“Preise erklärt” needs 30 h more of Product management's time in January 2027 than the budget has "
        "left: approve, approve fewer hours, name an expert, or reject."
    )
    german = render("allocation_requested", params, "de")
    assert "Januar 2027" in german and "Produktmanagement" in german
    assert "2,5 h" in render("allocation_approved", SAMPLES["allocation_approved"], "de")
    assert "2.5 h" in render("allocation_approved", SAMPLES["allocation_approved"], "en")
    assert "20.01.2027" in render("reminder", SAMPLES["reminder"], "de")
    assert "20 Jan 2027" in render("reminder", SAMPLES["reminder"], "en")


def test_no_double_full_stop_after_a_time_or_a_reason():
    english = render("assigned", SAMPLES["assigned"], "en")
    assert english.endswith("by 14 Jan 2027, 21:32."), english  # 20:32 UTC is 21:32 in Berlin
    assert ".." not in english
    german = render("assigned", SAMPLES["assigned"], "de")
    assert german.endswith("bis 14.01.2027, 21:32 an oder lehnen Sie ab."), german
    declined = render("declined", SAMPLES["declined"], "en")
    assert "Im Urlaub. Routing looks" in declined and ".." not in declined


def test_variants_plurals_and_optional_parts():
    base = {"requester": "Clara Roth", "expert": "Erik Becker", "title": "T"}
    assert render("completed", base, "en") == "Clara Roth completed “T” and thanks you for your input."
    assert render("completed", {**base, "variant": "managers", "rating": 5}, "en") == (
        "Clara Roth thanked Erik Becker for the input on “T”. Usefulness: 5 of 5."
    )
    assert "vergeben" in render("cancelled", {"title": "T", "variant": "reassigned"}, "de")
    assert "within 1 business day:" in render("escalation", {"expert": "E", "title": "T", "days": 1}, "en")
    assert "failed once" in render("stuck", {"title": "T", "attempts": 1}, "en")
    assert render("escalation", SAMPLES["escalation"], "de").endswith("(Sie vertreten Max Fischer.)")


def test_a_row_that_could_not_be_converted_shows_its_old_text():
    row = Notification(kind="accepted", params={}, legacy_text="Erik Becker accepted “Old”.")
    assert row.text == "Erik Becker accepted “Old”."
    # A param missing: the old text, else a plain sentence rather than half of one.
    assert notification_text("accepted", {"title": "T"}, "old") == "old"
    with translation.override("de"):
        assert notification_text("accepted", {"title": "T"}) == "Sie haben eine neue Benachrichtigung."


# --- The services capture params, the pages render them ---------------------------------------


def test_the_inbox_and_the_api_speak_the_readers_language(client_for, api_for, team, in_state):
    in_state(Status.ACCEPTED)
    note = Notification.objects.get(recipient=team.requester, kind=Notification.Kind.ACCEPTED)
    assert note.params["expert"] and note.legacy_text == ""
    client = client_for(team.requester)
    german = client.get(reverse("content_workflow:inbox"), HTTP_ACCEPT_LANGUAGE="de").text
    assert "hat „" in german and "angenommen" in german and " accepted “" not in german
    english = client.get(reverse("content_workflow:inbox"), HTTP_ACCEPT_LANGUAGE="en").text
    assert " accepted “" in english
    api = api_for(team.requester)
    rows = api.get("/api/v1/notifications/?kind=accepted", HTTP_ACCEPT_LANGUAGE="de").json()["results"]
    assert "angenommen" in rows[0]["text"]
    rows = api.get("/api/v1/notifications/?kind=accepted", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert " accepted “" in rows[0]["text"]
    # Search finds a notification by what it is about.
    title = note.request.title
    assert api.get("/api/v1/notifications/", {"search": title[:6]}).json()["count"] >= 1


# --- E-mails in the recipient's language --------------------------------------------------------


def test_an_email_goes_out_in_the_recipients_language(team, django_capture_on_commit_callbacks):
    profile_language_set(actor=team.expert, language="de")
    # Whoever triggers it, in whatever language:
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(recipient=team.expert, kind=Notification.Kind.REMINDER, params=SAMPLES["reminder"], link="/x/")
    [message] = mail.outbox
    assert message.subject.startswith("[Social Media Governance] Erinnerung: „Preise erklärt“")
    assert "20.01.2027" in message.body and "Benachrichtigungseinstellungen" in message.body
    assert_german(message.subject + "\n" + message.body.replace("/x/", ""))

    profile_language_set(actor=team.expert, language="")  # the site language: English
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=team.expert, kind=Notification.Kind.REMINDER, params=SAMPLES["reminder"])
    assert mail.outbox[1].subject.startswith("[Social media governance] Reminder:")


def test_a_digest_goes_out_in_the_recipients_language(team):
    profile_language_set(actor=team.expert, language="de")
    services.notification_preference_set(actor=team.expert, email=NotificationPreference.Email.DIGEST)
    with time_machine.travel(datetime.datetime(2031, 3, 3, 8, tzinfo=ZoneInfo("Europe/Berlin")), tick=False):
        for kind in ("accepted", "allocation_partial"):
            notify(recipient=team.expert, kind=kind, params=SAMPLES[kind])
        assert services.digests_send() == 1
    [message] = mail.outbox
    assert message.subject == "[Social Media Governance] 2 neue Benachrichtigungen"
    assert "hat „Preise erklärt“ angenommen" in message.body and "12,5 h" in message.body
    assert_german(message.body)


# --- The migration of old rows ------------------------------------------------------------------

migration = importlib.import_module("content_workflow.migrations.0007_notification_params")

OLD_ROWS = [
    (
        "assigned",
        "You are asked for expert input: “Pricing explained”, due 01/20/2027. "
        "Please accept or decline by 01/14/2027 9:32 p.m..",
        {"title": "Pricing explained", "due": "2027-01-20", "answer_by": "2027-01-14T21:32:00+01:00"},
    ),
    (
        "allocation_requested",
        "“Pricing explained” needs 30 h more of Product's time in January 2027 than the budget has left: "
        "approve, approve fewer hours, name an expert, or reject. (You stand in for Max Fischer.)",
        {
            "title": "Pricing explained",
            "hours": 30,
            "discipline": "Product",
            "month": "2027-01",
            "deputy_for": "Max Fischer",
        },
    ),
    (
        "allocation_partial",
        "Max Fischer hat 20 von 30 h für „Preise“ genehmigt. Nehmen Sie eine Schätzung von 12,5 h an oder "
        "ziehen Sie die Anfrage zurück.",
        {"manager": "Max Fischer", "approved": 20, "requested": 30, "title": "Preise", "offer": 12.5},
    ),
    (
        "completed",
        "Clara Roth thanked Erik Becker for the input on “T”. Usefulness: 4 of 5. “It went out on Monday.”",
        {
            "requester": "Clara Roth",
            "expert": "Erik Becker",
            "title": "T",
            "variant": "managers",
            "rating": 4,
            "note": "It went out on Monday.",
        },
    ),
    (
        "cancelled",
        "“T” was given to someone else; you need not work on it any more.",
        {"title": "T", "variant": "reassigned"},
    ),
    (
        "deputy",
        "Sie vertreten Max Fischer in Produkt vom 04.01.2027 bis 15.01.2027: "
        "Sie genehmigen Zeit und erhalten Eskalationen.",
        {"manager": "Max Fischer", "discipline": "Produkt", "start": "2027-01-04", "end": "2027-01-15"},
    ),
    (
        "escalation",
        "Erik has not accepted or declined “T” within 2 business day(s): "
        "remind them, or give the request to someone else.",
        {"expert": "Erik", "title": "T", "days": 2},
    ),
]


@pytest.mark.parametrize(("kind", "text", "params"), OLD_ROWS)
def test_the_migration_takes_old_sentences_apart(kind, text, params):
    assert migration.params_from_text(kind, text) == params


def test_the_migration_converts_rows_and_keeps_what_it_cannot(team):
    def old(kind, text):
        row = notify(recipient=team.requester, kind=kind, params={})
        Notification.objects.filter(pk=row.pk).update(params={}, legacy_text=text)
        return row.pk

    converted = old("accepted", "Erik Becker accepted “Pricing explained”.")
    german = old("delivered", "Erik Becker hat Input für „Preise“ geliefert.")
    odd = old("accepted", "“Something” was accepted.")  # the old large demo's wording
    migration.forwards(apps, None)

    row = Notification.objects.get(pk=converted)
    assert (row.params, row.legacy_text) == ({"expert": "Erik Becker", "title": "Pricing explained"}, "")
    with translation.override("de"):
        assert row.text == "Erik Becker hat „Pricing explained“ angenommen."
        assert Notification.objects.get(pk=german).text == "Erik Becker hat Input für „Preise“ geliefert."
    with translation.override("en"):
        assert Notification.objects.get(pk=german).text == "Erik Becker delivered input for “Preise”."
    row = Notification.objects.get(pk=odd)
    assert (row.params, row.text) == ({}, "“Something” was accepted.")


# --- The preferred language: profile page and sign-in -------------------------------------------


def test_the_profile_page_sets_the_language_and_switches_the_session(client, client_for, team):
    url = reverse("profile")
    assert client.get(url).status_code == 302  # signed in only
    client = client_for(team.expert)
    page = client.get(url)
    assert page.status_code == 200 and 'name="language"' in page.text
    assert reverse("password_change") in page.text and reverse("content_workflow:inbox") in page.text
    response = client.post(url, {"language": "de"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "de"
    team.expert.refresh_from_db()
    assert team.expert.profile.language == "de"
    assert "Ihr Profil ist gespeichert." in client.get(url).text  # the next page speaks German
    # Bad input: a clear message, nothing changed.
    response = client.post(url, {"language": "klingon"})
    assert response.status_code == 200 and 'class="error"' in response.text
    team.expert.profile.refresh_from_db()
    assert team.expert.profile.language == "de"
    # Blank: back to the site language.
    client.post(url, {"language": ""})
    team.expert.profile.refresh_from_db()
    assert team.expert.profile.language == ""


def test_the_header_links_to_the_profile(client_for, team):
    assert f'href="{reverse("profile")}"' in client_for(team.expert).get(reverse("content_workflow:inbox")).text


def test_sign_in_switches_to_the_preferred_language(client, team):
    from tests.conftest import PASSWORD

    profile_language_set(actor=team.expert, language="de")
    response = client.post(reverse("login"), {"username": team.expert.username, "password": PASSWORD})
    assert response.status_code == 302 and response.cookies["django_language"].value == "de"
    client.logout()
    client.cookies.pop("django_language", None)
    response = client.post(reverse("login"), {"username": team.expert2.username, "password": PASSWORD})
    assert response.status_code == 302 and "django_language" not in response.cookies  # no choice: as it was
