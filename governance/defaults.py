"""Default governance activities (rows of the RACI matrix) from DOMAIN.md."""

DEFAULT_ACTIVITIES = [
    ("strategy", "Strategy and roadmap", "Strategie und Roadmap"),
    ("guidelines-training", "Guidelines and training", "Richtlinien und Schulung"),
    ("content-production", "Content production", "Content-Produktion"),
    ("expert-input", "Expert input for content", "Experten-Input für Inhalte"),
    ("community-management", "Community management", "Community Management"),
    ("social-customer-service", "Social customer service", "Social Customer Service"),
    ("monitoring", "Monitoring and listening", "Monitoring und Listening"),
    ("crisis-communication", "Crisis communication", "Krisenkommunikation"),
    ("employer-branding", "Employer branding", "Employer Branding"),
    ("campaigns", "Campaigns", "Kampagnen"),
    ("tools-accounts", "Tools and accounts", "Tools und Accounts"),
    ("reporting", "Reporting to management", "Reporting an das Management"),
]


def ensure_default_activities(Activity):
    for position, (slug, name, name_de) in enumerate(DEFAULT_ACTIVITIES, start=1):
        Activity.objects.get_or_create(slug=slug, defaults={"name": name, "name_de": name_de, "position": position})


# The demo hub and spoke model's RACI (DOMAIN.md): hub, management, legal, IT, and the
# other spokes; "AR" is A/R. The last item names the one spoke that owns the activity
# itself (then the other spokes take no part).
DEMO_RACI = {
    "strategy": ("R", "A", "C", "I", "C", None),
    "guidelines-training": ("AR", "I", "C", "C", "I", None),
    "content-production": ("A", "I", "C", "", "R", None),
    "expert-input": ("A", "C", "", "", "R", None),
    "community-management": ("AR", "", "C", "", "C", None),
    "social-customer-service": ("C", "I", "C", "", "", "customer-service"),
    "monitoring": ("AR", "I", "", "C", "I", None),
    "crisis-communication": ("R", "A", "C", "I", "C", None),
    "employer-branding": ("C", "I", "C", "", "", "human-resources"),
    "campaigns": ("C", "I", "C", "", "", "marketing"),
    "tools-accounts": ("A", "I", "C", "R", "I", None),
    "reporting": ("AR", "I", "", "C", "C", None),
}
DEMO_HUB_DISCIPLINE = "corporate-communications"
DEMO_SPOKES = [
    "marketing",
    "customer-service",
    "sales",
    "product",
    "market-research",
    "human-resources",
    "legal",
    "it",
    "management",
]
