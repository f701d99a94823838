"""Pagination that stays cheap on large tables.

Django's Paginator slices the full queryset, so PostgreSQL joins every related table
(requester, assignee, discipline...) for all matching rows before it sorts and keeps a
page's worth; for a manager who sees thousands of requests that join was most of the
time. Here the page's primary keys come first, from a query without joins, then one
query loads just those rows with everything the queryset selects and prefetches.
Queries per page: count, keys, rows (plus the queryset's own prefetches), constant.
"""

from django.core.paginator import Paginator


class KeysFirstPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys).order_by()} if keys else {}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)
