"""Pages for job profiles, the competency matrix, assessments and staffing.

Fixed paths come before `<slug:slug>/`; profile slugs are fixed (community-manager,
social-media-manager, social-media-consultant), so they never take these names.
"""

from django.urls import path

from roles import views

app_name = "roles"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("matrix/edit/", views.matrix_edit, name="matrix_edit"),
    path("me/", views.my_profile, name="me"),
    path("staffing/", views.staffing, name="staffing"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("people/search/", views.person_search, name="person_search"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/assess/", views.assess, name="assess"),
    path("<slug:slug>/", views.profile, name="profile"),
    path("<slug:slug>/edit/", views.profile_edit, name="profile_edit"),
]
