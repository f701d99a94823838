"""The period figures of issue 8 on a known data set in March 2026 (and February, the
previous period): requests opened, completed, declined, cancelled and unroutable; lead
time's median and 90th percentile; response-target breaches; extra time asked for and
granted; each figure against the previous period; the small-group rule on them."""

# ruff: noqa: F811

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from content_workflow.models import Contribution, ExpertInputRequest, RequestEvent, TimeAllocationRequest, TimeBudget
from governance import reporting
from governance.reporting import DEFINITIONS, Period, Scope
from tests.content_workflow.conftest import budget, due, hub_model, make_request, member, team  # noqa: F401

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = Period.month(datetime.date(2026, 3, 1))
DAY = datetime.timedelta(days=1)


def _at(month, day, hour=12, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def march(team, make_request):
    """Requests to product (and one to marketing) with their timestamps set by hand:

    - delivered in March: lead times 2, 4, 10 days (product, by eva, erik, eva) and 8
      days (marketing, by mara, submitted 21 Feb, delivered 1 March 00:30 local);
    - opened in March: the first three and one at 23:30 on 31 March (not the one at
      00:10 on 1 April); in February: the marketing one, one cancelled on 2 March, and
      one delivered on 5 February (lead 4 days, by eva alone);
    - timeline in March: one request declined twice, one unroutable, one escalated;
    - extra time asked in March: 4 h (2 h granted after a day), 3 h (3 h after three
      days), 2 h (undecided); in February 1 h;
    - 30 h approved for product in March.
    """

    def request(title, *, discipline=None, submitted=None, delivered=None, author=None, **stamps):
        made = make_request(title=title, target_discipline=discipline or team.product)
        ExpertInputRequest.objects.filter(pk=made.pk).update(submitted_at=submitted, delivered_at=delivered, **stamps)
        if author:
            Contribution.objects.create(request=made, author=author, text="Input", hours_spent=D(1))
        return made

    r1 = request("Two days", submitted=_at(3, 2), delivered=_at(3, 4), completed_at=_at(3, 5), author=team.expert)
    r2 = request("Four days", submitted=_at(3, 3), delivered=_at(3, 7), author=team.expert2)
    r3 = request("Ten days", submitted=_at(3, 10), delivered=_at(3, 20), author=team.expert)
    request(
        "Eight days",
        discipline=team.marketing,
        submitted=_at(2, 21, 0, 30),
        delivered=_at(3, 1, 0, 30),
        author=team.other_expert,
    )
    request("Cancelled", submitted=_at(2, 27), cancelled_at=_at(3, 2))
    r6 = request("Late in March", submitted=_at(3, 31, 23, 30))
    r7 = request("April", submitted=_at(4, 1, 0, 10))
    request("February", submitted=_at(2, 1), delivered=_at(2, 5), author=team.expert)

    def event(req, when, **fields):
        RequestEvent.objects.create(request=req, created_at=when, **fields)

    event(r2, _at(3, 3), from_status="assigned", to_status="declined")
    event(r2, _at(3, 4), from_status="assigned", to_status="declined")
    event(r6, _at(3, 31, 23, 45), from_status="routing", to_status="unroutable")
    event(r3, _at(3, 12), kind=RequestEvent.Kind.ESCALATION)
    event(r7, _at(4, 1, 1), from_status="assigned", to_status="declined")

    def allocation(req, asked, created, *, granted=None, decided=None):
        made = TimeAllocationRequest.objects.create(
            request=req,
            discipline=team.product,
            month=datetime.date(2026, 3, 1),
            hours_requested=D(asked),
            hours_approved=None if granted is None else D(granted),
            status="open" if decided is None else "approved",
            decided_at=decided,
        )
        TimeAllocationRequest.objects.filter(pk=made.pk).update(created_at=created)

    allocation(r1, 4, _at(3, 2, 10), granted=2, decided=_at(3, 3, 10))
    allocation(r2, 3, _at(3, 5), granted=3, decided=_at(3, 8))
    allocation(r3, 2, _at(3, 10))
    allocation(r6, 1, _at(2, 10), granted=1, decided=_at(2, 10, 13))
    TimeBudget.objects.create(discipline=team.product, month=datetime.date(2026, 3, 1), approved_hours=D(30))
    return MARCH


def test_the_requests_flow_through_the_period(march, team):
    flow = reporting.request_flow_figures(march, Scope.everything())
    assert {figure.key: figure.value for figure in [*flow.figures, flow.breaches]} == {
        "requests_opened": 4,  # 2, 3, 10 and 31 March 23:30; not 1 April 00:10
        "requests_completed": 1,
        "requests_declined": 1,  # declined twice, one request
        "requests_cancelled": 1,  # submitted in February, cancelled in March
        "requests_unroutable": 1,
        "response_breaches": 1,
    }
    february = reporting.request_flow_figures(march.previous(), Scope.everything())
    assert (february.opened.value, february.declined.value, february.cancelled.value) == (3, 0, 0)
    marketing = reporting.request_flow_figures(march, Scope.of({team.marketing.pk}))
    assert (marketing.opened.value, marketing.declined.value) == (0, 0)


def test_lead_time_median_and_90th_percentile(march, team):
    delivery = reporting.delivery_figures(march, Scope.everything())
    assert not delivery.suppressed and delivery.contributions.value == 4
    # 2, 4, 8 and 10 days: the median between 4 and 8, the 90th percentile 0.7 of the way from 8 to 10.
    assert delivery.lead_time_median.value == 6 * DAY
    assert delivery.lead_time_p90.value == datetime.timedelta(days=9, hours=9, minutes=36)
    assert delivery.lead_time.value == 6 * DAY


def test_lead_time_by_discipline(march, team, monkeypatch):
    monkeypatch.setattr(reporting, "MIN_PEOPLE", 1)
    rows = {row.discipline.slug: row for row in reporting.delivery_by_discipline(march, Scope.everything())}
    assert rows["product"].lead_time_median.value == 4 * DAY  # 2, 4, 10
    assert rows["product"].lead_time_p90.value == datetime.timedelta(days=8, hours=19, minutes=12)  # 4 + 0.8 * 6
    assert rows["marketing"].lead_time_median.value == rows["marketing"].lead_time_p90.value == 8 * DAY


def test_percentile_cont_matches_sql():
    assert reporting.percentile_cont([], 0.5) is None
    assert reporting.percentile_cont([None, 3], 0.5) == 3
    assert reporting.percentile_cont([1, 2, 3, 4], 0.5) == 2.5
    assert reporting.percentile_cont([4, 1, 3, 2], 0.9) == pytest.approx(3.7)


def test_extra_time_asked_and_granted(march, team):
    allocations = reporting.allocation_figures(march, Scope.everything())
    assert {figure.key: figure.value for figure in allocations.figures} == {
        "allocations": 3,
        "allocation_hours_asked": D(9),
        "allocation_hours_granted": D(5),
        "allocation_decision_time": 2 * DAY,  # 1 and 3 days; the open one has no decision yet
    }
    elsewhere = reporting.allocation_figures(march, Scope.of({team.marketing.pk}))
    assert elsewhere.count.value == 0 and elsewhere.decision_time.value is None


def test_small_groups_withhold_lead_times_and_breaches(march, team):
    product = Scope.of({team.product.pk})  # eva and erik: two people
    delivery = reporting.delivery_figures(march, product)
    assert delivery.suppressed
    assert delivery.lead_time_median.value is None and delivery.lead_time_median.suppressed
    assert delivery.lead_time_p90.suppressed
    figures = reporting.summary(march, product)
    assert figures["response_breaches"].suppressed and figures["response_breaches"].value is None
    # Request counts are not about people's work and stay.
    assert figures["requests_opened"].value == 4
    rows = {row.discipline.slug: row for row in reporting.delivery_by_discipline(march, Scope.everything())}
    assert rows["product"].suppressed and rows["product"].lead_time_median.value is None


def test_summary_holds_the_new_figures_and_their_change(march, team, monkeypatch):
    monkeypatch.setattr(reporting, "MIN_PEOPLE", 1)
    figures = reporting.summary(march, Scope.everything())
    assert set(figures) == set(DEFINITIONS) - reporting.HEALTH_ONLY_KEYS
    changes = reporting.changes(march, Scope.everything(), figures)
    opened = changes["requests_opened"]
    assert (opened.value, opened.previous) == (4, 3) and opened.relative == D(1) / D(3)
    assert changes["contributions"].relative == D(3)  # 4 against 1
    assert changes["lead_time_median"].relative == D("0.5")  # 6 days against 4
    assert changes["requests_declined"].relative is None  # none in February
    assert changes["allocations"].relative == D(2)  # 3 against 1
    assert changes["on_time"].points == 0


def test_no_change_is_shown_for_withheld_figures(march, team):
    figures = reporting.summary(march, Scope.everything())
    changes = reporting.changes(march, Scope.everything(), figures)
    # March is shown (three people), February (eva alone) is withheld: no difference.
    assert not figures["contributions"].suppressed
    assert "contributions" not in changes and "lead_time_median" not in changes
    assert "requests_opened" in changes


def test_the_previous_period_has_the_same_length():
    assert MARCH.previous() == Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    custom = Period(datetime.date(2026, 3, 10), datetime.date(2026, 3, 19))
    assert custom.previous() == Period(datetime.date(2026, 2, 28), datetime.date(2026, 3, 9))


def test_the_change_reads_as_a_percentage_or_points_in_both_languages():
    from django.utils import translation

    from governance.templatetags.governance_figures import change_text

    def text(key, value, previous):
        change = reporting.Change(key, value, previous)
        return change_text({key: change}, reporting.Figure(key, value))

    assert text("requests_opened", 4, 3) == "+33 % vs previous period"
    assert text("requests_opened", 2, 4) == "\u221250 % vs previous period"
    assert text("lead_time_median", 6 * DAY, 4 * DAY) == "+50 % vs previous period"
    assert text("on_time", D("0.9"), D("0.75")) == "+15 points vs previous period"
    assert text("requests_opened", 3, 0) == "none in the previous period"
    assert text("requests_opened", 0, 0) == ""  # nothing then and now
    assert text("requests_opened", 3, 3) == "±0 % vs previous period"
    assert text("requests_opened", 3, None) == ""
    assert change_text({}, reporting.Figure("requests_opened", 3)) == ""
    with translation.override("de"):
        assert text("requests_opened", 4, 3) == "+33 % ggü. dem vorigen Zeitraum"


def test_both_periods_at_once_agree_with_each_alone(march, team, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(reporting, "MIN_PEOPLE", 1)
    periods = [march, march.previous()]
    # Eight queries on PostgreSQL for both periods; two more where percentiles are not SQL.
    with django_assert_num_queries(8 if reporting.percentiles_in_sql() else 10):
        reports = reporting.reports_by_period(periods, Scope.everything())
    for report, period in zip(reports, periods, strict=True):
        assert report.figures == reporting.period_figures(period, Scope.everything())
    assert reports[0].figures["requests_opened"].value == 4 and reports[1].figures["requests_opened"].value == 3
    assert reports[1].figures["lead_time_median"].value == 4 * DAY
    assert reports[0].figures["hours_approved"].value == D(30) and reports[1].figures["hours_approved"].value == 0
    assert [row.discipline for row in reports[0].hours.rows] == [team.product] and reports[1].hours.rows == []


def test_the_periods_days_are_the_sites_local_days(march, team):
    """31 March 23:30 in Berlin is 1 April in Auckland and 31 March in New York, where 1
    April 00:10 in Berlin is still 31 March; 1 March 00:30 in Berlin is February there."""
    with timezone.override("Pacific/Auckland"):
        assert reporting.request_flow_figures(MARCH, Scope.everything()).opened.value == 3
    with timezone.override("America/New_York"):
        flow = reporting.request_flow_figures(MARCH, Scope.everything())
        assert flow.opened.value == 5  # 2, 3, 10 March, and 31 March at 17:30 and 18:10 there
        delivery = reporting.delivery_figures(MARCH, Scope.everything())
        # The delivery at 00:30 on 1 March is 28 February there: eva and erik remain, two people, withheld.
        assert delivery.suppressed and delivery.people == 2
