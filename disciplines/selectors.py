"""Read queries for the catalogue, shared by pages and the API."""

from django.db.models import Count, Prefetch, Q

from disciplines.models import ApplicationArea, Discipline, Membership


def discipline_list():
    return Discipline.objects.annotate(
        expert_count=Count("memberships", filter=Q(memberships__function=Membership.Function.EXPERT), distinct=True),
        area_count=Count("application_areas", distinct=True),
    ).prefetch_related(Prefetch("application_areas", queryset=ApplicationArea.objects.order_by("position", "title")))


def membership_list():
    return Membership.objects.select_related("user", "user__expertise", "discipline")


def application_area_list():
    return ApplicationArea.objects.select_related("discipline")
