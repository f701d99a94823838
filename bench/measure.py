"""HTTP timing against a running server: samples per URL, percentiles, the query header."""

import http.client
import math
import time

QUERY_HEADER = "X-Bench-Queries"


def percentile(values, fraction):
    """Nearest-rank percentile (of few samples: the larger neighbour, never interpolated)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def fetch(port, path, cookie=None):
    """One GET on a fresh connection (gunicorn's sync workers close it anyway)."""
    headers = {"Connection": "close", "Accept-Language": "en"}
    if cookie:
        headers["Cookie"] = cookie
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    queries = response.getheader(QUERY_HEADER)
    return response.status, elapsed, int(queries) if queries is not None else None, len(body)


def sample(port, path, cookie=None, *, max_samples, min_samples, budget, warm=1):
    """Time `path` until `max_samples`, or `budget` seconds once `min_samples` are in.

    The first `warm` responses (one per server worker: each has its own caches) warm up
    and are never counted: a first view may compute what the next ones read (the
    dashboards keep their figures for minutes) or read tables the database has not
    cached yet. When the first alone took longer than the budget, the other workers'
    warm-ups are skipped (their own caches are nothing beside such a page), and the page
    gets `min_samples` samples only.
    """
    status, elapsed, queries, size = fetch(port, path, cookie)
    for _ in range(warm - 1 if elapsed <= budget else 0):
        fetch(port, path, cookie)
    started, times = time.monotonic(), []
    while len(times) < max_samples and (len(times) < min_samples or time.monotonic() - started < budget):
        status, elapsed, queries, size = fetch(port, path, cookie)
        times.append(elapsed)
    return {
        "status": status,
        "queries": queries,
        "bytes": size,
        "samples": len(times),
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
    }
