"""Pages for the discipline catalogue.

Fixed paths come before `<slug:slug>/`; forms.RESERVED_SLUGS keeps disciplines from taking their names.
"""

from django.urls import path

from disciplines import import_views, views

app_name = "disciplines"

urlpatterns = [
    path("", views.discipline_list, name="list"),
    path("add/", views.discipline_edit, name="create"),
    path("people/", views.people, name="people"),
    path("people/import/", import_views.people_import_page, name="people_import"),
    path("people/import/sample.csv", import_views.people_import_sample, name="people_import_sample"),
    path("people/memberships/add/", views.membership_edit, name="membership_create"),
    path("people/memberships/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("people/memberships/<int:pk>/delete/", views.membership_delete, name="membership_delete"),
    path("people/me/recognition/", views.recognition_edit, name="recognition"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/expertise/", views.expertise_edit, name="expertise_edit"),
    path("people/<int:pk>/absences/add/", views.absence_create, name="absence_create"),
    path("people/<int:pk>/absences/<int:absence_pk>/delete/", views.absence_delete, name="absence_delete"),
    path("<slug:slug>/", views.discipline_detail, name="detail"),
    path("<slug:slug>/edit/", views.discipline_edit, name="edit"),
    path("<slug:slug>/delete/", views.discipline_delete, name="delete"),
    path("<slug:slug>/areas/add/", views.area_edit, name="area_create"),
    path("<slug:slug>/areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("<slug:slug>/areas/<int:pk>/delete/", views.area_delete, name="area_delete"),
]
