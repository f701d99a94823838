"""Demo accounts and the demo organisational model. The `seed_demo` command runs the
steps in order; every step is idempotent and goes through the services."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from governance.access import Role, role_group

# username, first name, last name, role (None: superuser)
DEMO_ACCOUNTS = [
    ("lead", "Lea", "Hoffmann", Role.GOVERNANCE_LEAD),
    ("communicator", "Chris", "Wagner", Role.COMMUNICATOR),
    ("expert", "Eva", "Schmidt", Role.EXPERT),
    ("expert2", "Erik", "Becker", Role.EXPERT),
    ("manager", "Max", "Fischer", Role.MANAGER),
    ("executive", "Elena", "Wolf", Role.EXECUTIVE),
    ("admin", "Ada", "Admin", None),
]


def seed_accounts(*, password):
    """Create the demo accounts that are missing; existing ones are left as they are."""
    User = get_user_model()
    created = []
    hashed = None
    for username, first_name, last_name, role in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.com",
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        if was_created:
            # Hashed once for all: a hash costs Django's full PBKDF2 work factor (seconds on
            # a busy machine), and the demo password is public anyway, so one salt loses nothing.
            hashed = hashed or make_password(password)
            user.password = hashed
            user.save(update_fields=["password"])
            created.append(username)
        if role is not None:
            user.groups.add(role_group(role))
    return created


def seed_model(*, actor):
    """An active hub and spoke model with a complete RACI matrix, unless any model exists.

    Once a lead has worked on models, the demo never touches them again.
    """
    from disciplines.models import Discipline
    from governance import services
    from governance.defaults import DEMO_HUB_DISCIPLINE, DEMO_RACI, DEMO_SPOKES
    from governance.models import Activity, ModelType, OrganisationalModel

    if OrganisationalModel.objects.exists():
        return None
    User = get_user_model()
    people = {user.username: user for user in User.objects.filter(username__in=["lead", "manager", "executive"])}
    disciplines = {d.slug: d for d in Discipline.objects.filter(slug__in=[DEMO_HUB_DISCIPLINE, *DEMO_SPOKES])}
    model = services.model_create(
        actor=actor,
        name="Social media centre of excellence",
        type=ModelType.HUB_AND_SPOKE,
        executive_sponsor=people.get("executive"),
        notes="Hub and spoke: the centre of excellence in Corporate Communications "
        "enables the disciplines, which act themselves.",
    )
    hub = services.hub_save(
        model=model,
        actor=actor,
        name="Social Media Centre of Excellence",
        home_discipline=disciplines[DEMO_HUB_DISCIPLINE],
        lead=people.get("lead"),
    )
    for slug in DEMO_SPOKES:
        liaison = people.get("manager") if slug == "product" else None
        services.spoke_save(model=model, actor=actor, discipline=disciplines[slug], hub=hub, liaison=liaison)

    fixed = {"management", "legal", "it"}
    others = [disciplines[slug] for slug in DEMO_SPOKES if slug not in fixed]
    changes = []
    for activity in Activity.objects.filter(slug__in=DEMO_RACI):
        hub_role, management, legal, it, spokes, owner = DEMO_RACI[activity.slug]
        row = {DEMO_HUB_DISCIPLINE: hub_role, "management": management, "legal": legal, "it": it}
        if owner:
            row[owner] = "AR"
        else:
            row.update({discipline.slug: spokes for discipline in others})
        changes += [
            services.CellChange(activity.pk, disciplines[slug].pk, "", role) for slug, role in row.items() if role
        ]
    services.responsibilities_update(model=model, actor=actor, changes=changes)
    return services.model_publish(model=model, actor=actor)


def seed_memberships(*, actor):
    """Who works where: the demo accounts fit the expert input journey."""
    from disciplines import services
    from disciplines.models import Discipline, Expertise, Membership

    User = get_user_model()
    people = {user.username: user for user in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])}
    hub = Discipline.objects.get(slug="corporate-communications")
    product = Discipline.objects.get(slug="product")
    plan = [
        ("communicator", hub, Membership.Function.COMMUNICATOR, 8),
        ("expert", product, Membership.Function.EXPERT, 4),
        ("expert2", product, Membership.Function.EXPERT, 3),
        ("manager", product, Membership.Function.MANAGER, 2),
    ]
    for username, discipline, function, hours in plan:
        user = people[username]
        if not Membership.objects.filter(user=user, discipline=discipline, function=function).exists():
            services.membership_save(
                actor=actor, user=user, discipline=discipline, function=function, weekly_capacity_hours=hours
            )
    expertise = {
        "expert": (["pricing", "api", "integrations"], "Product manager for the platform's API and pricing."),
        "expert2": (["security", "roadmap", "api"], "Security architect; speaks at developer conferences."),
    }
    for username, (tags, profile) in expertise.items():
        if not Expertise.objects.filter(user=people[username]).exists():
            services.expertise_save(actor=actor, user=people[username], tags=tags, profile=profile)
