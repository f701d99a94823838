"""The default discipline catalogue from DOMAIN.md, in English and German.

Loaded by a data migration (so every installation starts with it) and by seed_demo
(so a flushed test database gets it back). It only adds what is missing: whatever a
governance lead edited stays as they left it.
"""

# slug, kind, colour, (name, name_de), [(area, area_de), ...]
DEFAULT_DISCIPLINES = [
    (
        "marketing",
        "marketing",
        "#e11d48",
        ("Marketing", "Marketing"),
        [
            ("Brand channels and content", "Markenkanäle und Inhalte"),
            ("Campaigns", "Kampagnen"),
            ("Paid social", "Paid Social"),
            ("Advocacy and influencer work", "Advocacy und Influencer-Arbeit"),
        ],
    ),
    (
        "corporate-communications",
        "communications",
        "#1d4ed8",
        ("Corporate Communications / PR", "Unternehmenskommunikation / PR"),
        [
            ("Media and blogger relations", "Medien- und Blogger-Relations"),
            ("Newsroom", "Newsroom"),
            ("Issues and crisis communication", "Issues- und Krisenkommunikation"),
            ("Reputation monitoring", "Reputationsmonitoring"),
        ],
    ),
    (
        "customer-service",
        "service",
        "#059669",
        ("Customer Service", "Kundenservice"),
        [
            (
                "Public service dialogs on social channels (Dialog 2.0)",
                "Öffentliche Servicedialoge in sozialen Kanälen (Dialog 2.0)",
            ),
            ("Peer-to-peer support community", "Peer-to-Peer-Support-Community"),
            ("Service knowledge base", "Service-Wissensdatenbank"),
        ],
    ),
    (
        "sales",
        "sales",
        "#d97706",
        ("Sales", "Vertrieb"),
        [
            ("Social selling", "Social Selling"),
            ("Ratings and reviews", "Bewertungen und Rezensionen"),
            ("Social commerce", "Social Commerce"),
        ],
    ),
    (
        "product",
        "product",
        "#7c3aed",
        ("Product / R&D / Innovation", "Produkt / F&E / Innovation"),
        [
            ("Idea communities", "Ideen-Communities"),
            ("Co-creation", "Co-Creation"),
            ("Beta feedback", "Beta-Feedback"),
        ],
    ),
    (
        "market-research",
        "research",
        "#0891b2",
        ("Market Research / Business Intelligence", "Marktforschung / Business Intelligence"),
        [
            ("Social listening and monitoring", "Social Listening und Monitoring"),
            ("Sentiment and trend analysis", "Sentiment- und Trendanalyse"),
            ("Competitor insight", "Wettbewerbsbeobachtung"),
        ],
    ),
    (
        "human-resources",
        "hr",
        "#db2777",
        ("Human Resources", "Personal"),
        [
            ("Employer branding", "Employer Branding"),
            ("Recruiting", "Recruiting"),
            ("Onboarding", "Onboarding"),
            ("Employee advocacy", "Employee Advocacy"),
        ],
    ),
    (
        "internal-communications",
        "internal",
        "#65a30d",
        ("Internal Communications", "Interne Kommunikation"),
        [
            ("Social intranet", "Social Intranet"),
            ("Enterprise social network", "Enterprise Social Network"),
            ("Communities of practice", "Communities of Practice"),
        ],
    ),
    (
        "legal",
        "legal",
        "#475569",
        ("Legal / Compliance / Risk", "Recht / Compliance / Risiko"),
        [
            ("Guidelines and policy", "Richtlinien und Policy"),
            ("Approval of regulated content", "Freigabe regulierter Inhalte"),
            ("Archiving", "Archivierung"),
            ("Privacy and IP", "Datenschutz und geistiges Eigentum"),
        ],
    ),
    (
        "investor-relations",
        "investor_relations",
        "#0d9488",
        ("Investor Relations", "Investor Relations"),
        [
            ("Disclosure-compliant channels", "Kanäle im Einklang mit Publizitätspflichten"),
            ("Named spokespeople", "Benannte Sprecher"),
            ("Disclaimers", "Disclaimer"),
        ],
    ),
    (
        "it",
        "it",
        "#4f46e5",
        ("IT", "IT"),
        [
            ("Tool stack", "Tool-Landschaft"),
            ("Security", "Sicherheit"),
            ("Identity and access", "Identitäten und Zugriffe"),
            ("CRM integration", "CRM-Integration"),
        ],
    ),
    (
        "management",
        "management",
        "#b45309",
        ("Management / Executive Board", "Management / Vorstand"),
        [
            ("Sponsorship and management awareness", "Sponsoring und Management Awareness"),
            ("Executive presence", "Präsenz der Führungskräfte"),
            ("Budgets", "Budgets"),
            ("Culture", "Kultur"),
        ],
    ),
]


def ensure_default_catalogue(Discipline, ApplicationArea):
    """Add the default disciplines and application areas that are missing (by slug/title)."""
    for position, (slug, kind, colour, (name, name_de), areas) in enumerate(DEFAULT_DISCIPLINES, start=1):
        discipline, _ = Discipline.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "name_de": name_de, "kind": kind, "colour": colour, "position": position * 10},
        )
        for area_position, (title, title_de) in enumerate(areas, start=1):
            ApplicationArea.objects.get_or_create(
                discipline=discipline, title=title, defaults={"title_de": title_de, "position": area_position}
            )
