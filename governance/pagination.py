"""Pagination that stays cheap on large tables.

Django's Paginator slices the full queryset, so PostgreSQL joins every related table
(requester, assignee, discipline...) for all matching rows before it sorts and keeps a
page's worth; for a manager who sees thousands of requests that join was most of the
time. Here the page's primary keys come first, from a query without joins, then one
query loads just those rows with everything the queryset selects and prefetches.
Queries per page: count, keys, rows (plus the queryset's own prefetches), constant.

A short list (an expert's 700 requests among 100,000) is the other way round: the
page's keys by walking the ordering index meant passing thousands of other people's
rows (3,400 for the demo expert's first page, 5 ms), while all of the list's keys,
found through the filter's own indexes and sorted, took 1 ms. The count, which the
page needs anyway, tells which case it is.
"""

from django.core.paginator import Paginator

# Below this many rows, read every key of the list (sorted by the database) and slice.
# Measured at 100,000 requests: 700 rows 1 ms that way against 5 ms walking the index;
# at 1,600 rows both took about 2 ms; above, the walk wins more the longer the list.
READ_ALL_KEYS_BELOW = 1000


class KeysFirstPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.object_list.values_list("pk", flat=True)
        keys = list(keys)[bottom:top] if self.count < READ_ALL_KEYS_BELOW else list(keys[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys).order_by()} if keys else {}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)
