"""The API's root: every app registers its viewsets on this one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from content_workflow.api import piece_views
from content_workflow.api import views as workflow_views
from disciplines.api import views as discipline_views
from disciplines.api.people_import import PeopleImportView
from governance.api import viewsets as governance_views
from governance.api.reports import SummaryView
from governance.api.views import MeView, TokenView
from roles.api import views as role_views

router = DefaultRouter()
router.register("disciplines", discipline_views.DisciplineViewSet, basename="discipline")
router.register("application-areas", discipline_views.ApplicationAreaViewSet, basename="application-area")
router.register("memberships", discipline_views.MembershipViewSet, basename="membership")
router.register("expertise", discipline_views.ExpertiseViewSet, basename="expertise")
router.register("absences", discipline_views.AbsenceViewSet, basename="absence")
router.register("org-models", governance_views.OrganisationalModelViewSet, basename="org-model")
router.register("hubs", governance_views.HubViewSet, basename="hub")
router.register("spokes", governance_views.SpokeViewSet, basename="spoke")
router.register("activities", governance_views.ActivityViewSet, basename="activity")
router.register("responsibilities", governance_views.ResponsibilityViewSet, basename="responsibility")
router.register("job-profiles", role_views.JobProfileViewSet, basename="job-profile")
router.register("competencies", role_views.CompetencyViewSet, basename="competency")
router.register("required-levels", role_views.RequiredLevelViewSet, basename="required-level")
router.register("role-assignments", role_views.RoleAssignmentViewSet, basename="role-assignment")
router.register("assessments", role_views.AssessmentViewSet, basename="assessment")
router.register("requests", workflow_views.ExpertRequestViewSet, basename="expert-request")
router.register("budgets", workflow_views.TimeBudgetViewSet, basename="budget")
router.register("allocations", workflow_views.TimeAllocationViewSet, basename="allocation")
router.register("notifications", workflow_views.NotificationViewSet, basename="notification")
router.register("content-pieces", piece_views.ContentPieceViewSet, basename="content-piece")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("people-import/", PeopleImportView.as_view(), name="api-people-import"),
    path("reports/summary/", SummaryView.as_view(), name="api-reports-summary"),
    *router.urls,
]
