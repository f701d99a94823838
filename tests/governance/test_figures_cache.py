"""The dashboards' figures are kept for a few minutes (governance/figures_cache.py):
a second view within that time reads no rows, scopes and days never share an entry,
and closed periods are kept longer than open ones."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance import figures_cache, reporting
from governance.reporting import Period, Scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings):
    settings.FIGURES_CACHE_SECONDS = 300
    cache.clear()


def _queries(function):
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured), result


def test_a_second_view_reads_nothing(kept, disciplines):
    period = Period.month(timezone.localdate())
    first, reports = _queries(lambda: reporting.reports_by_period([period, period.previous()], Scope.everything()))
    again, same = _queries(lambda: reporting.reports_by_period([period, period.previous()], Scope.everything()))
    assert first > 0 and again == 0
    assert same[0].figures.keys() == reports[0].figures.keys()
    first, _trend = _queries(lambda: reporting.trend(period, Scope.everything()))
    assert first > 0 and _queries(lambda: reporting.trend(period, Scope.everything()))[0] == 0


def test_scopes_and_periods_do_not_share(kept, disciplines):
    period = Period.month(timezone.localdate())
    reporting.reports_by_period([period], Scope.everything())
    product = Scope.of({disciplines["product"].pk})
    assert _queries(lambda: reporting.reports_by_period([period], product))[0] > 0
    assert _queries(lambda: reporting.reports_by_period([period.previous()], Scope.everything()))[0] > 0


def test_closed_periods_are_kept_a_day(kept, disciplines, monkeypatch):
    kept_for = {}
    monkeypatch.setattr(figures_cache.cache, "set", lambda key, value, seconds: kept_for.setdefault("s", seconds))
    last_year = Period.year(timezone.localdate() - datetime.timedelta(days=400))
    reporting.reports_by_period([last_year], Scope.everything())
    assert kept_for["s"] == figures_cache.CLOSED_SECONDS
    kept_for.clear()
    reporting.reports_by_period([Period.month(timezone.localdate())], Scope.everything())
    assert kept_for["s"] == 300


def test_off_computes_every_time(settings, disciplines):
    settings.FIGURES_CACHE_SECONDS = 0
    period = Period.month(timezone.localdate())
    reporting.reports_by_period([period], Scope.everything())
    assert _queries(lambda: reporting.reports_by_period([period], Scope.everything()))[0] > 0
