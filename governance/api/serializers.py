"""Shape of organisational models, their units and the RACI matrix in the API.

Serializers check types and formats only. Whether a write is allowed (a lead, a draft,
a discipline that is a unit of the model...) is decided by `governance.services`, which
the viewsets call for every write.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.api import strict
from governance.models import Activity, Hub, OrganisationalModel, Responsibility, Spoke
from governance.validation import model_problems


class VisibleModelField(serializers.PrimaryKeyRelatedField):
    """An organisational model the requesting user may see (others do not exist for them)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return OrganisationalModel.objects.none()
        return OrganisationalModel.objects.visible_to(request.user)


class VisibleHubField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Hub.objects.none()
        return Hub.objects.filter(model__in=OrganisationalModel.objects.visible_to(request.user))


class _StaysInModel:
    """A unit belongs to one model for life: move it by removing it and adding it elsewhere."""

    def validate_model(self, value):
        if self.instance is not None and value.pk != self.instance.model_id:
            raise serializers.ValidationError(_("A unit stays in its model; remove it and add it to the other one."))
        return value


# --- Errors (documentation of the error bodies) ---------------------------------------------


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ErrorSerializer(DetailSerializer):
    code = serializers.CharField(help_text=_("Stable error code, e.g. not_draft."))


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Stable rule code, e.g. accountable_missing or hub_count."))
    message = serializers.CharField(help_text=_("What is wrong and how to fix it, in the request's language."))


class PublishRefusedSerializer(ErrorSerializer):
    """400 body of a refused publish: code is "invalid_model", problems lists every broken rule."""

    problems = ProblemSerializer(many=True)


class CellConflictSerializer(ErrorSerializer):
    # Only a cell_conflict knows the cell's role; other 409s here (not_draft, conflict) carry none.
    current_role = serializers.CharField(required=False, help_text=_("The cell's role now (empty: no role)."))


# --- Units ---------------------------------------------------------------------------------


class HubSerializer(_StaysInModel, strict.ModelSerializer):
    model = VisibleModelField()

    class Meta:
        model = Hub
        fields = ["id", "model", "name", "home_discipline", "lead", "is_coordinating_centre"]


class SpokeSerializer(_StaysInModel, strict.ModelSerializer):
    model = VisibleModelField()
    hub = VisibleHubField(allow_null=True, required=False)

    class Meta:
        model = Spoke
        fields = ["id", "model", "hub", "discipline", "liaison"]
        # "Once per model" is checked by services.spoke_save, which names the discipline.
        validators = []


# --- Organisational models ----------------------------------------------------------------


class OrganisationalModelSerializer(strict.ModelSerializer):
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    hub_count = serializers.IntegerField(read_only=True)
    spoke_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = OrganisationalModel
        fields = [
            "id",
            "name",
            "type",
            "type_label",
            "status",
            "executive_sponsor",
            "notes",
            "based_on",
            "created_by",
            "created_at",
            "updated_at",
            "published_by",
            "published_at",
            "hub_count",
            "spoke_count",
        ]
        read_only_fields = [
            "status",
            "based_on",
            "created_by",
            "created_at",
            "updated_at",
            "published_by",
            "published_at",
        ]


class OrganisationalModelDetailSerializer(OrganisationalModelSerializer):
    hubs = HubSerializer(many=True, read_only=True)
    spokes = SpokeSerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField(
        help_text=_("Rules the model breaks now; publishing is refused while this list is not empty.")
    )

    class Meta(OrganisationalModelSerializer.Meta):
        fields = [*OrganisationalModelSerializer.Meta.fields, "hubs", "spokes", "problems"]

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, model):
        return [problem.as_dict() for problem in model_problems(model)]


class CopySerializer(serializers.Serializer):
    name = strict.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text=_("Name of the new draft (default: the source's name with the next version, “… (version 2)”)."),
    )


class PublishSerializer(serializers.Serializer):
    name = strict.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text=_("A new name for the model, given as it is published (default: the name it has)."),
    )


class ChangeSerializer(serializers.Serializer):
    what = serializers.ChoiceField(choices=["added", "removed", "changed"])
    subject = serializers.CharField()
    before = serializers.CharField(allow_blank=True)
    after = serializers.CharField(allow_blank=True)


class ModelDiffSerializer(serializers.Serializer):
    base = serializers.IntegerField(help_text=_("Id of the model compared against (the active one by default)."))
    model = ChangeSerializer(many=True, help_text=_("Changes of type and executive sponsor."))
    units = ChangeSerializer(many=True, help_text=_("Hubs and spokes added, removed or changed."))
    responsibilities = ChangeSerializer(many=True, help_text=_("RACI cells added, removed or changed."))


# --- Responsibilities ----------------------------------------------------------------------

SEEN_HELP = _(
    "The cell's role as the editor last saw it: R, A, AR, C, I or empty for no role. If someone changed "
    "the cell since, nothing is written and the answer is 409 with the current role. Leave out to overwrite."
)


class ActivitySerializer(strict.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "slug", "name", "name_de", "label", "description", "position"]


class ResponsibilitySerializer(strict.ModelSerializer):
    """One RACI cell. Creating a cell that already has another role is a conflict unless `seen` says so."""

    model = VisibleModelField()
    role = serializers.ChoiceField(choices=Responsibility.Role.choices)
    # A plain string (not a second enum of the same roles) keeps the schema to one RoleEnum.
    seen = strict.CharField(required=False, allow_blank=True, write_only=True, help_text=SEEN_HELP)

    class Meta:
        model = Responsibility
        fields = ["id", "model", "activity", "discipline", "role", "seen"]
        # One cell per (model, activity, discipline): services.responsibilities_update decides.
        validators = []

    def validate_seen(self, value):
        if value and value not in Responsibility.Role.values:
            raise serializers.ValidationError(_("Choose R, A, AR, C, I or leave empty."))
        return value


class ResponsibilityChangeSerializer(ResponsibilitySerializer):
    """Changing a cell changes its role only; model, activity and discipline say which cell it is."""

    model = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(ResponsibilitySerializer.Meta):
        read_only_fields = ["model", "activity", "discipline"]
