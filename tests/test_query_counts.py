"""Every page and API list the bench measures costs the same number of queries after the
data grows: more requests in every state (with their timelines, contributions,
allocations and notifications) and more people in the disciplines.

The URLs come from `bench/urls.py`, so what the bench times is what this guards.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.urls import ROLES, urls_for
from content_workflow import demo as workflow_demo
from content_workflow.models import ContentPiece, ExpertInputRequest
from disciplines.models import Discipline, Expertise, Membership
from governance.access import Role, role_group
from governance.selectors import active_model

pytestmark = pytest.mark.django_db


def _urls(user):
    requests = ExpertInputRequest.objects.visible_to(user).order_by("pk")
    request_id = requests.values_list("pk", flat=True).first() or 0
    model = active_model()
    model_id = model.pk if model else 0
    piece_id = ContentPiece.objects.visible_to(user).order_by("pk").values_list("pk", flat=True).first() or 0
    return urls_for(
        ROLES[user.username], request_id=request_id, model_id=model_id, discipline="product", piece_id=piece_id
    )


def _counts(users):
    """{(username, url): (status, queries)} for every role's pages."""
    counts = {}
    for user in users:
        client = Client()
        client.force_login(user)
        for url in _urls(user):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                if response.streaming:
                    # A CSV download reads its rows while it is sent: count those too.
                    b"".join(response.streaming_content)
            counts[user.username, url] = (response.status_code, len(queries))
    return counts


def _grow():
    """Another round of the demo's requests and pieces (every state) and more people in product."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=workflow_demo.DEMO_USERS)}
    product = Discipline.objects.get(slug="product")
    # Another round of the demo's content pieces too (every state), fed by the new requests.
    pieces = workflow_demo._plan_pieces(users["communicator"])
    for row in workflow_demo.DEMO_REQUESTS:
        title, *rest = row
        workflow_demo._make((f"{title} (again)", *rest), users, product, piece=pieces.get(title))
    workflow_demo._move_pieces(users["communicator"], pieces)
    for number in range(4):
        person = get_user_model().objects.create_user(f"grown{number}", first_name="Grown", last_name=str(number))
        person.groups.add(role_group(Role.EXPERT))
        Membership.objects.create(user=person, discipline=product, function=Membership.Function.EXPERT)
        Expertise.objects.create(user=person, tags=["api", "pricing"])


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, verbosity=0)
    return list(get_user_model().objects.filter(username__in=ROLES).order_by("username"))


def test_no_page_or_list_costs_more_queries_with_more_data(demo):
    before = _counts(demo)
    assert all(status < 500 for status, _ in before.values())
    # Most pages are open to the role; a page it may not open is still counted.
    assert sum(status == 200 for status, _ in before.values()) > len(before) * 0.6
    _grow()
    after = _counts(demo)
    grown = {key: (before[key][1], after[key][1]) for key in before if before[key][1] != after[key][1]}
    assert not grown, f"queries before -> after: {grown}"
