"""Demo content for the expert input workflow, made through the services.

`seed(actor=admin)` runs after the demo accounts, memberships and the demo model exist
(`seed_demo` calls it last). It is idempotent: budgets carry idempotency keys, and the
requests and the content pieces they feed are only made while the demo communicator
has no request.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from content_workflow import services
from content_workflow.demo_history import seed_history
from content_workflow.models import ExpertInputRequest
from disciplines.models import Discipline

DEMO_USERS = ("communicator", "expert", "expert2", "manager")

# title, brief, tags, hours, days until due, channel, format, where to take it
DEMO_REQUESTS = [
    (
        "Integration partner story",
        "How a partner connected their CRM through our API in two days: the technical steps, in plain words.",
        ["integrations", "api"],
        "2.5",
        12,
        "blog",
        "blog_post",
        "completed",
    ),
    (
        "Roadmap interview for the blog",
        "Thirty minutes on what comes next for the platform, for a Q&A post.",
        ["roadmap"],
        "1",
        9,
        "blog",
        "interview",
        "delivered",
    ),
    (
        "Security white paper: quotes",
        "Two or three quotable sentences on how we protect customer data.",
        ["security"],
        "1.5",
        14,
        "linkedin",
        "whitepaper",
        "accepted",
    ),
    (
        "Pricing FAQ for service replies",
        "Short, correct answers to the five pricing questions customer service gets most on social channels.",
        ["pricing"],
        "2",
        7,
        "website",
        "faq",
        "assigned",
    ),
    # More than anyone's free week: unroutable, naming who comes closest, so the
    # manager decides (and sees the warning if they give it to someone anyway).
    (
        "Developer conference keynote series",
        "A series of posts around the keynote: needs a lot of the product team's time.",
        ["api", "roadmap"],
        "30",
        40,
        "youtube",
        "video",
        "routed",
    ),
    # Fits Eva's week, but its month has no budget yet: the managers are asked for time,
    # and approving it routes it within her capacity.
    (
        "Release notes for the spring launch",
        "The API changes of the spring launch, explained for the release announcement.",
        ["api"],
        "2",
        70,
        "linkedin",
        "post",
        "routed",
    ),
    (
        "API changelog explained",
        "What changed in the API this quarter, and why customers should care.",
        ["api"],
        "2.5",
        21,
        "newsletter",
        "post",
        "draft",
    ),
]


# The pieces the requests above feed (title of the request -> piece), and where the
# piece ends up: title, channel, format, days until planned (or since published), state.
DEMO_PIECES = [
    ("Integration partner story", "Partner story: CRM in two days", "blog", "blog_post", -3, "published"),
    ("Roadmap interview for the blog", "Roadmap Q&A", "blog", "interview", 16, "in_production"),
    ("Security white paper: quotes", "How we protect customer data", "linkedin", "whitepaper", 20, "in_final_check"),
    ("Pricing FAQ for service replies", "Pricing FAQ for service replies", "website", "faq", 14, "idea"),
    ("Release notes for the spring launch", "Spring launch announcement", "linkedin", "post", 75, "idea"),
    (None, "Customer event recap", "instagram", "post", 2, "approved"),
    (None, "Last year's trade fair teaser", "x", "video", -40, "archived"),
]
PIECE_PATHS = {
    "idea": [],
    "in_production": ["start"],
    "in_final_check": ["start", "send_to_final_check"],
    "approved": ["start", "send_to_final_check", "approve"],
    "published": ["start", "send_to_final_check", "approve", "publish"],
    "archived": ["archive"],
}
DRAFT_TEXT = "Working draft.\n\nThe key facts from the expert go here, with two quotes."


def _month(offset):
    first = timezone.localdate().replace(day=1)
    return (first + datetime.timedelta(days=32 * offset)).replace(day=1)


def seed(*, actor):
    """Budgets for this and next month (product and the hub) and a handful of requests in
    different states. Returns the requests made (none when they exist or users are missing)."""
    users = {user.username: user for user in get_user_model().objects.filter(username__in=DEMO_USERS)}
    if len(users) < len(DEMO_USERS):
        return []
    disciplines = {d.slug: d for d in Discipline.objects.filter(slug__in=["product", "corporate-communications"])}
    if len(disciplines) < 2:
        return []
    for offset in (0, 1):
        month = _month(offset)
        for slug, hours, approver in (("product", 20, users["manager"]), ("corporate-communications", 10, actor)):
            services.budget_approve(
                actor=approver,
                discipline=disciplines[slug],
                month=month,
                hours=Decimal(hours),
                reason="Demo: monthly time for expert input",
                idempotency_key=f"demo:{slug}:{month:%Y-%m}",
            )
    if ExpertInputRequest.objects.filter(requester=users["communicator"]).exists():
        return []
    pieces = _plan_pieces(users["communicator"])
    made = [_make(row, users, disciplines["product"], piece=pieces.get(row[0])) for row in DEMO_REQUESTS]
    _move_pieces(users["communicator"], pieces)
    # A year behind them, so the dashboards' periods, trend and comparisons have data.
    seed_history(users=users, product=disciplines["product"])
    return made


def _plan_pieces(communicator):
    """The demo pieces, as ideas (moved on once their requests exist). {request title or
    piece title: piece}; none when the communicator plans no pieces (no team)."""
    from content_workflow.permissions import piece_team_ids

    if not piece_team_ids(communicator):
        return {}
    today = timezone.localdate()
    pieces = {}
    for request_title, title, channel, format_, days, _goal in DEMO_PIECES:
        pieces[request_title or title] = services.piece_create(
            actor=communicator,
            title=title,
            channel=channel,
            format=format_,
            planned_publish_date=today + datetime.timedelta(days=days),
            text=DRAFT_TEXT,
        )
    return pieces


def _move_pieces(communicator, pieces):
    today = timezone.localdate()
    for request_title, title, _channel, _format, days, goal in DEMO_PIECES:
        piece = pieces.get(request_title or title)
        if piece is None:
            continue
        for action in PIECE_PATHS[goal]:
            if action == "send_to_final_check":
                piece = services.piece_update(
                    piece=piece,
                    actor=communicator,
                    text=DRAFT_TEXT.replace("go here", "are in") + "\n\nReady for the expert's check.",
                    version_note="Expert input worked in",
                )
            extra = {}
            if action == "publish":
                extra = {
                    "published_url": f"https://blog.example.com/{piece.pk}",
                    "published_on": today + datetime.timedelta(days=days),
                }
            piece = services.piece_transition(piece=piece, actor=communicator, action=action, **extra)


def _make(row, users, product, piece=None):
    title, brief, tags, hours, days, channel, format_, goal = row
    communicator = users["communicator"]
    request = services.request_create(
        actor=communicator,
        piece=piece,
        title=title,
        brief=brief,
        topic_tags=tags,
        target_discipline=product,
        estimated_hours=Decimal(hours),
        due_date=timezone.localdate() + datetime.timedelta(days=days),
        content_piece=title,
        channel=channel,
        format=format_,
    )
    if goal == "draft":
        return request
    services.request_submit(request=request, actor=communicator)
    # Route now, inside the seeding transaction; the task queued for after the commit
    # then finds the work done and does nothing.
    services.request_route(request_id=request.pk)
    request.refresh_from_db()
    if goal in ("routed", "assigned") or request.assignee is None:
        return request
    request = services.request_accept(request=request, actor=request.assignee)
    if goal == "accepted":
        return request
    request = services.request_deliver(
        request=request,
        actor=request.assignee,
        text="Here is my input: the key facts, two quotes and a link to the spec.",
        hours_spent=Decimal(hours),
    )
    if goal == "delivered":
        return request
    return services.request_complete(request=request, actor=communicator, note="Published, thank you!")
