"""The form class of a filter set is built once per class (governance/filtersets.py)."""

import django_filters
import pytest

from disciplines.models import Discipline
from governance.filtersets import FilterSet


class ByName(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(choices=Discipline.Kind.choices)

    class Meta:
        model = Discipline
        fields = ["name", "kind"]


class ByNameAndSlug(ByName):
    slug = django_filters.CharFilter()

    class Meta(ByName.Meta):
        fields = ["name", "kind", "slug"]


@pytest.mark.django_db
def test_one_form_class_per_filter_set_and_a_form_of_its_own_per_use():
    first, second = ByName({"name": "market"}, queryset=Discipline.objects.all()), ByName({"kind": "nonsense"})
    assert type(first.form) is type(second.form)
    assert first.form is not second.form
    assert first.is_valid() and not second.is_valid()
    assert "kind" in second.errors and not first.errors  # errors stay with their own data
    assert {d.name for d in first.qs} == {d.name for d in Discipline.objects.filter(name__icontains="market")}


@pytest.mark.django_db
def test_a_subclass_builds_its_own_form_class():
    parent = ByName({}).form
    child = ByNameAndSlug({"slug": "legal"}).form
    assert type(child) is not type(parent)
    assert "slug" in child.fields and "slug" not in parent.fields
