"""Every list and matrix costs a fixed number of queries, however many rows there are.

Each test measures, adds rows, and measures again with the same expected count. The
viewer's roles are read once beforehand: they are cached on the user per request.
"""

import pytest

from governance.access import roles_of
from roles import selectors, services
from roles.selectors import (
    assessment_list,
    assignment_list,
    category_list,
    competency_list,
    competency_matrix,
    gap_analysis,
    hydrate_shortfalls,
    required_level_list,
    staffing,
)


@pytest.fixture
def lead_viewer(lead):
    roles_of(lead)
    return lead


def render_matrix():
    matrix = competency_matrix()
    return [
        (str(category), str(competency), [(column.label, level) for column, level in cells])
        for category, competency, cells in matrix.rows()
    ]


def test_the_matrix_query_count_is_constant(django_assert_num_queries, lead):
    with django_assert_num_queries(4):
        before = render_matrix()
    category = services.category_save(actor=lead, name="Digital competence")
    for name in ("Short video", "Live streaming", "Creator relations"):
        services.competency_save(actor=lead, category=category, name=name)
    with django_assert_num_queries(4):
        after = render_matrix()
    assert len(after) == len(before) + 3


def test_catalogue_lists_query_count_is_constant(django_assert_num_queries, lead):
    def render():
        return (
            [(str(c), [str(x) for x in c.competencies.all()]) for c in category_list()],
            [(str(c), str(c.category)) for c in competency_list()],
            [(str(r.profile), str(r.competency), str(r.competency.category), r.level) for r in required_level_list()],
        )

    with django_assert_num_queries(4):
        render()
    category = services.category_save(actor=lead, name="Digital competence")
    services.competency_save(actor=lead, category=category, name="Short video")
    with django_assert_num_queries(4):
        render()


def add_people(make_user, lead, profiles, disciplines, competencies, count, start):
    units = ["corporate-communications", "marketing", "customer-service", "sales"]
    for n in range(start, start + count):
        person = make_user(username=f"person{n}")
        services.assignment_create(
            actor=lead,
            user=person,
            profile=profiles["community-manager"],
            seniority="junior",
            discipline=disciplines[units[n % len(units)]],
        )
        for slug, level in (("law", 1), ("strategy", 1), ("intuition", 4)):
            services.assessment_record(actor=lead, person=person, competency=competencies[slug], level=level)
        services.assessment_record(actor=person, person=person, competency=competencies["law"], level=5)


def render_staffing(result):
    return (
        [
            (
                row.unit.name,
                str(row.unit.discipline),
                str(row.unit.person),
                [
                    (str(p), [(a.user.get_full_name(), a.profile_label, str(a.discipline)) for a in held])
                    for p, held in row.holders
                ],
                [(str(v.profile), str(v.message)) for v in row.vacancies],
                row.moved,
            )
            for row in result.units
        ],
        [
            (str(s.person), s.assignment.profile_label, [(str(c), str(c.category), g) for c, _r, _l, g in s.gaps])
            for s in hydrate_shortfalls(result.shortfalls)
        ],
        [str(a) for a in result.outside],
    )


def test_staffing_query_count_is_constant(
    django_assert_num_queries, active, lead_viewer, make_user, profiles, disciplines, competencies
):
    add_people(make_user, lead_viewer, profiles, disciplines, competencies, 2, 0)
    # Eleven: model, units (2), profiles, the first holders and their totals (2), the
    # holders' levels (4: assignments, required levels, their competencies, assessments),
    # the shortfalls' people.
    with django_assert_num_queries(11):
        before = render_staffing(staffing(viewer=lead_viewer))
    add_people(make_user, lead_viewer, profiles, disciplines, competencies, 6, 2)
    with django_assert_num_queries(11):
        after = render_staffing(staffing(viewer=lead_viewer))
    assert (len(before[1]), len(after[1])) == (2, 8)


def test_staffing_reads_every_holder_only_when_many_are_assessed(
    django_assert_num_queries, monkeypatch, make_user, active, lead_viewer, profiles, disciplines, competencies
):
    add_people(make_user, lead_viewer, profiles, disciplines, competencies, 4, 0)
    few = render_staffing(staffing(viewer=lead_viewer))  # the four assessed people's assignments only
    monkeypatch.setattr(selectors, "FEW_ASSESSED", 3)  # now four are many: every holder's
    assert render_staffing(staffing(viewer=lead_viewer)) == few
    assert len(few[1]) == 4
    # Someone who sees nobody's assessments: no assignments, levels or people read for shortfalls.
    outsider = make_user(username="outsider")
    roles_of(outsider)
    with django_assert_num_queries(7):
        assert staffing(viewer=outsider).shortfalls == []


def render_analysis(analysis):
    return (
        [
            (
                str(row.competency),
                str(row.competency.category),
                row.required,
                row.gap,
                row.assessment and str(row.assessment.assessed_by),
                row.self_assessment and row.self_assessment.level,
            )
            for row in analysis.rows
        ],
        [f.label for f in analysis.focus],
        [(str(a.competency), str(a.competency.category), str(a.assessed_by), a.level) for a in analysis.history],
    )


def test_gap_analysis_query_count_is_constant(
    django_assert_num_queries, team, active, lead, profiles, disciplines, competencies
):
    manager, expert = team["manager"], team["expert"]
    roles_of(manager)
    services.assignment_create(
        actor=lead,
        user=expert,
        profile=profiles["community-manager"],
        seniority="junior",
        discipline=disciplines["sales"],
    )
    services.assessment_record(actor=manager, person=expert, competency=competencies["law"], level=1)
    with django_assert_num_queries(3):
        render_analysis(gap_analysis(viewer=manager, person=expert))
    for slug in ("strategy", "intuition", "seo-sea", "community-moderation"):
        services.assessment_record(actor=manager, person=expert, competency=competencies[slug], level=2)
        services.assessment_record(actor=expert, person=expert, competency=competencies[slug], level=3)
    with django_assert_num_queries(3):
        analysis = render_analysis(gap_analysis(viewer=manager, person=expert))
    assert len(analysis[2]) == 9


def test_assessment_and_assignment_lists_query_count_is_constant(
    django_assert_num_queries, team, active, lead, profiles, disciplines, competencies, make_user
):
    manager = team["manager"]
    roles_of(manager)

    def render():
        return (
            [
                (str(a.user), str(a.competency), str(a.competency.category), str(a.assessed_by), a.level)
                for a in assessment_list(manager)
            ],
            [(str(a.user), a.profile_label, str(a.discipline), str(a.created_by)) for a in assignment_list(manager)],
        )

    add_people(make_user, lead, profiles, disciplines, competencies, 1, 0)
    services.assessment_record(actor=manager, person=team["expert"], competency=competencies["law"], level=1)
    with django_assert_num_queries(2):
        before = render()
    add_people(make_user, lead, profiles, disciplines, competencies, 3, 1)
    for slug in ("strategy", "intuition"):
        services.assessment_record(actor=manager, person=team["expert"], competency=competencies[slug], level=2)
        services.assessment_record(actor=team["expert"], person=team["expert"], competency=competencies[slug], level=2)
    with django_assert_num_queries(2):
        after = render()
    assert (len(before[0]), len(after[0])) == (1, 5)  # the manager sees only the expert's
    assert (len(before[1]), len(after[1])) == (1, 4)
