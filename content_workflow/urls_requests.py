"""Requests: ask, follow, accept, decline, deliver, complete."""

from django.urls import path

from content_workflow.views import email_links, exports
from content_workflow.views import requests as views

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/export.csv", exports.request_export, name="request_export"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/experts/", views.expert_suggestions, name="expert_search"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    # One URL per action, each calling one service: request_submit, request_cancel, ...
    *(
        path(
            f"requests/<int:pk>/{action.replace('_', '-')}/",
            views.request_action,
            {"action": action},
            name=f"request_{action}",
        )
        for action in views.ACTIONS
    ),
    # One-click links from experts' e-mails: one action on one request, no sign-in.
    path("email/<str:token>/", email_links.email_link, name="email_link"),
    path("work/", views.work, name="work"),
    path("work/contributions/", views.contributions, name="contributions"),
]
