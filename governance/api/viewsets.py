"""Organisational models, hubs, spokes, activities and RACI cells in the API.

Every viewset starts from the models the user may see (`visible_to`): a draft does not
exist for someone who may not see drafts (404). Reading is open to every signed-in
user; every write goes through `governance.services`, which checks the permission
again, locks the model and refuses to touch a published one (409: copy it instead).
"""

from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from governance import selectors, services
from governance.access import log_denied
from governance.api import filters
from governance.api import serializers as s
from governance.errors import DomainError
from governance.models import Activity, Hub, OrganisationalModel, Responsibility, Spoke
from governance.permissions import can_manage_governance

# --- Shared by the API viewsets of every app ------------------------------------------------


class ReadOrManage(BasePermission):
    """Every signed-in user reads; only `predicate` holders write (403 for the others).

    The service called by the write checks the same predicate again; asking here first
    answers 403 before any validation or lookup, so a refused write reveals nothing.
    """

    predicate = staticmethod(can_manage_governance)
    message = gettext_lazy("Only governance leads change organisational models.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS or self.predicate(request.user):
            return True
        log_denied(request.user, f"api:{view.basename}:{getattr(view, 'action', request.method)}")
        return False


@contextmanager
def service_write():
    """Run a service call; a unique index that lost a race answers 409, not 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise DomainError(
            _("Someone else changed this at the same moment. Reload and try again."), code="conflict"
        ) from None


ERRORS = {
    400: OpenApiResponse(description="Invalid input: the body names each field with its messages."),
    403: OpenApiResponse(s.DetailSerializer, description="Only governance leads write."),
    409: OpenApiResponse(s.ErrorSerializer, description="The model is published (not_draft): copy it first."),
}
READ_ERRORS = {404: OpenApiResponse(description="Not found, or a draft the user may not see.")}


def _write_docs(serializer):
    return {
        "create": extend_schema(responses={201: serializer, **ERRORS}),
        "update": extend_schema(responses={200: serializer, **ERRORS, **READ_ERRORS}),
        "partial_update": extend_schema(responses={200: serializer, **ERRORS, **READ_ERRORS}),
        "destroy": extend_schema(summary="Delete (drafts only)", responses={204: None, **ERRORS, **READ_ERRORS}),
    }


def _is_schema_view(view):
    return getattr(view, "swagger_fake_view", False)


def _visible_models(request):
    return OrganisationalModel.objects.visible_to(request.user)


# --- Organisational models -------------------------------------------------------------------


@extend_schema_view(
    **_write_docs(s.OrganisationalModelDetailSerializer),
    list=extend_schema(summary="Organisational models the user may see (drafts only for governance leads)"),
    retrieve=extend_schema(responses={200: s.OrganisationalModelDetailSerializer, **READ_ERRORS}),
)
class OrganisationalModelViewSet(viewsets.ModelViewSet):
    """Organisational models: drafts are edited, published once, and never edited after."""

    permission_classes = [ReadOrManage]
    filterset_class = filters.OrganisationalModelFilter
    search_fields = ["name", "notes"]
    ordering_fields = ["name", "type", "status", "created_at", "updated_at", "published_at"]

    def get_queryset(self):
        if _is_schema_view(self):
            return OrganisationalModel.objects.none()
        # The counts group the rows, and grouped queries drop Meta.ordering: order explicitly
        # (drafts first, then the newest published).
        queryset = selectors.model_list(self.request.user).order_by(
            F("published_at").desc(nulls_first=True), "-created_at", "-pk"
        )
        if self.action != "list":
            queryset = queryset.prefetch_related("hubs", "spokes")
        return queryset

    def get_serializer_class(self):
        if self.action == "list":
            return s.OrganisationalModelSerializer
        return s.OrganisationalModelDetailSerializer

    def _reloaded(self, model):
        # Read back through the selector so the answer carries the same annotations as a GET.
        return self.get_queryset().get(pk=model.pk)

    def perform_create(self, serializer):
        with service_write():
            model = services.model_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self._reloaded(model)

    def perform_update(self, serializer):
        with service_write():
            model = services.model_update(
                model=serializer.instance, actor=self.request.user, **serializer.validated_data
            )
        serializer.instance = self._reloaded(model)

    def perform_destroy(self, instance):
        with service_write():
            services.model_delete(model=instance, actor=self.request.user)

    @extend_schema(
        summary="Publish a draft",
        description=(
            "Validates the draft, archives the active model and makes this one active, in one step; an optional "
            "`name` renames it as it is published. "
            "When rules are broken nothing changes and the answer is 400 with code `invalid_model` and "
            "`problems`: every broken rule with its code (e.g. `accountable_missing`, `hub_count`) and message."
        ),
        request=s.PublishSerializer,
        responses={
            200: s.OrganisationalModelDetailSerializer,
            400: OpenApiResponse(s.PublishRefusedSerializer, description="Broken rules; nothing was changed."),
            403: ERRORS[403],
            404: READ_ERRORS[404],
            409: OpenApiResponse(
                s.ErrorSerializer, description="Not a draft (not_draft) or another publish won (publish_conflict)."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        model = self.get_object()
        body = s.PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_write():
            name = body.validated_data.get("name") or None
            model = services.model_publish(model=model, actor=request.user, name=name)
        return Response(self.get_serializer(self._reloaded(model)).data)

    @extend_schema(
        summary="Copy a model to a new draft",
        description="The draft gets the source's hubs, spokes and responsibilities; the source stays as it is.",
        request=s.CopySerializer,
        responses={201: s.OrganisationalModelDetailSerializer, 400: ERRORS[400], 403: ERRORS[403], **READ_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        source = self.get_object()
        body = s.CopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_write():
            draft = services.model_copy(source=source, actor=request.user, name=body.validated_data.get("name") or None)
        return Response(self.get_serializer(self._reloaded(draft)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="What publishing this model would change",
        description="Compares the model with `base` (default: the active model).",
        parameters=[
            OpenApiParameter("base", int, description="Id of a model to compare with instead of the active one.")
        ],
        responses={
            200: s.ModelDiffSerializer,
            404: OpenApiResponse(description="Model not found, or no active model (nor `base`) to compare with."),
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def diff(self, request, pk=None):
        model = self.get_object()
        base_id = request.query_params.get("base")
        if base_id:
            if not base_id.isdigit():
                raise ValidationError({"base": [_("Enter a model id.")]})
            base = _visible_models(request).filter(pk=base_id).first()
        else:
            base = selectors.active_model()
        if base is None:
            raise NotFound(_("There is no model to compare with."))
        diff = selectors.model_diff(model, base)
        data = {
            "base": base.pk,
            "model": [vars(change) for change in diff.model],
            "units": [vars(change) for change in diff.units],
            "responsibilities": [vars(change) for change in diff.responsibilities],
        }
        return Response(s.ModelDiffSerializer(data).data)


# --- Units -----------------------------------------------------------------------------------


class _UnitViewSet(viewsets.ModelViewSet):
    permission_classes = [ReadOrManage]

    def get_queryset(self):
        if _is_schema_view(self):
            return self.queryset.none()
        return self.queryset.filter(model__in=_visible_models(self.request))

    @staticmethod
    def _merged(serializer, names):
        """The unit's current values overlaid with what the request sent (PATCH sends a part)."""
        current = {name: getattr(serializer.instance, name) for name in names} if serializer.instance else {}
        return {**current, **serializer.validated_data}


@extend_schema_view(**_write_docs(s.HubSerializer))
class HubViewSet(_UnitViewSet):
    """Hubs (centres of excellence) of the models the user may see; writes on drafts only."""

    queryset = Hub.objects.select_related("model")
    serializer_class = s.HubSerializer
    filterset_class = filters.HubFilter
    search_fields = ["name"]
    ordering_fields = ["name"]

    FIELDS = ("model", "name", "home_discipline", "lead", "is_coordinating_centre")

    def perform_create(self, serializer):
        with service_write():
            serializer.instance = services.hub_save(actor=self.request.user, **self._merged(serializer, self.FIELDS))

    def perform_update(self, serializer):
        fields = self._merged(serializer, self.FIELDS)
        with service_write():
            serializer.instance = services.hub_save(actor=self.request.user, hub=serializer.instance, **fields)

    def perform_destroy(self, instance):
        with service_write():
            services.hub_remove(hub=instance, actor=self.request.user)


@extend_schema_view(**_write_docs(s.SpokeSerializer))
class SpokeViewSet(_UnitViewSet):
    """Spokes (disciplines that act themselves) of the models the user may see; writes on drafts only."""

    queryset = Spoke.objects.select_related("model")
    serializer_class = s.SpokeSerializer
    filterset_class = filters.SpokeFilter
    ordering_fields = ["id"]

    FIELDS = ("model", "discipline", "hub", "liaison")

    def perform_create(self, serializer):
        with service_write():
            serializer.instance = services.spoke_save(actor=self.request.user, **self._merged(serializer, self.FIELDS))

    def perform_update(self, serializer):
        fields = self._merged(serializer, self.FIELDS)
        with service_write():
            serializer.instance = services.spoke_save(actor=self.request.user, spoke=serializer.instance, **fields)

    def perform_destroy(self, instance):
        with service_write():
            services.spoke_remove(spoke=instance, actor=self.request.user)


# --- Activities and responsibilities ---------------------------------------------------------


class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    """The governance activities: the rows of every responsibility matrix."""

    queryset = Activity.objects.all()
    serializer_class = s.ActivitySerializer
    search_fields = ["name", "name_de", "slug"]
    ordering_fields = ["position", "name"]


class CellConflict(DomainError):
    """Someone changed the cell since the editor saw it; nothing was written."""

    def __init__(self, current_role):
        super().__init__(
            _("Someone else changed this cell in the meantime; look at its current role and decide again."),
            code="cell_conflict",
        )
        self.current_role = current_role

    def as_data(self):
        return {**super().as_data(), "current_role": self.current_role}


CELL_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(
        s.CellConflictSerializer,
        description=(
            "The cell changed since `seen` (cell_conflict, with `current_role`), or the model is published "
            "(not_draft, without `current_role`)."
        ),
    ),
}


@extend_schema_view(
    create=extend_schema(
        summary="Set a cell's role",
        description="Without `seen` the cell must be empty (or already hold this role), else 409.",
        responses={201: s.ResponsibilitySerializer, **CELL_ERRORS},
    ),
    update=extend_schema(responses={200: s.ResponsibilitySerializer, **CELL_ERRORS, **READ_ERRORS}),
    partial_update=extend_schema(responses={200: s.ResponsibilitySerializer, **CELL_ERRORS, **READ_ERRORS}),
    destroy=extend_schema(summary="Empty a cell", responses={204: None, **CELL_ERRORS, **READ_ERRORS}),
)
class ResponsibilityViewSet(viewsets.ModelViewSet):
    """RACI cells of the models the user may see; each write changes one cell of a draft."""

    permission_classes = [ReadOrManage]
    filterset_class = filters.ResponsibilityFilter
    ordering_fields = ["id"]

    def get_queryset(self):
        if _is_schema_view(self):
            return Responsibility.objects.none()
        return Responsibility.objects.filter(model__in=_visible_models(self.request)).select_related("model")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.ResponsibilityChangeSerializer
        return s.ResponsibilitySerializer

    def _write(self, model, activity_id, discipline_id, *, seen, wanted):
        change = services.CellChange(activity_id, discipline_id, seen, wanted)
        with service_write():
            conflicts = services.responsibilities_update(model=model, actor=self.request.user, changes=[change])
        cell = Responsibility.objects.filter(model=model, activity_id=activity_id, discipline_id=discipline_id).first()
        if conflicts:
            raise CellConflict(cell.role if cell else "")
        return cell

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = self._write(
            data["model"], data["activity"].pk, data["discipline"].pk, seen=data.get("seen", ""), wanted=data["role"]
        )

    def perform_update(self, serializer):
        cell, data = serializer.instance, serializer.validated_data
        serializer.instance = self._write(
            cell.model,
            cell.activity_id,
            cell.discipline_id,
            seen=data.get("seen", cell.role),
            wanted=data.get("role", cell.role),
        )

    def perform_destroy(self, instance):
        self._write(instance.model, instance.activity_id, instance.discipline_id, seen=instance.role, wanted="")
