"""Keeping the request tallies (models/tally.py) small and, after a bulk load, right."""

from collections import Counter

from django.db import connection, transaction

from content_workflow.models import RequestTally


def request_tallies_compact():
    """Fold the tally rows into one per discipline and status; returns how many rows it took.

    Safe beside anything: DELETE ... RETURNING hands back exactly the rows this transaction
    removed (a row committed meanwhile stays, and with two compactions at once each gets its
    own), and their sums go back in the same transaction.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM content_workflow_requesttally RETURNING discipline_id, status, delta")
        rows = cursor.fetchall()
        sums = Counter()
        for discipline_id, status, delta in rows:
            sums[(discipline_id, status)] += delta
        RequestTally.objects.bulk_create(
            RequestTally(discipline_id=discipline_id, status=status, delta=total)
            for (discipline_id, status), total in sums.items()
            if total
        )
    return len(rows)


def request_tallies_rebuild():
    """Count every request afresh: after a load that went around the triggers (the large
    demo set loads with them switched off). Request writes wait meanwhile."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE content_workflow_expertinputrequest IN SHARE MODE")
        cursor.execute("DELETE FROM content_workflow_requesttally")
        cursor.execute(
            "INSERT INTO content_workflow_requesttally (discipline_id, status, delta) "
            "SELECT target_discipline_id, status, COUNT(*) FROM content_workflow_expertinputrequest "
            "GROUP BY target_discipline_id, status"
        )
