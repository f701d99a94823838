"""Facts about the signed-in user that several parts of one page ask for (the
disciplines they manage, say), read once per page view instead of once per part.

Only while a GET or HEAD request is answered (`RequestCacheMiddleware`): a POST may
change those facts halfway (a deputy granted, a membership saved), and tasks, the shell
and tests that call services directly are outside any request, so nothing is cached
for them.
"""

from contextvars import ContextVar

_cache = ContextVar("governance_request_cache", default=None)


class RequestCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _cache.set({})
        try:
            return self.get_response(request)
        finally:
            _cache.reset(token)


def remembered(key, compute):
    """`compute()`, once per read-only request for `key`; every time outside one."""
    cache = _cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]
