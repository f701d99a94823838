"""The expert input workflow end to end, with a real Celery worker on PostgreSQL and Redis:
submitted -> routed by the worker -> assignee notified (e-mail sent by the worker) ->
accepted -> delivered -> completed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from content_workflow import services
from content_workflow.models import ExpertInputRequest, Notification, Status, TimeBudget
from disciplines.models import Discipline, Expertise, Membership
from governance.access import Role
from tests.integration.polling import wait_for

pytestmark = pytest.mark.integration


def test_a_request_travels_through_the_worker(celery_worker_process, make_model, make_user):
    make_model(spokes=("marketing", "product"), publish=True)
    hub = Discipline.objects.get(slug="corporate-communications")
    product = Discipline.objects.get(slug="product")
    requester = make_user(Role.COMMUNICATOR)
    expert = make_user(Role.EXPERT)
    manager = make_user(Role.MANAGER)
    Membership.objects.create(user=requester, discipline=hub, function=Membership.Function.COMMUNICATOR)
    Membership.objects.create(user=expert, discipline=product, function=Membership.Function.EXPERT)
    Membership.objects.create(user=manager, discipline=product, function=Membership.Function.MANAGER)
    Expertise.objects.create(user=expert, tags=["pricing"])
    due = timezone.localdate() + datetime.timedelta(days=10)
    services.budget_approve(actor=manager, discipline=product, month=due, hours=10, reason="Integration test")

    request = services.request_create(
        actor=requester,
        title="Pricing explained",
        brief="Why the pricing works as it does.",
        topic_tags=["pricing"],
        target_discipline=product,
        estimated_hours=Decimal("2.5"),
        due_date=due,
        submit=True,
    )

    def status():
        return ExpertInputRequest.objects.get(pk=request.pk).status

    assert wait_for(lambda: status() == Status.ASSIGNED), f"the worker did not route the request: {status()}"
    request = ExpertInputRequest.objects.get(pk=request.pk)
    assert request.assignee == expert
    assert TimeBudget.objects.get(discipline=product).reserved_hours == Decimal("2.5")

    def assignee_mailed():
        return Notification.objects.filter(
            recipient=expert, kind=Notification.Kind.ASSIGNED, email_state=Notification.Email.SENT
        ).exists()

    assert wait_for(assignee_mailed), "the worker did not send the assignee's e-mail"

    services.request_accept(request=request, actor=expert)
    services.request_deliver(request=request, actor=expert, text="Here is the input.", hours_spent="2")
    request = services.request_complete(request=request, actor=requester)
    assert request.status == Status.COMPLETED
    budget = TimeBudget.objects.get(discipline=product)
    assert (budget.reserved_hours, budget.used_hours) == (0, Decimal(2))

    def requester_mailed():
        return (
            Notification.objects.filter(recipient=requester, email_state=Notification.Email.SENT).count() == 2
        )  # accepted, delivered

    assert wait_for(requester_mailed), "the worker did not send the requester's e-mails"
    assert list(request.events.values_list("to_status", flat=True)) == [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.ROUTING,
        Status.ASSIGNED,
        Status.ACCEPTED,
        Status.DELIVERED,
        Status.COMPLETED,
    ]
