"""A small index of open work (assigned or accepted) by assignee, with the estimate: each
expert's open load, which the team pages and routing's ranking sum, came from 2,000 table
pages at 100,000 requests."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content_workflow", "0014_request_due_covers_health"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="expertinputrequest",
            index=models.Index(
                condition=models.Q(status__in=["accepted", "assigned"]),
                fields=["assignee"],
                include=("estimated_hours",),
                name="cw_request_open_load",
            ),
        ),
    ]
