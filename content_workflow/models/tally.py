"""How many requests there are per discipline and status, kept by the database.

A reader (governance lead, executive) sees every request but drafts: 98,000 at the large
set. Counting them for a list's pagination read 98,000 index entries on every page view
(16 ms, more than the rest of the list). Database triggers on the request table
(migration 0017_request_tally) write a row of +n or -n here for every insert, delete and
change of status or discipline, in the same transaction, so the sum is exact for every
snapshot. Only inserts: a transition never waits for another one's counter row. The
periodic `request_tallies_compact` adds the rows up into one per discipline and status.

A user's visible requests are counted as disjoint parts (permissions.request_visibility);
a part that is a `TalliedPart` is read from here while nothing filters the list further.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class TalliedPart:
    """A part of someone's visible requests: those in `disciplines` (None: all) and not in
    the `excluding` statuses, less those an earlier part counted (`overlap`, a filter).
    `condition` is the same part as a filter, for a list filtered further."""

    condition: Q
    disciplines: tuple | None = None
    excluding: tuple = ()
    overlap: Q | None = None

    def tallies(self, using):
        rows = RequestTally.objects.using(using).exclude(status__in=self.excluding)
        if self.disciplines is not None:
            rows = rows.filter(discipline_id__in=self.disciplines)
        return rows.order_by().values_list("delta", flat=True)

    def counted_before(self, requests):
        """The requests of `requests` (a queryset) in the tallied set that `overlap` takes out."""
        if self.disciplines is not None:
            requests = requests.filter(target_discipline__in=self.disciplines)
        return requests.exclude(status__in=self.excluding).filter(self.overlap).order_by().values_list("pk", flat=True)


class RequestTally(models.Model):
    # No foreign key constraint: a discipline without requests may go while its rows
    # (adding up to nothing) wait for the next compaction.
    discipline = models.ForeignKey(
        "disciplines.Discipline", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=20)
    delta = models.IntegerField()

    class Meta:
        # Written by triggers and the compaction only; nothing to show or edit.
        default_permissions = ()

    def __str__(self):
        return f"{self.discipline_id} {self.status} {self.delta:+d}"
