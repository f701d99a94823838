import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

# After this many requests a worker has loaded what every request needs (URL patterns,
# compiled templates, translation catalogues, model metadata).
WARM_REQUESTS = 200
# Every this many requests, a full collection instead of the young generations only.
FULL_EVERY = 100
# The collector's own trigger, kept as a safety net for one request that builds a great
# many objects: normal requests never reach it, so it never runs in the middle of one.
SAFETY_THRESHOLD = 100_000


class CollectBetweenRequests:
    """Runs Python's garbage collector after a response is sent, not while one is built.

    Every request leaves reference cycles behind (request, response, querysets), so the
    collector runs several times per request on its default trigger: on the large data
    set that was 0.7 ms per API list on average and up to 7 ms at once, always inside a
    request. Here its trigger is raised out of reach and the worker collects the young
    generations when the response's `close()` is called (after the body was written to
    the client, before the worker takes the next request), and everything every
    FULL_EVERY requests.

    Once, after WARM_REQUESTS requests, gc.freeze() moves the warm worker's long-lived
    objects (URL patterns, templates, catalogues, model metadata) into the permanent
    generation, which collections skip: before that, a full collection walked the whole
    heap, about 70 ms (bench/RESULTS.md).

    A file the server sends itself (`wsgi.file_wrapper`, static files) is passed through
    untouched, so the server keeps sending it with sendfile; the next response collects.
    """

    def __init__(self, app, *, warm=WARM_REQUESTS, full_every=FULL_EVERY):
        self.app = app
        self.warm = warm
        self.full_every = full_every
        self.served = 0
        self.started = False

    def __call__(self, environ, start_response):
        if not self.started:  # in a process that serves, not one that merely imports this
            self.started = True
            gc.set_threshold(SAFETY_THRESHOLD, *gc.get_threshold()[1:])
        result = self.app(environ, start_response)
        file_wrapper = environ.get("wsgi.file_wrapper")
        if file_wrapper is not None and isinstance(result, file_wrapper):
            return result
        return _CollectOnClose(result, self.after_response)

    def after_response(self):
        self.served += 1
        if self.served == self.warm:
            gc.collect()
            gc.freeze()
        elif self.served % self.full_every == 0:
            gc.collect()
        else:
            gc.collect(1)


class _CollectOnClose:
    """The response, and after its own close() the collection."""

    def __init__(self, result, after):
        self.result = result
        self.after = after

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        finally:
            self.after()


application = CollectBetweenRequests(get_wsgi_application())
