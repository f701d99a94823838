"""Shape of the catalogue in the API.

Serializers check types and formats only; the rules (who may write, what a row must
satisfy) live in `disciplines.services`, which the views call for every write.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from disciplines.models import Absence, ApplicationArea, Discipline, Expertise, Membership
from governance.api import strict


class UniqueCombination:
    """Like DRF's UniqueTogetherValidator, but the error names one field and says what clashes.

    `message(values)` builds the text from the combined values. The service checks the
    same constraint again inside its write, so this only gives the nicer message early.
    """

    requires_context = True

    def __init__(self, *, queryset, fields, field, message):
        self.queryset = queryset
        self.fields = fields
        self.field = field
        self.message = message

    def __call__(self, attrs, serializer):
        instance = serializer.instance
        values = {name: attrs[name] if name in attrs else getattr(instance, name, None) for name in self.fields}
        if any(value is None for value in values.values()):
            return
        clashes = self.queryset.filter(**values)
        if instance is not None:
            clashes = clashes.exclude(pk=instance.pk)
        if clashes.exists():
            raise serializers.ValidationError({self.field: [self.message(values)]}, code="unique")


class AreaBriefSerializer(strict.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ApplicationArea
        fields = ["id", "title", "label"]


class DisciplineSerializer(strict.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text=_("The name in the active language."))
    expert_count = serializers.IntegerField(read_only=True)
    area_count = serializers.IntegerField(read_only=True)
    application_areas = AreaBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Discipline
        fields = [
            "id",
            "slug",
            "name",
            "name_de",
            "label",
            "kind",
            "description",
            "description_de",
            "colour",
            "position",
            "expert_count",
            "area_count",
            "application_areas",
        ]


class ApplicationAreaSerializer(strict.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ApplicationArea
        fields = ["id", "discipline", "title", "title_de", "label", "description", "description_de", "position"]
        validators = [
            UniqueCombination(
                queryset=ApplicationArea.objects.all(),
                fields=("discipline", "title"),
                field="title",
                message=lambda v: _("%(discipline)s already has an application area “%(title)s”.") % v,
            )
        ]


def _membership_clash(values):
    return _("%(user)s is already %(function)s in %(discipline)s.") % {
        "user": values["user"].get_full_name() or values["user"].get_username(),
        "function": Membership.Function(values["function"]).label.lower(),
        "discipline": values["discipline"],
    }


class MembershipSerializer(strict.ModelSerializer):
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "user", "user_name", "discipline", "function", "weekly_capacity_hours"]
        validators = [
            UniqueCombination(
                queryset=Membership.objects.all(),
                fields=("user", "discipline", "function"),
                field="user",
                message=_membership_clash,
            )
        ]

    def get_user_name(self, membership) -> str:
        return membership.user.get_full_name() or membership.user.get_username()


class ExpertiseSerializer(strict.ModelSerializer):
    tags = serializers.ListField(
        child=strict.CharField(),
        required=False,
        default=list,
        help_text=_("Topic tags; stored lower-case, trimmed and without duplicates."),
    )

    class Meta:
        model = Expertise
        fields = ["id", "user", "tags", "profile", "recognition_opt_in"]
        read_only_fields = ["recognition_opt_in"]  # the person's own: PUT /api/v1/expertise/me/recognition/


class RecognitionSerializer(serializers.Serializer):
    opt_in = strict.BooleanField(
        help_text=_("True: the management dashboard may name you beside your most thanked contributions.")
    )


class AbsenceSerializer(strict.ModelSerializer):
    class Meta:
        model = Absence
        fields = ["id", "user", "starts_on", "ends_on", "deputy", "note"]
