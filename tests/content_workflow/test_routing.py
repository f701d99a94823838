"""Whom a requester may ask under each organisational model, and who gets the request."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from content_workflow import services
from content_workflow.models import BudgetEntry, ExpertInputRequest, Status
from content_workflow.routing import rank_candidates, request_scope
from content_workflow.selectors import askable_disciplines
from disciplines.models import Absence, Membership
from governance.models import ModelType, OrganisationalModel

F = Membership.Function


def ids(disciplines, *slugs):
    return frozenset(disciplines[slug].pk for slug in slugs)


# --- Scope per model type ---------------------------------------------------------------------


def test_hub_and_spoke_the_hub_asks_its_spokes_and_itself(team, disciplines):
    scope = request_scope(team.requester)
    assert scope.model_type == ModelType.HUB_AND_SPOKE
    assert scope.disciplines == ids(
        disciplines, "corporate-communications", "marketing", "customer-service", "sales", "product"
    )
    assert not scope.allows(disciplines["legal"])  # not a unit of the model


def test_hub_and_spoke_a_spoke_communicator_asks_nobody(team):
    scope = request_scope(team.spoke_communicator)
    assert scope.is_empty
    assert "communicator of the hub" in str(scope.message)


def test_multiple_hub_and_spoke(other_model, member, disciplines):
    other_model(
        ModelType.MULTIPLE_HUB_AND_SPOKE,
        hubs=[
            ("corporate-communications", [], True),
            ("marketing", ["sales", "product"], False),
            ("customer-service", ["legal"], False),
        ],
    )
    brand = member("marketing", F.COMMUNICATOR)
    centre = member("corporate-communications", F.COMMUNICATOR)
    spoke = member("sales", F.COMMUNICATOR)
    assert request_scope(brand).disciplines == ids(disciplines, "sales", "product", "corporate-communications")
    assert request_scope(centre).disciplines == ids(disciplines, "corporate-communications")
    assert request_scope(spoke).is_empty
    assert not request_scope(brand).allows(disciplines["legal"])  # another hub's spoke
    assert not request_scope(brand).allows(disciplines["customer-service"])  # another hub


def test_centralized_only_the_central_unit_asks_anyone(other_model, member, disciplines):
    other_model(ModelType.CENTRALIZED, hubs=[("corporate-communications", [], False)])
    central = member("corporate-communications", F.COMMUNICATOR)
    elsewhere = member("marketing", F.COMMUNICATOR)
    assert request_scope(central).disciplines is None
    assert request_scope(central).allows(disciplines["legal"])
    assert request_scope(elsewhere).is_empty


def test_decentralized_only_inside_ones_own_discipline(other_model, member, disciplines):
    other_model(ModelType.DECENTRALIZED, loose=["marketing", "sales"])
    marketer = member("marketing", F.COMMUNICATOR)
    assert request_scope(marketer).disciplines == ids(disciplines, "marketing")
    both = member("sales", F.COMMUNICATOR, user=marketer)
    assert request_scope(both).disciplines == ids(disciplines, "marketing", "sales")


def test_holistic_anyone_asks_anyone(other_model, make_user, disciplines):
    other_model(ModelType.HOLISTIC, loose=["marketing"])
    anybody = make_user()
    scope = request_scope(anybody)
    assert scope.disciplines is None and scope.allows(disciplines["legal"])


def test_no_active_model_nobody_asks(db, make_user, superuser):
    OrganisationalModel.objects.update(status=OrganisationalModel.Status.ARCHIVED)
    assert request_scope(make_user()).is_empty
    assert request_scope(superuser).is_empty


def test_the_form_knows_the_scope_before_submitting(team, disciplines):
    offered, scope = askable_disciplines(team.requester)
    assert set(offered.values_list("slug", flat=True)) == {
        "corporate-communications",
        "marketing",
        "customer-service",
        "sales",
        "product",
    }
    assert scope.message


def test_asking_outside_the_scope_is_a_form_error(make_request, disciplines, team):
    with pytest.raises(ValidationError) as caught:
        make_request(target_discipline=disciplines["legal"])
    assert "target_discipline" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        make_request(actor=team.spoke_communicator)
    assert not ExpertInputRequest.objects.exists()


def test_a_model_change_after_submitting_makes_the_request_unroutable(in_state, other_model, team):
    request = in_state(Status.SUBMITTED)
    other_model(ModelType.DECENTRALIZED, loose=["product"])
    assert services.request_route(request_id=request.pk) == "unroutable"
    request.refresh_from_db()
    assert request.routing_reason == {"code": "out_of_scope"}


# --- Candidates and scoring -------------------------------------------------------------------


def load(expert, hours, team, due):
    """Give `expert` open work of `hours`."""
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


def ranked(request):
    return [c.user.username for c in rank_candidates(request, today=timezone.localdate()).candidates]


def test_topic_overlap_comes_first(make_request, team, due):
    load(team.expert, 4, team, due)  # more load, but matches both tags
    request = make_request(topic_tags=["pricing", "api"])
    assert ranked(request) == ["eva", "erik"]


def test_then_the_lowest_open_load(make_request, member, team, due):
    twin = member("product", F.EXPERT, tags=["pricing", "api"], capacity=6, username="zoe")
    load(team.expert, 2, team, due)
    request = make_request(topic_tags=["pricing"])
    assert ranked(request) == ["zoe", "eva", "erik"]
    assert twin.pk > team.expert.pk


def test_ties_are_broken_stably_by_who_joined_first(make_request, member, team):
    member("product", F.EXPERT, tags=["pricing", "api"], capacity=6, username="zoe")
    request = make_request(topic_tags=["pricing"])
    first = ranked(request)
    assert first == ["eva", "zoe", "erik"]
    assert all(ranked(request) == first for _ in range(3))


def test_the_preferred_expert_comes_first_when_suitable(make_request, team):
    request = make_request(topic_tags=["pricing"], preferred_expert=team.expert2)
    assert ranked(request) == ["erik", "eva"]


def test_absent_declined_and_busy_people_drop_out(make_request, member, team, due):
    today = timezone.localdate()
    Absence.objects.create(user=team.expert, starts_on=today - datetime.timedelta(days=1), ends_on=today)
    busy = member("product", F.EXPERT, tags=["pricing"], capacity=2, username="busy")
    load(busy, 2, team, due)
    Absence.objects.create(
        user=team.expert2, starts_on=today + datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=3)
    )
    request = make_request()
    ranking = rank_candidates(request, today=today)
    assert [c.user for c in ranking.candidates] == [team.expert2]  # away only later
    assert ranking.counts == {"experts": 3, "absent": 1, "declined": 0, "busy": 1}


def test_the_requester_is_never_their_own_expert(make_request, member, team):
    member("product", F.EXPERT, user=team.requester, tags=["pricing", "api"])
    assert "requester" not in ranked(make_request())


def test_the_reason_says_why(routed, team, due):
    load(team.expert, 2, team, due)
    request = routed()
    assert request.assignee == team.expert
    assert request.routing_reason_text == "matched: pricing, api; open load 2 h of 6 h"
    with translation.override("de"):
        assert request.routing_reason_text  # rendered when read, in the reader's language


def test_nobody_suitable_is_unroutable_with_counts(routed, team):
    today = timezone.localdate()
    for expert in (team.expert, team.expert2):
        Absence.objects.create(user=expert, starts_on=today, ends_on=today)
    request = routed()
    assert request.status == Status.UNROUTABLE
    assert "2 absent" in request.routing_reason_text
    assert request.reserved_hours == 0


def test_routing_twice_assigns_once(routed, team):
    request = routed()
    assert services.request_route(request_id=request.pk) == "skipped"
    assert BudgetEntry.objects.filter(request=request, kind=BudgetEntry.Kind.RESERVE).count() == 1
    assert request.events.filter(to_status=Status.ASSIGNED).count() == 1


def test_submit_routes_after_commit(make_request, team, budget, django_capture_on_commit_callbacks):
    budget(10)
    request = make_request()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.request_submit(request=request, actor=team.requester)
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED  # nothing ran before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the (eager) routing task runs
    request.refresh_from_db()
    assert (request.status, request.assignee) == (Status.ASSIGNED, team.expert)
