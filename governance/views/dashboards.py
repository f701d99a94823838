from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from governance import selectors
from governance.access import Role, log_denied, roles_of
from governance.celery import app as celery_app
from governance.figures_filter import FiguresFilter
from governance.permissions import can_manage_governance


@login_required
def home(request):
    roles = roles_of(request.user)
    if not roles:
        return render(request, "governance/no_role.html")
    return redirect("dashboard", role=roles[0].value)


@login_required
def dashboard(request, role):
    try:
        role = Role(role)
    except ValueError:
        raise Http404 from None
    if role not in roles_of(request.user):
        log_denied(request.user, "dashboard", role.value)
        raise PermissionDenied
    # Every dashboard shows the active model's diagram: one query for the model here, then
    # a fixed number for its units and sponsor however many spokes it has.
    context = {
        "role": role,
        "active_model": selectors.active_model(),
        "can_manage_governance": can_manage_governance(request.user),
    }
    if role in (Role.EXECUTIVE, Role.MANAGER):
        # The figures' cards (governance_figures) all count this one period and scope; a
        # scope beyond the reader's is PermissionDenied, bad input a message.
        chosen = FiguresFilter.from_query(request.GET, request.user)
        context.update(
            figures_filter=chosen, period_key=chosen.period_key, period=chosen.period, figures_scope=chosen.scope
        )
    return render(request, f"governance/dashboard_{role.value}.html", context)


@never_cache
@require_GET
def healthz(request):
    """200 when the database (and the broker, where one is configured) answers; 503 if not."""
    checks = {"database": _database_ok()}
    if not celery_app.conf.task_always_eager:
        checks["broker"] = _broker_ok()
    healthy = all(checks.values())
    body = {name: "ok" if ok else "unreachable" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if healthy else 503)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok():
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False
