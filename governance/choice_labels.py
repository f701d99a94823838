"""`get_FOO_display()` that translates only the label it shows.

Django's own builds a dictionary of all the field's choices on every call, and makes
each choice hashable first. Hashing a lazily translated label translates it, so every
call translated every label of the field: a notification's kind has 20, and an inbox
page of 25 notifications spent 2.8 ms translating 500 labels to show 25.

Models with choice fields mix this in. The dictionary is built once per field, with the
labels left lazy, so the one label shown is translated in the language active at that
moment, as before.
"""

from django.utils.encoding import force_str

_LABELS = {}  # field -> {stored value: lazy label}


def _labels(field):
    labels = _LABELS.get(field)
    if labels is None:
        labels = _LABELS[field] = dict(field.flatchoices)
    return labels


class ChoiceLabels:
    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name, overridden)
        value = getattr(self, field.attname)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # an unhashable value: Django's own way handles it
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)
