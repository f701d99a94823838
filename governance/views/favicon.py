"""/favicon.ico: browsers ask for it where no page names an icon (an SVG opened on its own,
Django admin), so it answers with the site's icon instead of a 404."""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    # A redirect, not the bytes: the static URL carries the file's hash in production.
    return redirect(static("img/favicon.svg"))
