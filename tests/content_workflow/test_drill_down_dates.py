"""The request list's date drill-down (`delivered_after/_before`, `submitted_after/_before`):
the period figures link to the requests they count, and the page, the API and the CSV
list the same rows; a bad date says so and lists nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from content_workflow.models import ExpertInputRequest

pytestmark = pytest.mark.django_db


def _local(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def days(team, make_request):
    """Three submitted requests of Product: delivered on the 1st, the 10th (just before
    local midnight) and the 11th (just after) of last month."""
    first = timezone.localdate().replace(day=1) - datetime.timedelta(days=31)
    first = first.replace(day=1)
    moments = [_local(first, 12), _local(first.replace(day=10), 23), _local(first.replace(day=11), 0)]
    for number, moment in enumerate(moments):
        request = make_request(title=f"Delivered {number}", submit=True)
        ExpertInputRequest.objects.filter(pk=request.pk).update(
            delivered_at=moment, submitted_at=moment - datetime.timedelta(days=2)
        )
    return first


def _titles(html):
    return sorted(title for title in ("Delivered 0", "Delivered 1", "Delivered 2") if title in html)


def test_delivered_between_counts_local_days_on_the_page_and_in_the_api(days, team, client, api_for):
    client.force_login(team.manager)
    query = f"delivered_after={days.isoformat()}&delivered_before={days.replace(day=10).isoformat()}"
    html = client.get(reverse("content_workflow:request_list") + "?show=all&" + query).content.decode()
    assert _titles(html) == ["Delivered 0", "Delivered 1"]
    assert 'data-total="2"' in html
    api = api_for(team.manager).get("/api/v1/requests/?" + query).json()
    assert sorted(row["title"] for row in api["results"]) == ["Delivered 0", "Delivered 1"]


def test_submitted_between(days, team, client):
    client.force_login(team.manager)
    day = days.replace(day=9)  # "Delivered 2" was submitted on the 9th, local time
    html = client.get(
        reverse("content_workflow:request_list") + f"?show=all&submitted_after={day}&submitted_before={day}"
    ).content.decode()
    assert _titles(html) == ["Delivered 2"]


def test_the_csv_holds_the_same_rows(days, team, client):
    client.force_login(team.manager)
    query = f"?show=all&delivered_after={days.replace(day=11)}&delivered_before={days.replace(day=11)}"
    response = client.get(reverse("content_workflow:request_export") + query)
    body = b"".join(response.streaming_content).decode()
    assert "Delivered 2" in body and "Delivered 0" not in body and "Delivered 1" not in body


def test_a_bad_date_says_so_and_lists_nothing(days, team, client, api_for):
    client.force_login(team.manager)
    response = client.get(reverse("content_workflow:request_list") + "?show=all&delivered_after=2026-13-40")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The filter of the link you followed is not valid" in html
    assert _titles(html) == []
    api = api_for(team.manager).get("/api/v1/requests/?delivered_after=2026-13-40")
    assert api.status_code == 400
    assert "delivered" in str(api.json())
