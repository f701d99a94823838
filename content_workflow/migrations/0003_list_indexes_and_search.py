"""Indexes for the list filters and orderings the pages and the API use, and trigram
indexes for search on PostgreSQL.

Search is `icontains` on title, brief and content piece (selectors.request_search). On
PostgreSQL Django renders that as `UPPER("col"::text) LIKE UPPER('%word%')`, which a GIN
index with `gin_trgm_ops` on exactly that expression answers; without it every search
read the whole table. pg_trgm is a trusted extension, so the database owner may enable
it. SQLite has no such index and scans, which is fine at the embedded default's size.
"""

from django.conf import settings
from django.db import migrations, models

TABLE = "content_workflow_expertinputrequest"
SEARCHED = ("title", "brief", "content_piece")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS cw_request_{column}_trgm ON {TABLE} USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS cw_request_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("content_workflow", "0002_contribution_rating"),
        ("disciplines", "0002_default_catalogue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="expertinputrequest",
            name="cw_request_discipline",
        ),
        migrations.RemoveIndex(
            model_name="requestevent",
            name="cw_event_assignee",
        ),
        migrations.AddIndex(
            model_name="expertinputrequest",
            index=models.Index(
                fields=["target_discipline", "status", "due_date", "id"], name="cw_request_discipline_due"
            ),
        ),
        migrations.AddIndex(
            model_name="expertinputrequest",
            index=models.Index(fields=["requester", "updated_at"], name="cw_request_requester"),
        ),
        migrations.AddIndex(
            model_name="expertinputrequest",
            index=models.Index(fields=["updated_at", "id"], name="cw_request_updated"),
        ),
        migrations.AddIndex(
            model_name="expertinputrequest",
            index=models.Index(fields=["created_at", "id"], name="cw_request_created"),
        ),
        migrations.AddIndex(
            model_name="expertinputrequest",
            index=models.Index(fields=["delivered_at"], name="cw_request_delivered"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["recipient", "created_at"], name="cw_notification_recent"),
        ),
        migrations.AddIndex(
            model_name="requestevent",
            index=models.Index(fields=["assignee", "request"], name="cw_event_assigned_to"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
