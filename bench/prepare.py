"""Print (JSON) what the bench measures on the database at DATABASE_URL: a signed-in
session per demo role and the URLs each role opens, with real ids found in the data.

Run by run.py; sessions are written straight into the session table, so no login (and
no lockout counter) is involved.
"""

import json

import django_env

django_env.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from bench.urls import ROLES, urls_for  # noqa: E402
from content_workflow.models import ContentPiece, ExpertInputRequest  # noqa: E402
from disciplines.models import Discipline  # noqa: E402
from governance.selectors import active_model  # noqa: E402


def session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def visible_request(user):
    """The newest request the role has a reason to open (its own, assigned, its discipline's)."""
    requests = ExpertInputRequest.objects.visible_to(user).order_by("-pk")
    by_role = {
        "communicator": requests.filter(requester=user),
        "expert": requests.filter(assignee=user),
        "manager": requests.filter(
            target_discipline__memberships__user=user, target_discipline__memberships__function="manager"
        ),
    }
    first = by_role.get(user.username, requests).values_list("pk", flat=True).first()
    return first or requests.values_list("pk", flat=True).first()


def main():
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}
    model = active_model()
    discipline = Discipline.objects.filter(slug="product").values_list("slug", flat=True).first() or "marketing"
    out = {"cookie": settings.SESSION_COOKIE_NAME, "roles": {}}
    for username, role in ROLES.items():
        user = users[username]
        out["roles"][username] = {
            "session": session_for(user),
            "urls": urls_for(
                role,
                request_id=visible_request(user),
                model_id=model.pk if model else 0,
                discipline=discipline,
                piece_id=ContentPiece.objects.visible_to(user).order_by("pk").values_list("pk", flat=True).first() or 0,
            ),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
