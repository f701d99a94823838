"""Serialising list rows without DRF's per-field walk, to the same output, from fields
built once.

DRF's `Serializer.to_representation` does, for every field of every row: a generator
over the fields, `Field.get_attribute` with its error handling, and for date-times the
time-zone look-up. A page of 25 requests has 31 fields each; that walk was half of the
list's serialising time. `FastRead` works the walk out once per serializer instance (a
list reuses one child for all its rows) and then reads each row with plain getters.

The output is DRF's own, field for field: `tests/content_workflow/test_fast_read.py` compares
both on real rows of every serializer that uses this. Anything unusual (a dotted source
through a missing object, a value that is not what the plan expected) goes through
DRF's own code for that field.

A ModelSerializer also builds its fields anew for every instance, from the model's
fields, their validators and translated names: 2.9 ms of every list of requests.
`FastRead.get_fields` builds them once per serializer class and language (DRF leaves
a label out when the model's name for the field says the same as the field's own
name, which depends on the language) and gives each instance a copy, as DRF copies
the declared fields.
"""

import copy
import datetime

from django.utils import timezone, translation
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.settings import api_settings


class _Unplanned(Exception):
    """This value is not what the plan is for: DRF's own code reads the field."""


def _model_attribute(attr, *, method):
    """A getter for one attribute of a model instance (calling it when it is a method)."""
    if method:

        def read(instance):
            return getattr(instance, attr)()

        return read

    def read(instance):
        return getattr(instance, attr)

    return read


def _primary_key(attr):
    """PrimaryKeyRelatedField: the stored id, without loading the related object."""

    def read(instance):
        return instance.serializable_value(attr)

    return read


def _iso_datetime(zone):
    """DateTimeField in ISO 8601, as DRF writes it: in the current time zone, UTC as Z."""

    def represent(value):
        if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
            raise _Unplanned
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


def _same(value):
    return value


def _is_method(model_class, attr):
    # Model fields, relations and properties are descriptors, not callables; a method is.
    return callable(getattr(model_class, attr, None))


def _plan_field(field, model_class):
    """(name, read, represent) for one field; read or represent may be None for DRF's own."""
    attrs = field.source_attrs
    read = represent = None
    if (
        type(field) is serializers.PrimaryKeyRelatedField
        and field.pk_field is None
        and len(attrs) == 1
        and model_class is not None
    ):
        return field.field_name, _primary_key(attrs[0]), _same
    if len(attrs) == 1 and model_class is not None:
        read = _model_attribute(attrs[0], method=_is_method(model_class, attrs[0]))
    if (
        isinstance(field, serializers.DateTimeField)
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
        and getattr(field, "timezone", None) is None
        and timezone.get_current_timezone() is not None
    ):
        represent = _iso_datetime(timezone.get_current_timezone())
    return field.field_name, read, represent


def _drf(field, row, name, instance):
    """DRF's own reading of one field into `row` (defaults, nulls and skipped fields included)."""
    try:
        value = field.get_attribute(instance)
    except SkipField:
        return
    is_none = (value.pk if isinstance(value, serializers.PKOnlyObject) else value) is None
    row[name] = None if is_none else field.to_representation(value)


_BUILT_FIELDS = {}  # (serializer class, language) -> its fields as built, never bound


class FastRead:
    """Mix into a (Model)Serializer whose rows are model instances; see the module's docstring."""

    def get_fields(self):
        key = (type(self), translation.get_language())
        built = _BUILT_FIELDS.get(key)
        if built is None:
            built = _BUILT_FIELDS[key] = super().get_fields()
        return copy.deepcopy(built)

    def _read_plan(self, instance):
        plan = self.__dict__.get("_fast_read_plan")
        if plan is None:
            model_class = type(instance) if hasattr(instance, "_meta") else None
            plan = [(field, *_plan_field(field, model_class)) for field in self._readable_fields]
            self._fast_read_plan = plan
        return plan

    def to_representation(self, instance):
        row = {}
        for field, name, read, represent in self._read_plan(instance):
            if read is None:
                _drf(field, row, name, instance)
                continue
            try:
                value = read(instance)
            except (AttributeError, KeyError):  # e.g. a missing one-to-one: DRF decides
                _drf(field, row, name, instance)
                continue
            if value is None:
                row[name] = None
            elif represent is None:
                row[name] = field.to_representation(value)
            else:
                try:
                    row[name] = represent(value)
                except _Unplanned:
                    row[name] = field.to_representation(value)
        return row
