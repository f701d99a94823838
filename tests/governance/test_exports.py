"""Exports (issue 8, item 5): CSV of the filtered request list and of every dashboard
table, formula-safe and streamed; the summary figures as JSON at /api/v1/reports/summary/.
Who may download what, that invisible rows stay out, that the files hold the page's
numbers, and that their cost does not grow with the data."""

# ruff: noqa: F811

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from content_workflow.models import Contribution, ExpertInputRequest, Status
from disciplines.models import Membership
from governance import reporting
from governance.csv_export import csv_lines, safe_cell
from governance.models import Hub
from tests.content_workflow.conftest import budget, due, hub_model, make_request, member, team  # noqa: F401

pytestmark = pytest.mark.django_db

D = Decimal
F = Membership.Function


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# --- The writer ---------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_is_escaped(prefix):
    assert safe_cell(f'{prefix}HYPERLINK("http://evil")') == f'\'{prefix}HYPERLINK("http://evil")'
    line = "".join(csv_lines(["title"], [[f"{prefix}1+2"]]))
    assert list(csv.reader(io.StringIO(line[1:])))[1] == [f"'{prefix}1+2"]


def test_other_cells_are_written_as_they_are():
    assert safe_cell("Pricing = value") == "Pricing = value"
    assert safe_cell("") == "" and safe_cell(None) == ""
    # Numbers are ours, and a negative number is no formula: they stay numbers.
    assert (safe_cell(D("-2.5")), safe_cell(3), safe_cell(0.25)) == ("-2.5", "3", "0.25")
    assert safe_cell(True) == "true"
    assert safe_cell(datetime.date(2026, 5, 4)) == "2026-05-04"
    # Datetimes in the site's time zone (Europe/Berlin): 22:30 UTC is 00:30 the next day in summer.
    moment = datetime.datetime(2026, 5, 3, 22, 30, tzinfo=datetime.UTC)
    assert safe_cell(moment) == "2026-05-04 00:30"


# --- The request list ---------------------------------------------------------------------------


@pytest.fixture
def many(team, due):
    """30 requests of the hub's communicator to product (more than a page), 5 of them
    assigned; 3 to marketing; 2 of another communicator to product. One title tries a
    formula; one request is delivered with 1.5 h spent."""

    def make(n, *, requester=None, discipline=None, status=Status.SUBMITTED, title="Request"):
        rows = [
            ExpertInputRequest(
                title=f"{title} {number}",
                brief="Brief",
                requester=requester or team.requester,
                target_discipline=discipline or team.product,
                estimated_hours=D(2),
                due_date=due,
                status=status,
            )
            for number in range(n)
        ]
        return ExpertInputRequest.objects.bulk_create(rows)

    make(25)
    make(5, status=Status.ASSIGNED, title="Assigned")
    make(3, discipline=team.marketing, title="Marketing")
    make(2, requester=team.other_requester, title="Colleague")
    ExpertInputRequest.objects.filter(title="Request 0").update(title='=HYPERLINK("http://evil","click")')
    delivered = ExpertInputRequest.objects.get(title="Request 1")
    ExpertInputRequest.objects.filter(pk=delivered.pk).update(
        status=Status.DELIVERED, assignee=team.expert, delivered_at=timezone.now()
    )
    Contribution.objects.create(request=delivered, author=team.expert, text="Input", hours_spent=D("1.5"))
    return make


def _list_total(client, query):
    response = client.get(reverse("content_workflow:request_list") + query)
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def _export(client, query):
    response = client.get(reverse("content_workflow:request_export") + query)
    assert response.status_code == 200
    return read_csv(response)


@pytest.mark.parametrize(
    "who, query",
    [
        ("requester", ""),
        ("requester", "?show=all"),
        ("requester", "?status=assigned"),
        ("requester", "?q=Assigned"),
        ("manager", "?show=all"),
        ("manager", "?show=all&status=open"),
        ("manager", "?show=all&disciplines=%s"),
        ("executive", "?show=all"),
        ("other_manager", "?show=all"),
        ("expert", "?show=all"),
    ],
)
def test_the_csv_holds_exactly_the_rows_the_list_counts(many, team, client, who, query):
    query = query.replace("%s", str(team.product.pk))
    client.force_login(getattr(team, who))
    total = _list_total(client, query)
    rows = _export(client, query)
    assert len(rows) - 1 == total  # every page, not one
    listed = {row.pk for row in ExpertInputRequest.objects.visible_to(getattr(team, who))}
    assert {int(row[0]) for row in rows[1:]} <= listed


def test_all_pages_are_exported_and_rows_the_user_may_not_see_are_absent(many, team, client):
    client.force_login(team.requester)
    rows = _export(client, "")
    assert len(rows) == 1 + 33  # the requester's own 30 + 3, over two pages of the list
    assert not any(row[1].startswith("Colleague") for row in rows[1:])
    client.force_login(team.other_manager)  # manages marketing: sees marketing's requests only
    titles = [row[1] for row in _export(client, "?show=all")[1:]]
    assert sorted(titles) == ["Marketing 0", "Marketing 1", "Marketing 2"]
    client.force_login(team.outsider)
    assert _export(client, "?show=all") == [_export(client, "?show=all")[0]]  # the header, nothing else


def test_the_csv_columns_and_an_escaped_title(many, team, client):
    client.force_login(team.requester)
    header, *rows = _export(client, "?show=all")
    assert header == [
        "ID",
        "Title",
        "Status",
        "Discipline",
        "Requester",
        "Expert",
        "Created",
        "Due date",
        "Delivered",
        "Estimated hours",
        "Hours spent",
    ]
    by_title = {row[1]: row for row in rows}
    assert '\'=HYPERLINK("http://evil","click")' in by_title
    delivered = by_title["Request 1"]
    assert delivered[2] == "Delivered" and delivered[3] == team.product.label
    assert delivered[5] == team.expert.get_full_name() and delivered[10] == "1.50"
    assert by_title["Request 2"][5] == "" and by_title["Request 2"][10] == ""


def test_the_csv_speaks_the_users_language(many, team, client):
    client.force_login(team.requester)
    with translation.override("de"):
        response = client.get(reverse("content_workflow:request_export"), HTTP_ACCEPT_LANGUAGE="de")
    header, *rows = read_csv(response)
    assert header[2] == "Status" and header[7] == "Fälligkeitsdatum"
    assert {row[2] for row in rows} >= {"Geliefert"}
    assert team.product.name_de and {row[3] for row in rows} == {team.product.name_de, team.marketing.name_de}


def test_the_request_csv_needs_a_sign_in(client):
    response = client.get(reverse("content_workflow:request_export"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_links_to_the_csv_of_its_filter(many, team, client):
    client.force_login(team.requester)
    response = client.get(reverse("content_workflow:request_list") + "?show=all&status=open&page=2")
    html = response.content.decode()
    assert f'href="{reverse("content_workflow:request_export")}?show=all&amp;status=open"' in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def test_the_request_csv_costs_the_same_queries_with_more_rows(many, team, client):
    client.force_login(team.manager)
    url = reverse("content_workflow:request_export") + "?show=all"
    before = _queries(client, url)
    many(60)
    many(10, status=Status.ACCEPTED, title="More")
    for item in ExpertInputRequest.objects.filter(title__startswith="More"):
        ExpertInputRequest.objects.filter(pk=item.pk).update(assignee=team.expert2, delivered_at=timezone.now())
        Contribution.objects.create(request=item, author=team.expert2, text="Input", hours_spent=D(1))
    assert _queries(client, url) == before


# --- The dashboard's tables ---------------------------------------------------------------------


@pytest.fixture
def delivered(team, member):
    """Input delivered this month: marketing by three experts (shown), product by two
    (fewer than 3 people: withheld). Product has 30 h approved this month."""
    now = timezone.now()
    today = timezone.localdate()
    mark = member("marketing", F.EXPERT, username="mark")
    moe = member("marketing", F.EXPERT, username="moe")

    def deliver(author, discipline, hours, rating=None):
        item = ExpertInputRequest.objects.create(
            title="Input",
            brief="Brief",
            requester=team.requester,
            target_discipline=discipline,
            estimated_hours=D(2),
            due_date=today + datetime.timedelta(days=7),
            status=Status.COMPLETED,
            assignee=author,
            submitted_at=now - datetime.timedelta(days=2),
            delivered_at=now,
        )
        Contribution.objects.create(request=item, author=author, text="Input", hours_spent=D(hours), usefulness=rating)

    deliver(team.expert, team.product, 2, 5)
    deliver(team.expert2, team.product, 4, 3)
    deliver(team.other_expert, team.marketing, 1, 4)
    deliver(mark, team.marketing, 2, 2)
    deliver(moe, team.marketing, 3)
    from content_workflow import services

    services.budget_approve(actor=team.manager, discipline=team.product, month=today, hours=30, reason="Plan")
    return deliver


TABLES = ["hours", "delivery", "status", "health", "disciplines", "summary"]


def _table(client, table, query=""):
    response = client.get(reverse("dashboard_export", args=[table]) + query)
    assert response.status_code == 200, response.status_code
    return read_csv(response)


@pytest.mark.parametrize("table", TABLES)
def test_readers_of_the_figures_download_every_table(delivered, team, client, table):
    for reader in (team.executive, team.lead, team.admin, team.manager):
        client.force_login(reader)
        header, *_rows = _table(client, table)
        assert header


@pytest.mark.parametrize("table", TABLES)
def test_others_get_no_table(delivered, team, client, table):
    url = reverse("dashboard_export", args=[table])
    for other in (team.requester, team.expert, team.outsider, team.deputy):
        client.force_login(other)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_an_unknown_table_is_not_there(team, client):
    client.force_login(team.executive)
    assert client.get("/dashboard/export/secrets.csv").status_code == 404


def test_the_hours_table_holds_the_cards_numbers_and_a_manager_only_theirs(delivered, team, client):
    client.force_login(team.executive)
    header, *rows = _table(client, "hours")
    assert header == ["Discipline", "Approved (h)", "Reserved (h)", "Used (h)", "Overrun (h)", "Remaining (h)"]
    hours = reporting.hours_by_discipline(reporting.Period.month(timezone.localdate()), reporting.Scope.everything())
    assert rows[-1] == ["All disciplines", *(f"{figure.value:.2f}" for figure in hours.figures)]
    assert rows[0][0] == team.product.label and rows[0][1] == "30.00"
    client.force_login(team.other_manager)  # marketing: no budget, no ledger rows this month
    assert [row[0] for row in _table(client, "hours")[1:]] == ["All disciplines"]


def test_small_groups_show_the_text_not_numbers(delivered, team, client):
    client.force_login(team.executive)
    header, *rows = _table(client, "disciplines")
    assert header == [
        "Discipline",
        "Contributions",
        "Hours delivered (h)",
        "Median lead time (days)",
        "Lead time, 90th percentile (days)",
        "Average lead time (days)",
        "Average rating (1-5)",
    ]
    by_name = {row[0]: row[1:] for row in rows}
    assert by_name[team.product.label] == ["fewer than 3 people"] * 6
    assert by_name[team.marketing.label][:2] == ["3", "6.00"]
    assert by_name[team.marketing.label][4:] == ["2.00", "3.0"]
    # The total would give product's numbers away: withheld as a whole.
    _header, *figures = _table(client, "delivery")
    assert all(row[2] == "" and row[4] == "fewer than 3 people" and row[5] == "true" for row in figures)
    # A manager of marketing alone: three people, shown.
    client.force_login(team.other_manager)
    _header, *figures = _table(client, "delivery")
    assert {row[0]: row[2] for row in figures}["contributions"] == "3"


def test_the_status_and_health_tables_are_the_cards(delivered, team, client, make_request):
    make_request(submit=True)
    client.force_login(team.executive)
    rows = _table(client, "status")[1:]
    now = reporting.request_status_figures(reporting.Scope.everything())
    assert rows[0] == [str(now.open.figure.label), "", str(now.open.figure.value)]
    assert rows[-1][0] == str(now.overdue.label)
    health = {row[0]: row[2] for row in _table(client, "health")[1:]}
    expected = reporting.model_health(reporting.Scope.everything(), viewer=team.executive).values()
    assert health == {key: str(value) for key, value in expected.items()}
    client.force_login(team.manager)  # whole-model items are not a manager's
    assert "health_activities_accountable" not in {row[0] for row in _table(client, "health")[1:]}


def test_the_period_of_the_dashboard_is_the_period_of_the_file(delivered, team, client):
    client.force_login(team.executive)
    response = client.get(reverse("dashboard_export", args=["hours"]) + "?period=last-month")
    last = reporting.Period.month(timezone.localdate()).previous()
    assert f"hours-{last.start.isoformat()}_{last.end.isoformat()}.csv" in response["Content-Disposition"]
    assert read_csv(response)[-1] == ["All disciplines", "0.00", "0.00", "0.00", "0.00", "0.00"]


def test_the_dashboard_links_each_table_with_its_period(delivered, team, client):
    client.force_login(team.executive)
    html = client.get(reverse("dashboard", args=["executive"]) + "?period=quarter").content.decode()
    for table in ("hours", "delivery", "status", "health", "disciplines"):
        assert f'href="{reverse("dashboard_export", args=[table])}?period=quarter"' in html, table
    client.force_login(team.manager)
    html = client.get(reverse("dashboard", args=["manager"])).content.decode()
    assert f'href="{reverse("dashboard_export", args=["health"])}"' in html


def test_the_per_person_table_only_where_the_installation_agreed_it(delivered, team, client, settings):
    client.force_login(team.executive)
    url = reverse("dashboard_export", args=["people"])
    assert client.get(url).status_code == 404
    assert "export/people.csv" not in client.get(reverse("dashboard", args=["executive"])).content.decode()
    settings.PERSON_FIGURES = True
    header, *rows = read_csv(client.get(url))
    assert header == ["Expert", "Contributions", "Hours", "Average rating"]
    assert len(rows) == 5 and {row[1] for row in rows} == {"1"}
    assert [team.expert.get_full_name(), "1", "2.00", "5.0"] in rows
    assert 'export/people.csv"' in client.get(reverse("dashboard", args=["executive"])).content.decode()


@pytest.mark.parametrize("table", [*TABLES, "people"])
def test_a_table_costs_the_same_queries_with_more_data(delivered, team, client, table, member, settings):
    settings.PERSON_FIGURES = True
    client.force_login(team.executive)
    url = reverse("dashboard_export", args=[table])
    before = _queries(client, url)
    for number in range(3):
        expert = member("sales", F.EXPERT, username=f"sales{number}")
        delivered(expert, team.hub if number else team.marketing, 1, 4)
    assert _queries(client, url) == before


# --- The summary as JSON ------------------------------------------------------------------------

SUMMARY = "/api/v1/reports/summary/"


def test_the_summary_serves_what_summary_returns(delivered, team, api_for):
    response = api_for(team.executive).get(SUMMARY)
    assert response.status_code == 200
    body = response.json()
    period = reporting.Period.month(timezone.localdate())
    assert (body["from"], body["to"], body["disciplines"]) == (period.start.isoformat(), period.end.isoformat(), None)
    figures = reporting.summary(period, reporting.Scope.everything())
    assert [figure["key"] for figure in body["figures"]] == list(figures)
    first = body["figures"][0]
    assert set(first) == {"key", "label", "explanation", "value", "unit", "suppressed", "text"}
    by_key = {figure["key"]: figure for figure in body["figures"]}
    assert by_key["hours_approved"]["value"] == 30.0 and by_key["hours_approved"]["text"] == "30 h"
    assert by_key["contributions"] == {**by_key["contributions"], "value": None, "suppressed": True}


def test_csv_json_and_page_agree(delivered, team, api_for, client, monkeypatch):
    monkeypatch.setattr(reporting, "MIN_PEOPLE", 1)  # every figure shown, so there is a number to compare
    json = {figure["key"]: figure for figure in api_for(team.executive).get(SUMMARY).json()["figures"]}
    client.force_login(team.executive)
    csv_rows = {row[0]: row for row in _table(client, "summary")[1:]}
    assert set(json) == set(csv_rows)
    page = client.get(reverse("dashboard", args=["executive"])).content.decode()
    for key, figure in json.items():
        row = csv_rows[key]
        assert row[1] == figure["label"] and row[4] == figure["text"], key
        number = "" if figure["value"] is None else figure["value"]
        assert (D(row[2]) if row[2] else "") == (D(str(number)) if number != "" else ""), key
    for key in ("hours_approved", "contributions", "lead_time", "on_time", "rating", "hours_delivered"):
        assert f"<dd>{json[key]['text']}</dd>" in page or f">{json[key]['text']}</a></dd>" in page, key


def test_a_manager_reads_their_disciplines_only(delivered, team, api_for):
    api = api_for(team.manager)
    body = api.get(SUMMARY).json()
    assert body["disciplines"] == [team.product.pk]
    assert api.get(SUMMARY, {"discipline": team.product.pk}).status_code == 200
    refused = api.get(SUMMARY, {"discipline": team.marketing.pk})
    assert refused.status_code == 403
    assert "disciplines you manage" in refused.json()["detail"]


def test_a_hub_counts_its_home_discipline_and_spokes(delivered, team, api_for):
    hub = Hub.objects.get(model__status="active")
    body = api_for(team.executive).get(SUMMARY, {"hub": hub.pk}).json()
    assert team.hub.pk in body["disciplines"] and team.product.pk in body["disciplines"]
    # A manager: the hub's disciplines they manage.
    assert api_for(team.manager).get(SUMMARY, {"hub": hub.pk}).json()["disciplines"] == [team.product.pk]
    both = api_for(team.executive).get(SUMMARY, {"hub": hub.pk, "discipline": team.marketing.pk}).json()
    assert both["disciplines"] == [team.marketing.pk]


@pytest.mark.parametrize("who", ["requester", "expert", "outsider", "deputy"])
def test_others_get_no_summary(team, api_for, who):
    response = api_for(getattr(team, who)).get(SUMMARY)
    assert response.status_code == 403 and response.json()["detail"]


def test_no_summary_without_signing_in(api_for):
    assert api_for().get(SUMMARY).status_code in (401, 403)


@pytest.mark.parametrize(
    "query, field",
    [
        ({"from": "2026-13-01", "to": "2026-12-31"}, "from"),
        ({"from": "yesterday", "to": "2026-12-31"}, "from"),
        ({"from": "2026-05-10", "to": "2026-05-01"}, "to"),
        ({"from": "2026-05-01"}, "to"),
        ({"to": "2026-05-01"}, "from"),
        ({"from": "0001-01-01", "to": "2026-05-01"}, "from"),
        ({"from": "2026-05-01", "to": "9999-12-31"}, "to"),
        ({"discipline": "product"}, "discipline"),
        ({"discipline": "999999"}, "discipline"),
        ({"discipline": str(2**70)}, "discipline"),
        ({"hub": "999999"}, "hub"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(team, api_for, query, field):
    response = api_for(team.executive).get(SUMMARY, query)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_a_custom_period(delivered, team, api_for):
    today = timezone.localdate()
    body = api_for(team.executive).get(SUMMARY, {"from": today.isoformat(), "to": today.isoformat()}).json()
    assert (body["from"], body["to"]) == (today.isoformat(), today.isoformat())
    earlier = api_for(team.executive).get(SUMMARY, {"from": "2020-01-01", "to": "2020-12-31"}).json()
    assert {figure["key"]: figure["value"] for figure in earlier["figures"]}["hours_used"] == 0


def test_the_summary_is_in_the_schema(client):
    spec = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = spec["paths"][SUMMARY]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"from", "to", "discipline", "hub"}
    assert {"200", "400", "403"} <= set(operation["responses"])
    figure = spec["components"]["schemas"]["Figure"]["properties"]
    assert {"key", "label", "explanation", "value", "unit", "suppressed"} <= set(figure)


def test_the_summary_costs_the_same_queries_with_more_data(delivered, team, api_for, member):
    api = api_for(team.manager)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(SUMMARY).status_code == 200
        return len(queries)

    count()  # the user's roles are read once and kept on the user object
    before = count()
    for number in range(3):
        delivered(member("product", F.EXPERT, username=f"more{number}"), team.product, 1, 4)
    assert count() == before


def test_a_figure_added_to_summary_is_served_without_a_change_here(team, api_for, client, monkeypatch):
    definition = reporting.Definition("Made-up duration", "From submit to delivery, the median.", "duration")
    monkeypatch.setitem(reporting.DEFINITIONS, "made_up_duration", definition)
    original = reporting.summary

    def more(period, scope, **kwargs):
        figures = original(period, scope, **kwargs)
        return {**figures, "made_up_duration": reporting.Figure("made_up_duration", datetime.timedelta(days=1.5))}

    monkeypatch.setattr(reporting, "summary", more)
    figures = api_for(team.executive).get(SUMMARY).json()["figures"]
    assert figures[-1]["key"] == "made_up_duration" and figures[-1]["value"] == 1.5
    client.force_login(team.executive)
    assert _table(client, "summary")[-1][:3] == ["made_up_duration", "Made-up duration", "1.50"]
