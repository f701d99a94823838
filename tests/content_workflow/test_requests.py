"""Writing requests: clear form errors, contributions with safe attachments, the timeline."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from content_workflow import selectors, services
from content_workflow.models import Attachment, ExpertInputRequest, Notification, RequestEvent, Status
from content_workflow.transitions import IllegalTransition
from governance.errors import DomainError


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def errors(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_a_draft_keeps_what_was_asked(make_request, team):
    request = make_request(topic_tags="Pricing, API ,pricing", priority=3, channel="linkedin", format="interview")
    assert request.status == Status.DRAFT
    assert request.topic_tags == ["pricing", "api"]
    assert (request.requester, request.priority, request.channel, request.format) == (
        team.requester,
        3,
        "linkedin",
        "interview",
    )
    [event] = request.events.all()
    assert (event.from_status, event.to_status, event.actor) == ("", Status.DRAFT, team.requester)


def test_bad_input_names_the_field(make_request, team):
    assert "due_date" in errors(lambda: make_request(due_date=timezone.localdate() - datetime.timedelta(days=1)))
    assert "estimated_hours" in errors(lambda: make_request(estimated_hours=Decimal(0)))
    assert "title" in errors(lambda: make_request(title=""))
    assert "preferred_expert" in errors(lambda: make_request(preferred_expert=team.other_expert))
    assert "channel" in errors(lambda: make_request(channel="fax"))
    assert not ExpertInputRequest.objects.exists()


def test_create_and_submit_at_once(make_request, team):
    request = make_request(submit=True)
    assert request.status == Status.SUBMITTED and request.submitted_at is not None


def test_only_the_requester_changes_only_a_draft(make_request, in_state, team):
    draft = make_request()
    with pytest.raises(PermissionDenied):
        services.request_update(request=draft, actor=team.other_requester, title="Mine now")
    with pytest.raises(ValueError):
        services.request_update(request=draft, actor=team.requester, status=Status.COMPLETED)
    submitted = in_state(Status.SUBMITTED)
    with pytest.raises(DomainError) as caught:
        services.request_update(request=submitted, actor=team.requester, title="Later")
    assert caught.value.code == "not_editable"


def test_decline_needs_a_reason(in_state):
    request = in_state(Status.ASSIGNED)
    assert "reason" in errors(lambda: services.request_decline(request=request, actor=request.assignee, reason=" "))


@pytest.mark.parametrize(
    ("text", "hours", "field"), [("", 2, "text"), ("x", "abc", "hours_spent"), ("x", 0, "hours_spent")]
)
def test_delivery_needs_input_and_hours(in_state, text, hours, field):
    request = in_state(Status.ACCEPTED)
    assert field in errors(
        lambda: services.request_deliver(request=request, actor=request.assignee, text=text, hours_spent=hours)
    )
    assert ExpertInputRequest.objects.get(pk=request.pk).status == Status.ACCEPTED


def test_delivery_with_attachments(in_state, team):
    request = in_state(Status.ACCEPTED)
    pdf = SimpleUploadedFile("../../Pricing notes.PDF", b"%PDF-1.4 data", content_type="application/pdf")
    request = services.request_deliver(
        request=request, actor=request.assignee, text="See the notes.", hours_spent="2.5", files=[pdf]
    )
    contribution = request.contribution
    assert (contribution.author, contribution.hours_spent, contribution.text) == (
        team.expert,
        Decimal("2.5"),
        "See the notes.",
    )
    [attachment] = contribution.attachments.all()
    assert attachment.original_name == "Pricing notes.PDF"
    assert attachment.size == 13
    assert "Pricing" not in attachment.file.name and attachment.file.name.endswith(".pdf")

    response = attachment.download_response()
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Pricing_notes.PDF" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 data"
    response.file_to_stream.close()  # not response.close(): that signals the end of a web request

    assert selectors.attachment_for_download(team.requester, attachment.pk) == attachment
    with pytest.raises(Attachment.DoesNotExist):
        selectors.attachment_for_download(team.outsider, attachment.pk)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([SimpleUploadedFile("page.html", b"<script>")], "not a document or image type"),
        ([SimpleUploadedFile("big.pdf", b"x" * (10 * 1024 * 1024 + 1))], "larger than 10 MB"),
        ([SimpleUploadedFile(f"{i}.txt", b"x") for i in range(6)], "at most 5 files"),
    ],
)
def test_attachments_are_checked_before_anything_is_written(in_state, files, message):
    request = in_state(Status.ACCEPTED)
    found = errors(
        lambda: services.request_deliver(request=request, actor=request.assignee, text="x", hours_spent=1, files=files)
    )
    assert message in found["files"][0]
    assert not Attachment.objects.exists()


def test_the_timeline_tells_the_story(in_state, team):
    request = in_state(Status.COMPLETED)
    moves = [(e.from_status, e.to_status) for e in request.events.all() if e.kind == RequestEvent.Kind.TRANSITION]
    assert moves == [
        ("", Status.DRAFT),
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.ROUTING),
        (Status.ROUTING, Status.ASSIGNED),
        (Status.ASSIGNED, Status.ACCEPTED),
        (Status.ACCEPTED, Status.DELIVERED),
        (Status.DELIVERED, Status.COMPLETED),
    ]
    assigned = request.events.get(to_status=Status.ASSIGNED)
    assert (assigned.actor, assigned.assignee) == (None, team.expert)  # the system chose
    assert assigned.text == (
        "Their expertise covers the topics pricing, api. "
        "The 2.5 h of this request fit into their 6 h a week; nothing else was open."
    )
    with pytest.raises(ValueError):
        assigned.save()


def test_everyone_involved_is_told(in_state, team):
    request = in_state(Status.COMPLETED)
    kinds = {(n.recipient.username, n.kind) for n in Notification.objects.filter(request=request)}
    assert kinds == {
        ("eva", Notification.Kind.ASSIGNED),
        ("requester", Notification.Kind.ACCEPTED),
        ("requester", Notification.Kind.DELIVERED),
        ("eva", Notification.Kind.COMPLETED),
        ("max", Notification.Kind.COMPLETED),  # the discipline's manager reads the thanks too
    }


def test_cancelling_tells_the_assignee_and_keeps_the_reason(in_state, team):
    request = in_state(Status.ACCEPTED)
    request = services.request_cancel(request=request, actor=team.requester, reason="Campaign dropped")
    assert request.cancelled_at is not None
    assert request.events.last().note == "Campaign dropped"
    assert Notification.objects.filter(recipient=team.expert, kind=Notification.Kind.CANCELLED).exists()
    with pytest.raises(IllegalTransition):
        services.request_cancel(request=request, actor=team.requester)
