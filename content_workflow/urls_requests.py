"""Requests: ask, follow, accept, decline, deliver, complete."""

urlpatterns = []
