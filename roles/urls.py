"""Pages for job profiles, the competency matrix, assessments and staffing."""

app_name = "roles"

urlpatterns = []
