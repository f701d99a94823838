"""`get_FOO_display()` translates only the label it shows (governance/choice_labels.py)."""

from unittest import mock

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from content_workflow.models import Notification
from governance.choice_labels import ChoiceLabels

APPS = ("governance", "disciplines", "roles", "content_workflow")


def models_with_choices():
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if f.choices]
        if model._meta.app_label in APPS and fields:
            yield model, fields


def test_every_model_with_choice_fields_mixes_it_in():
    missing = [model.__name__ for model, _fields in models_with_choices() if not issubclass(model, ChoiceLabels)]
    assert missing == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_same_label_as_djangos_own_for_every_choice_and_an_unknown_value(language):
    with translation.override(language):
        for model, fields in models_with_choices():
            for field in fields:
                for value in [value for value, _label in field.flatchoices] + ["not-a-choice"]:
                    row = model(**{field.attname: value})
                    ours = getattr(row, f"get_{field.name}_display")()
                    assert ours == models.Model._get_FIELD_display(row, field), (model, field.name, value)
                    assert type(ours) is str


def test_the_label_follows_the_language_active_when_shown():
    row = Notification(kind=Notification.Kind.ASSIGNED)
    with translation.override("en"):
        english = row.get_kind_display()
    with translation.override("de"):
        german = row.get_kind_display()
    assert english == "Asked for input"
    assert german != english and german


def test_one_translation_per_label_shown():
    """Django's own translated all 20 kinds to show one: 500 look-ups for an inbox page."""
    rows = [Notification(kind=kind) for kind in Notification.Kind.values[:5]] * 5
    trans = translation._trans
    with translation.override("de"), mock.patch.object(trans, "gettext", wraps=trans.gettext) as gettext:
        [row.get_kind_display() for row in rows]
    assert gettext.call_count == len(rows)
