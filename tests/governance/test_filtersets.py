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


# --- The API's filter backend (governance.filtersets.FilterBackend) ---------------------------


@pytest.fixture
def filter_sets_built(monkeypatch):
    built = []
    original = django_filters.FilterSet.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(django_filters.FilterSet, "__init__", counting)
    return built


def test_a_list_without_filter_parameters_builds_no_filter_set(api_for, lead, filter_sets_built):
    response = api_for(lead).get("/api/v1/disciplines/", {"page": 1, "page_size": 5})
    assert response.status_code == 200
    assert response.json()["count"] == Discipline.objects.count()
    assert filter_sets_built == []


@pytest.mark.parametrize(
    "params",
    [{"kind": "legal"}, {"kind": "nonsense"}],
)
def test_a_filter_parameter_is_applied_and_checked(api_for, lead, filter_sets_built, params):
    response = api_for(lead).get("/api/v1/disciplines/", params)
    assert filter_sets_built
    if params["kind"] == "nonsense":
        assert response.status_code == 400 and "kind" in response.json()
    else:
        names = {row["name"] for row in response.json()["results"]}
        assert names == set(Discipline.objects.filter(kind="legal").values_list("name", flat=True))
        assert names and len(names) < Discipline.objects.count()


def test_a_range_filter_counts_as_asked_for_by_its_suffixed_parameters(api_for, lead, filter_sets_built):
    response = api_for(lead).get("/api/v1/requests/", {"due_date_after": "not a date"})
    assert filter_sets_built == ["ExpertRequestFilter"]
    assert response.status_code == 400 and "due_date" in response.json()
