from django.urls import reverse

from governance.access import roles_of


def navigation(request):
    """The dashboards a user may open, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_dashboards": [
            {"role": role, "label": role.label, "url": reverse("dashboard", args=[role.value])}
            for role in roles_of(user)
        ],
    }
