"""A communicator's open requests by due date (their dashboard's cards): from the
requester's own index, instead of reading every request they ever asked for."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content_workflow", "0015_request_open_load"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="expertinputrequest",
            index=models.Index(fields=["requester", "status", "due_date"], name="cw_request_requester_due"),
        ),
    ]
