"""The cast and the stage of the expert input workflow.

A published hub and spoke model (hub: corporate communications; spokes: marketing,
customer service, sales, product); a communicator of the hub asks product's experts;
product has a manager and a budget for the due month.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from content_workflow import services
from content_workflow.models import ExpertInputRequest, Status
from disciplines.models import Absence, Expertise, Membership
from governance.access import Role
from governance.models import Hub, OrganisationalModel, Spoke

F = Membership.Function


@pytest.fixture
def member(make_user):
    """member("product", "expert", tags=["api"], capacity=6, username="eva") -> user"""
    role_for = {F.EXPERT: Role.EXPERT, F.MANAGER: Role.MANAGER, F.COMMUNICATOR: Role.COMMUNICATOR}

    def make(slug, function, *, user=None, tags=None, capacity=6, **fields):
        from disciplines.models import Discipline

        user = user or make_user(role_for[function], **fields)
        Membership.objects.create(
            user=user,
            discipline=Discipline.objects.get(slug=slug),
            function=function,
            weekly_capacity_hours=Decimal(capacity),
        )
        if tags is not None:
            Expertise.objects.update_or_create(user=user, defaults={"tags": tags})
        return user

    return make


@pytest.fixture
def hub_model(make_model):
    return make_model(spokes=("marketing", "customer-service", "sales", "product"), publish=True)


@pytest.fixture
def team(hub_model, member, make_user, disciplines):
    """Everyone of the workflow, by name."""

    class Team:
        pass

    t = Team()
    t.product = disciplines["product"]
    t.marketing = disciplines["marketing"]
    t.hub = disciplines["corporate-communications"]
    t.requester = member("corporate-communications", F.COMMUNICATOR, username="requester")
    t.other_requester = member("corporate-communications", F.COMMUNICATOR, username="colleague")
    t.spoke_communicator = member("marketing", F.COMMUNICATOR, username="spokecomm")
    t.expert = member("product", F.EXPERT, tags=["pricing", "api"], capacity=6, username="eva")
    t.expert2 = member("product", F.EXPERT, tags=["security"], capacity=6, username="erik")
    t.other_expert = member("marketing", F.EXPERT, tags=["pricing", "api"], capacity=6, username="mara")
    t.manager = member("product", F.MANAGER, username="max")
    t.other_manager = member("marketing", F.MANAGER, username="mona")
    t.deputy = make_user(Role.MANAGER, username="dana")
    t.lead = OrganisationalModel.objects.get(pk=hub_model.pk).created_by
    t.executive = make_user(Role.EXECUTIVE, username="exec")
    t.outsider = make_user(username="nobody")
    t.admin = make_user(username="admin", is_staff=True, is_superuser=True)
    return t


@pytest.fixture
def due():
    """A due date in the middle of next month: its budget month is next month."""
    today = timezone.localdate()
    return (today.replace(day=1) + datetime.timedelta(days=45)).replace(day=15)


@pytest.fixture
def budget(team, due):
    """approve(hours) -> product's budget for the due month with `hours` more approved."""

    def approve(hours=20, *, discipline=None, month=None):
        return services.budget_approve(
            actor=team.manager if discipline is None else team.admin,
            discipline=discipline or team.product,
            month=month or due,
            hours=hours,
            reason="Quarterly plan",
        )

    return approve


@pytest.fixture
def make_request(team, due):
    def make(*, actor=None, submit=False, **fields):
        values = {
            "title": "Pricing explained",
            "brief": "Why our API pricing works the way it does.",
            "topic_tags": ["pricing", "api"],
            "target_discipline": team.product,
            "estimated_hours": Decimal("2.5"),
            "due_date": due,
            "content_piece": "Blog post on the new pricing",
        }
        values.update(fields)
        return services.request_create(actor=actor or team.requester, submit=submit, **values)

    return make


@pytest.fixture
def open_work(team, due):
    """Give an expert open (accepted) work of some hours, for capacity and load tests."""

    def give(expert, hours):
        return ExpertInputRequest.objects.create(
            title="Other work",
            brief="x",
            requester=team.requester,
            target_discipline=team.product,
            estimated_hours=Decimal(hours),
            due_date=due,
            status=Status.ACCEPTED,
            assignee=expert,
        )

    return give


@pytest.fixture
def routed(make_request, team, budget):
    """A request submitted and routed (synchronously) to the best expert."""

    def make(**fields):
        budget_hours = fields.pop("budget_hours", 20)
        if budget_hours:
            budget(budget_hours)
        request = make_request(**fields)
        services.request_submit(request=request, actor=team.requester)
        services.request_route(request_id=request.pk)
        return ExpertInputRequest.objects.get(pk=request.pk)

    return make


@pytest.fixture
def in_state(routed, make_request, team):
    """in_state(Status.X) -> a request brought to X through the services.

    Follow-up tasks do not run here (the test transaction never commits), so a
    submitted or declined request stays where the service left it.
    """

    def make(status, **fields):
        if status == Status.DRAFT:
            return make_request(**fields)
        if status == Status.SUBMITTED:
            return services.request_submit(request=make_request(**fields), actor=team.requester)
        if status == Status.ROUTING:
            # As if a worker died between claiming the request and deciding.
            request = make(Status.SUBMITTED, **fields)
            ExpertInputRequest.objects.filter(pk=request.pk).update(status=Status.ROUTING)
            return ExpertInputRequest.objects.get(pk=request.pk)
        if status == Status.UNROUTABLE:
            today = timezone.localdate()
            for expert in (team.expert, team.expert2):
                Absence.objects.create(user=expert, starts_on=today, ends_on=today)
            return routed(**fields)
        if status == Status.AWAITING_ALLOCATION:
            return routed(budget_hours=0, **fields)
        request = routed(**fields)
        assert request.status == Status.ASSIGNED, request.routing_reason
        if status == Status.ASSIGNED:
            return request
        if status == Status.DECLINED:
            return services.request_decline(request=request, actor=request.assignee, reason="No time")
        if status == Status.CANCELLED:
            return services.request_cancel(request=request, actor=team.requester)
        request = services.request_accept(request=request, actor=request.assignee)
        if status == Status.ACCEPTED:
            return request
        request = services.request_deliver(request=request, actor=request.assignee, text="Input", hours_spent="2")
        if status == Status.DELIVERED:
            return request
        assert status == Status.COMPLETED
        return services.request_complete(request=request, actor=team.requester)

    return make


@pytest.fixture
def other_model(db, disciplines):
    """build(type, hubs=[(slug, [spoke slugs], is_centre)], loose=[slugs]) -> an active model.

    Built straight in the database: these tests are about routing, not model rules.
    """

    def build(model_type, *, hubs=(), loose=()):
        OrganisationalModel.objects.filter(status=OrganisationalModel.Status.ACTIVE).update(
            status=OrganisationalModel.Status.ARCHIVED
        )
        model = OrganisationalModel.objects.create(
            name=f"{model_type} model", type=model_type, status=OrganisationalModel.Status.ACTIVE
        )
        for slug, spokes, is_centre in hubs:
            hub = Hub.objects.create(
                model=model, name=slug, home_discipline=disciplines[slug], is_coordinating_centre=is_centre
            )
            for spoke in spokes:
                Spoke.objects.create(model=model, hub=hub, discipline=disciplines[spoke])
        for slug in loose:
            Spoke.objects.create(model=model, discipline=disciplines[slug])
        return model

    return build
