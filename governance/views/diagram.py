"""The organisational model's diagram as an SVG file of its own."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from governance.diagram import diagram_svg
from governance.models import OrganisationalModel


@login_required
@require_GET
@cache_control(private=True, no_cache=True)
def model_diagram(request, pk):
    """Restrict first, then look up: a draft is a 404 for everyone but governance leads."""
    model = get_object_or_404(
        OrganisationalModel.objects.visible_to(request.user).select_related("executive_sponsor"), pk=pk
    )
    response = HttpResponse(diagram_svg(model, standalone=True), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="organisational-model-{model.pk}.svg"'
    return response
