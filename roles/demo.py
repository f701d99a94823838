"""Demo job profile assignments and assessments. `seed_demo` calls `seed` after the model.

Idempotent and through the services: someone who already holds a profile keeps it, and
someone who already has any assessment gets no demo ones. Missing
accounts (or no active model) are skipped without a word.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.selectors import active_model
from roles.models import Assessment, Competency, JobProfile, RoleAssignment, Seniority

# username, profile slug, seniority, where ("hub" or a spoke discipline's slug)
DEMO_ASSIGNMENTS = [
    ("lead", JobProfile.SOCIAL_MEDIA_CONSULTANT, Seniority.NONE, "hub"),
    ("communicator", JobProfile.COMMUNITY_MANAGER, Seniority.SENIOR, "hub"),
    ("expert", JobProfile.COMMUNITY_MANAGER, Seniority.JUNIOR, "product"),
]

# person, assessor ("manager" falls back to the actor when not the person's manager),
# days ago, {competency slug: level}
DEMO_ASSESSMENTS = [
    (
        "communicator",
        "lead",
        120,
        {"community-moderation": 4, "dialog-empathy": 5, "conflict-crisis": 3, "writing-style": 4},
    ),
    ("communicator", "lead", 20, {"community-moderation": 5, "conflict-crisis": 4, "kpi-reporting": 2}),
    ("communicator", "communicator", 10, {"conflict-crisis": 5, "kpi-reporting": 3, "seo-sea": 2}),
    ("expert", "manager", 30, {"social-platforms": 2, "community-moderation": 2, "dialog-empathy": 3, "law": 3}),
    ("expert", "expert", 5, {"social-platforms": 3, "community-moderation": 3, "resilience": 4}),
    ("lead", "lead", 15, {"strategy": 5, "training": 4, "persuading-management": 4}),
]


def seed(*, actor):
    from roles import services
    from roles.permissions import can_assess

    model = active_model()
    if model is None:
        return
    User = get_user_model()
    usernames = {name for name, *_ in DEMO_ASSIGNMENTS} | {a for _p, a, *_ in DEMO_ASSESSMENTS}
    people = {user.username: user for user in User.objects.filter(username__in=usernames)}
    hub = model.hubs.select_related("home_discipline").first()
    spokes = {spoke.discipline.slug: spoke.discipline for spoke in model.spokes.select_related("discipline")}
    profiles = {profile.slug: profile for profile in JobProfile.objects.all()}

    for username, profile_slug, seniority, where in DEMO_ASSIGNMENTS:
        user, profile = people.get(username), profiles.get(profile_slug)
        discipline = hub.home_discipline if where == "hub" and hub else spokes.get(where)
        if user is None or profile is None or discipline is None:
            continue
        if RoleAssignment.objects.current().filter(user=user, profile=profile).exists():
            continue
        services.assignment_create(
            actor=actor,
            user=user,
            profile=profile,
            seniority=seniority,
            discipline=discipline,
            since=timezone.localdate() - datetime.timedelta(days=180),
        )

    competencies = {competency.slug: competency for competency in Competency.objects.all()}
    today = timezone.localdate()
    already_assessed = set(
        Assessment.objects.filter(user__in=people.values()).values_list("user__username", flat=True).distinct()
    )
    for username, assessor_name, days_ago, levels in DEMO_ASSESSMENTS:
        person, assessor = people.get(username), people.get(assessor_name)
        if person is None or username in already_assessed:
            continue
        if assessor is None or not can_assess(assessor, person):
            assessor = actor
        assessed_on = today - datetime.timedelta(days=days_ago)
        for slug, level in levels.items():
            if slug in competencies:
                services.assessment_record(
                    actor=assessor,
                    person=person,
                    competency=competencies[slug],
                    level=level,
                    assessed_on=assessed_on,
                    note="Demo assessment.",
                )
