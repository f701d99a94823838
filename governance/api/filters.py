"""Filters of the organisational model API.

Models are filtered by plain id: the viewsets already start from the models the user
may see, so a draft's id simply matches nothing for someone who may not see drafts
(no 400 that would tell "exists but hidden" from "does not exist").
"""

import django_filters

from disciplines.models import Discipline
from governance.filtersets import FilterSet
from governance.models import Activity, Hub, ModelType, OrganisationalModel, Responsibility, Spoke


class OrganisationalModelFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=OrganisationalModel.Status.choices, distinct=False)
    type = django_filters.MultipleChoiceFilter(choices=ModelType.choices, distinct=False)

    class Meta:
        model = OrganisationalModel
        fields = ["status", "type"]


class HubFilter(FilterSet):
    model = django_filters.NumberFilter(field_name="model_id", label="Organisational model id")
    home_discipline = django_filters.ModelChoiceFilter(queryset=Discipline.objects.all())

    class Meta:
        model = Hub
        fields = ["model", "home_discipline", "is_coordinating_centre"]


class SpokeFilter(FilterSet):
    model = django_filters.NumberFilter(field_name="model_id", label="Organisational model id")
    hub = django_filters.NumberFilter(field_name="hub_id", label="Hub id")
    discipline = django_filters.ModelChoiceFilter(queryset=Discipline.objects.all())

    class Meta:
        model = Spoke
        fields = ["model", "hub", "discipline"]


class ResponsibilityFilter(FilterSet):
    model = django_filters.NumberFilter(field_name="model_id", label="Organisational model id")
    activity = django_filters.ModelChoiceFilter(queryset=Activity.objects.all())
    discipline = django_filters.ModelChoiceFilter(queryset=Discipline.objects.all())
    role = django_filters.MultipleChoiceFilter(choices=Responsibility.Role.choices, distinct=False)

    class Meta:
        model = Responsibility
        fields = ["model", "activity", "discipline", "role"]
