"""The JSON answer of the person search fields (static/js/person-search.js).

A page of suggestions, {"results": [{"value": ..., "label": ...}], "next": page or null},
so a field never needs a select of everyone. A bad page number is page 1, and one
cannot page past MAX_PAGES: enough to scroll, not to crawl the company's directory.
"""

from django.http import JsonResponse

PER_PAGE = 20
MAX_PAGES = 10


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
