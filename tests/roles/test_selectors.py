"""Gap analysis and staffing: what pages and the API will show."""

import datetime

import pytest
from django.utils import timezone

from governance import services as governance_services
from governance.models import ModelType
from roles import services
from roles.selectors import current_assignment, gap_analysis, hydrate_shortfalls, staffing

# --- Gap analysis ---------------------------------------------------------------------------


@pytest.fixture
def junior_cm(team, active, lead, profiles, disciplines, days_ago):
    """The expert is a junior community manager in marketing (required: CM level minus one)."""
    return services.assignment_create(
        actor=lead,
        user=team["expert"],
        profile=profiles["community-manager"],
        seniority="junior",
        discipline=disciplines["marketing"],
        since=days_ago(200),
    )


@pytest.fixture
def assess(team, competencies):
    def record(slug, level, *, by="manager", on=None):
        return services.assessment_record(
            actor=team[by],
            person=team["expert"],
            competency=competencies[slug],
            level=level,
            **({"assessed_on": on} if on else {}),
        )

    return record


@pytest.fixture
def analysed(junior_cm, assess, days_ago):
    assess("community-moderation", 1, on=days_ago(10))  # required 4: gap 3
    assess("social-platforms", 2, on=days_ago(10))  # required 4: gap 2 ...
    assess("social-platforms", 4, by="expert", on=days_ago(5))  # ... the self view does not override it
    assess("dialog-empathy", 3, by="expert", on=days_ago(5))  # self only, required 4: gap 1
    assess("resilience", 2, on=days_ago(90))
    assess("resilience", 4, on=days_ago(9))  # the latest counts: gap 0
    assess("writing-style", 5, on=days_ago(8))  # above the requirement: gap -1


def test_gaps_are_listed_largest_first(analysed, team):
    analysis = gap_analysis(viewer=team["manager"], person=team["expert"])
    assert analysis.assignment.profile.slug == "community-manager"
    assessed = [(row.competency.slug, row.required, row.level, row.gap) for row in analysis.rows if row.gap is not None]
    assert assessed == [
        ("community-moderation", 4, 1, 3),
        ("social-platforms", 4, 2, 2),
        ("dialog-empathy", 4, 3, 1),
        ("resilience", 4, 4, 0),
        ("writing-style", 4, 5, -1),
    ]
    assert len(analysis.rows) == 24
    unassessed = analysis.rows[5:]
    assert all(row.gap is None and row.level is None for row in unassessed)
    assert unassessed[0].competency.slug == "content-creation"  # then in matrix order
    assert [row.competency.slug for row in analysis.shortfalls] == [
        "community-moderation",
        "social-platforms",
        "dialog-empathy",
    ]
    assert analysis.falls_short


def test_self_and_manager_views_side_by_side(analysed, team):
    rows = {row.competency.slug: row for row in gap_analysis(viewer=team["expert"], person=team["expert"]).rows}
    platforms = rows["social-platforms"]
    assert (platforms.assessment.level, platforms.self_assessment.level, platforms.level) == (2, 4, 2)
    assert platforms.assessment.assessed_by == team["manager"] and platforms.self_assessment.is_self
    empathy = rows["dialog-empathy"]
    assert empathy.assessment is None and empathy.is_self_only and empathy.gap == 1
    assert rows["community-moderation"].self_assessment is None


def test_suggested_focus_groups_top_gaps_of_one_category(analysed, team):
    focus = gap_analysis(viewer=team["manager"], person=team["expert"]).focus
    assert [(f.category and f.category.slug, [c.slug for c in f.competencies], f.gap) for f in focus] == [
        ("professional", ["community-moderation", "social-platforms"], 3),
        (None, ["dialog-empathy"], 1),
    ]
    assert [f.label for f in focus] == ["Professional competence", "Dialog and empathy"]


def test_focus_lists_single_competencies_from_different_categories(junior_cm, assess, team):
    assess("community-moderation", 1)  # professional, gap 3
    assess("kpi-reporting", 1)  # methodological (CM 3 -> junior 2), gap 1
    assess("intuition", 2)  # personal (CM 4 -> junior 3), gap 1
    assess("dialog-empathy", 2)  # social (junior 4), gap 2
    assess("seo-sea", 1)  # junior 1: no gap
    focus = gap_analysis(viewer=team["manager"], person=team["expert"]).focus
    assert [(f.category, [c.slug for c in f.competencies]) for f in focus] == [
        (None, ["community-moderation"]),
        (None, ["dialog-empathy"]),
        (None, ["kpi-reporting"]),
    ]


def test_on_the_same_day_the_later_record_counts(junior_cm, assess, team):
    assess("law", 1)
    assess("law", 3)
    row = next(
        r for r in gap_analysis(viewer=team["manager"], person=team["expert"]).rows if r.competency.slug == "law"
    )
    assert (row.required, row.level, row.gap) == (2, 3, -1)


def test_history_lists_every_assessment_oldest_first(analysed, team, days_ago):
    history = gap_analysis(viewer=team["manager"], person=team["expert"]).history
    assert len(history) == 7
    dates = [a.assessed_on for a in history]
    assert dates == sorted(dates) and dates[0] == days_ago(90)
    assert [a.level for a in history if a.competency.slug == "resilience"] == [2, 4]


def test_required_levels_follow_the_seniority(team, active, lead, profiles, disciplines, assess, days_ago):
    services.assignment_create(
        actor=lead,
        user=team["expert"],
        profile=profiles["community-manager"],
        seniority="senior",
        discipline=disciplines["marketing"],
    )
    assess("law", 3)  # CM 3: senior 4
    row = next(r for r in gap_analysis(viewer=lead, person=team["expert"]).rows if r.competency.slug == "law")
    assert (row.required, row.gap) == (4, 1)


def test_without_an_assignment_there_is_no_gap_but_there_is_history(team, assess, lead):
    assess("law", 3)
    analysis = gap_analysis(viewer=lead, person=team["expert"])
    assert analysis.assignment is None and analysis.rows == [] and analysis.focus == []
    assert len(analysis.history) == 1


def test_the_current_assignment_is_the_latest_one_started(team, active, lead, profiles, disciplines, days_ago):
    fields = {"actor": lead, "user": team["expert"], "discipline": disciplines["marketing"]}
    services.assignment_create(**fields, profile=profiles["social-media-consultant"], since=days_ago(100))
    newer = services.assignment_create(
        **fields, profile=profiles["social-media-manager"], seniority="junior", since=days_ago(5)
    )
    services.assignment_create(
        **fields, profile=profiles["community-manager"], seniority="junior", since=datetime.date(2999, 1, 1)
    )
    assert current_assignment(team["expert"]) == newer


# --- Staffing -------------------------------------------------------------------------------


def assign(lead, user, profile, discipline, seniority=None, **fields):
    return services.assignment_create(
        actor=lead, user=user, profile=profile, discipline=discipline, seniority=seniority, **fields
    )


def vacancies(result):
    return sorted((v.unit.discipline.slug, v.profile.slug) for v in result.vacancies)


def test_no_staffing_without_an_active_model(lead):
    assert staffing(viewer=lead) is None


def test_every_unit_is_vacant_at_first(active, lead):
    result = staffing(viewer=lead)
    assert [row.unit.discipline.slug for row in result.units] == [
        "corporate-communications",
        "marketing",
        "customer-service",
        "sales",
    ]
    assert vacancies(result) == [
        ("corporate-communications", "social-media-manager"),
        ("customer-service", "community-manager"),
        ("marketing", "community-manager"),
        ("sales", "community-manager"),
    ]


def test_holders_grouped_by_profile_fill_vacancies(active, lead, team, profiles, disciplines, make_user):
    hub = disciplines["corporate-communications"]
    assign(lead, team["communicator"], profiles["community-manager"], hub, "senior")
    assign(lead, lead, profiles["social-media-consultant"], hub)
    team["communicator"].last_name = "Wagner"
    team["communicator"].save(update_fields=["last_name"])
    second = make_user(username="second", last_name="Becker")
    assign(lead, second, profiles["community-manager"], hub, "junior")
    assign(lead, team["other_manager"], profiles["social-media-manager"], hub, "senior")
    assign(lead, team["other_expert"], profiles["community-manager"], disciplines["marketing"], "junior")

    result = staffing(viewer=lead)
    hub_row = result.units[0]
    assert [(profile.slug, [a.user.username for a in held]) for profile, held in hub_row.holders] == [
        ("community-manager", ["second", "communicator"]),
        ("social-media-manager", ["other_manager"]),
        ("social-media-consultant", ["lead"]),
    ]
    assert vacancies(result) == [("customer-service", "community-manager"), ("sales", "community-manager")]


def test_ended_and_future_assignments_do_not_staff_a_unit(active, lead, team, profiles, disciplines, days_ago):
    hub = disciplines["corporate-communications"]
    ended = assign(lead, team["communicator"], profiles["social-media-manager"], hub, "senior", since=days_ago(30))
    services.assignment_end(actor=lead, assignment=ended, until=days_ago(1))
    future = timezone.localdate() + datetime.timedelta(days=30)
    assign(lead, team["expert"], profiles["social-media-manager"], hub, "junior", since=future)
    result = staffing(viewer=lead)
    assert result.units[0].holders == []
    assert ("corporate-communications", "social-media-manager") in vacancies(result)
    services.assignment_end(actor=lead, assignment=assign(lead, lead, profiles["social-media-manager"], hub, "senior"))
    # ended today: still held today
    assert ("corporate-communications", "social-media-manager") not in vacancies(staffing(viewer=lead))


def test_spokes_need_no_community_manager_outside_hub_and_spoke_models(lead, disciplines):
    decentralized = governance_services.model_create(actor=lead, name="Organic", type=ModelType.DECENTRALIZED)
    governance_services.spoke_save(model=decentralized, actor=lead, discipline=disciplines["marketing"])
    assert vacancies(staffing(viewer=lead, model=decentralized)) == []
    centralized = governance_services.model_create(actor=lead, name="Central", type=ModelType.CENTRALIZED)
    governance_services.hub_save(
        model=centralized, actor=lead, name="Central unit", home_discipline=disciplines["corporate-communications"]
    )
    assert vacancies(staffing(viewer=lead, model=centralized)) == [("corporate-communications", "social-media-manager")]


def test_assignments_outside_the_model_and_moved_units(active, lead, team, profiles, disciplines):
    smm = assign(
        lead, team["communicator"], profiles["social-media-manager"], disciplines["corporate-communications"], "senior"
    )
    sales_cm = assign(lead, team["expert"], profiles["community-manager"], disciplines["sales"], "junior")
    # A later version: corporate communications becomes a spoke, sales leaves the model.
    draft = governance_services.model_create(actor=lead, name="Organic", type=ModelType.DECENTRALIZED)
    governance_services.spoke_save(model=draft, actor=lead, discipline=disciplines["corporate-communications"])
    result = staffing(viewer=lead, model=draft)
    assert result.outside == [sales_cm]
    assert result.units[0].moved == [smm]


def test_people_who_fall_short(analysed, lead, team, profiles, disciplines, competencies):
    """The expert falls short; the communicator, assessed at their levels, does not."""
    assign(lead, team["communicator"], profiles["social-media-consultant"], disciplines["corporate-communications"])
    services.assessment_record(actor=lead, person=team["communicator"], competency=competencies["strategy"], level=5)
    result = staffing(viewer=lead)
    assert [s.person for s in hydrate_shortfalls(result.shortfalls)] == [team["expert"]]
    shortfall = result.shortfalls[0]
    assert shortfall.largest_gap == 3
    assert [(c.slug, required, level, gap) for c, required, level, gap in shortfall.gaps] == [
        ("community-moderation", 4, 1, 3),
        ("social-platforms", 4, 2, 2),
        ("dialog-empathy", 4, 3, 1),
    ]


def test_shortfalls_only_show_what_the_viewer_may_see(analysed, team):
    assert [s.person for s in hydrate_shortfalls(staffing(viewer=team["manager"]).shortfalls)] == [team["expert"]]
    assert [s.person for s in hydrate_shortfalls(staffing(viewer=team["expert"]).shortfalls)] == [team["expert"]]
    for viewer in (team["other_manager"], team["other_expert"], team["communicator"]):
        result = staffing(viewer=viewer)
        assert result.shortfalls == []
        # who holds which profile is not private
        assert [a.user for _p, held in result.units[1].holders for a in held] == [team["expert"]]
