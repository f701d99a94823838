"""Content pieces and the content calendar (issue 11)."""

from django.urls import path

from content_workflow.piece_transitions import ALL_ACTIONS
from content_workflow.views import calendar as calendar_views
from content_workflow.views import pieces as views

urlpatterns = [
    path("pieces/", views.piece_list, name="piece_list"),
    path("pieces/new/", views.piece_create, name="piece_create"),
    path("pieces/<int:pk>/", views.piece_detail, name="piece_detail"),
    path("pieces/<int:pk>/edit/", views.piece_edit, name="piece_edit"),
    path("pieces/<int:pk>/diff/", views.piece_diff, name="piece_diff"),
    path("pieces/<int:pk>/reschedule/", views.piece_reschedule, name="piece_reschedule"),
    path("pieces/<int:pk>/check/", views.piece_check, name="piece_check"),
    # One URL per status move, each calling services.piece_transition.
    *(
        path(
            f"pieces/<int:pk>/{action.replace('_', '-')}/",
            views.piece_action,
            {"action": action},
            name=f"piece_{action}",
        )
        for action in ALL_ACTIONS
    ),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/feed/renew/", calendar_views.calendar_feed_renew, name="calendar_feed_renew"),
    path("calendar/feed/revoke/", calendar_views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/feed/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
]
