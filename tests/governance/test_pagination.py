"""KeysFirstPaginator: the same pages whichever way it reads the keys (governance/pagination.py)."""

import pytest

from disciplines.models import Discipline
from governance import pagination
from governance.pagination import KeysFirstPaginator


@pytest.fixture
def ordered(db):
    """The catalogue's disciplines in a stable order (they are the rows at hand)."""
    return Discipline.objects.order_by("name", "pk")


def pages(queryset, per_page):
    paginator = KeysFirstPaginator(queryset, per_page, orphans=1 if per_page > 1 else 0)
    return [[row.pk for row in paginator.page(number)] for number in paginator.page_range]


@pytest.mark.parametrize("per_page", [1, 3, 5])
def test_reading_every_key_and_walking_the_index_give_the_same_pages(ordered, monkeypatch, per_page):
    expected = list(ordered.values_list("pk", flat=True))
    assert len(expected) > 5
    monkeypatch.setattr(pagination, "READ_ALL_KEYS_BELOW", 10**9)
    read_all = pages(ordered, per_page)
    monkeypatch.setattr(pagination, "READ_ALL_KEYS_BELOW", 0)
    walked = pages(ordered, per_page)
    assert read_all == walked
    assert [pk for page in walked for pk in page] == expected


def test_a_page_is_three_queries_either_way(ordered, monkeypatch, django_assert_num_queries):
    for threshold in (10**9, 0):
        monkeypatch.setattr(pagination, "READ_ALL_KEYS_BELOW", threshold)
        paginator = KeysFirstPaginator(ordered, 4)
        with django_assert_num_queries(3):  # count, keys, rows
            list(paginator.page(2))
