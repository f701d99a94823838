"""A piece's versions and timeline are append-only in the database, like the request
timeline and the ledger (see 0004_audit_append_only, whose trigger function on
PostgreSQL and flush marker table on SQLite these triggers reuse)."""

from django.db import migrations

TABLES = ["content_workflow_contentversion", "content_workflow_pieceevent"]


def postgres_install(table):
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION cw_refuse_change()"
    ]


def sqlite_install(table):
    # `table` is one of TABLES, never input.
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: UPDATE refused'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "  # noqa: S608
        "WHEN NOT EXISTS (SELECT 1 FROM cw_flush_in_progress) "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: DELETE refused'); END",
    ]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [sql for table in TABLES for sql in postgres_install(table)]
    elif vendor == "sqlite":
        statements = [sql for table in TABLES for sql in sqlite_install(table)]
    else:
        raise NotImplementedError(f"No append-only triggers for {vendor}: add them to this migration.")
    for sql in statements:
        schema_editor.execute(sql, params=None)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [f"DROP TRIGGER {table}_append_only ON {table}" for table in TABLES]
    elif vendor == "sqlite":
        statements = [f"DROP TRIGGER {table}_no_{op}" for table in TABLES for op in ("update", "delete")]
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("content_workflow", "0011_content_pieces")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
