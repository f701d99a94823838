"""Budgets, allocation requests, the team and the notification inbox."""

from django.urls import path

from content_workflow.views import inbox, manage

urlpatterns = [
    path("budgets/", manage.budget_list, name="budget_list"),
    path("budgets/approve/", manage.budget_approve, name="budget_approve"),
    path("budgets/<int:pk>/", manage.budget_detail, name="budget_detail"),
    path("budgets/<int:pk>/adjust/", manage.budget_adjust, name="budget_adjust"),
    path("allocations/", manage.allocation_list, name="allocation_list"),
    path("allocations/<int:pk>/", manage.allocation_detail, name="allocation_detail"),
    path("allocations/<int:pk>/approve/", manage.allocation_approve, name="allocation_approve"),
    path("allocations/<int:pk>/reassign/", manage.allocation_reassign, name="allocation_reassign"),
    path("allocations/<int:pk>/experts/", manage.allocation_experts, name="allocation_experts"),
    path("allocations/<int:pk>/reject/", manage.allocation_reject, name="allocation_reject"),
    path("team/", manage.team, name="team"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read-all/", inbox.inbox_read_all, name="inbox_read_all"),
    path("inbox/preferences/", inbox.inbox_preferences, name="inbox_preferences"),
    path("inbox/<int:pk>/read/", inbox.inbox_read, name="inbox_read"),
    path("inbox/<int:pk>/open/", inbox.inbox_open, name="inbox_open"),
]
