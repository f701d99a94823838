"""Words a reader meets: the product speaks for itself, names do not collide, one date
style per language, German model and field names (issue 10, item 8)."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.formats import date_format

from disciplines.forms import MembershipForm
from disciplines.models import Expertise
from governance.model_types import MODEL_TYPES
from governance.models import Spoke

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("language", ["en", "de"])
def test_model_type_texts_do_not_quote_a_talk(language):
    with translation.override(language):
        texts = [str(text) for info in MODEL_TYPES.values() for text in vars(info).values() if hasattr(text, "upper")]
    assert not [text for text in texts if re.search(r"\btalk\b|Vortrag", text)]


@pytest.mark.parametrize(
    ("language", "work", "notifications"),
    [("en", "My work", "Notifications"), ("de", "Meine Arbeit", "Benachrichtigungen")],
)
def test_my_work_and_the_notifications_have_different_names(client_for, expert, language, work, notifications):
    client = client_for(expert)
    page = client.get("/work/", HTTP_ACCEPT_LANGUAGE=language).text
    assert f"<h1>{work}</h1>" in page
    assert notifications in page  # the header's link to the notifications
    assert "My inbox" not in page and "Mein Eingang" not in page


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [("en", "1 Dec 2026", "1 Dec 2026, 21:32"), ("de", "01.12.2026", "01.12.2026, 21:32")],
)
def test_one_date_style_per_language(language, day, moment):
    date, when = datetime.date(2026, 12, 1), datetime.datetime(2026, 12, 1, 21, 32)
    with translation.override(language):
        assert {date_format(date, name) for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT")} == {day}
        assert {date_format(when, name) for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT")} == {moment}


def test_templates_use_the_named_date_styles_only():
    """Machine formats (ISO for attributes and links) and the budget table's month
    header are fine; every date a person reads goes through a named style."""
    allowed = {"c", "Y-m", "Y-m-d", "M", "Y"}
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        for fmt in re.findall(r"\|date:[\"']([^\"']+)[\"']", path.read_text()):
            if not fmt.isupper() and fmt not in allowed:
                found.add((path.name, fmt))
    assert not found


def test_german_model_and_field_names(db):
    with translation.override("de"):
        assert str(Spoke._meta.verbose_name_plural) == "Spoke-Disziplinen"
        assert str(Expertise._meta.verbose_name_plural) == "Fachprofile"
        form = MembershipForm()
        assert form["discipline"].label == "Disziplin"
        assert form["function"].label == "Funktion"


def test_the_german_admin_index_reads_german(client_for, make_user):
    admin = make_user(username="root", is_superuser=True, is_staff=True)
    page = client_for(admin).get("/admin/", HTTP_ACCEPT_LANGUAGE="de").text
    assert "Fachprofile" in page and "Spoke-Disziplinen" in page
    assert ">Expertise<" not in page and ">Spokes<" not in page
