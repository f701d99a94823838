"""Serializer fields that take strings only, and a ModelSerializer that uses them.

DRF's CharField turns a JSON number into text (`"title": 12345` becomes "12345"), so a
client that sends the wrong type never hears about it. Every API serializer takes its
text through these instead: a number, a boolean, a list or an object where a string
belongs is a 400 naming the field. Form and multipart bodies carry strings anyway.
"""

from django.db import models
from rest_framework import serializers


class StrictString:
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(StrictString, serializers.CharField):
    pass


class SlugField(StrictString, serializers.SlugField):
    pass


class EmailField(StrictString, serializers.EmailField):
    pass


class URLField(StrictString, serializers.URLField):
    pass


class BooleanField(serializers.BooleanField):
    """Required in form bodies too: DRF reads a form field that is missing as False (an
    unticked checkbox), so a form body without it would be taken as an answer."""

    default_empty_html = serializers.empty


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.SlugField: SlugField,
        models.EmailField: EmailField,
        models.URLField: URLField,
    }
