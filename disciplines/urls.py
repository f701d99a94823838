"""Pages for the discipline catalogue."""

app_name = "disciplines"

urlpatterns = []
