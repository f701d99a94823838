"""Save the plan of the slowest SQL statement behind each of the bench's slowest pages.

    DATABASE_URL=postgres://.../bench_large ALLOWED_HOSTS=testserver HTTPS=0 BENCH=1 \\
        python bench/explain.py bench/plans/before

Each page is opened in-process (Django's test client, as the demo user of its role);
every statement is timed; the slowest one is run again under
EXPLAIN (ANALYZE, BUFFERS) and written, with its SQL, to OUT/<name>.txt.
"""

import sys
import time
from pathlib import Path

import django_env

django_env.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = [
    ("manager-request-list", "manager", "/requests/?show=all"),
    ("manager-request-search", "manager", "/requests/?show=all&q=security"),
    ("manager-api-request-search", "manager", "/api/v1/requests/?search=security"),
    ("manager-api-requests", "manager", "/api/v1/requests/"),
    ("lead-team", "lead", "/team/"),
]


def slowest_statement(username, path):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    statements = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            cursor = context["cursor"]
            statements.append((time.perf_counter() - started, cursor.cursor.query.decode()))

    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        status = client.get(path, headers={"accept-language": "en"}).status_code
    page = time.perf_counter() - started
    return status, page, len(statements), max(statements)


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/plans/latest")
    out.mkdir(parents=True, exist_ok=True)
    for name, username, path in PAGES:
        status, page, count, (seconds, sql) = slowest_statement(username, path)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        (out / f"{name}.txt").write_text(
            f"page: {username} GET {path} -> {status}, {page:.2f} s in-process, {count} statements\n"
            f"slowest statement: {seconds * 1000:.0f} ms\n\n{sql}\n\n{plan}\n"
        )
        print(f"{name}: page {page:.2f} s, slowest statement {seconds * 1000:.0f} ms", flush=True)


if __name__ == "__main__":
    main()
