"""The default profiles and matrix from DOMAIN.md, loaded by the data migration."""

import pytest
from django.utils import translation

from roles import defaults, services
from roles.defaults import DEFAULT_COMPETENCIES, ensure_default_matrix, level_for
from roles.models import Competency, CompetencyCategory, JobProfile, RequiredLevel, Seniority
from roles.selectors import competency_matrix


def load_defaults():
    ensure_default_matrix(JobProfile, CompetencyCategory, Competency, RequiredLevel)


def test_three_profiles_with_their_seniorities(profiles):
    assert list(profiles) == ["community-manager", "social-media-manager", "social-media-consultant"]
    assert profiles["community-manager"].seniorities == [Seniority.JUNIOR, Seniority.SENIOR]
    assert profiles["social-media-manager"].seniorities == [Seniority.JUNIOR, Seniority.SENIOR]
    assert profiles["social-media-consultant"].seniorities == [Seniority.NONE]
    for profile in profiles.values():
        assert profile.description and profile.description_de
        assert profile.responsibilities and profile.responsibilities_de


def test_four_categories_and_every_default_competency(db):
    categories = list(CompetencyCategory.objects.values_list("slug", flat=True))
    assert categories == ["professional", "methodological", "social", "personal"]
    assert Competency.objects.count() == len(DEFAULT_COMPETENCIES) == 24
    per_category = {slug: Competency.objects.filter(category__slug=slug).count() for slug in categories}
    assert per_category == {"professional": 7, "methodological": 6, "social": 5, "personal": 6}


def test_the_matrix_is_complete(db):
    """Every profile, in every seniority it is held in, has a level for every competency."""
    matrix = competency_matrix()
    assert [column.label for column in matrix.columns] == [
        "Community Manager (Junior)",
        "Community Manager (Senior)",
        "Social Media Manager (Junior)",
        "Social Media Manager (Senior)",
        "Social Media Consultant",
    ]
    assert matrix.missing() == []
    assert RequiredLevel.objects.count() == 24 * 5
    assert all(1 <= level <= 5 for level in matrix.cells.values())


def test_levels_follow_the_domain_table_and_the_seniority_rule(profiles, competencies):
    def level(profile, competency, seniority):
        return RequiredLevel.objects.get(
            profile=profiles[profile], competency=competencies[competency], seniority=seniority
        ).level

    # community moderation: CM 5, SMM 3, SMC 2
    assert level("community-manager", "community-moderation", "senior") == 5  # capped at 5
    assert level("community-manager", "community-moderation", "junior") == 4
    assert level("social-media-manager", "community-moderation", "senior") == 4
    assert level("social-media-manager", "community-moderation", "junior") == 2
    assert level("social-media-consultant", "community-moderation", "none") == 2
    # SEO/SEA: CM 2 -> junior 1; strategy: SMM 5 -> senior stays 5
    assert level("community-manager", "seo-sea", "junior") == 1
    assert level("social-media-manager", "strategy", "senior") == 5
    assert (level_for(1, "junior"), level_for(5, "senior"), level_for(3, "none")) == (1, 5, 3)
    stored = {
        (p, c, s): lvl
        for p, c, s, lvl in RequiredLevel.objects.values_list("profile__slug", "competency__slug", "seniority", "level")
    }
    assert stored == defaults.default_levels()


def test_default_content_is_bilingual(profiles, competencies):
    consultant = profiles["social-media-consultant"]
    strategy = competencies["strategy"]
    assert all(c.name_de for c in competencies.values())
    assert all(c.name_de for c in CompetencyCategory.objects.all())
    assert (strategy.label, strategy.category.label) == ("Strategy development", "Methodological competence")
    with translation.override("de"):
        assert (strategy.label, strategy.category.label) == ("Strategieentwicklung", "Methodenkompetenz")
        assert consultant.text.startswith("Entwickelt Strategien")
        assert consultant.responsibilities_text == consultant.responsibilities_de


def test_loading_again_adds_only_what_is_missing(lead, profiles, competencies):
    manager = profiles["social-media-manager"]
    services.profile_update(actor=lead, profile=manager, description="Our own words.")
    services.required_level_set(
        actor=lead, profile=manager, competency=competencies["seo-sea"], seniority="senior", level=1
    )
    RequiredLevel.objects.filter(competency=competencies["intuition"], seniority="none").delete()
    count = RequiredLevel.objects.count()

    load_defaults()

    assert RequiredLevel.objects.count() == count + 1  # the deleted consultant cell is back
    manager.refresh_from_db()
    assert manager.description == "Our own words."
    assert RequiredLevel.objects.get(profile=manager, competency=competencies["seo-sea"], seniority="senior").level == 1
    assert JobProfile.objects.count() == 3 and Competency.objects.count() == 24
    load_defaults()
    assert RequiredLevel.objects.count() == count + 1


@pytest.mark.parametrize("renamed", ["slug", "name"])
def test_a_lead_row_with_a_default_name_or_slug_is_reused(lead, competencies, renamed):
    competency = competencies["intuition"]
    if renamed == "slug":
        Competency.objects.filter(pk=competency.pk).update(slug="gut-feeling")
    else:
        Competency.objects.filter(pk=competency.pk).update(name="Gut feeling")
    load_defaults()
    assert Competency.objects.count() == 24
