from content_workflow.selectors import unread_count


def notifications(request):
    """The unread count shown next to the inbox link in the header (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
