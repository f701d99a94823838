"""Demo accounts. Each app adds its own default content in its `demo.py`; the
`seed_demo` command runs them in order. Every step is idempotent."""

from django.contrib.auth import get_user_model

from governance.access import Role, role_group

# username, first name, last name, role (None: superuser)
DEMO_ACCOUNTS = [
    ("lead", "Lea", "Hoffmann", Role.GOVERNANCE_LEAD),
    ("communicator", "Chris", "Wagner", Role.COMMUNICATOR),
    ("expert", "Eva", "Schmidt", Role.EXPERT),
    ("expert2", "Erik", "Becker", Role.EXPERT),
    ("manager", "Max", "Fischer", Role.MANAGER),
    ("executive", "Elena", "Wolf", Role.EXECUTIVE),
    ("admin", "Ada", "Admin", None),
]


def seed_accounts(*, password):
    """Create the demo accounts that are missing; existing ones are left as they are."""
    User = get_user_model()
    created = []
    for username, first_name, last_name, role in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.com",
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        if was_created:
            user.set_password(password)
            user.save(update_fields=["password"])
            created.append(username)
        if role is not None:
            user.groups.add(role_group(role))
    return created
