"""The dashboards' charts (governance/charts.py): twelve months of hours and requests,
hours by discipline, lead time by discipline; each SVG with its data table, drawn on
the server without a style attribute, and a print stylesheet for the board pack."""

# ruff: noqa: F811

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from governance import charts, reporting
from governance.reporting import Scope
from tests.content_workflow.conftest import budget, due, hub_model, make_request, member, team  # noqa: F401
from tests.governance.test_period_figures import march  # noqa: F401

pytestmark = pytest.mark.django_db

EXECUTIVE = reverse("dashboard", args=["executive"])
MARCH_RANGE = "?period=custom&from=2026-03-01&to=2026-03-31"


@pytest.fixture(autouse=True)
def _one_person_is_enough(monkeypatch):
    monkeypatch.setattr(reporting, "MIN_PEOPLE", 1)


def test_the_trend_holds_twelve_months_up_to_the_periods_last(march, team, django_assert_num_queries):
    with django_assert_num_queries(3):
        months = reporting.trend(march, Scope.everything())
    assert [month.month for month in months][0] == datetime.date(2025, 4, 1)
    assert months[-1].month == datetime.date(2026, 3, 1) and len(months) == 12
    assert (months[-1].opened, months[-1].completed, months[-1].approved) == (4, 1, Decimal(30))
    assert (months[-2].opened, months[-2].completed) == (3, 0)
    assert sum(month.opened for month in months[:-2]) == 0


def test_the_dashboard_draws_the_charts_with_their_tables(march, client_for, team):
    html = client_for(team.executive).get(EXECUTIVE + MARCH_RANGE).text
    svgs = re.findall(r"<svg class=\"cw-chart\".*?</svg>", html, re.S)
    assert len(svgs) == 2
    assert all('role="img"' in svg and "aria-label=" in svg and "style=" not in svg for svg in svgs)
    assert "Requests opened and completed per month, the last twelve months" in svgs[1]
    assert "<title>Mar: Opened 4</title>" in svgs[1]
    trend = re.search(r'<table class="cw-table trend-table">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", trend, re.S)
    assert len(rows) == 12 and rows[-1][0] == "March 2026"
    cells = re.findall(r'<td class="cw-num">(?:<a href="[^"]*">)?(.*?)(?:</a>)?</td>', rows[-1][1])
    assert cells == ["30 h", "0 h", "0 h", "4", "1"]
    # Lead time by discipline: a bar per discipline shown, the numbers in the table below.
    assert 'aria-label="Marketing: median 8 days, 90th percentile 8 days"' in html
    assert "cw-bar-range" in html and "discipline-delivery-table" in html
    # Hours by discipline: the stacked bars and their table.
    assert '<table class="cw-table hours-table">' in html


def test_a_chart_escapes_its_text_and_scales_to_a_round_top():
    svg = charts.column_chart(
        ["<b>"], [charts.Series("x", "#000", "a & b", (Decimal(7),))], label='say "hi"', format_value=str
    )
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "a &amp; b" in svg and "say &quot;hi&quot;" in svg
    assert ">8<" in svg and ">2<" in svg  # 7 rounds up to an axis of 8, in steps of 2
    assert charts._nice_top(0) == 4 and charts._nice_top(120) == 200 and charts._nice_top(1) == 1
    assert charts._nice_top(3, whole=True) == 4 and charts._nice_top(9, whole=True) == 20


def test_the_dashboard_has_a_print_stylesheet(client_for, team):
    html = client_for(team.executive).get(EXECUTIVE).text
    assert "/static/css/dashboard.css" in html
    with open(finders.find("css/dashboard.css")) as css:
        assert "@media print" in css.read()
