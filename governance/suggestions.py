"""The JSON answer of the person search fields (static/js/person-search.js).

A page of suggestions, {"results": [{"value": ..., "label": ...}], "next": page or null},
so a field never needs a select of everyone. A bad page number is page 1, and one
cannot page past MAX_PAGES: enough to scroll, not to crawl the company's directory.
"""

from django.db.models import Q
from django.http import JsonResponse

PER_PAGE = 20
MAX_PAGES = 10
MAX_WORDS = 5


def person_matches(queryset, query, *, user_path=""):
    """`queryset` narrowed to people whose name, username or e-mail matches every word
    of `query`; `user_path` leads from its rows to the user ("user__" on memberships)."""
    for word in query.split()[:MAX_WORDS]:
        queryset = queryset.filter(
            Q(**{f"{user_path}first_name__icontains": word})
            | Q(**{f"{user_path}last_name__icontains": word})
            | Q(**{f"{user_path}username__icontains": word})
            | Q(**{f"{user_path}email__istartswith": word})
        )
    return queryset


def suggestions(request, queryset, *, value, label):
    """One page (?page=) of `queryset` (ordered), each row as value(row) and label(row).
    One query: a row more than the page tells whether there is a next one."""
    number = request.GET.get("page", "1")
    number = min(int(number), MAX_PAGES) if number.isdigit() and int(number) > 0 else 1
    start = (number - 1) * PER_PAGE
    rows = list(queryset[start : start + PER_PAGE + 1])
    more = len(rows) > PER_PAGE and number < MAX_PAGES
    return JsonResponse(
        {
            "results": [{"value": value(row), "label": label(row)} for row in rows[:PER_PAGE]],
            "next": number + 1 if more else None,
        }
    )
