"""Budgets, allocation requests, the team and the notification inbox."""

urlpatterns = []
