"""The two small look-ups every list of requests starts with, as plain SQL.

Which disciplines a user manages today, and which requests they see beyond what the
request row says, are read before each list and page (permissions.request_visibility).
Built with the ORM, each was a union of querysets that Django rebuilt and compiled on
every call: 1.7 ms of the two together, more than running them (1.1 ms). Here the
statements are written once, with table and column names taken from the models, and
the permission and deputy tests (tests/content_workflow/test_permissions.py,
test_deadlines.py) check what they find.
"""

from functools import cache

from django.contrib.auth.models import Permission
from django.db import connection


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field):
    return connection.ops.quote_name(model._meta.get_field(field).column)


@cache
def _managed_sql():
    from content_workflow.models import DeputyGrant, TimeBudget, TimeBudgetUserObjectPermission
    from disciplines.models import Membership

    grant, granted, budget = DeputyGrant, TimeBudgetUserObjectPermission, TimeBudget
    # A deputy counts while a live grant (the audit row) runs today and guardian's grant
    # of approving this month's budget exists too. The live grant is the rule of
    # permissions._live_deputy_grants, which deputy_for uses: change both together.
    return f"""
        SELECT m.{_column(Membership, "discipline")} FROM {_table(Membership)} m
         WHERE m.{_column(Membership, "user")} = %s AND m.{_column(Membership, "function")} = %s
        UNION ALL
        SELECT g.{_column(grant, "discipline")} FROM {_table(grant)} g
         WHERE g.{_column(grant, "deputy")} = %s AND g.{_column(grant, "revoked_at")} IS NULL
           AND g.{_column(grant, "starts_on")} <= %s AND g.{_column(grant, "ends_on")} >= %s
           AND EXISTS (
               SELECT 1 FROM {_table(granted)} p
                 JOIN {_table(Permission)} perm ON perm.id = p.{_column(granted, "permission")}
                 JOIN {_table(budget)} b ON b.id = p.{_column(granted, "content_object")}
                WHERE p.{_column(granted, "user")} = %s AND perm.codename = %s
                  AND b.{_column(budget, "month")} = %s
                  AND b.{_column(budget, "discipline")} = g.{_column(grant, "discipline")})
    """  # noqa: S608 (names from the models, values as parameters)


def managed_discipline_ids(user_id, today, *, manager_function, approve_codename, month):
    with connection.cursor() as cursor:
        cursor.execute(
            _managed_sql(), [user_id, manager_function, user_id, today, today, user_id, approve_codename, month]
        )
        return {row[0] for row in cursor.fetchall()}


@cache
def _also_visible_sql():
    from django.contrib.auth import get_user_model

    from content_workflow.models import (
        ExpertInputRequest,
        ExpertInputRequestGroupObjectPermission,
        ExpertInputRequestUserObjectPermission,
        RequestEvent,
    )

    request, event = ExpertInputRequest, RequestEvent
    user_share, group_share = ExpertInputRequestUserObjectPermission, ExpertInputRequestGroupObjectPermission
    memberships = get_user_model().groups.through
    # Assigned to them before (a timeline entry names them) and not now: the requests of
    # their entries EXCEPT those assigned to them now. (Joining each entry to its request
    # read the request of every one of an expert's hundreds of entries: 3.9 ms, not 1.2.)
    # UNION and EXCEPT apply left to right, in PostgreSQL and SQLite alike.
    return f"""
        SELECT e.{_column(event, "request")} FROM {_table(event)} e
         WHERE e.{_column(event, "assignee")} = %s
        EXCEPT
        SELECT r.id FROM {_table(request)} r WHERE r.{_column(request, "assignee")} = %s
        UNION
        SELECT s.{_column(user_share, "content_object")} FROM {_table(user_share)} s
          JOIN {_table(Permission)} perm ON perm.id = s.{_column(user_share, "permission")}
         WHERE s.{_column(user_share, "user")} = %s AND perm.codename = %s
        UNION
        SELECT s.{_column(group_share, "content_object")} FROM {_table(group_share)} s
          JOIN {_table(Permission)} perm ON perm.id = s.{_column(group_share, "permission")}
          JOIN {_table(memberships)} ug ON ug.{_column(memberships, "group")} = s.{_column(group_share, "group")}
         WHERE ug.{_column(memberships, "user")} = %s AND perm.codename = %s
    """  # noqa: S608 (names from the models, values as parameters)


def also_visible_request_ids(user_id, *, view_codename):
    with connection.cursor() as cursor:
        cursor.execute(_also_visible_sql(), [user_id, user_id, user_id, view_codename, user_id, view_codename])
        return {row[0] for row in cursor.fetchall()}
