"""Whom a requester may ask under each organisational model, and who gets the request."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from content_workflow import services
from content_workflow.models import BudgetEntry, ExpertInputRequest, Status
from content_workflow.routing import rank_candidates, request_scope
from content_workflow.selectors import askable_disciplines
from disciplines.models import Absence, Membership
from governance.models import ModelType, OrganisationalModel

F = Membership.Function
User = get_user_model()


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


def ranked(request):
    names = dict(User.objects.values_list("pk", "username"))
    return [names[c.user_id] for c in rank_candidates(request, today=timezone.localdate()).candidates]


def test_topic_overlap_comes_first(make_request, team, due, open_work):
    open_work(team.expert, 3)  # more load, but matches both tags (and 3 + 2.5 h fit 6 h)
    request = make_request(topic_tags=["pricing", "api"])
    assert ranked(request) == ["eva", "erik"]


def test_then_the_lowest_open_load(make_request, member, team, due, open_work):
    twin = member("product", F.EXPERT, tags=["pricing", "api"], capacity=6, username="zoe")
    open_work(team.expert, 2)
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


def test_asked_for_the_best_one_ranking_agrees_with_the_whole_list(
    make_request, member, team, open_work, django_assert_num_queries
):
    """Routing asks for one: first among those matching a topic (or named), then among
    everyone only when none of them has room. Either way, the same expert as the full list."""
    today = timezone.localdate()

    def best(request, queries):
        with django_assert_num_queries(queries):
            chosen = rank_candidates(request, today=today, limit=1).best.user_id
        assert chosen == rank_candidates(request, today=today).candidates[0].user_id
        return chosen

    asks_topics = make_request(topic_tags=["pricing", "api"])
    assert best(asks_topics, 2) == team.expert.pk  # who matches, then the ranking among them
    top_two = rank_candidates(asks_topics, today=today, limit=2).candidates
    assert [c.user_id for c in top_two] == [team.expert.pk, team.expert2.pk]  # one matches, one does not
    open_work(team.expert, 4)  # eva, the only one matching, has no room left for 2.5 h
    assert best(asks_topics, 3) == team.expert2.pk  # erik matches nothing but fits
    zoe = member("product", F.EXPERT, tags=["api"], capacity=6, username="zoe")
    assert best(asks_topics, 2) == zoe.pk
    named = make_request(topic_tags=["api"], preferred_expert=team.expert2)
    assert best(named, 2) == team.expert2.pk  # named, though zoe matches the topic
    no_topics = make_request(topic_tags=[])
    assert best(no_topics, 1) == team.expert2.pk  # the least open load (zoe joined later)


def test_absent_declined_and_busy_people_drop_out(make_request, member, team, due, open_work):
    today = timezone.localdate()
    Absence.objects.create(user=team.expert, starts_on=today - datetime.timedelta(days=1), ends_on=today)
    busy = member("product", F.EXPERT, tags=["pricing"], capacity=2, username="busy")
    open_work(busy, 2)
    Absence.objects.create(
        user=team.expert2, starts_on=today + datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=3)
    )
    request = make_request()
    ranking = rank_candidates(request, today=today)
    assert [c.user_id for c in ranking.candidates] == [team.expert2.pk]  # away only later
    open_work(team.expert2, 5)  # now nobody has room: the counts say why
    ranking = rank_candidates(request, today=today)
    assert ranking.candidates == []
    assert ranking.counts == {"experts": 3, "absent": 1, "declined": 0, "busy": 2}


def test_the_requester_is_never_their_own_expert(make_request, member, team):
    member("product", F.EXPERT, user=team.requester, tags=["pricing", "api"])
    assert "requester" not in ranked(make_request())


def test_the_reason_says_why(routed, team, due, open_work):
    open_work(team.expert, 2)
    request = routed()
    assert request.assignee == team.expert
    assert request.routing_reason_text == (
        "Their expertise covers the topics pricing, api. "
        "The 2.5 h of this request and the 2 h they already had open fit into their 6 h a week."
    )
    with translation.override("de"):  # rendered when read, in the reader's language and number format
        assert request.routing_reason_text == (
            "Die Expertise dieser Person deckt die Themen pricing, api ab. "
            "Die 2,5 h dieser Anfrage und die 2 h bereits offener Arbeit passen in ihre 6 h pro Woche."
        )


def test_older_reasons_still_read_as_sentences():
    from content_workflow.models.messages import describe

    old = {"code": "matched", "tags": [], "load": "1.5", "capacity": "3", "preferred": True}
    assert describe(old) == (
        "The requester asked for this expert. None of the request's topics matches their expertise; "
        "among those with room, they had the least open work. They had 1.5 h open of 3 h a week."
    )
    with translation.override("de"):
        assert describe(old).endswith("Offen waren 1,5 h von 3 h pro Woche.")


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


# --- Capacity: the estimate must fit the expert's week --------------------------------------


def test_a_request_goes_only_to_someone_it_fits(routed, team, due, open_work):
    open_work(team.expert, 5)  # eva matches best, but 5 + 4 h do not fit her 6 h
    request = routed(estimated_hours=Decimal(4))
    assert (request.status, request.assignee) == (Status.ASSIGNED, team.expert2)
    assert request.routing_reason_text == (
        "None of the request's topics matches their expertise; among those with room, they had the least open "
        "work. The 4 h of this request fit into their 6 h a week; nothing else was open."
    )


def test_a_request_that_exactly_fills_the_week_still_fits(routed, team, due, open_work):
    open_work(team.expert, 2)
    open_work(team.expert2, 3)
    request = routed(estimated_hours=Decimal(4))
    assert (request.status, request.assignee) == (Status.ASSIGNED, team.expert)


def test_nobody_with_room_is_unroutable_naming_the_nearest(routed, team, due, member, open_work):
    from content_workflow.services.notifications import display_name

    open_work(team.expert, 5)
    open_work(team.expert2, Decimal("3.5"))
    full = member("product", F.EXPERT, capacity=2, username="full")
    open_work(full, 2)
    request = routed(estimated_hours=Decimal(4))
    assert (request.status, request.assignee, request.reserved_hours) == (Status.UNROUTABLE, None, 0)
    reason = request.routing_reason
    assert (reason["code"], reason["busy"], reason["hours"]) == ("no_candidates", 3, "4")
    assert [person["name"] for person in reason["nearest"]] == [  # by id, named when read
        {"user": team.expert2.pk},  # 2.5 h free
        {"user": team.expert.pk},  # 1 h free
        {"user": full.pk},  # none
    ]
    text = request.routing_reason_text
    assert "3 without room in their weekly capacity" in text
    assert (
        f"Closest to having room for 4 h: {display_name(team.expert2)} (3.5 h open of 6 h a week), "
        f"{display_name(team.expert)} (5 h open of 6 h a week)" in text
    )
    with translation.override("de"):
        german = request.routing_reason_text
    assert "Wochenkapazität" in german and display_name(team.expert2) in german


def test_a_manager_may_overbook_with_a_warning_on_record(routed, team, due, open_work):
    from content_workflow.models.messages import describe
    from content_workflow.services.notifications import display_name

    open_work(team.expert, 5)
    open_work(team.expert2, 5)
    request = routed(estimated_hours=Decimal(4))
    assert request.status == Status.UNROUTABLE
    request = services.request_reassign(request=request, actor=team.manager, expert=team.expert)
    request = ExpertInputRequest.objects.get(pk=request.pk)
    assert (request.status, request.assignee) == (Status.ASSIGNED, team.expert)
    warning = request.capacity_warning
    assert "Over capacity" in warning and "5 h open and takes 4 h more, with 6 h a week" in warning
    event = request.events.get(to_status=Status.ASSIGNED)  # on the timeline
    name = display_name(team.expert)
    assert event.data["overbooked"] == {"name": {"user": team.expert.pk}, "load": "5", "hours": "4", "capacity": "6"}
    assert event.data["manager"] == {"user": team.manager.pk}  # by id, named when read
    assert f"Over capacity: {name} has 5 h open" in describe(event.data)
    assert f"Chosen by {display_name(team.manager)}." in describe(event.data)


def test_a_manager_pick_within_capacity_carries_no_warning(routed, team):
    request = routed()
    request = services.request_reassign(request=request, actor=team.manager, expert=team.expert2)
    request = ExpertInputRequest.objects.get(pk=request.pk)
    assert request.capacity_warning is None
    assert "overbooked" not in request.routing_reason


# --- Cost: a bounded number of queries, whatever the size of the discipline ----------------


def _route_counting(make_request, team, experts, member):
    """Route one request in a discipline grown to `experts` experts (some absent, some
    with open work, all with expertise); return the number of queries it took."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    have = Membership.objects.filter(discipline=team.product, function=F.EXPERT).count()
    for number in range(have, experts):
        expert = member("product", F.EXPERT, tags=["security", f"tag{number}"], capacity=6)
        if number % 5 == 0:
            Absence.objects.create(user=expert, starts_on=today, ends_on=today)
    request = make_request()
    services.request_submit(request=request, actor=team.requester)
    with CaptureQueriesContext(connection) as queries:
        assert services.request_route(request_id=request.pk) == "assigned"
    return len(queries)


def test_routing_costs_the_same_few_queries_for_5_and_50_experts(make_request, team, budget, member):
    budget(40)
    small = _route_counting(make_request, team, 5, member)
    large = _route_counting(make_request, team, 50, member)
    assert small == large
    # 14, not 16: the claim's and the assignment's events are one insert, and the
    # assignee's name, e-mail and e-mail choice come with the ranking row. One of them
    # reads who matches the request's topics, so that the ranking reads only them.
    assert large <= 14, large
