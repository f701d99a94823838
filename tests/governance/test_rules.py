"""Every rule a model must keep to be published, one test per rule, plus a property:
any random hub and spoke draft either publishes or names the rules it breaks."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from governance import services
from governance.models import Activity, ModelType, OrganisationalModel, Spoke
from governance.validation import model_problems


def codes(model):
    return sorted({problem.code for problem in model_problems(model)})


def add_spoke(model, actor, discipline, hub):
    """Through the service, except a spoke in a hub's home discipline: the service refuses
    that, but a draft still gets there when a hub is put into a spoke's discipline, and
    publishing must then name it."""
    if model.hubs.filter(home_discipline=discipline).exists():
        return Spoke.objects.create(model=model, discipline=discipline, hub=hub)
    return services.spoke_save(model=model, actor=actor, discipline=discipline, hub=hub)


@pytest.fixture
def build(lead, disciplines):
    """build(type, hubs=[(slug, centre?)], spokes=[(slug, hub index or None)], raci=True)"""

    def make(model_type, hubs=(), spokes=(), raci=True):
        model = services.model_create(actor=lead, name="Rules", type=model_type)
        made = [
            services.hub_save(
                model=model,
                actor=lead,
                name=f"Hub {slug}",
                home_discipline=disciplines[slug],
                is_coordinating_centre=centre,
            )
            for slug, centre in hubs
        ]
        for slug, hub_index in spokes:
            hub = made[hub_index] if hub_index is not None else None
            add_spoke(model, lead, disciplines[slug], hub)
        if raci and (made or spokes):
            unit = made[0].home_discipline_id if made else disciplines[spokes[0][0]].pk
            services.responsibilities_update(
                model=model,
                actor=lead,
                changes=[services.CellChange(a.pk, unit, "", "AR") for a in Activity.objects.all()],
            )
        return model

    return make


def test_a_complete_hub_and_spoke_model_has_no_problems(make_model):
    assert model_problems(make_model()) == []


def test_hub_and_spoke_needs_exactly_one_hub(build):
    assert "hub_count" in codes(build(ModelType.HUB_AND_SPOKE, spokes=[("marketing", None)]))
    two = build(
        ModelType.HUB_AND_SPOKE, hubs=[("corporate-communications", False), ("marketing", False)], spokes=[("sales", 0)]
    )
    assert "hub_count" in codes(two)


def test_hub_and_spoke_every_spoke_hangs_off_the_hub(build):
    model = build(
        ModelType.HUB_AND_SPOKE, hubs=[("corporate-communications", False)], spokes=[("sales", 0), ("legal", None)]
    )
    problems = model_problems(model)
    assert [p.code for p in problems] == ["spoke_without_hub"]
    assert "Legal / Compliance / Risk" in str(problems[0].message)


def test_hub_and_spoke_needs_a_spoke_and_no_coordinating_centre(build):
    assert codes(build(ModelType.HUB_AND_SPOKE, hubs=[("corporate-communications", True)])) == [
        "centre_not_allowed",
        "no_spokes",
    ]


def test_multiple_hub_and_spoke_needs_two_hubs_and_a_centre(build):
    one = build(ModelType.MULTIPLE_HUB_AND_SPOKE, hubs=[("marketing", False)], spokes=[("sales", 0)])
    assert codes(one) == ["centre_count", "hub_count"]
    good = build(
        ModelType.MULTIPLE_HUB_AND_SPOKE,
        hubs=[("corporate-communications", True), ("marketing", False), ("sales", False)],
        spokes=[("legal", 1), ("it", 2)],
    )
    assert codes(good) == []


def test_centralized_has_one_owning_unit_and_no_spokes(build):
    assert codes(build(ModelType.CENTRALIZED, hubs=[("corporate-communications", False)])) == []
    model = build(ModelType.CENTRALIZED, hubs=[("corporate-communications", False)], spokes=[("sales", 0)])
    assert codes(model) == ["spokes_not_allowed"]
    assert "hub_count" in codes(build(ModelType.CENTRALIZED, spokes=[("sales", None)]))


def test_decentralized_has_no_hub(build):
    assert codes(build(ModelType.DECENTRALIZED, spokes=[("sales", None), ("marketing", None)])) == []
    assert "hubs_not_allowed" in codes(
        build(ModelType.DECENTRALIZED, hubs=[("corporate-communications", False)], spokes=[("sales", 0)])
    )


def test_holistic_needs_some_unit(build):
    assert codes(build(ModelType.HOLISTIC, raci=False)) == [
        "accountable_missing",
        "no_units",
        "responsible_missing",
    ]


def test_a_discipline_sits_in_at_most_one_place(build):
    model = build(
        ModelType.HUB_AND_SPOKE,
        hubs=[("corporate-communications", False)],
        spokes=[("corporate-communications", 0), ("sales", 0)],
    )
    problems = [p for p in model_problems(model) if p.code == "discipline_twice"]
    assert len(problems) == 1
    assert "Corporate Communications / PR" in str(problems[0].message)


def test_every_activity_has_exactly_one_accountable_and_a_responsible(make_model, lead, disciplines):
    model = make_model()
    crisis = Activity.objects.get(slug="crisis-communication")
    hub = disciplines["corporate-communications"].pk
    services.responsibilities_update(
        model=model,
        actor=lead,
        changes=[
            services.CellChange(crisis.pk, hub, "AR", "C"),
            services.CellChange(Activity.objects.get(slug="campaigns").pk, disciplines["marketing"].pk, "", "A"),
        ],
    )
    problems = model_problems(model)
    assert {(p.code, p.activity_id) for p in problems} == {
        ("accountable_missing", crisis.pk),
        ("responsible_missing", crisis.pk),
        ("accountable_many", Activity.objects.get(slug="campaigns").pk),
    }
    missing = next(p for p in problems if p.code == "accountable_missing")
    assert str(missing.message).startswith("“Crisis communication” has no Accountable")


def test_cells_of_disciplines_outside_the_model_do_not_count(make_model, lead, disciplines):
    model = make_model(complete_raci=False)
    spoke = model.spokes.get(discipline=disciplines["sales"])
    services.responsibilities_update(
        model=model,
        actor=lead,
        changes=[services.CellChange(a.pk, disciplines["sales"].pk, "", "AR") for a in Activity.objects.all()],
    )
    assert codes(model) == []
    services.spoke_remove(spoke=spoke, actor=lead)
    assert "accountable_missing" in codes(model)
    assert not model.responsibilities.exists()  # the leaving discipline took its cells along


HUB_SLUGS = ["corporate-communications", "marketing"]
SPOKE_SLUGS = ["marketing", "customer-service", "sales", "product", "legal", "it", "corporate-communications"]
ROLES = ["", "R", "A", "AR", "C", "I"]


def expected_problems(hub_count, spokes, cells, activity_count):
    """The publish rules of a hub and spoke model, stated again on the generated input alone
    (not through `model_problems`, the code under test): [(code, activity index or None)]."""
    hubs = HUB_SLUGS[:hub_count]
    spoke_slugs = [slug for slug, _attached in spokes]
    problems = []
    if hub_count != 1:
        problems.append(("hub_count", None))
    if not spokes:
        problems.append(("no_spokes", None))
    if any(not (hubs and attached) for _slug, attached in spokes):
        problems.append(("spoke_without_hub", None))
    problems += [("discipline_twice", None) for slug in hubs if slug in spoke_slugs]
    units = hubs + spoke_slugs
    roles = {}  # (activity index, unit slug) -> the last role written there
    for activity, unit, role in cells if units else ():
        roles[(activity, units[unit % len(units)])] = role
    for activity in range(activity_count):
        row = [role for (index, _unit), role in roles.items() if index == activity]
        accountable = sum(role in ("A", "AR") for role in row)
        if accountable == 0:
            problems.append(("accountable_missing", activity))
        elif accountable > 1:
            problems.append(("accountable_many", activity))
        if not any(role in ("R", "AR") for role in row):
            problems.append(("responsible_missing", activity))
    return sorted(problems)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    hub_count=st.integers(min_value=0, max_value=2),
    spokes=st.lists(st.tuples(st.sampled_from(SPOKE_SLUGS), st.booleans()), max_size=5, unique_by=lambda s: s[0]),
    cells=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7), st.sampled_from(ROLES)), max_size=30),
)
@example(hub_count=1, spokes=[("sales", True)], cells=[(activity, 0, "AR") for activity in range(12)])  # publishes
def test_random_hub_and_spoke_drafts_publish_or_name_the_rule(lead, disciplines, hub_count, spokes, cells):
    model = services.model_create(actor=lead, name="Random", type=ModelType.HUB_AND_SPOKE)
    hubs = [
        services.hub_save(model=model, actor=lead, name=f"Hub {i}", home_discipline=disciplines[slug])
        for i, slug in enumerate(HUB_SLUGS[:hub_count])
    ]
    for slug, attached in spokes:
        add_spoke(model, lead, disciplines[slug], hubs[0] if hubs and attached else None)
    units = [hub.home_discipline_id for hub in hubs] + [disciplines[slug].pk for slug, _ in spokes]
    activities = list(Activity.objects.all())
    assert len(activities) == 12  # the cells above address activities 0..11
    if units:
        latest = {(activities[a].pk, units[u % len(units)]): role for a, u, role in cells}
        services.responsibilities_update(
            model=model, actor=lead, changes=[services.CellChange(a, d, "", r) for (a, d), r in latest.items() if r]
        )
    expected = expected_problems(hub_count, spokes, cells, len(activities))
    position = {activity.pk: index for index, activity in enumerate(activities)}
    try:
        services.model_publish(model=model, actor=lead)
    except services.PublishRefused as refused:
        assert sorted((p.code, position.get(p.activity_id)) for p in refused.problems) == expected
        assert all(str(p.message) for p in refused.problems)
        model.refresh_from_db()
        assert model.status == OrganisationalModel.Status.DRAFT
    else:
        assert expected == []
        model.refresh_from_db()
        assert model.status == OrganisationalModel.Status.ACTIVE
        OrganisationalModel.objects.filter(pk=model.pk).update(status=OrganisationalModel.Status.ARCHIVED)
