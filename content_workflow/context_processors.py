from content_workflow.selectors import unread_count
from governance.access import Role, roles_of

# Who gets the "Content" and "Calendar" links: those who plan pieces and those who read
# them all; experts get the calendar (their due dates and the feed).
CONTENT_ROLES = frozenset({Role.COMMUNICATOR, Role.MANAGER, Role.GOVERNANCE_LEAD, Role.EXECUTIVE})
CALENDAR_ROLES = CONTENT_ROLES | {Role.EXPERT}


def notifications(request):
    """The unread count shown next to the inbox link in the header (one query), and
    which of the content links the header shows (from the roles read once per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = set(roles_of(user))
    return {
        "unread_notifications": unread_count(user),
        "nav_content": bool(roles & CONTENT_ROLES),
        "nav_calendar": bool(roles & CALENDAR_ROLES),
    }
