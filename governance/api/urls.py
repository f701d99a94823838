"""The API's root: every app registers its viewsets on this one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from governance.api.views import MeView, TokenView

router = DefaultRouter()

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
