"""Shape of job profiles, the competency matrix, assignments and assessments in the API.

Serializers check types, formats and ranges only (a level outside 1 to 5, an unknown
competency: 400 naming the field). Who may write and what a row must satisfy is decided
by `roles.services`, which the views call for every write.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from disciplines.models import Discipline
from governance.api import strict
from roles.models import (
    MAX_LEVEL,
    MIN_LEVEL,
    Assessment,
    Competency,
    JobProfile,
    RequiredLevel,
    RoleAssignment,
    Seniority,
    UnitKind,
)
from roles.permissions import people_assessable_by

LEVEL_HELP = _("A whole number from 1 (basic) to 5 (expert).")


def _name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def level_field(**kwargs):
    kwargs.setdefault("help_text", LEVEL_HELP)
    return serializers.IntegerField(min_value=MIN_LEVEL, max_value=MAX_LEVEL, **kwargs)


# --- Profiles and the matrix -----------------------------------------------------------------


class JobProfileSerializer(strict.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text=_("The name in the active language."))
    seniorities = serializers.SerializerMethodField(
        help_text=_("The seniorities the profile is held and rated in: junior and senior, or none.")
    )

    class Meta:
        model = JobProfile
        fields = [
            "id",
            "slug",
            "name",
            "name_de",
            "label",
            "description",
            "description_de",
            "responsibilities",
            "responsibilities_de",
            "has_seniorities",
            "seniorities",
            "position",
        ]
        read_only_fields = ["slug", "has_seniorities"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_seniorities(self, profile):
        return [str(value) for value in profile.seniorities]


class CompetencySerializer(strict.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text=_("The name in the active language."))
    category_label = serializers.CharField(source="category.label", read_only=True)
    slug = strict.SlugField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text=_("Made from the name when left out. It has to be unique."),
    )
    initial_level = level_field(
        required=False,
        default=MIN_LEVEL,
        write_only=True,
        help_text=_(
            "Only when creating: the required level every profile and seniority starts with (1 to 5, default 1)."
        ),
    )

    class Meta:
        model = Competency
        fields = [
            "id",
            "category",
            "category_label",
            "slug",
            "name",
            "name_de",
            "label",
            "description",
            "description_de",
            "position",
            "initial_level",
        ]


class RequiredLevelSerializer(strict.ModelSerializer):
    """One cell of the matrix; only its level changes (profile, competency and seniority say which cell)."""

    level = level_field()

    class Meta:
        model = RequiredLevel
        fields = ["id", "profile", "competency", "seniority", "level"]
        read_only_fields = ["profile", "competency", "seniority"]


# --- Assignments ------------------------------------------------------------------------------


class RoleAssignmentSerializer(strict.ModelSerializer):
    user_name = serializers.SerializerMethodField()
    profile_label = serializers.CharField(read_only=True, help_text=_("The profile with its seniority."))
    seniority = serializers.ChoiceField(
        choices=Seniority.choices,
        required=False,
        help_text=_("junior or senior for community and social media managers; none for the consultant."),
    )
    discipline = serializers.PrimaryKeyRelatedField(
        queryset=Discipline.objects.all(),
        help_text=_("The discipline of a hub (its home discipline) or spoke of the active organisational model."),
    )
    discipline_label = serializers.CharField(source="discipline.label", read_only=True)
    unit_kind = serializers.ChoiceField(
        source="kind",
        choices=UnitKind.choices,
        read_only=True,
        help_text=_("Whether the discipline was a hub or a spoke when the profile was assigned."),
    )
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "user",
            "user_name",
            "profile",
            "profile_label",
            "seniority",
            "discipline",
            "discipline_label",
            "unit_kind",
            "since",
            "until",
            "is_current",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        extra_kwargs = {"since": {"required": False}, "until": {"required": False}}
        # "Once at a time per person, profile and unit": services.assignment_create ends the earlier one.
        validators = []

    def get_user_name(self, assignment) -> str:
        return _name(assignment.user)

    def get_is_current(self, assignment) -> bool:
        return assignment.is_current()


class EndAssignmentSerializer(serializers.Serializer):
    until = serializers.DateField(required=False, help_text=_("The last day (default: today)."))


# --- Assessments ------------------------------------------------------------------------------


class AssessablePersonField(serializers.PrimaryKeyRelatedField):
    """A person whose assessments the requesting user may record; everyone else does not exist here."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return get_user_model().objects.none()
        return people_assessable_by(request.user)


class AssessmentSerializer(strict.ModelSerializer):
    user = AssessablePersonField(
        help_text=_("The person assessed: yourself (a self-assessment), someone you manage, or anyone for leads.")
    )
    user_name = serializers.SerializerMethodField()
    competency = serializers.PrimaryKeyRelatedField(queryset=Competency.objects.all())
    competency_label = serializers.CharField(source="competency.label", read_only=True)
    level = level_field()
    assessed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "user",
            "user_name",
            "competency",
            "competency_label",
            "level",
            "assessed_on",
            "note",
            "assessed_by",
            "assessed_by_name",
            "is_self",
            "created_at",
        ]
        read_only_fields = ["assessed_by", "is_self", "created_at"]
        extra_kwargs = {"assessed_on": {"required": False, "help_text": _("Default: today; never in the future.")}}

    def get_user_name(self, assessment) -> str:
        return _name(assessment.user)

    def get_assessed_by_name(self, assessment) -> str:
        return _name(assessment.assessed_by)
