"""The API's JSON parser: DRF's, with deep nesting refused as a 400.

Python's json module recurses once per nested array or object, so a small body such as
`[[[[…]]]]` five thousand deep raises RecursionError, which DRF does not catch (it
expects ValueError) and which would answer 500 to anyone, signed in or not. No body
this API accepts nests more than a few levels.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply."), code="parse_error") from None
