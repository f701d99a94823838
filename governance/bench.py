"""Hooks for `bench/` only, switched on with BENCH=1 (never in production).

- `QueryCountMiddleware` counts the SQL statements a request runs, server-side and with
  DEBUG off (a `connection.execute_wrapper`, so nothing is kept in memory), and answers
  with the count in the `X-Bench-Queries` header. It sits first, so sessions, auth and
  every middleware's queries count too.
- `bare` is the yardstick: a view that does no work, served by the same process, so a
  page's time can be given as a multiple of the framework's own cost.
"""

from django.db import connection
from django.http import HttpResponse

HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response


def bare(request):
    return HttpResponse("ok", content_type="text/plain")
