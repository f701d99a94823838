"""Bulk loading with PostgreSQL's COPY: rows as dicts of attnames, model defaults filled in.

Ids are given by the caller (the generator numbers rows itself so that children can point
at parents without a round trip); `reset_sequences` moves the id sequences past them.
"""

import datetime
import io
import json
from contextlib import contextmanager
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

CHUNK = 50_000
_MISSING = object()


def _escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _json(value):
    return _escape(json.dumps(value))


# By exact type: the loader formats millions of values, and a dict lookup beats a chain
# of isinstance checks.
_FORMATS = {
    str: _escape,
    int: str,
    Decimal: str,
    float: str,
    bool: lambda value: "t" if value else "f",
    type(None): lambda value: "\\N",
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    dict: _json,
    list: _json,
}


def _value(value):
    format_ = _FORMATS.get(type(value))
    if format_ is None:  # a subclass, such as a choices enum's member: found once, then cached
        format_ = next(f for kind, f in _FORMATS.items() if isinstance(value, kind))
        _FORMATS[type(value)] = format_
    return format_(value)


def _columns(model):
    """(attname, column, default) of every stored field; generated columns are the database's."""
    now = timezone.now()
    columns = []
    for field in model._meta.concrete_fields:
        if getattr(field, "generated", False):
            continue
        if field.has_default():
            default = field.get_default
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = lambda now=now: now  # noqa: E731
        elif field.null:
            default = lambda: None  # noqa: E731
        else:
            default = None
        columns.append((field.attname, field.column, default))
    return columns


def copy_rows(model, rows, progress=None):
    """COPY `rows` (an iterable of dicts keyed by attname) into `model`'s table; returns the count.

    A field missing from a row takes its model default; a required field without one is
    an error naming it, so a field added to a model later shows up here at once.
    """
    columns = _columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for _attname, column, _default in columns)
    sql = f"COPY {table} ({names}) FROM STDIN"
    count = 0
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        for row in rows:
            values = []
            for attname, _column, default in columns:
                value = row.get(attname, _MISSING)
                if value is _MISSING:
                    if default is None:
                        raise KeyError(f"{model.__name__}.{attname} needs a value")
                    value = default()
                values.append(_value(value))
            buffer.write("\t".join(values))
            buffer.write("\n")
            count += 1
            if count % CHUNK == 0:
                _flush(cursor, sql, buffer)
                buffer = io.StringIO()
                if progress:
                    progress(count)
        _flush(cursor, sql, buffer)
    if progress:
        progress(count)
    return count


def _flush(cursor, sql, buffer):
    buffer.seek(0)
    cursor.cursor.copy_expert(sql, buffer)


@contextmanager
def indexes_deferred(models):
    """Drop the tables' plain indexes for the load and build them again afterwards.

    One index build after the load is far cheaper than updating every index row by row.
    Indexes that back a constraint (primary keys, unique fields) stay. Inside the
    caller's transaction: if the load fails, the rollback brings the indexes back too.
    """
    with connection.cursor() as cursor:
        tables = [model._meta.db_table for model in models]
        cursor.execute(
            """
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid)
            FROM pg_index
            WHERE indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)
            """,
            [tables],
        )
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # PostgreSQL builds no index on a table with foreign key checks still pending
        # (rows written before the load, or all of them without a superuser): run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in definitions:
            cursor.execute(definition)


def next_id(model):
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 (a model's table name)
        return cursor.fetchone()[0]


def reset_sequences(models):
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
