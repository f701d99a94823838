"""Error pages that know the API: a client of /api/ gets JSON, a browser the site's page."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def page_not_found(request, exception):
    # A URL under /api/ that matches no route (an id like "0.5", a typo) answers like a
    # DRF view does, so API clients always get the body the schema declares for 404.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
