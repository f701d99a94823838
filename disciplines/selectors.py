"""Read queries for the catalogue, shared by pages and the API."""

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from disciplines.models import ApplicationArea, Discipline, Membership


def _count_of(queryset):
    """How many rows of `queryset` point at the outer discipline, as a subquery (0 for none)."""
    counted = queryset.filter(discipline=OuterRef("pk")).order_by().values("discipline").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0)


def with_counts(disciplines):
    """Disciplines with `expert_count` and `area_count`. Correlated counts, each answered
    from an index: joining memberships and areas and grouping multiplied the rows (5,000
    people made the API's count, keys and page queries 2 ms each), and the grouping had
    to be repeated for the paginator's count and keys."""
    return disciplines.annotate(
        expert_count=_count_of(Membership.objects.filter(function=Membership.Function.EXPERT)),
        area_count=_count_of(ApplicationArea.objects.all()),
    )


def discipline_list():
    return with_counts(Discipline.objects.all()).prefetch_related(
        Prefetch("application_areas", queryset=ApplicationArea.objects.order_by("position", "title"))
    )


def membership_list():
    return Membership.objects.select_related("user", "user__expertise", "discipline")


def application_area_list():
    return ApplicationArea.objects.select_related("discipline")
