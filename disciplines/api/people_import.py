"""POST /api/v1/people-import/: the people import with JSON rows (disciplines/people_import/).

Body: {"rows": [{"email": ..., "name": ..., "discipline": ..., "function": ..., "weekly_capacity": ...,
"expertise": "a; b" or ["a", "b"], "manager": true, "language": "de"}, ...], "apply": false,
"deactivate_missing": false}. Row numbers in errors count the list from 1. A dry run answers
200 (with "valid": false when rows have errors); an apply with errors answers 400 and saves
nothing. Governance leads and admins only (403 otherwise).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from disciplines import people_import
from disciplines.permissions import can_edit_catalogue
from governance.access import log_denied

LISTED = 500  # people of each kind in the answer; the summary counts them all


class PeopleImportRequest(serializers.Serializer):
    rows = serializers.ListField(child=serializers.DictField(), allow_empty=False)
    apply = serializers.BooleanField(default=False)
    deactivate_missing = serializers.BooleanField(default=False)


PlanSerializer = inline_serializer(
    "PeopleImportResult",
    {
        "applied": serializers.BooleanField(),
        "valid": serializers.BooleanField(),
        "summary": serializers.DictField(child=serializers.IntegerField()),
        "errors": serializers.ListField(child=serializers.DictField()),
        "new_people": serializers.ListField(child=serializers.DictField()),
        "changed_people": serializers.ListField(child=serializers.DictField()),
        "missing_people": serializers.ListField(child=serializers.DictField()),
    },
)


class PeopleImportView(APIView):
    @extend_schema(
        request=PeopleImportRequest,
        responses={
            200: PlanSerializer,
            # Either the result (rows with errors: nothing saved) or a body naming the malformed field.
            400: OpenApiResponse(description="Rows with errors (the result, nothing saved), or a malformed body."),
            403: OpenApiResponse(description="Only governance leads import people."),
            409: OpenApiResponse(description="A concurrent change; nothing was saved, send it again."),
        },
    )
    def post(self, request):
        if not can_edit_catalogue(request.user):
            log_denied(request.user, "people_import")
            raise PermissionDenied(_("Only governance leads import people."))
        body = PeopleImportRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            rows = people_import.rows_from_json(body.validated_data["rows"])
            plan = people_import.people_import(
                actor=request.user,
                rows=rows,
                apply=body.validated_data["apply"],
                deactivate_missing=body.validated_data["deactivate_missing"],
            )
        except people_import.ImportConflict as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        except people_import.ImportError_ as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"rows": exc.messages}
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        answer = plan.as_dict(limit=LISTED)
        failed = body.validated_data["apply"] and not plan.applied
        return Response(answer, status=status.HTTP_400_BAD_REQUEST if failed else status.HTTP_200_OK)
