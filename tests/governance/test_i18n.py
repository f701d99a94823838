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
    missing = sorted(entry.msgid for entry in fresh.untranslated_entries())
    assert missing == [], f"{len(missing)} strings lack German (run `make messages` and translate): {missing[:10]}"
