"""The kept request counts: exact after every kind of write, read by visible lists
filtered by nothing but status and discipline, and exact under concurrent transitions
and compaction on PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from content_workflow import services
from content_workflow.models import ExpertInputRequest, RequestTally, Status
from governance.access import Role
from tests.content_workflow.test_budgets import run_in_threads


def tallies():
    rows = RequestTally.objects.order_by().values("discipline_id", "status").annotate(n=Sum("delta"))
    return {(row["discipline_id"], row["status"]): row["n"] for row in rows if row["n"]}


def counted():
    rows = ExpertInputRequest.objects.order_by().values("target_discipline_id", "status").annotate(n=Count("id"))
    return {(row["target_discipline_id"], row["status"]): row["n"] for row in rows}


def copies(request, count, **fields):
    values = {
        "title": request.title,
        "brief": request.brief,
        "requester": request.requester,
        "target_discipline": request.target_discipline,
        "estimated_hours": request.estimated_hours,
        "due_date": request.due_date,
        **fields,
    }
    return ExpertInputRequest.objects.bulk_create(ExpertInputRequest(**values) for _ in range(count))


def test_the_tallies_follow_every_kind_of_write(make_request, routed, team, disciplines):
    assert tallies() == counted() == {}
    draft = make_request()
    routed()  # submitted, routed, assigned: several saves, a status change each
    cancelled = make_request(submit=True)
    services.request_cancel(request=cancelled, actor=team.requester)
    assert tallies() == counted()
    assert counted()[(team.product.pk, Status.ASSIGNED)] == 1

    made = copies(draft, 5, status=Status.SUBMITTED)  # one INSERT of five rows
    ExpertInputRequest.objects.filter(pk__in=[r.pk for r in made[:3]]).update(status=Status.CANCELLED)
    ExpertInputRequest.objects.filter(pk=made[3].pk).update(target_discipline=disciplines["marketing"])
    ExpertInputRequest.objects.filter(pk=draft.pk).update(title="Only the title")  # moves no count
    ExpertInputRequest.objects.filter(pk=made[4].pk).delete()
    assert tallies() == counted()
    assert counted()[(team.product.pk, Status.CANCELLED)] == 4


def test_compaction_keeps_the_totals_in_one_row_each(make_request, team):
    request = make_request()
    for status in (Status.SUBMITTED, Status.CANCELLED, Status.SUBMITTED):
        ExpertInputRequest.objects.filter(pk=request.pk).update(status=status)
    copies(request, 3)
    before, rows = tallies(), RequestTally.objects.count()
    # 1 insert, 3 moves of -1 and +1, the bulk insert (one row on PostgreSQL, three on SQLite)
    assert rows in (8, 10)
    assert services.request_tallies_compact() == rows
    assert tallies() == before == counted()
    # One row per discipline and status with requests in it; the drafts' and the
    # submitted ones', the cancelled (+1 -1) gone.
    assert RequestTally.objects.count() == 2
    assert services.request_tallies_compact() == 2  # nothing more to fold
    assert tallies() == before


def test_rebuilding_counts_afresh(make_request):
    make_request()
    RequestTally.objects.all().delete()  # as after the large set's load, triggers off
    assert tallies() != counted()
    services.request_tallies_rebuild()
    assert tallies() == counted()


def count_reading(queryset):
    """(count, whether it read the tallies), after checking the count against the rows."""
    with CaptureQueriesContext(connection) as queries:
        count = queryset.count()
    assert count == len(list(queryset.values_list("pk", flat=True)))
    return count, any("requesttally" in query["sql"] for query in queries)


def test_visible_lists_count_from_the_tallies_while_filtered_by_status_or_discipline(
    make_request, routed, team, make_user, disciplines
):
    make_request()  # someone's draft: nobody else sees it
    routed()
    make_request(submit=True)
    make_request(submit=True, target_discipline=disciplines["marketing"])
    lead = make_user(Role.GOVERNANCE_LEAD)
    admin = make_user(is_superuser=True)
    visible = ExpertInputRequest.objects.visible_to(lead)
    assert count_reading(visible) == (3, True)
    assert count_reading(visible.order_by("-created_at").select_related("requester")) == (3, True)
    assert count_reading(ExpertInputRequest.objects.visible_to(admin)) == (4, True)
    # Narrowed by status and discipline, as the lists' filters do, still from the tallies.
    assert count_reading(visible.filter(status=Status.ASSIGNED)) == (1, True)
    assert count_reading(visible.filter(status__in=[Status.ASSIGNED, Status.SUBMITTED])) == (3, True)
    assert count_reading(visible.filter(Q(status=Status.ASSIGNED) | Q(status=Status.SUBMITTED))) == (3, True)
    marketing = disciplines["marketing"]
    assert count_reading(visible.filter(target_discipline=marketing)) == (1, True)
    assert count_reading(visible.filter(target_discipline_id__in=[marketing.pk], status=Status.ASSIGNED)) == (0, True)
    both = [Status.ASSIGNED, Status.SUBMITTED]
    assert count_reading(visible.filter(status__in=both).filter(status=Status.ASSIGNED)) == (1, True)
    assert count_reading(visible.filter(status=Status.DRAFT)) == (0, True)  # drafts stay out
    # Filtered by anything else, before or after, the requests themselves are counted.
    assert count_reading(visible.exclude(status=Status.ASSIGNED)) == (2, False)
    assert count_reading(visible.filter(Q(status=Status.ASSIGNED) | Q(target_discipline=marketing))) == (2, False)
    assert count_reading(visible.filter(status=Status.ASSIGNED, title="x")) == (0, False)
    assert count_reading(visible.filter(target_discipline__slug="marketing")) == (1, False)
    assert count_reading(ExpertInputRequest.objects.filter(status=Status.DRAFT).visible_to(admin)) == (1, False)
    assert count_reading(ExpertInputRequest.objects.filter(title="x").visible_to(lead)) == (0, False)
    # Visible to one user, then to another: both filters hold, so the rows are counted.
    assert count_reading(visible.visible_to(admin).filter(status=Status.ASSIGNED)) == (1, False)
    # A union, or groups, count what they hold, not the visible requests.
    drafts = ExpertInputRequest.objects.filter(status=Status.DRAFT).order_by()
    admins_drafts = ExpertInputRequest.objects.visible_to(admin).filter(status=Status.DRAFT).order_by()
    assert count_reading(admins_drafts.union(drafts)) == (1, False)
    grouped = visible.filter(status__in=both).values("status").annotate(n=Count("pk"))
    with CaptureQueriesContext(connection) as queries:
        assert grouped.count() == len(list(grouped)) == 2
    assert not any("requesttally" in query["sql"] for query in queries)

    # The product manager: their own requests (a draft among them), one assigned to them
    # elsewhere, and product's, where the tallies count those and take out what the
    # other parts counted already.
    manager, product = team.manager, disciplines["product"]
    asked = ExpertInputRequest.objects.get(target_discipline=product, status=Status.SUBMITTED)
    mine = copies(asked, 2, requester=manager, status=Status.SUBMITTED)
    copies(mine[0], 1, requester=manager, status=Status.DRAFT)
    ExpertInputRequest.objects.filter(target_discipline=disciplines["marketing"]).update(assignee=manager)
    ExpertInputRequest.objects.filter(pk=mine[1].pk).update(assignee=manager)
    managed = ExpertInputRequest.objects.visible_to(manager)
    # product: 2 of others + 2 of the manager's (+ their draft); marketing: 1 assigned to them
    assert count_reading(managed) == (6, True)
    assert count_reading(managed.filter(status=Status.SUBMITTED)) == (4, True)
    assert count_reading(managed.filter(target_discipline=product)) == (5, True)
    assert count_reading(managed.filter(target_discipline=product, status=Status.SUBMITTED)) == (3, True)
    assert count_reading(managed.filter(target_discipline=marketing)) == (1, True)
    assert count_reading(managed.filter(status=Status.SUBMITTED, title="x")) == (0, False)
    # A reader with a draft of their own: theirs, and everyone's but drafts, from the tallies.
    copies(mine[0], 1, requester=lead, status=Status.DRAFT)
    assert count_reading(ExpertInputRequest.objects.visible_to(lead)) == (6, True)
    # An expert sees only what was asked of them: no tallied part.
    assert count_reading(ExpertInputRequest.objects.visible_to(team.expert)) == (1, False)


def test_a_reader_s_list_pages_from_the_tallies(client, make_request, make_user):
    make_request(submit=True)
    lead = make_user(Role.GOVERNANCE_LEAD)
    client.force_login(lead)
    assert client.get("/api/v1/requests/").json()["count"] == 1
    make_request(submit=True)
    assert client.get("/api/v1/requests/").json()["count"] == 2


@pytest.mark.parametrize(
    ("query", "expected", "tallied"),
    [
        ("", 3, True),
        ("?status=submitted", 2, True),
        ("?status=submitted&status=assigned", 3, True),
        ("?target_discipline={marketing}", 1, True),
        ("?disciplines={marketing},{product}&status=submitted", 2, True),
        ("?status=submitted&priority=2", 2, False),
        ("?search=nothing-like-this", 0, False),
    ],
)
def test_the_lists_filters_by_status_and_discipline_count_from_the_tallies(
    client, make_request, routed, make_user, disciplines, query, expected, tallied
):
    routed()
    make_request(submit=True)
    make_request(submit=True, target_discipline=disciplines["marketing"])
    ids = {slug: discipline.pk for slug, discipline in disciplines.items()}
    client.force_login(make_user(Role.GOVERNANCE_LEAD))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/requests/{query}".format(**ids))
    assert response.json()["count"] == expected
    assert any("requesttally" in q["sql"] for q in queries) == tallied


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_leaves_no_tallies_behind(make_request):
    make_request()
    call_command("flush", interactive=False, verbosity=0)
    assert RequestTally.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_transitions_and_compactions_keep_the_count_exact(make_request, team):
    requests = copies(make_request(), 40, status=Status.SUBMITTED)
    statuses = [Status.ROUTING, Status.CANCELLED, Status.SUBMITTED, Status.UNROUTABLE]

    def work(i):
        if i % 4 == 0:
            for _ in range(5):
                services.request_tallies_compact()
            return "compacted"
        for step, request in enumerate(requests[i::8]):
            with transaction.atomic():
                ExpertInputRequest.objects.filter(pk=request.pk).update(status=statuses[(i + step) % 4])
                copies(request, 1, status=statuses[step % 4])
        return "moved"

    outcomes = run_in_threads(8, work)
    assert sorted(outcomes) == ["compacted"] * 2 + ["moved"] * 6
    assert tallies() == counted()
    services.request_tallies_compact()
    assert tallies() == counted()
    assert ExpertInputRequest.objects.count() == 41 + 6 * 5
