"""GET /api/v1/reports/summary/?from=&to=&discipline=&hub=: the dashboard's figures as JSON.

The figures are `reporting.summary()` for the period and scope, each as `exports.figure_data`
(the CSV export writes the same), in the order summary() returns them: a figure added to
summary() appears here without a change.

Who: executives, governance leads and admins for any scope; a manager (or deputy) for
the disciplines they manage only (all of them by default; naming another discipline is a
403 that says so; a hub counts the hub's disciplines they manage); anyone else 403.
Bad input (a malformed date, `from` after `to`, an unknown discipline or hub) is a 400
that names the parameter.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from disciplines.models import Discipline
from governance import reporting
from governance.access import log_denied
from governance.exports import figure_data, reader_scope
from governance.models import Hub, OrganisationalModel

# Dates outside these are almost surely typing errors, and would overflow the time-zone
# arithmetic at the ends of the calendar.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)
MAX_ID = 2**63 - 1


class SummaryQuerySerializer(serializers.Serializer):
    """The query parameters (`from` is a Python keyword, so the field is added by name)."""

    to = serializers.DateField(required=False, input_formats=["iso-8601"])
    discipline = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    hub = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False, input_formats=["iso-8601"])
        return fields

    def _in_range(self, name, value):
        if value is not None and not EARLIEST <= value <= LATEST:
            raise serializers.ValidationError(
                {name: [_("Give a date between %(first)s and %(last)s.") % {"first": EARLIEST, "last": LATEST}]}
            )

    def validate(self, attrs):
        start, end = attrs.get("from"), attrs.get("to")
        self._in_range("from", start)
        self._in_range("to", end)
        if (start is None) != (end is None):
            missing = "to" if end is None else "from"
            raise serializers.ValidationError({missing: [_("Give both from and to, or neither for this month.")]})
        if start is not None and start > end:
            raise serializers.ValidationError({"to": [_("The end date must be on or after the start date.")]})
        if "discipline" in attrs:
            discipline = Discipline.objects.filter(pk=attrs["discipline"]).first()
            if discipline is None:
                raise serializers.ValidationError({"discipline": [_("There is no discipline with this id.")]})
            attrs["discipline"] = discipline
        if "hub" in attrs:
            request = self.context["request"]
            visible = OrganisationalModel.objects.visible_to(request.user)
            hub = Hub.objects.filter(pk=attrs["hub"], model__in=visible).first()
            if hub is None:
                raise serializers.ValidationError({"hub": [_("There is no hub with this id.")]})
            attrs["hub"] = hub
        return attrs


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=gettext_lazy("Stable name of the figure, e.g. hours_used."))
    label = serializers.CharField(help_text=gettext_lazy("The figure's name, in the request's language."))
    explanation = serializers.CharField(help_text=gettext_lazy("What the figure counts, in one line."))
    value = serializers.FloatField(
        allow_null=True,
        help_text=gettext_lazy(
            "The number in its unit: hours; a count; a share as a fraction 0 to 1; a duration in days; "
            "a rating 1 to 5. Null when there is no data or the figure is withheld."
        ),
    )
    unit = serializers.CharField(
        help_text=gettext_lazy("What the value counts in: hours, count, share, duration or rating.")
    )
    suppressed = serializers.BooleanField(
        help_text=gettext_lazy("Withheld: fewer than 3 people contributed, so no number is given.")
    )
    text = serializers.CharField(help_text=gettext_lazy("The value as the dashboard shows it."))


class SummarySerializer(serializers.Serializer):
    disciplines = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text=gettext_lazy("Ids of the disciplines counted; null: all disciplines."),
    )
    figures = FigureSerializer(many=True)

    def get_fields(self):
        # `from` is a Python keyword: the period's fields are added by name, first.
        period = {
            "from": serializers.DateField(help_text=gettext_lazy("First day of the period (included).")),
            "to": serializers.DateField(help_text=gettext_lazy("Last day of the period (included).")),
        }
        return {**period, **super().get_fields()}


def _hub_disciplines(hub):
    return {hub.home_discipline_id, *hub.spokes.values_list("discipline_id", flat=True)}


class SummaryView(APIView):
    """The dashboard's figures for a period and scope, with what each counts."""

    @extend_schema(
        operation_id="reports_summary",
        parameters=[
            OpenApiParameter("from", datetime.date, description="First day of the period (YYYY-MM-DD); with `to`."),
            OpenApiParameter(
                "to", datetime.date, description="Last day of the period (included); both missing: this month."
            ),
            OpenApiParameter("discipline", int, description="Only this discipline (id)."),
            OpenApiParameter("hub", int, description="Only this hub's disciplines: its home discipline and spokes."),
        ],
        responses={200: SummarySerializer},
        description=(
            "The figures of the governance dashboard (`reporting.summary`) for the period and scope. "
            "Executives, governance leads and admins read every discipline; managers the disciplines "
            "they manage (another discipline: 403)."
        ),
    )
    def get(self, request):
        user = request.user
        allowed = reader_scope(user)
        if allowed is None:
            log_denied(user, "reports_summary")
            raise PermissionDenied(
                _("Only executives, governance leads, admins and discipline managers read the figures.")
            )
        query = SummaryQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        values = query.validated_data
        ids = None if allowed.is_everything else set(allowed.discipline_ids)
        discipline, hub = values.get("discipline"), values.get("hub")
        if discipline is not None:
            if ids is not None and discipline.pk not in ids:
                log_denied(user, "reports_summary", f"discipline={discipline.pk}")
                raise PermissionDenied(_("You read the figures of the disciplines you manage only."))
            ids = {discipline.pk}
        if hub is not None:
            in_hub = _hub_disciplines(hub)
            if discipline is not None and discipline.pk not in in_hub:
                raise serializers.ValidationError({"discipline": [_("This discipline is not part of the hub.")]})
            ids = in_hub if ids is None else ids & in_hub
            if not ids:
                log_denied(user, "reports_summary", f"hub={hub.pk}")
                raise PermissionDenied(_("You manage none of this hub's disciplines."))
        scope = reporting.Scope.everything() if ids is None else reporting.Scope.of(ids)
        today = timezone.localdate()
        # Both dates or neither (validated): neither is this month, as on the dashboard.
        period = reporting.Period(values["from"], values["to"]) if "from" in values else reporting.Period.month(today)
        figures = reporting.summary(period, scope, today=today)
        body = {
            "from": period.start,
            "to": period.end,
            "disciplines": None if scope.is_everything else sorted(scope.discipline_ids),
            "figures": [figure_data(figure) for figure in figures.values()],
        }
        return Response(SummarySerializer(body).data)
