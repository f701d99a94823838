"""Django's `flush`, able to empty the append-only tables on SQLite.

PostgreSQL flushes with TRUNCATE, which the append-only triggers never see. SQLite flushes
with DELETE, which they refuse unless `cw_flush_in_progress` holds a row (migration
content_workflow 0004_audit_append_only explains why). This command writes that row in the
same transaction as Django's DELETEs and removes it before the commit, so the unlocked
state is never visible to another connection and cannot outlive a failed flush.
"""

from django.core.management.commands import flush
from django.db import connections, transaction

MARKER_TABLE = "cw_flush_in_progress"


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite" or MARKER_TABLE not in connection.introspection.table_names():
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO cw_flush_in_progress DEFAULT VALUES")
            super().handle(**options)
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM cw_flush_in_progress")
        return None
