from governance.permissions import can_manage_governance


def can_edit_catalogue(user):
    """Disciplines, application areas, memberships, expertise and absences: leads and admins."""
    return can_manage_governance(user)
