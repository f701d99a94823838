"""Filters of the catalogue, shared by the pages and the API (one FilterSet per list)."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from disciplines.models import Absence, ApplicationArea, Discipline, Expertise, Membership
from governance.filtersets import FilterSet


class MembershipFilterSet(FilterSet):
    """`?discipline=<slug>&function=expert&user=<id>`; an unknown value is a form error, not a 500."""

    discipline = django_filters.ModelChoiceFilter(
        queryset=Discipline.objects.all(),
        to_field_name="slug",
        label=_("Discipline"),
        empty_label=_("All disciplines"),
    )
    function = django_filters.ChoiceFilter(
        choices=Membership.Function.choices,
        label=_("Function"),
        empty_label=_("All functions"),
    )
    user = django_filters.NumberFilter(field_name="user_id", label=_("Person (id)"))

    class Meta:
        model = Membership
        fields = ["discipline", "function", "user"]


class DisciplineFilter(FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Discipline.Kind.choices, distinct=False)
    slug = django_filters.CharFilter()

    class Meta:
        model = Discipline
        fields = ["kind", "slug"]


class ApplicationAreaFilter(FilterSet):
    discipline = django_filters.ModelChoiceFilter(queryset=Discipline.objects.all())

    class Meta:
        model = ApplicationArea
        fields = ["discipline"]


class ExpertiseFilter(FilterSet):
    user = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.all())

    class Meta:
        model = Expertise
        fields = ["user"]


class AbsenceFilter(FilterSet):
    user = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.all())
    # Absences that overlap a day: ?on=2026-05-04 (who is away then).
    on = django_filters.DateFilter(method="filter_on", label=_("Away on this day"))

    class Meta:
        model = Absence
        fields = ["user", "on"]

    def filter_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)
