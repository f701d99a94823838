"""Pages for organisational models: list, editor, diagram, questionnaire."""

app_name = "models"

urlpatterns = []
