"""Kept counts of requests per discipline and status (content_workflow/models/tally.py).

Triggers on the request table write +n/-n rows into the tally in the same transaction as
the change, for every way a row changes: the ORM's saves, bulk inserts and updates, COPY,
deletes. PostgreSQL runs them once per statement over its transition tables (a bulk insert
of 10,000 rows writes one row per discipline and status); SQLite once per row. On SQLite,
Django's flush deletes with DELETE: the delete trigger stands aside while
`cw_flush_in_progress` holds a row, as the append-only triggers do (0004_audit_append_only).
The existing requests are counted once at the end.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_FUNCTION = """
CREATE FUNCTION cw_request_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO content_workflow_requesttally (discipline_id, status, delta)
        SELECT target_discipline_id, status, count(*) FROM new_rows GROUP BY 1, 2;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO content_workflow_requesttally (discipline_id, status, delta)
        SELECT target_discipline_id, status, -count(*) FROM old_rows GROUP BY 1, 2;
    ELSE
        -- Only what moved: an update of a title writes nothing.
        INSERT INTO content_workflow_requesttally (discipline_id, status, delta)
        SELECT discipline_id, status, sum(delta) FROM (
            SELECT target_discipline_id AS discipline_id, status, 1 AS delta FROM new_rows
            UNION ALL
            SELECT target_discipline_id, status, -1 FROM old_rows
        ) AS moved
        GROUP BY 1, 2 HAVING sum(delta) <> 0;
    END IF;
    RETURN NULL;
END
$$
"""

POSTGRES_TRIGGERS = [
    "CREATE TRIGGER cw_request_tally_insert AFTER INSERT ON content_workflow_expertinputrequest "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cw_request_tally()",
    "CREATE TRIGGER cw_request_tally_update AFTER UPDATE ON content_workflow_expertinputrequest "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cw_request_tally()",
    "CREATE TRIGGER cw_request_tally_delete AFTER DELETE ON content_workflow_expertinputrequest "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cw_request_tally()",
]

SQLITE_TRIGGERS = [
    "CREATE TRIGGER cw_request_tally_insert AFTER INSERT ON content_workflow_expertinputrequest BEGIN "
    "INSERT INTO content_workflow_requesttally (discipline_id, status, delta) VALUES (NEW.target_discipline_id, NEW.status, 1); END",
    "CREATE TRIGGER cw_request_tally_update AFTER UPDATE OF status, target_discipline_id ON content_workflow_expertinputrequest "
    "WHEN OLD.status IS NOT NEW.status OR OLD.target_discipline_id IS NOT NEW.target_discipline_id BEGIN "
    "INSERT INTO content_workflow_requesttally (discipline_id, status, delta) VALUES (OLD.target_discipline_id, OLD.status, -1); "
    "INSERT INTO content_workflow_requesttally (discipline_id, status, delta) VALUES (NEW.target_discipline_id, NEW.status, 1); END",
    "CREATE TRIGGER cw_request_tally_delete AFTER DELETE ON content_workflow_expertinputrequest "
    "WHEN NOT EXISTS (SELECT 1 FROM cw_flush_in_progress) BEGIN "
    "INSERT INTO content_workflow_requesttally (discipline_id, status, delta) VALUES (OLD.target_discipline_id, OLD.status, -1); END",
]

COUNT_EXISTING = (
    "INSERT INTO content_workflow_requesttally (discipline_id, status, delta) "
    "SELECT target_discipline_id, status, COUNT(*) FROM content_workflow_expertinputrequest GROUP BY target_discipline_id, status"
)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [POSTGRES_FUNCTION, *POSTGRES_TRIGGERS]
    elif vendor == "sqlite":
        statements = SQLITE_TRIGGERS
    else:
        raise NotImplementedError(f"No request tally triggers for {vendor}: add them to this migration.")
    for sql in [*statements, COUNT_EXISTING]:
        schema_editor.execute(sql, params=None)


def uninstall(apps, schema_editor):
    for operation in ("insert", "update", "delete"):
        table = " ON content_workflow_expertinputrequest" if schema_editor.connection.vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS cw_request_tally_{operation}{table}", params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS cw_request_tally()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("content_workflow", "0016_request_requester_due"),
        ("disciplines", "0005_expertise_recognition_opt_in"),
    ]

    operations = [
        migrations.CreateModel(
            name="RequestTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(max_length=20)),
                ("delta", models.IntegerField()),
                (
                    "discipline",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="disciplines.discipline",
                    ),
                ),
            ],
            options={"default_permissions": ()},
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
