import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

# After this many requests a worker has loaded what every request needs (URL patterns,
# compiled templates, translation catalogues, model metadata).
WARM_REQUESTS = 200


class FreezeWarmHeap:
    """Moves a warm worker's long-lived objects out of the garbage collector's reach.

    Python's full collections walk every object in the process. On the large data set a
    worker's heap made each one take about 70 ms, every twenty or so page views: the
    slowest page views were garbage collections, not work (bench/RESULTS.md). After
    WARM_REQUESTS requests, one collection clears what is garbage and gc.freeze() puts
    the rest in the permanent generation, which collections skip (full collections then
    take a millisecond or two).
    """

    def __init__(self, app, after=WARM_REQUESTS):
        self.app = app
        self.left = after

    def __call__(self, environ, start_response):
        if self.left > 0:
            self.left -= 1
            if self.left == 0:
                gc.collect()
                gc.freeze()
        return self.app(environ, start_response)


application = FreezeWarmHeap(get_wsgi_application())
