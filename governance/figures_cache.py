"""The management figures, kept for a few minutes (`FIGURES_CACHE_SECONDS`, 300).

A dashboard's figures aggregate a period's requests, ledger entries and timeline
events; a month at 100,000 requests is thousands of rows, and the twelve-month trend
half the table. Board figures need not be fresh to the second, so each computation is
kept in Django's cache (Redis with CACHE_URL, shared by every process) for a few
minutes, under its inputs: the periods, the scope and today. Every consumer (pages,
CSV, API, digest) goes through `reporting`, which asks here, so they agree. Periods
that are over, whose rows no longer change, are kept for a day. 0 turns it off (the
test suite does, so a test sees what it just wrote).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

CLOSED_SECONDS = 24 * 3600


def _key(name, parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"governance:figures:{name}:{digest}"


def remembered(name, periods, scope, compute, *, extra=()):
    """`compute()`, or what it gave within the last FIGURES_CACHE_SECONDS for the same
    periods, scope and day (a day's worth when every period ended before today; no
    periods: a snapshot of now)."""
    seconds = settings.FIGURES_CACHE_SECONDS
    if not seconds:
        return compute()
    today = timezone.localdate()
    ids = None if scope.discipline_ids is None else tuple(sorted(scope.discipline_ids))
    key = _key(name, (tuple((p.start, p.end) for p in periods), ids, today, tuple(extra)))
    found = cache.get(key)
    if found is None:
        found = compute()
        closed = bool(periods) and all(period.end < today for period in periods)
        cache.set(key, found, CLOSED_SECONDS if closed else seconds)
    return found
