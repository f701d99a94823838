"""Job profiles, competencies, the matrix, role assignments and assessments in the API.

Reading profiles, competencies, the matrix and assignments is open to every signed-in
user; governance leads write them. Assessments are private: every list and detail starts
from `Assessment.objects.visible_to(user)`, so someone else's assessment is a 404 and
never shows in a list. Every write goes through `roles.services`, which checks the
permission again; its ValidationError becomes a 400 naming the field.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from disciplines.models import Discipline
from governance.api.serializers import DetailSerializer, ErrorSerializer
from governance.api.viewsets import ReadOrManage, service_write
from governance.filtersets import FilterSet
from roles import selectors, services
from roles.api import serializers as s
from roles.models import (
    Assessment,
    Competency,
    CompetencyCategory,
    JobProfile,
    RequiredLevel,
    RoleAssignment,
    Seniority,
)
from roles.permissions import can_edit_profiles, can_manage_assignments


class ReadOrEditProfiles(ReadOrManage):
    predicate = staticmethod(can_edit_profiles)
    message = _("Only governance leads change job profiles and the matrix.")


class ReadOrAssign(ReadOrManage):
    predicate = staticmethod(can_manage_assignments)
    message = _("Only governance leads assign job profiles.")


BAD_INPUT = {400: OpenApiResponse(description="Invalid input: the body names each field with its messages.")}
LEADS_ONLY = {403: OpenApiResponse(DetailSerializer, description="Only governance leads write.")}
NOT_FOUND = {404: OpenApiResponse(description="Not found.")}


def _is_schema_view(view):
    return getattr(view, "swagger_fake_view", False)


# --- Filters ---------------------------------------------------------------------------------


class CompetencyFilter(FilterSet):
    category = django_filters.ModelChoiceFilter(queryset=CompetencyCategory.objects.all())
    slug = django_filters.CharFilter()

    class Meta:
        model = Competency
        fields = ["category", "slug"]


class RequiredLevelFilter(FilterSet):
    profile = django_filters.ModelChoiceFilter(queryset=JobProfile.objects.all())
    competency = django_filters.ModelChoiceFilter(queryset=Competency.objects.all())
    seniority = django_filters.ChoiceFilter(choices=Seniority.choices)
    category = django_filters.ModelChoiceFilter(
        field_name="competency__category", queryset=CompetencyCategory.objects.all()
    )

    class Meta:
        model = RequiredLevel
        fields = ["profile", "competency", "seniority", "category"]


class RoleAssignmentFilter(FilterSet):
    current = django_filters.BooleanFilter(
        method="filter_current", label="Only assignments held today (true), or only the others (false)"
    )
    user = django_filters.NumberFilter(field_name="user_id", label="Person id")
    profile = django_filters.ModelChoiceFilter(queryset=JobProfile.objects.all())
    discipline = django_filters.ModelChoiceFilter(queryset=Discipline.objects.all())
    seniority = django_filters.ChoiceFilter(choices=Seniority.choices)

    class Meta:
        model = RoleAssignment
        fields = ["current", "user", "profile", "discipline", "seniority"]

    def filter_current(self, queryset, name, value):
        current = queryset.current()
        if value:
            return current
        return queryset.exclude(pk__in=current.values("pk"))


class AssessmentFilter(FilterSet):
    user = django_filters.NumberFilter(field_name="user_id", label="Person id")
    competency = django_filters.ModelChoiceFilter(queryset=Competency.objects.all())
    is_self = django_filters.BooleanFilter()
    assessed_after = django_filters.DateFilter(field_name="assessed_on", lookup_expr="gte")
    assessed_before = django_filters.DateFilter(field_name="assessed_on", lookup_expr="lte")

    class Meta:
        model = Assessment
        fields = ["user", "competency", "is_self", "assessed_after", "assessed_before"]


# --- Profiles and the matrix -----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The three job profiles"),
    retrieve=extend_schema(responses={200: s.JobProfileSerializer, **NOT_FOUND}),
    update=extend_schema(
        summary="Change a profile's texts or position (leads)",
        responses={200: s.JobProfileSerializer, **BAD_INPUT, **LEADS_ONLY, **NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Change some of a profile's texts (leads)",
        responses={200: s.JobProfileSerializer, **BAD_INPUT, **LEADS_ONLY, **NOT_FOUND},
    ),
)
class JobProfileViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Community manager, social media manager and social media consultant: descriptions and responsibilities.

    The slug and whether a profile has junior and senior variants are fixed; leads edit the rest.
    """

    permission_classes = [ReadOrEditProfiles]
    serializer_class = s.JobProfileSerializer
    search_fields = ["name", "name_de", "slug"]
    ordering_fields = ["position", "name"]

    def get_queryset(self):
        return selectors.profile_list()

    def perform_update(self, serializer):
        with service_write():
            serializer.instance = services.profile_update(
                actor=self.request.user, profile=serializer.instance, **serializer.validated_data
            )


@extend_schema_view(
    list=extend_schema(summary="Competencies of the matrix, in matrix order"),
    retrieve=extend_schema(responses={200: s.CompetencySerializer, **NOT_FOUND}),
    create=extend_schema(
        summary="Add a competency (leads)",
        description="Every profile and seniority gets `initial_level` for it at once, so the matrix has no gaps.",
        responses={201: s.CompetencySerializer, **BAD_INPUT, **LEADS_ONLY},
    ),
    update=extend_schema(responses={200: s.CompetencySerializer, **BAD_INPUT, **LEADS_ONLY, **NOT_FOUND}),
    partial_update=extend_schema(responses={200: s.CompetencySerializer, **BAD_INPUT, **LEADS_ONLY, **NOT_FOUND}),
    destroy=extend_schema(
        summary="Delete a competency and its matrix row (leads)",
        description="Refused with 400 once someone has been assessed in it: their history would go.",
        responses={204: None, **BAD_INPUT, **LEADS_ONLY, **NOT_FOUND},
    ),
)
class CompetencyViewSet(viewsets.ModelViewSet):
    """The competencies of the matrix, each in one of the four categories."""

    permission_classes = [ReadOrEditProfiles]
    serializer_class = s.CompetencySerializer
    filterset_class = CompetencyFilter
    search_fields = ["name", "name_de", "slug"]
    ordering_fields = ["position", "name"]

    def get_queryset(self):
        return selectors.competency_list()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        with service_write():
            serializer.instance = services.competency_save(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("initial_level", None)  # only a new competency starts somewhere
        with service_write():
            serializer.instance = services.competency_save(
                actor=self.request.user, competency=serializer.instance, **data
            )

    def perform_destroy(self, instance):
        with service_write():
            services.competency_delete(actor=self.request.user, competency=instance)


@extend_schema_view(
    list=extend_schema(
        summary="The cells of the matrix",
        description="One row per profile, seniority and competency. Filter by `profile`, `competency`, "
        "`seniority` or `category`.",
    ),
    retrieve=extend_schema(responses={200: s.RequiredLevelSerializer, **NOT_FOUND}),
    update=extend_schema(
        summary="Set a cell's required level (leads)",
        responses={200: s.RequiredLevelSerializer, **BAD_INPUT, **LEADS_ONLY, **NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Set a cell's required level (leads)",
        responses={200: s.RequiredLevelSerializer, **BAD_INPUT, **LEADS_ONLY, **NOT_FOUND},
    ),
)
class RequiredLevelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """The required level (1 to 5) of each profile and seniority in each competency."""

    permission_classes = [ReadOrEditProfiles]
    serializer_class = s.RequiredLevelSerializer
    filterset_class = RequiredLevelFilter
    ordering_fields = ["level", "id"]

    def get_queryset(self):
        return selectors.required_level_list()

    def perform_update(self, serializer):
        cell = serializer.instance
        with service_write():
            serializer.instance = services.required_level_set(
                actor=self.request.user,
                profile=cell.profile,
                competency=cell.competency,
                seniority=cell.seniority,
                level=serializer.validated_data.get("level", cell.level),
            )


# --- Assignments ------------------------------------------------------------------------------

ASSIGNMENT_CONFLICT = {
    409: OpenApiResponse(
        ErrorSerializer,
        description="Someone assigned the same at the same moment (assignment_conflict), or it already ended "
        "(already_ended).",
    )
}


@extend_schema_view(
    list=extend_schema(
        summary="Who holds which profile where",
        description="Every assignment, ended ones included; `?current=true` for those held today.",
    ),
    retrieve=extend_schema(responses={200: s.RoleAssignmentSerializer, **NOT_FOUND}),
    create=extend_schema(
        summary="Assign a profile (leads)",
        description="The discipline must be a hub or spoke of the active model. When the person already holds the "
        "profile there (a junior becoming senior), that assignment ends the day before this one starts.",
        responses={201: s.RoleAssignmentSerializer, **BAD_INPUT, **LEADS_ONLY, **ASSIGNMENT_CONFLICT},
    ),
)
class RoleAssignmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Someone holds a job profile, at a seniority, in a hub or spoke; ended assignments stay as history."""

    permission_classes = [ReadOrAssign]
    serializer_class = s.RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilter
    search_fields = ["user__username", "user__first_name", "user__last_name", "note"]
    ordering_fields = ["since", "until", "id"]

    def get_queryset(self):
        if _is_schema_view(self):
            return RoleAssignment.objects.none()
        return selectors.assignment_list(self.request.user)

    def _reloaded(self, assignment):
        return selectors.assignment_list(self.request.user).get(pk=assignment.pk)

    def perform_create(self, serializer):
        with service_write():
            assignment = services.assignment_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self._reloaded(assignment)

    @extend_schema(
        summary="End an assignment (leads)",
        request=s.EndAssignmentSerializer,
        responses={200: s.RoleAssignmentSerializer, **BAD_INPUT, **LEADS_ONLY, **NOT_FOUND, **ASSIGNMENT_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        assignment = self.get_object()
        body = s.EndAssignmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_write():
            services.assignment_end(actor=request.user, assignment=assignment, until=body.validated_data.get("until"))
        return Response(self.get_serializer(self._reloaded(assignment)).data)


# --- Assessments ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Assessments you may see, newest first",
        description="Your own, those of the people you manage, or everyone's for governance leads.",
    ),
    retrieve=extend_schema(
        responses={200: s.AssessmentSerializer, 404: OpenApiResponse(description="Not found, or not yours to see.")}
    ),
    create=extend_schema(
        summary="Record an assessment",
        description="Of yourself (a self-assessment), of someone you manage, or of anyone for governance leads. "
        "A person you may not assess does not exist here (400 on `user`).",
        responses={
            201: s.AssessmentSerializer,
            **BAD_INPUT,
            403: OpenApiResponse(DetailSerializer, description="You cannot assess this person."),
        },
    ),
)
class AssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """A person's level in a competency as someone saw it on a day; recorded, never changed."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["assessed_on", "level", "id"]

    def get_queryset(self):
        if _is_schema_view(self):
            return Assessment.objects.none()
        return selectors.assessment_list(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        with service_write():
            assessment = services.assessment_record(
                actor=self.request.user,
                person=data["user"],
                competency=data["competency"],
                level=data["level"],
                note=data.get("note", ""),
                assessed_on=data.get("assessed_on"),
            )
        serializer.instance = self.get_queryset().get(pk=assessment.pk)
