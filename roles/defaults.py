"""The default job profiles and competency matrix from DOMAIN.md, in English and German.

Loaded by a data migration (so every installation starts with it) and by seed_demo
(so a flushed test database gets it back). It only adds what is missing: whatever a
governance lead edited or set stays as they left it.

DOMAIN.md rates each competency per profile (CM, SMM, SMC). The community manager and
the social media manager are held junior or senior: the senior variant needs one level
more where the cell is below 5, the junior variant one less where it is above 1. The
consultant has no variants. Levels are computed here once and stored per seniority, so
a lead edits each cell on its own afterwards.
"""

JUNIOR, SENIOR, NONE = "junior", "senior", "none"

# slug, has seniorities, (name, name_de), (description, description_de), (responsibilities, responsibilities_de)
DEFAULT_PROFILES = [
    (
        "community-manager",
        True,
        ("Community Manager", "Community Manager"),
        (
            "In direct dialog with the community every day: builds, activates, moderates and measures it, knows "
            "its mood and its topics, and is the first to see a crisis coming.",
            "Täglich im direkten Dialog mit der Community: baut sie auf, aktiviert, moderiert und misst sie, kennt "
            "ihre Stimmung und ihre Themen und sieht eine Krise als Erste oder Erster kommen.",
        ),
        (
            "Answer and moderate in the company's channels; build and activate the community; watch its mood and "
            "topics and report them; escalate early when a crisis builds up; bring the experts' input to the "
            "community and the community's questions to the experts.",
            "In den Kanälen des Unternehmens antworten und moderieren; die Community aufbauen und aktivieren; "
            "Stimmung und Themen beobachten und berichten; früh eskalieren, wenn sich eine Krise anbahnt; den "
            "Input der Fachleute in die Community und die Fragen der Community zu den Fachleuten bringen.",
        ),
    ),
    (
        "social-media-manager",
        True,
        ("Social Media Manager", "Social Media Manager"),
        (
            "Owns the strategic frame: plans, coordinates and checks all social activity across channels and "
            "disciplines, drives change inside the company, and answers for the quality of content, monitoring "
            "and reporting.",
            "Verantwortet den strategischen Rahmen: plant, koordiniert und prüft alle Social-Media-Aktivitäten "
            "über Kanäle und Disziplinen hinweg, treibt den Wandel im Unternehmen und steht für die Qualität der "
            "Inhalte, das Monitoring und das Reporting ein.",
        ),
        (
            "Plan and coordinate social activity across channels and disciplines; set editorial standards and "
            "check content quality; run monitoring and report to management; manage change inside the company; "
            "plan budgets and tools with the disciplines.",
            "Social-Media-Aktivitäten über Kanäle und Disziplinen planen und koordinieren; redaktionelle "
            "Standards setzen und die Qualität der Inhalte prüfen; Monitoring betreiben und an das Management "
            "berichten; den Wandel im Unternehmen steuern; Budgets und Tools mit den Disziplinen planen.",
        ),
    ),
    (
        "social-media-consultant",
        False,
        ("Social Media Consultant", "Social Media Consultant"),
        (
            "Conceives strategies and concepts, advises the disciplines and management, and introduces "
            "governance, guidelines and organisational models.",
            "Entwickelt Strategien und Konzepte, berät die Disziplinen und das Management und führt Governance, "
            "Richtlinien und Organisationsmodelle ein.",
        ),
        (
            "Develop social media strategies and concepts tied to business goals; advise disciplines and "
            "management; introduce governance, guidelines and the organisational model; train and run workshops.",
            "Social-Media-Strategien und -Konzepte entwickeln, die an den Unternehmenszielen ausgerichtet sind; "
            "Disziplinen und Management beraten; Governance, Richtlinien und das Organisationsmodell einführen; "
            "schulen und Workshops leiten.",
        ),
    ),
]

# slug, (name, name_de), (description, description_de)
DEFAULT_CATEGORIES = [
    (
        "professional",
        ("Professional competence", "Fachkompetenz"),
        (
            "Knowledge of platforms, tools, law and the communication trade.",
            "Wissen über Plattformen, Werkzeuge, Recht und das Kommunikationshandwerk.",
        ),
    ),
    (
        "methodological",
        ("Methodological competence", "Methodenkompetenz"),
        (
            "Ways of working: strategy, planning, measurement, processes, teaching.",
            "Arbeitsweisen: Strategie, Planung, Messung, Prozesse, Vermittlung.",
        ),
    ),
    (
        "social",
        ("Social competence", "Sozialkompetenz"),
        (
            "Dealing with people inside and outside the company.",
            "Der Umgang mit Menschen innerhalb und außerhalb des Unternehmens.",
        ),
    ),
    (
        "personal",
        ("Personal competence", "Persönliche Kompetenz"),
        ("Traits and habits of the person.", "Eigenschaften und Gewohnheiten der Person."),
    ),
]

# category slug, slug, (name, name_de), (CM, SMM, SMC)
DEFAULT_COMPETENCIES = [
    (
        "professional",
        "social-platforms",
        ("Social platforms and their mechanics", "Soziale Plattformen und ihre Mechanik"),
        (5, 4, 4),
    ),
    (
        "professional",
        "content-creation",
        ("Content creation and editing", "Erstellung und Redaktion von Inhalten"),
        (4, 4, 3),
    ),
    ("professional", "community-moderation", ("Community moderation", "Community-Moderation"), (5, 3, 2)),
    ("professional", "monitoring-tools", ("Monitoring and analytics tools", "Monitoring- und Analysetools"), (3, 4, 3)),
    (
        "professional",
        "law",
        ("Law: privacy, copyright, competition", "Recht: Datenschutz, Urheberrecht, Wettbewerbsrecht"),
        (3, 4, 4),
    ),
    (
        "professional",
        "marketing-basics",
        ("Marketing and communication basics", "Grundlagen von Marketing und Kommunikation"),
        (3, 4, 5),
    ),
    ("professional", "seo-sea", ("SEO/SEA basics", "Grundlagen SEO/SEA"), (2, 3, 3)),
    ("methodological", "strategy", ("Strategy development", "Strategieentwicklung"), (2, 5, 5)),
    (
        "methodological",
        "campaign-planning",
        ("Concept and campaign planning", "Konzept- und Kampagnenplanung"),
        (2, 4, 5),
    ),
    ("methodological", "project-management", ("Project management", "Projektmanagement"), (2, 4, 4)),
    (
        "methodological",
        "kpi-reporting",
        ("Measurement and reporting (KPIs)", "Messung und Reporting (KPIs)"),
        (3, 5, 4),
    ),
    ("methodological", "process-design", ("Process design", "Prozessgestaltung"), (2, 4, 5)),
    ("methodological", "training", ("Training and workshops", "Schulungen und Workshops"), (2, 3, 5)),
    ("social", "dialog-empathy", ("Dialog and empathy", "Dialogfähigkeit und Empathie"), (5, 3, 3)),
    ("social", "diplomacy", ("Diplomatic skill", "Diplomatisches Geschick"), (4, 4, 4)),
    ("social", "conflict-crisis", ("Conflict and crisis handling", "Konflikt- und Krisenfähigkeit"), (5, 4, 3)),
    ("social", "internal-networking", ("Networking inside the company", "Vernetzung im Unternehmen"), (3, 5, 4)),
    (
        "social",
        "persuading-management",
        ("Persuading management", "Überzeugungskraft gegenüber dem Management"),
        (2, 5, 5),
    ),
    ("personal", "resilience", ("Resilience (“thick skin”)", "Belastbarkeit („dickes Fell“)"), (5, 4, 3)),
    ("personal", "intuition", ("Intuition", "Intuition"), (4, 3, 3)),
    ("personal", "stage-presence", ("Stage presence", "Auftrittskompetenz"), (3, 3, 4)),
    ("personal", "self-organisation", ("Self-organisation", "Selbstorganisation"), (4, 4, 4)),
    ("personal", "curiosity", ("Curiosity for new platforms", "Neugier auf neue Plattformen"), (4, 4, 4)),
    ("personal", "writing-style", ("Writing style", "Schreibstil"), (5, 4, 3)),
]

PROFILE_COLUMN = {"community-manager": 0, "social-media-manager": 1, "social-media-consultant": 2}


def seniorities(has_seniorities):
    return [JUNIOR, SENIOR] if has_seniorities else [NONE]


def level_for(base, seniority):
    """The DOMAIN.md rule: senior one more (at most 5), junior one less (at least 1)."""
    if seniority == SENIOR:
        return min(base + 1, 5)
    if seniority == JUNIOR:
        return max(base - 1, 1)
    return base


def default_levels():
    """{(profile slug, competency slug, seniority): level} for the whole default matrix."""
    has = {slug: flag for slug, flag, *_ in DEFAULT_PROFILES}
    return {
        (profile_slug, competency_slug, seniority): level_for(bases[column], seniority)
        for _category, competency_slug, _names, bases in DEFAULT_COMPETENCIES
        for profile_slug, column in PROFILE_COLUMN.items()
        for seniority in seniorities(has[profile_slug])
    }


def _existing(Model, slug, name):
    """The row a default item became: same slug, or a lead's own row under the same (unique) name."""
    return Model.objects.filter(slug=slug).first() or Model.objects.filter(name=name).first()


def ensure_default_matrix(JobProfile, CompetencyCategory, Competency, RequiredLevel):
    """Add the default profiles, categories, competencies and required levels that are missing.

    Takes the model classes, so the data migration can pass its historical models.
    """
    profiles = {}
    for position, (slug, has_seniorities, (name, name_de), (text, text_de), (duties, duties_de)) in enumerate(
        DEFAULT_PROFILES, start=1
    ):
        profiles[slug] = _existing(JobProfile, slug, name) or JobProfile.objects.create(
            slug=slug,
            name=name,
            name_de=name_de,
            description=text,
            description_de=text_de,
            responsibilities=duties,
            responsibilities_de=duties_de,
            has_seniorities=has_seniorities,
            position=position * 10,
        )
    categories = {}
    for position, (slug, (name, name_de), (text, text_de)) in enumerate(DEFAULT_CATEGORIES, start=1):
        categories[slug] = _existing(CompetencyCategory, slug, name) or CompetencyCategory.objects.create(
            slug=slug, name=name, name_de=name_de, description=text, description_de=text_de, position=position * 10
        )
    competencies = {}
    for position, (category_slug, slug, (name, name_de), _bases) in enumerate(DEFAULT_COMPETENCIES, start=1):
        competencies[slug] = _existing(Competency, slug, name) or Competency.objects.create(
            slug=slug, category=categories[category_slug], name=name, name_de=name_de, position=position
        )
    existing = set(RequiredLevel.objects.values_list("profile_id", "competency_id", "seniority"))
    missing = []
    for _category, competency_slug, _names, bases in DEFAULT_COMPETENCIES:
        competency = competencies[competency_slug]
        for profile_slug, profile in profiles.items():
            base = bases[PROFILE_COLUMN[profile_slug]]
            # The seniorities the stored row is held in (a lead's own profile of that name may differ).
            for seniority in seniorities(profile.has_seniorities):
                if (profile.pk, competency.pk, seniority) not in existing:
                    missing.append(
                        RequiredLevel(
                            profile=profile,
                            competency=competency,
                            seniority=seniority,
                            level=level_for(base, seniority),
                        )
                    )
    RequiredLevel.objects.bulk_create(missing)
