"""The request list as CSV: exactly the rows the list shows for the same filters, all pages.

The rows come from `requests.filtered_requests`, the page's own query (which starts from
`visible_to(user)`), so the export holds what the user may see and nothing else. Streamed
through `governance.csv_export` (formula-safe cells) from a server-side cursor: one query
for the rows whatever their number (plus the visibility look-ups the list makes too),
related names joined in, only the columns written loaded.
"""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from content_workflow.transitions import Status
from content_workflow.views.requests import filtered_requests
from governance.csv_export import csv_response

CHUNK_SIZE = 2000
COLUMNS = (
    "id",
    "title",
    "status",
    "target_discipline__name",
    "target_discipline__name_de",
    "requester__username",
    "requester__first_name",
    "requester__last_name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "created_at",
    "due_date",
    "delivered_at",
    "estimated_hours",
    "contribution__hours_spent",
)


def _person(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def export_rows(rows):
    """The CSV rows of a request queryset (see `header`), read in chunks."""
    rows = rows.select_related(None).select_related("target_discipline", "requester", "assignee", "contribution")
    for item in rows.only(*COLUMNS).iterator(chunk_size=CHUNK_SIZE):
        contribution = getattr(item, "contribution", None)
        yield (
            item.pk,
            item.title,
            Status(item.status).label,
            item.target_discipline.label,
            _person(item.requester),
            _person(item.assignee),
            item.created_at,
            item.due_date,
            item.delivered_at,
            item.estimated_hours,
            contribution.hours_spent if contribution else None,
        )


def header():
    return [
        _("ID"),
        _("Title"),
        _("Status"),
        _("Discipline"),
        _("Requester"),
        _("Expert"),
        _("Created"),
        _("Due date"),
        _("Delivered"),
        _("Estimated hours"),
        _("Hours spent"),
    ]


@login_required
@require_safe
def request_export(request):
    _filters, rows, _drill_down = filtered_requests(request)
    return csv_response("requests.csv", header(), export_rows(rows))
