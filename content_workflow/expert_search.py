"""Finding an expert by name: the request form's preferred expert and the manager's
"approve for a named expert". A discipline can have thousands of experts, so these
fields are text (a username or e-mail) with suggestions, never a select of all of them.
"""

from django.db.models import Q

from disciplines.models import Membership
from governance.suggestions import person_matches


def askable_experts(disciplines, *, exclude_user=None):
    """The active expert memberships of `disciplines` (a queryset or ids), without
    `exclude_user` (a user or id: the requester, who is nobody's expert for themselves)."""
    queryset = Membership.objects.filter(
        discipline__in=disciplines, function=Membership.Function.EXPERT, user__is_active=True
    )
    if exclude_user is not None:
        queryset = queryset.exclude(user=exclude_user)
    return queryset


def expert_search(disciplines, *, query="", exclude_user=None):
    """Experts of `disciplines` whose name, username or e-mail matches every word of
    `query`, by name, for the suggestions of a person search field."""
    queryset = askable_experts(disciplines, exclude_user=exclude_user).select_related("user", "discipline")
    return person_matches(queryset, query, user_path="user__").order_by(
        "user__last_name", "user__first_name", "user_id", "discipline__position"
    )


def find_expert(discipline, value, *, exclude_user=None):
    """The expert of `discipline` whose username or e-mail is `value`, or None. One query."""
    matches = list(
        askable_experts([discipline.pk], exclude_user=exclude_user)
        .filter(Q(user__username__iexact=value) | Q(user__email__iexact=value))
        .select_related("user")[:2]
    )
    # An e-mail shared by two people names nobody.
    return matches[0].user if len(matches) == 1 else None
