# Requester and assignee ride along in the managers' list index, so counting what a manager
# sees is answered from the index alone (permissions.request_visibility); an expert's own
# contributions, newest first, from an index (page_queries.contributions_of).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content_workflow", "0005_contribution_created_index"),
        ("disciplines", "0002_default_catalogue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="expertinputrequest",
            name="cw_request_discipline_due",
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(fields=["author", "-created_at", "-id"], name="cw_contribution_author"),
        ),
        migrations.AddIndex(
            model_name="expertinputrequest",
            index=models.Index(
                fields=["target_discipline", "status", "due_date", "id"],
                include=("requester", "assignee"),
                name="cw_request_discipline_due",
            ),
        ),
    ]
