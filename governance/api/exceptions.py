"""JSON errors that name the field.

DRF already answers validation errors as {"field": ["message"]}. Services raise Django's
ValidationError and our DomainError; both become the same kind of body here, so the
API never answers a rule violation with a 500.
"""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from governance.errors import DomainError

API_PREFIX = "/api/"


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, DomainError):
        return Response(exc.as_data(), status=exc.http_status)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.ParseError) and response is not None:
        response.data = {"detail": response.data["detail"], "code": exc.default_code}
    if response is not None and response.status_code == 400 and isinstance(response.data, list):
        # ValidationError("message") answers a bare list; the schema promises an object naming fields.
        response.data = {"non_field_errors": response.data}
    return response


def bad_request(request, exception):
    """Django's 400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields...): JSON on
    API paths, where clients parse the body, and the usual page everywhere else."""
    if not request.path.startswith(API_PREFIX):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        body = {"detail": _("The request body is larger than this server accepts."), "code": "body_too_large"}
    else:
        body = {"detail": _("The request could not be read."), "code": "bad_request"}
    return JsonResponse(body, status=400)
