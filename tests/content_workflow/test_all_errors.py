"""Every wrong field in one answer (issue 10, item 9), and a refused decision on the
allocation list goes back to the list with the reason (item 11)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from content_workflow import services
from content_workflow.models import ExpertInputRequest, Status, TimeAllocationRequest
from tests.content_workflow.test_request_pages import form_data


def url(name, *args):
    return reverse(f"content_workflow:{name}", args=args)


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def test_the_request_form_shows_the_hours_and_the_date_error_together(client_for, team, due):
    client = client_for(team.requester)
    data = form_data(team, due, estimated_hours="-2", due_date=yesterday().isoformat(), title="")
    response = client.post(url("request_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "estimated_hours", "due_date"}
    assert errors["due_date"] == ["Choose a due date from today on."]
    assert "Choose a due date from today on." in response.text
    assert not ExpertInputRequest.objects.exists()


def test_the_request_service_names_every_wrong_field(team, due):
    with pytest.raises(ValidationError) as refused:
        services.request_create(
            actor=team.requester,
            title="",
            brief="x",
            target_discipline=team.product,
            preferred_expert=team.other_expert,  # not an expert of product
            estimated_hours=1,
            due_date=yesterday(),
        )
    assert set(refused.value.message_dict) == {"title", "due_date", "preferred_expert"}


def test_delivery_names_text_hours_and_files_at_once(client_for, in_state, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = in_state(Status.ACCEPTED)
    client = client_for(item.assignee)
    bad_file = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url("request_deliver", item.pk), {"text": "", "hours_spent": "-1", "files": [bad_file]})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"text", "hours_spent", "files"}
    with pytest.raises(ValidationError) as refused:
        services.request_deliver(request=item, actor=item.assignee, text="", hours_spent="-1")
    assert set(refused.value.message_dict) == {"text", "hours_spent"}


def test_budget_approval_names_hours_and_reason_at_once(client_for, team, due):
    response = client_for(team.manager).post(
        url("budget_approve"), {"discipline": team.product.pk, "month": f"{due:%Y-%m}", "hours": "-5", "reason": ""}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"hours", "reason"}
    with pytest.raises(ValidationError) as refused:
        services.budget_approve(actor=team.manager, discipline=team.product, month=due, hours=-5, reason="")
    assert set(refused.value.message_dict) == {"hours", "reason"}


def test_refused_fewer_hours_go_back_to_the_list_with_the_reason(client_for, in_state, team):
    item = in_state(Status.AWAITING_ALLOCATION)
    allocation = TimeAllocationRequest.objects.get(request=item)
    client = client_for(team.manager)
    listed = client.get(url("allocation_list") + "?page=1")
    assert 'name="next" value="/allocations/?page=1"' in listed.text

    too_many = str(allocation.hours_requested + 5)
    response = client.post(
        url("allocation_approve", allocation.pk), {"fewer-hours": too_many, "next": "/allocations/?page=1"}
    )
    assert response["Location"] == f"/allocations/?page=1#allocation-{allocation.pk}"
    page = client.get(response["Location"])
    [message] = [str(m) for m in page.context["messages"]]
    assert item.title in message and "approve that many or fewer" in message
    allocation.refresh_from_db()
    assert allocation.status == TimeAllocationRequest.Status.OPEN

    # Elsewhere (or a `next` off the list) the detail page shows the error beside the field.
    for extra in ({}, {"next": "https://evil.example/allocations/"}):
        response = client.post(url("allocation_approve", allocation.pk), {"fewer-hours": too_many, **extra})
        assert response.status_code == 200
        assert "approve that many or fewer" in response.text
