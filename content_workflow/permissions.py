"""Who may see and do what in the expert input workflow. Deny by default.

Rights follow from stored facts: a request knows its requester and assignee (now and
before, through its events); `Membership` says who manages which discipline;
django-guardian holds what no membership implies (a deputy for an absent manager, a
request shared with a colleague). Governance leads and executives read everything here
but change nothing; superusers (admins) may do what managers and requesters may.
"""

import operator
from datetime import timedelta
from functools import reduce

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from content_workflow import scope_sql
from content_workflow.models.tally import TalliedPart
from content_workflow.transitions import Actor, Status
from disciplines.models import Membership
from governance.access import Role, has_role
from governance.request_cache import remembered

APPROVE_BUDGET = "approve_timebudget"
VIEW_BUDGET = "view_timebudget"
VIEW_REQUEST = "view_expertinputrequest"


def month_start(day):
    return day.replace(day=1)


def reads_everything(user):
    return user.is_authenticated and (
        user.is_superuser or has_role(user, Role.GOVERNANCE_LEAD) or has_role(user, Role.EXECUTIVE)
    )


# --- Managers and their deputies -------------------------------------------------------------


def _live_deputy_grants(user, today):
    """Grants to `user` running today. scope_sql's managed disciplines state the same rule
    in SQL (plus guardian's budget permission): a change to one is a change to both."""
    from content_workflow.models import DeputyGrant

    return DeputyGrant.objects.filter(deputy=user, revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today)


def managed_discipline_ids(user, *, today=None):
    """Disciplines `user` manages: by membership, or as a deputy granted for today."""
    if not user.is_authenticated:
        return set()
    today = today or timezone.localdate()

    def read():
        return frozenset(
            scope_sql.managed_discipline_ids(
                user.pk,
                today,
                manager_function=Membership.Function.MANAGER,
                approve_codename=APPROVE_BUDGET,
                month=month_start(today),
            )
        )

    # Pages ask this in several places (scope, cards, visibility): once per page view.
    return set(remembered(("managed_disciplines", user.pk, today), read))


def can_manage_discipline(user, discipline, *, today=None):
    """Approve time, decide allocations, pick experts: the discipline's managers, their
    deputies while granted, and admins."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    discipline_id = getattr(discipline, "pk", discipline)
    return discipline_id in managed_discipline_ids(user, today=today)


def deputy_for(user, discipline, *, today=None):
    """The absent manager `user` stands in for in `discipline` today, or None."""
    today = today or timezone.localdate()
    discipline_id = getattr(discipline, "pk", discipline)
    if Membership.objects.filter(user=user, discipline_id=discipline_id, function=Membership.Function.MANAGER).exists():
        return None
    grant = _live_deputy_grants(user, today).filter(discipline_id=discipline_id).select_related("manager").first()
    return grant.manager if grant else None


def can_view_budgets(user, discipline):
    return reads_everything(user) or can_manage_discipline(user, discipline)


# --- Actors on one request ------------------------------------------------------------------


def actors_for(user, request, *, today=None):
    """Who `user` is for `request`, as the transition table names it."""
    if user is None:
        return {Actor.SYSTEM}
    if not user.is_authenticated:
        return set()
    actors = set()
    if user.pk == request.requester_id:
        actors.add(Actor.REQUESTER)
    if request.assignee_id is not None and user.pk == request.assignee_id:
        actors.add(Actor.ASSIGNEE)
    if can_manage_discipline(user, request.target_discipline_id, today=today):
        actors.add(Actor.MANAGER)
    if user.is_superuser:
        actors.add(Actor.ADMIN)
    return actors


def can_request(user):
    """May ask for expert input at all: the active model gives them someone to ask."""
    from content_workflow.routing import request_scope

    return user.is_authenticated and not request_scope(user).is_empty


def can_edit_request(user, request):
    from content_workflow.transitions import Status

    return user.is_authenticated and user.pk == request.requester_id and request.status == Status.DRAFT


def rating_edit_until(request):
    """Until when the requester may change the rating and thanks of a completed
    request: `RATING_EDIT_DAYS` after completing (None: not completed)."""
    if request.status != Status.COMPLETED or request.completed_at is None:
        return None
    return request.completed_at + timedelta(days=settings.RATING_EDIT_DAYS)


def can_change_rating(user, request, *, now=None):
    """Only the requester, only while the window after completing lasts."""
    until = rating_edit_until(request)
    return until is not None and user.pk == request.requester_id and (now or timezone.now()) <= until


def can_share_request(user, request):
    return user.is_authenticated and (user.pk == request.requester_id or user.is_superuser)


def can_decide_allocation(user, allocation):
    return can_manage_discipline(user, allocation.discipline_id)


def can_answer_offer(user, allocation):
    """Accept the smaller estimate a manager offered (or withdraw): the requester."""
    return user.is_authenticated and user.pk == allocation.request.requester_id


# --- Scoping querysets -----------------------------------------------------------------------


def _also_visible_request_ids(user):
    """Requests `user` sees beyond what the request row says (requester, assignee,
    discipline): those assigned to them before, and those shared with them or their
    groups. One query; the list is short (reassignments and shares are the exception)."""
    return scope_sql.also_visible_request_ids(user.pk, view_codename=VIEW_REQUEST)


def request_visibility(queryset, user):
    """See `ExpertInputRequest.objects.visible_to`.

    Why this shape: the first version ORed the request's columns with correlated EXISTS
    over events, memberships, deputy grants and guardian rows, which PostgreSQL could
    only answer by scanning every request (seconds at 100,000). Now the user's managed
    disciplines and the few requests reassigned or shared to them are read first (two
    small indexed queries), so the filter is an OR of plain column conditions with
    literal values: requester, assignee, discipline and primary key are all indexed,
    PostgreSQL combines them as a bitmap for counts, and walks the ordering index for a
    page. Drafts are the requester's private work: nobody else sees them, readers and
    managers included.
    """
    from content_workflow.transitions import Status

    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return _visible(queryset, Q(), [TalliedPart(Q())])
    own, submitted = Q(requester=user), ~Q(status=Status.DRAFT)
    others = ~own & submitted
    drafts = (Status.DRAFT,)
    if reads_everything(user):
        # Most readers have no drafts of their own; then the filter is one condition that
        # PostgreSQL answers from the status index alone, where the OR with the requester
        # read all 100,000 rows (one cheap look-up decides). Either way the count comes
        # from the tallies.
        if queryset.model.objects.filter(own, status=Status.DRAFT).exists():
            return _visible(queryset, own | submitted, [own, TalliedPart(others, excluding=drafts, overlap=own)])
        return _visible(queryset, submitted, [TalliedPart(Q(), excluding=drafts)])
    reasons = [Q(assignee=user)]
    disciplines = managed_discipline_ids(user)
    by_discipline = Q(target_discipline__in=disciplines)
    if disciplines:
        reasons.append(by_discipline)
    also = _also_visible_request_ids(user)
    if also:
        reasons.append(Q(pk__in=also))
    # The same rows again as parts that never overlap: each reason without the ones before.
    # The discipline's part is its tallied requests less those counted before.
    parts, before = [own], own
    for reason in reasons:
        part = others & reason
        if reason is by_discipline:
            part = TalliedPart(part, disciplines=tuple(disciplines), excluding=drafts, overlap=before)
        parts.append(part)
        others &= ~reason
        before |= reason
    return _visible(queryset, own | (submitted & reduce(operator.or_, reasons)), parts)


def _visible(queryset, condition, parts):
    """`queryset` filtered to `condition`; its count() adds up the disjoint `parts`, and
    reads the tallied ones from the tallies if `queryset` was not filtered before."""
    visible = queryset.filter(condition)
    visible._count_parts = parts
    # Filtered before (or visible to someone before), the tallies would count more.
    visible._visible_where = None if queryset.query.where else visible.query.where.clone()
    return visible


def budget_visibility(queryset, user):
    from content_workflow.models import TimeBudgetGroupObjectPermission, TimeBudgetUserObjectPermission

    if not user.is_authenticated:
        return queryset.none()
    if reads_everything(user):
        return queryset
    return queryset.filter(
        # Managers, and deputies while the grant runs, see the discipline's budgets.
        Q(discipline__in=managed_discipline_ids(user))
        | Q(
            pk__in=TimeBudgetUserObjectPermission.objects.filter(user=user, permission__codename=VIEW_BUDGET).values(
                "content_object_id"
            )
        )
        | Q(
            pk__in=TimeBudgetGroupObjectPermission.objects.filter(
                group__user=user, permission__codename=VIEW_BUDGET
            ).values("content_object_id")
        )
    )


def allocation_visibility(queryset, user):
    """The requester, and the discipline's managers (deputies while granted). As for
    requests, the managed disciplines are read first (once per page view), and the
    requester's requests are one subquery that PostgreSQL hashes: a union of subqueries
    made it compare every allocation with every visible one to find a page, and a join
    to the requests read all 100,000 of them for a count."""
    from content_workflow.models import ExpertInputRequest

    if not user.is_authenticated:
        return queryset.none()
    if reads_everything(user):
        return queryset
    condition = Q(request__in=ExpertInputRequest.objects.filter(requester=user).values("pk"))
    disciplines = managed_discipline_ids(user)
    if disciplines:
        condition |= Q(discipline_id__in=disciplines)
    return queryset.filter(condition)


# --- Content pieces ------------------------------------------------------------------------


def piece_team_ids(user):
    """The disciplines `user` is a communicator of: the teams whose pieces they edit."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_piece_team_ids", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, function=Membership.Function.COMMUNICATOR).values_list(
                "discipline_id", flat=True
            )
        )
        user._piece_team_ids = cached
    return cached


def reads_all_pieces(user):
    """Managers, governance leads, executives and admins read every piece."""
    return user.is_authenticated and (reads_everything(user) or has_role(user, Role.MANAGER))


def can_create_piece(user):
    return user.is_authenticated and (user.is_superuser or bool(piece_team_ids(user)))


def piece_actors_for(user, piece):
    """Who `user` is for `piece`, as the piece transition table names it."""
    from content_workflow.piece_transitions import PieceActor

    if user is None:
        return {PieceActor.SYSTEM}
    if not user.is_authenticated:
        return set()
    actors = set()
    if user.pk == piece.owner_id or piece.team_id in piece_team_ids(user):
        actors.add(PieceActor.EDITOR)
    if user.is_superuser:
        actors.add(PieceActor.ADMIN)
    return actors


def can_edit_piece(user, piece):
    """The owner and the communicators of the piece's team (and admins)."""
    return bool(piece_actors_for(user, piece)) and user is not None


def fed_piece_ids(user):
    """Pieces fed by a request assigned to `user` (the contributing experts read them).
    One indexed query (requests by assignee); the list is as short as their work."""
    from content_workflow.models import ExpertInputRequest

    return set(
        ExpertInputRequest.objects.filter(assignee=user, piece__isnull=False)
        .order_by()
        .values_list("piece_id", flat=True)
        .distinct()
    )


def piece_visibility(queryset, user):
    """See `ContentPiece.objects.visible_to`. Like `request_visibility`, the user's teams
    and fed pieces are read first, so the filter is an OR of indexed column conditions
    with literal values (owner, team, primary key)."""
    if not user.is_authenticated:
        return queryset.none()
    if reads_all_pieces(user):
        return queryset
    condition = Q(owner=user)
    teams = piece_team_ids(user)
    if teams:
        condition |= Q(team__in=teams)
    fed = fed_piece_ids(user)
    if fed:
        condition |= Q(pk__in=fed)
    return queryset.filter(condition)
