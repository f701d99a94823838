"""The dashboard's tables as CSV: /dashboard/export/<table>.csv?period=...

Who: the readers of the figures (`exports.reader_scope`): executives, governance leads
and admins for every discipline, managers for the disciplines they manage; anyone else
403. The period is the dashboard's (`?period=`, this month if missing or unknown); each
table is built by the same reporting call as its card (governance/exports.py), so the
file holds the page's numbers, small groups withheld the same way. A fixed number of
queries per table, whatever the data size (the reporting module's aggregates).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_safe

from governance import reporting
from governance.access import log_denied
from governance.csv_export import csv_response
from governance.exports import TABLES, reader_scope


@login_required
@require_safe
def dashboard_export(request, table):
    found = TABLES.get(table)
    if found is None:
        raise Http404
    scope = reader_scope(request.user)
    if scope is None:
        log_denied(request.user, "dashboard_export", table)
        raise PermissionDenied
    today = timezone.localdate()
    _key, period = reporting.period_from_query(request.GET.get("period"), today=today)
    built = found.build(period, scope, user=request.user, today=today)
    if built is None:
        # The per-person table where the installation has not agreed it: not there at all.
        raise Http404
    header, rows = built
    when = today.isoformat() if found.now else f"{period.start.isoformat()}_{period.end.isoformat()}"
    return csv_response(f"{table}-{when}.csv", header, rows)
