"""The model-health drill-down: the rows each health figure counts, and where to fix them.

Who: those who read everything (governance leads, executives, admins) for every item;
a manager for the items about disciplines, limited to the disciplines they manage.
The rows come from `reporting.health_rows`, the queryset the figure counts, so the
total here is the number that was clicked. Paginated; three queries per page.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from governance import reporting, selectors
from governance.access import log_denied

PER_PAGE = 50
# URL slug -> figure key, for the items listed here (requests and vacancies have their own pages).
ITEMS = {
    "spokes": "health_spokes_without_liaison",
    "activities": "health_activities_accountable",
    "budgets": "health_budgets_missing",
}
SLUGS = {key: slug for slug, key in ITEMS.items()}


@login_required
@require_safe
def health_list(request, item):
    key = ITEMS.get(item)
    if key is None:
        raise Http404
    scope = reporting.Scope.for_user(request.user)
    allowed = scope.is_everything or (scope.discipline_ids and key not in reporting.WHOLE_MODEL_KEYS)
    if not allowed:
        log_denied(request.user, "model_health", item)
        raise PermissionDenied
    today = timezone.localdate()
    rows = reporting.health_rows(key, scope, today=today)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/health_list.html",
        {
            "item": item,
            "figure": reporting.Figure(key, page.paginator.count),
            "page_obj": page,
            "next_month": reporting.next_month(today),
            "active_model": selectors.active_model() if item == "activities" else None,
        },
    )
