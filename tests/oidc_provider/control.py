"""Set up and change the test provider's data: run with its settings, in its own process.

python -m tests.oidc_provider.control setup <redirect uri> <post-logout uri>
python -m tests.oidc_provider.control user <username> <email> <password> [group ...]
"""

import sys

import django


def main(command, *args):
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import get_application_model

    if command == "setup":
        redirect_uri, logout_uri = args
        call_command("migrate", verbosity=0)
        Application = get_application_model()
        Application.objects.create(
            name="Social media governance",
            client_id="governance",
            client_secret="governance-secret",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=redirect_uri,
            post_logout_redirect_uris=logout_uri,
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    elif command == "user":
        username, email, password, *groups = args
        user, _created = User.objects.get_or_create(username=username)
        # "ada.lovelace" is Ada Lovelace; a plain "alice" is Alice Example.
        first, _dot, last = username.partition(".")
        user.email, user.first_name, user.last_name = email, first.title(), last.title() or "Example"
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(*sys.argv[1:])
