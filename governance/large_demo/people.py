"""The large set's people: users with roles, memberships, expertise, absences, job
profiles and assessments. Ids are numbered here; `copy_rows` loads them."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from disciplines.models import Absence, Expertise, Membership
from governance.access import Role
from governance.large_demo.copy import copy_rows, next_id
from roles.models import Assessment, Competency, JobProfile, RoleAssignment, Seniority

EMAIL_DOMAIN = "large.example.com"  # marks the generated users: the set is there once they are

FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hannah",
    "Ivan",
    "Julia",
    "Karl",
    "Lena",
    "Marie",
    "Noah",
    "Olga",
    "Paul",
    "Quentin",
    "Rosa",
    "Sofia",
    "Tom",
    "Uwe",
    "Vera",
    "Will",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Aylin",
    "Bruno",
    "Carla",
    "Deniz",
    "Elif",
    "Finn",
    "Gina",
    "Henrik",
    "Ida",
    "Jonas",
    "Katrin",
    "Lars",
    "Mia",
    "Nils",
]
LAST = [
    "Meyer",
    "Weber",
    "Schulz",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
    "Vogel",
    "Friedrich",
]
TAGS = [
    "pricing",
    "api",
    "integrations",
    "security",
    "roadmap",
    "privacy",
    "compliance",
    "hiring",
    "culture",
    "benefits",
    "onboarding",
    "sustainability",
    "esg",
    "quarterly-results",
    "investors",
    "brand",
    "campaign",
    "events",
    "seo",
    "analytics",
    "support-faq",
    "returns",
    "shipping",
    "warranty",
    "partners",
    "resellers",
    "ai",
    "cloud",
    "mobile",
    "accessibility",
    "research",
    "trends",
    "leadership",
    "strategy",
    "crisis",
    "recruiting",
    "training",
    "diversity",
    "innovation",
    "patents",
]


def generate_people(ctx, say):
    """Users, group memberships and memberships; fills ctx.experts, ctx.communicators, ctx.managers."""
    User = get_user_model()
    rng = ctx.rng
    groups = {role: Group.objects.get_or_create(name=role.value)[0].pk for role in Role}
    first_id = next_id(User)
    users, plan = [], []
    size = ctx.size
    kinds = ["expert"] * size.experts + ["manager"] * size.managers + ["lead"] * size.leads
    kinds += ["executive"] * size.executives
    kinds += ["communicator"] * (size.users - len(kinds))
    for n, kind in enumerate(kinds):
        pk = first_id + n
        first, last = rng.choice(FIRST), rng.choice(LAST)
        ascii_last = last.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss").lower()
        users.append(
            {
                "id": pk,
                "password": ctx.password_hash,
                "username": f"{first.lower()}.{ascii_last}.{n + 1:04d}",
                "first_name": first,
                "last_name": last,
                "email": f"{first.lower()}.{ascii_last}.{n + 1:04d}@{EMAIL_DOMAIN}",
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
                "date_joined": ctx.now - datetime.timedelta(days=rng.randint(30, 1500)),
                "last_login": None,
            }
        )
        plan.append((pk, kind))
        ctx.names[pk] = f"{first} {last}"
    copy_rows(User, users)
    say("users", len(users))

    role_of = {
        "expert": Role.EXPERT,
        "manager": Role.MANAGER,
        "lead": Role.GOVERNANCE_LEAD,
        "executive": Role.EXECUTIVE,
        "communicator": Role.COMMUNICATOR,
    }
    through = User.groups.through
    first_link = next_id(through)
    copy_rows(
        through,
        ({"id": first_link + n, "user_id": pk, "group_id": groups[role_of[kind]]} for n, (pk, kind) in enumerate(plan)),
    )
    _memberships(ctx, plan)
    say("memberships, expertise, absences", sum(len(pks) for pks in ctx.experts.values()))
    _profiles(ctx)
    say("job profiles and assessments", len(ctx.communicators))


def _memberships(ctx, plan):
    rng = ctx.rng
    spokes, product, hub = ctx.spokes, ctx.product, ctx.hub
    rows, expertise, absences = [], [], []
    # Product is the demo manager's discipline (a tenth of the experts at the large set),
    # the others share the rest.
    others = [d for d in spokes if d != product]
    manager_slots = [d for d in [*spokes, hub] for _ in range(4)]
    for pk, kind in plan:
        if kind == "expert":
            discipline = product if rng.random() < ctx.size.product_expert_share else rng.choice(others)
            rows.append((pk, discipline, Membership.Function.EXPERT, Decimal(rng.choice([2, 3, 4, 4, 6, 8]))))
            ctx.experts.setdefault(discipline, []).append(pk)
            expertise.append((pk, rng.sample(ctx.tags_of[discipline], rng.randint(2, 4))))
            if rng.random() < 0.1:
                start = ctx.today + datetime.timedelta(days=rng.randint(-30, 60))
                absences.append((pk, start, start + datetime.timedelta(days=rng.randint(2, 14))))
        elif kind == "manager" and manager_slots:
            discipline = manager_slots.pop()
            rows.append((pk, discipline, Membership.Function.MANAGER, Decimal(2)))
            ctx.managers.setdefault(discipline, []).append(pk)
        elif kind == "communicator":
            discipline = hub if rng.random() < 0.6 else rng.choice(spokes)
            rows.append((pk, discipline, Membership.Function.COMMUNICATOR, Decimal(8)))
            ctx.communicators.append((pk, discipline))
    first = next_id(Membership)
    copy_rows(
        Membership,
        (
            {"id": first + n, "user_id": pk, "discipline_id": d, "function": f, "weekly_capacity_hours": h}
            for n, (pk, d, f, h) in enumerate(rows)
        ),
    )
    first = next_id(Expertise)
    copy_rows(
        Expertise,
        (
            {
                "id": first + n,
                "user_id": pk,
                "tags": tags,
                "profile": f"Works on {', '.join(tags)}.",
                # A third agreed to be named beside their thanked work (not from rng: the
                # rest of the set stays as it was).
                "recognition_opt_in": n % 3 == 0,
            }
            for n, (pk, tags) in enumerate(expertise)
        ),
    )
    first = next_id(Absence)
    copy_rows(
        Absence,
        (
            {"id": first + n, "user_id": pk, "starts_on": s, "ends_on": e, "note": "Holiday", "deputy_id": None}
            for n, (pk, s, e) in enumerate(absences)
        ),
    )


def _profiles(ctx):
    """Job profiles for some communicators (hub or their spoke) and assessments of them."""
    rng = ctx.rng
    profiles = list(JobProfile.objects.values_list("pk", "has_seniorities"))
    competencies = list(Competency.objects.values_list("pk", flat=True))
    lead = ctx.demo["lead"]
    placed = [c for c in ctx.communicators if c[1] in ctx.model_disciplines][:400]
    first = next_id(RoleAssignment)
    assignments, assessments = [], []
    for n, (pk, discipline) in enumerate(placed):
        profile, has_seniorities = rng.choice(profiles)
        assignments.append(
            {
                "id": first + n,
                "user_id": pk,
                "profile_id": profile,
                "seniority": rng.choice([Seniority.JUNIOR, Seniority.SENIOR]) if has_seniorities else Seniority.NONE,
                "kind": "hub" if discipline == ctx.hub else "spoke",
                "discipline_id": discipline,
                "since": ctx.today - datetime.timedelta(days=rng.randint(30, 900)),
                "until": None,
                "note": "",
                "created_by_id": lead,
            }
        )
        for competency in rng.sample(competencies, min(5, len(competencies))):
            is_self = rng.random() < 0.3
            assessments.append(
                {
                    "user_id": pk,
                    "competency_id": competency,
                    "level": rng.randint(1, 5),
                    "assessed_by_id": pk if is_self else lead,
                    "assessed_on": ctx.today - datetime.timedelta(days=rng.randint(1, 700)),
                    "note": "",
                    "is_self": is_self,
                }
            )
    copy_rows(RoleAssignment, assignments)
    first = next_id(Assessment)
    for n, row in enumerate(assessments):
        row["id"] = first + n
    copy_rows(Assessment, assessments)
