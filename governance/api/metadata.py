"""What OPTIONS answers: DRF's description of the views, without a lookup where there is
no object.

DRF checks the object permission of PUT by calling `get_object()`, which fails with an
AssertionError (a 500) on list-level actions such as `PUT /notifications/preferences/`:
they have no id in the URL. There only the view-level permission is checked.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request


class Metadata(SimpleMetadata):
    def determine_actions(self, request, view):
        actions = {}
        has_object = getattr(view, "detail", True) is not False and hasattr(view, "get_object")
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
                if method == "PUT" and has_object:
                    view.get_object()
            except (exceptions.APIException, PermissionDenied, Http404):
                pass
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())
            finally:
                view.request = request
        return actions
