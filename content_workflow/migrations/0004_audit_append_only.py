"""The timeline and the ledger become append-only in the database itself.

`RequestEvent` and `BudgetEntry` refuse `save()` on an existing row and `delete()` in
Python, but `QuerySet.update()`, `QuerySet.delete()`, admin bulk actions, a cascade and raw
SQL never call those. Triggers refuse every UPDATE and DELETE of their rows, on PostgreSQL
and on SQLite (the embedded default keeps the same promise). Both raise an integrity error
(SQLSTATE 23001 restrict_violation on PostgreSQL, SQLITE_CONSTRAINT_TRIGGER on SQLite), which
Django reports as `IntegrityError`.

What points at these rows changes too, so the ORM refuses before the database has to: a
request, a user or a discipline that audit rows refer to is protected (PROTECT instead of
CASCADE or SET_NULL; SET_NULL would be an UPDATE the triggers refuse). The admin then shows
Django's "protected related objects" page, and the discipline services their message.
`DeputyGrant` is not append-only (it is revoked), but it is the trail of who stood in for
whom, so the people and the discipline it names are protected as well.

Emptying the whole database stays possible, because tests between transactional test cases
and a developer's reset need it (`manage.py flush`):
- PostgreSQL flushes with TRUNCATE, which fires no row triggers. TRUNCATE is deliberately
  left alone: it needs its own privilege and is an administrator's act, like DROP TABLE.
- SQLite has no TRUNCATE; Django flushes with DELETE FROM each table. The DELETE triggers
  therefore stand aside while the one-column table `cw_flush_in_progress` holds a row. Only
  our `flush` command writes it (content_workflow/management/commands/flush.py), in the
  same transaction as the DELETEs, and removes it before the commit: no other connection
  ever sees the tables unlocked, and a failed flush rolls the marker back with everything
  else. The table is not a model, so flush itself never empties it.

A later migration that must rewrite these rows drops the triggers and creates them again
around its change. On SQLite, altering one of these tables may rebuild it, which drops its
triggers: tests/content_workflow/test_append_only.py fails if that happens.
"""

from django.conf import settings
from django.db import migrations, models

TABLES = ["content_workflow_requestevent", "content_workflow_budgetentry"]

POSTGRES_FUNCTION = """
CREATE FUNCTION cw_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$
"""


def postgres_install(table):
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION cw_refuse_change()"
    ]


def sqlite_install(table):
    # RAISE takes a literal message on SQLite, hence one trigger per table and statement.
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
        statements = [POSTGRES_FUNCTION, *(sql for table in TABLES for sql in postgres_install(table))]
    elif vendor == "sqlite":
        statements = [
            "CREATE TABLE cw_flush_in_progress (id INTEGER PRIMARY KEY)",
            *(sql for table in TABLES for sql in sqlite_install(table)),
        ]
    else:
        raise NotImplementedError(f"No append-only triggers for {vendor}: add them to this migration.")
    for sql in statements:
        schema_editor.execute(sql, params=None)  # None: the PL/pgSQL "%" is not a placeholder


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [f"DROP TRIGGER {table}_append_only ON {table}" for table in TABLES]
        statements.append("DROP FUNCTION cw_refuse_change()")
    elif vendor == "sqlite":
        statements = [f"DROP TRIGGER {table}_no_{op}" for table in TABLES for op in ("update", "delete")]
        statements.append("DROP TABLE cw_flush_in_progress")
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql, params=None)  # None: the PL/pgSQL "%" is not a placeholder


def protect(model_name, name, to, **options):
    field = models.ForeignKey(on_delete=models.PROTECT, to=to, **options)
    return migrations.AlterField(model_name=model_name, name=name, field=field)


class Migration(migrations.Migration):
    dependencies = [
        ("content_workflow", "0003_list_indexes_and_search"),
        ("disciplines", "0002_default_catalogue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        protect("budgetentry", "actor", settings.AUTH_USER_MODEL, blank=True, null=True, related_name="+"),
        protect("deputygrant", "deputy", settings.AUTH_USER_MODEL, related_name="deputy_grants", verbose_name="deputy"),
        protect(
            "deputygrant",
            "discipline",
            "disciplines.discipline",
            related_name="deputy_grants",
            verbose_name="discipline",
        ),
        protect("deputygrant", "manager", settings.AUTH_USER_MODEL, related_name="+", verbose_name="absent manager"),
        protect(
            "requestevent",
            "actor",
            settings.AUTH_USER_MODEL,
            blank=True,
            null=True,
            related_name="+",
            verbose_name="by",
        ),
        protect("requestevent", "assignee", settings.AUTH_USER_MODEL, blank=True, null=True, related_name="+"),
        protect("requestevent", "request", "content_workflow.expertinputrequest", related_name="events"),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
