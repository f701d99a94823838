"""Pages for organisational models: list, editor, diagram, questionnaire."""

from django.urls import path

from governance.views import diagram as diagram_views
from governance.views import fit as fit_views
from governance.views import models as views

app_name = "models"

urlpatterns = [
    # Reading (everyone signed in; drafts for governance leads only)
    path("", views.model_list, name="list"),
    path("<int:pk>/", views.model_detail, name="detail"),
    path("<int:pk>/diagram.svg", diagram_views.model_diagram, name="diagram"),
    path("fit/", fit_views.model_fit, name="fit"),
    # The model (governance leads)
    path("new/", views.model_create, name="create"),
    path("<int:pk>/edit/", views.model_edit, name="edit"),
    path("<int:pk>/delete/", views.model_delete, name="delete"),
    path("<int:pk>/copy/", views.model_copy, name="copy"),
    path("<int:pk>/publish/", views.model_publish, name="publish"),
    path("<int:pk>/raci/", views.model_raci, name="raci"),
    # Units of a draft
    path("<int:pk>/hubs/new/", views.hub_edit, name="hub_add"),
    path("<int:pk>/hubs/<int:hub_pk>/edit/", views.hub_edit, name="hub_edit"),
    path("<int:pk>/hubs/<int:hub_pk>/delete/", views.hub_delete, name="hub_delete"),
    path("<int:pk>/spokes/new/", views.spoke_edit, name="spoke_add"),
    path("<int:pk>/spokes/<int:spoke_pk>/edit/", views.spoke_edit, name="spoke_edit"),
    path("<int:pk>/spokes/<int:spoke_pk>/delete/", views.spoke_delete, name="spoke_delete"),
]
