"""The discipline catalogue in the API.

Every signed-in user reads the catalogue; governance leads (and admins) change it,
always through `disciplines.services`. Disciplines are looked up by id, like every
other object of the API: ids never change, while a lead may rename a slug. Find a
discipline by its slug with `?slug=marketing`.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from disciplines import filters, selectors, services
from disciplines.api import serializers as s
from disciplines.models import Absence, Expertise
from disciplines.permissions import can_edit_catalogue
from governance.api.serializers import DetailSerializer
from governance.api.viewsets import ReadOrManage, service_write


class ReadOrEditCatalogue(ReadOrManage):
    predicate = staticmethod(can_edit_catalogue)
    message = _("Only governance leads change the discipline catalogue.")


ERRORS = {
    400: OpenApiResponse(description="Invalid input: the body names each field with its messages."),
    403: OpenApiResponse(DetailSerializer, description="Only governance leads change the catalogue."),
}
NOT_FOUND = {404: OpenApiResponse(description="Not found.")}


def _docs(serializer, *, destroy=True):
    docs = {
        "create": extend_schema(responses={201: serializer, **ERRORS}),
        "update": extend_schema(responses={200: serializer, **ERRORS, **NOT_FOUND}),
        "partial_update": extend_schema(responses={200: serializer, **ERRORS, **NOT_FOUND}),
    }
    if destroy:
        docs["destroy"] = extend_schema(responses={204: None, **ERRORS, **NOT_FOUND})
    return docs


class CatalogueViewSet(viewsets.ModelViewSet):
    """Reads from `queryset`; writes call `save_service(actor, <instance_kw>=..., **fields)`."""

    permission_classes = [ReadOrEditCatalogue]
    instance_kw = None

    def save_service(self, **kwargs):
        raise NotImplementedError

    def delete_service(self, **kwargs):
        raise NotImplementedError

    def reload(self, obj):
        return obj

    def perform_create(self, serializer):
        with service_write():
            obj = self.save_service(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.reload(obj)

    def perform_update(self, serializer):
        with service_write():
            obj = self.save_service(
                actor=self.request.user, **{self.instance_kw: serializer.instance}, **serializer.validated_data
            )
        serializer.instance = self.reload(obj)

    def perform_destroy(self, instance):
        with service_write():
            self.delete_service(actor=self.request.user, **{self.instance_kw: instance})


@extend_schema_view(**_docs(s.DisciplineSerializer))
class DisciplineViewSet(CatalogueViewSet):
    """Disciplines of the company, with their application areas. Looked up by id; `?slug=` finds one by slug."""

    serializer_class = s.DisciplineSerializer
    filterset_class = filters.DisciplineFilter
    search_fields = ["name", "name_de", "slug"]
    ordering_fields = ["position", "name", "kind"]
    instance_kw = "discipline"

    def get_queryset(self):
        # The counts group the rows, and grouped queries drop Meta.ordering: order explicitly.
        return selectors.discipline_list().order_by("position", "name")

    def reload(self, obj):
        # The answer carries the same counts and areas as a GET.
        return self.get_queryset().get(pk=obj.pk)

    def save_service(self, **kwargs):
        return services.discipline_save(**kwargs)

    def delete_service(self, **kwargs):
        services.discipline_delete(**kwargs)


@extend_schema_view(**_docs(s.ApplicationAreaSerializer))
class ApplicationAreaViewSet(CatalogueViewSet):
    """What social media is used for in each discipline."""

    serializer_class = s.ApplicationAreaSerializer
    filterset_class = filters.ApplicationAreaFilter
    search_fields = ["title", "title_de", "description"]
    ordering_fields = ["position", "title"]
    instance_kw = "area"

    def get_queryset(self):
        return selectors.application_area_list()

    def save_service(self, **kwargs):
        return services.area_save(**kwargs)

    def delete_service(self, **kwargs):
        services.area_delete(**kwargs)


@extend_schema_view(**_docs(s.MembershipSerializer))
class MembershipViewSet(CatalogueViewSet):
    """Who works in which discipline as expert, manager or communicator (saving one grants the role)."""

    serializer_class = s.MembershipSerializer
    filterset_class = filters.MembershipFilterSet
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    ordering_fields = ["function", "weekly_capacity_hours"]
    instance_kw = "membership"

    def get_queryset(self):
        return selectors.membership_list()

    def save_service(self, **kwargs):
        return services.membership_save(**kwargs)

    def delete_service(self, **kwargs):
        services.membership_delete(**kwargs)


@extend_schema_view(**_docs(s.ExpertiseSerializer, destroy=False))
class ExpertiseViewSet(CatalogueViewSet):
    """Topic tags and profile per person (one each), used to route requests to experts."""

    serializer_class = s.ExpertiseSerializer
    filterset_class = filters.ExpertiseFilter
    search_fields = ["profile", "user__username", "user__first_name", "user__last_name"]
    ordering_fields = ["id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return Expertise.objects.select_related("user").order_by("user__username")

    def perform_update(self, serializer):
        # expertise_save finds the row by user: it writes one person's tags and profile.
        expertise = serializer.instance
        data = {"user": expertise.user, "tags": expertise.tags, "profile": expertise.profile}
        data.update(serializer.validated_data)
        with service_write():
            serializer.instance = services.expertise_save(actor=self.request.user, **data)

    def save_service(self, **kwargs):
        return services.expertise_save(**kwargs)

    @extend_schema(
        summary="Your consent to be named for your thanked contributions",
        description="GET reads it; PUT sets it. Only for yourself: nobody else decides whether you are named.",
        request=s.RecognitionSerializer,
        responses={200: s.RecognitionSerializer, 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get", "put"], url_path="me/recognition", permission_classes=[IsAuthenticated])
    def my_recognition(self, request):
        if request.method == "PUT":
            body = s.RecognitionSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            with service_write():
                expertise = services.recognition_opt_in_set(
                    actor=request.user, user=request.user, opt_in=body.validated_data["opt_in"]
                )
        else:
            expertise = Expertise.objects.filter(user=request.user).first() or Expertise(user=request.user)
        return Response(s.RecognitionSerializer({"opt_in": expertise.recognition_opt_in}).data)


@extend_schema_view(**_docs(s.AbsenceSerializer))
class AbsenceViewSet(CatalogueViewSet):
    """Who is away when (routing skips them), with an optional deputy."""

    serializer_class = s.AbsenceSerializer
    filterset_class = filters.AbsenceFilter
    ordering_fields = ["starts_on", "ends_on"]
    instance_kw = "absence"

    def get_queryset(self):
        return Absence.objects.select_related("user", "deputy")

    def perform_update(self, serializer):
        # absence_save checks the dates together, so a PATCH of one date sends both.
        absence = serializer.instance
        data = {name: getattr(absence, name) for name in ("user", "starts_on", "ends_on", "deputy", "note")}
        data.update(serializer.validated_data)
        with service_write():
            serializer.instance = services.absence_save(actor=self.request.user, absence=absence, **data)

    def save_service(self, **kwargs):
        return services.absence_save(**kwargs)

    def delete_service(self, **kwargs):
        services.absence_delete(**kwargs)
