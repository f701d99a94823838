"""Who may do what in governance. Every page and API action asks these predicates."""

from governance.access import Role, has_role


def can_manage_governance(user):
    """Change the catalogue and the organisational models: governance leads and admins."""
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.GOVERNANCE_LEAD))
