import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
SOURCE_PACKAGES = ("governance", "disciplines", "roles", "content_workflow")


def test_german_catalogue_has_no_empty_or_fuzzy_entries():
    po = polib.pofile(str(CATALOGUE))
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert len(po.translated_entries()) > 50


def test_every_string_marked_in_the_code_is_in_the_german_catalogue(tmp_path, settings, monkeypatch):
    """Extract the strings afresh (into a copy) and compare: a new string without German fails."""
    if shutil.which("xgettext") is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":  # CI installs gettext
            pytest.fail("GNU gettext (xgettext) is needed in CI to check the catalogue")
        pytest.skip("needs GNU gettext (xgettext) to extract the strings")
    # makemessages scans and writes below the current directory: work on a copy.
    base = Path(settings.BASE_DIR)
    for folder in ("locale", "templates", "static", *SOURCE_PACKAGES):
        shutil.copytree(base / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["de"], no_obsolete=True, verbosity=0)
    fresh = polib.pofile(str(tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    # A new string close to an old one comes out fuzzy (the old one's German, guessed):
    # that is no translation either.
    missing = sorted(entry.msgid for entry in [*fresh.untranslated_entries(), *fresh.fuzzy_entries()])
    assert missing == [], f"{len(missing)} strings lack German (run `make messages` and translate): {missing[:10]}"


# What a user reads that is written at run time, not in a template: notifications and e-mails.


def test_every_kind_of_notification_reads_in_german():
    from django.utils import translation

    from content_workflow.models import Notification
    from tests.content_workflow.test_notification_texts import SAMPLES, assert_german

    assert set(SAMPLES) == set(Notification.Kind.values)
    for kind, params in SAMPLES.items():
        notification = Notification(kind=kind, params=params)
        with translation.override("en"):
            english, english_label = notification.text, str(notification.get_kind_display())
        with translation.override("de"):
            german, label = notification.text, str(notification.get_kind_display())
        assert german != english, f"{kind} has no German sentence: {german}"
        assert_german(german)
        assert label != english_label, f"{kind} has no German heading"


def test_an_email_reads_in_german(make_user):
    from django.utils import translation

    from content_workflow.models import Notification
    from content_workflow.services.notifications import digest_email, notification_email
    from governance.accounts import profile_language_set
    from tests.content_workflow.test_notification_texts import SAMPLES, assert_german

    reader = make_user(username="leser")
    profile_language_set(actor=reader, language="de")
    items = [
        Notification(recipient=reader, kind=kind, params=SAMPLES[kind], link="/requests/1/")
        for kind in ("allocation_requested", "allocation_partial")
    ]
    with translation.override("en"):  # sent from an English request or a worker
        subject, body = notification_email(items[0])
        digest_subject, digest_body = digest_email(reader, items)
    for text in (subject, body, digest_subject, digest_body):
        assert_german(text.replace("/requests/1/", ""))
    assert "Januar 2027" in body and "12,5 h" in digest_body and "2 neue Benachrichtigungen" in digest_subject
