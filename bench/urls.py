"""What the bench measures and the query-count guard test checks: the pages and API
lists each demo role opens. Plain data, no Django set-up, so both can import it."""

# Demo username -> the role of its dashboard.
ROLES = {
    "lead": "governance_lead",
    "communicator": "communicator",
    "expert": "expert",
    "manager": "manager",
    "executive": "executive",
}
# Matches about a fifth of the demo manager's requests at the large set: a search that
# finds many rows is the expensive kind.
SEARCH = "security"
API_LISTS = [
    "disciplines",
    "application-areas",
    "memberships",
    "expertise",
    "absences",
    "org-models",
    "hubs",
    "spokes",
    "activities",
    "responsibilities",
    "job-profiles",
    "competencies",
    "required-levels",
    "role-assignments",
    "assessments",
    "requests",
    f"requests/?search={SEARCH}",
    "requests/?status=assigned",
    "budgets",
    "allocations",
    "notifications",
    "content-pieces",
    "content-pieces/?owner=me",
    # Not a list: the dashboard's figures as JSON (managers and readers of everything).
    "reports/summary",
]


def urls_for(role, *, request_id, model_id, discipline, piece_id=0):
    """Every page and API list of `role`, with real ids of objects it may open (a piece
    page only with the id of a piece the role sees)."""
    pages = [
        f"/dashboard/{role}/",
        # The figures for a custom range and one discipline (governance.figures_filter).
        f"/dashboard/{role}/?period=custom&from=2025-01-01&to=2025-12-31&scope=discipline-{discipline}",
        "/requests/",
        "/requests/?show=all",
        "/requests/?status=assigned",
        f"/requests/?q={SEARCH}",
        f"/requests/?show=all&q={SEARCH}",
        "/requests/new/",
        f"/requests/{request_id}/",
        "/work/",
        "/work/contributions/",
        "/budgets/",
        "/allocations/",
        "/team/",
        "/inbox/",
        "/models/",
        f"/models/{model_id}/",
        f"/models/{model_id}/diagram.svg",
        "/profiles/",
        "/profiles/staffing/",
        "/profiles/assignments/",
        "/catalogue/",
        "/catalogue/people/",
        f"/catalogue/{discipline}/",
        "/dashboard/health/spokes/",
        "/dashboard/health/activities/",
        "/dashboard/health/budgets/",
        "/requests/?show=all&stuck=true",
        "/requests/?show=all&past_due=true",
        "/accounts/profile/",
        # Personal data: one's own download, and the processing record (issue 13).
        "/accounts/profile/data.json",
        "/privacy/",
        # The people import (leads and admins; others get a 403).
        "/catalogue/people/import/",
        "/catalogue/people/me/recognition/",
        # The person searches behind the expert and person fields.
        "/requests/experts/?q=an",
        "/profiles/people/search/?q=an",
        # CSV downloads (streamed): the request list as its filters show it, all pages,
        # and the dashboard's tables (readers of the figures; others get a 403).
        "/requests/export.csv?show=all",
        f"/requests/export.csv?show=all&q={SEARCH}",
        "/dashboard/export/hours.csv",
        "/dashboard/export/delivery.csv",
        "/dashboard/export/disciplines.csv",
        "/dashboard/export/status.csv",
        "/dashboard/export/health.csv",
        "/dashboard/export/summary.csv",
        # Content pieces and the calendar (issue 11).
        "/pieces/",
        "/pieces/?owner=me",
        "/pieces/?status=in_production",
        "/pieces/new/",
        "/calendar/",
        "/calendar/?week=2026-W49",
    ]
    if piece_id:
        pages += [f"/pieces/{piece_id}/", f"/pieces/{piece_id}/edit/", f"/pieces/{piece_id}/diff/"]
    return pages + [f"/api/v1/{name}" + ("" if "?" in name else "/") for name in API_LISTS]
