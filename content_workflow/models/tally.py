"""How many requests there are per discipline and status, kept by the database.

A reader (governance lead, executive) sees every request but drafts: 98,000 at the large
set. Counting them for a list's pagination read 98,000 index entries on every page view
(16 ms, more than the rest of the list). Database triggers on the request table
(migration 0017_request_tally) write a row of +n or -n here for every insert, delete and
change of status or discipline, in the same transaction, so the sum is exact for every
snapshot. Only inserts: a transition never waits for another one's counter row. The
periodic `request_tallies_compact` adds the rows up into one per discipline and status.

A user's visible requests are counted as disjoint parts (permissions.request_visibility);
a part that is a `TalliedPart` is read from here while the list is filtered by nothing
but status and target discipline (`Narrowing`).
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In
from django.db.models.sql.where import AND, OR

# The request columns the tallies hold, by the request field's name.
TALLIED_FIELDS = ("status", "target_discipline")


@dataclass(frozen=True)
class Narrowing:
    """What a list's filter adds to the user's visible requests, when it is only status
    and target discipline (an API or page filter: `?status=assigned&disciplines=3,4`):
    the statuses and disciplines kept, None for any."""

    status: frozenset | None = None
    target_discipline: frozenset | None = None

    @classmethod
    def of(cls, query, visible_where):
        """The narrowing of `query` (a request query) beyond `visible_where`, the filter
        visibility built; None if its filter is anything else (a search, a date, a join),
        which the tallies cannot answer."""
        where = query.where
        if where == visible_where:
            return cls()
        kept = len(visible_where.children)
        if (
            where.connector != AND
            or where.negated
            or (kept and visible_where.connector != AND)
            or visible_where.negated
            or where.children[:kept] != visible_where.children
        ):
            return None
        allowed = {}
        for condition in where.children[kept:]:
            field, values = _field_values(condition, query)
            if field is None:
                return None
            allowed[field] = allowed.get(field, values) & values
        return cls(**allowed)

    def apply(self, queryset, *, discipline_field="target_discipline"):
        """`queryset` (of requests, or of tallies with their `discipline_id`) narrowed
        the same way."""
        if self.status is not None:
            queryset = queryset.filter(status__in=self.status)
        if self.target_discipline is not None:
            queryset = queryset.filter(**{f"{discipline_field}__in": self.target_discipline})
        return queryset


def _field_values(condition, query):
    """(field name, frozenset of values) of a plain `field = v`, `field IN (...)` or an OR
    of those on one tallied column of the request row itself; (None, None) otherwise."""
    if isinstance(condition, (Exact, In)):
        lhs, rhs = condition.lhs, condition.rhs
        if not (isinstance(lhs, Col) and lhs.alias == query.base_table and lhs.target.name in TALLIED_FIELDS):
            return None, None
        values = [rhs] if isinstance(condition, Exact) else rhs
        if not isinstance(values, (list, tuple, set, frozenset)) or not all(
            isinstance(value, (str, int)) for value in values
        ):
            return None, None  # an expression or a subquery
        return lhs.target.name, frozenset(values)  # as Django prepared them for the database
    if getattr(condition, "connector", None) == OR and not condition.negated and condition.children:
        found = [_field_values(child, query) for child in condition.children]
        fields = {field for field, _values in found}
        if len(fields) == 1 and None not in fields:
            return fields.pop(), frozenset().union(*(values for _field, values in found))
    return None, None


@dataclass(frozen=True)
class TalliedPart:
    """A part of someone's visible requests: those in `disciplines` (None: all) and not in
    the `excluding` statuses, less those an earlier part counted (`overlap`, a filter).
    `condition` is the same part as a filter, for a list filtered further."""

    condition: Q
    disciplines: tuple | None = None
    excluding: tuple = ()
    overlap: Q | None = None

    def tallies(self, using, narrowing):
        rows = RequestTally.objects.using(using).exclude(status__in=self.excluding)
        if self.disciplines is not None:
            rows = rows.filter(discipline_id__in=self.disciplines)
        return narrowing.apply(rows, discipline_field="discipline_id").order_by().values_list("delta", flat=True)

    def counted_before(self, requests, narrowing):
        """The requests of `requests` (a queryset) in the tallied set, narrowed, that
        `overlap` takes out."""
        if self.disciplines is not None:
            requests = requests.filter(target_discipline__in=self.disciplines)
        requests = narrowing.apply(requests.exclude(status__in=self.excluding).filter(self.overlap))
        return requests.order_by().values_list("pk", flat=True)


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
