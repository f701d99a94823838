"""`seed_demo --scale large`: a large company's history on PostgreSQL, for the benchmarks.

About 5,000 users, the default disciplines, 2,000 experts, 100,000 requests in every
state with their timeline, ledger, contributions, allocations and notifications. A fixed
random seed makes every run produce the same shape (dates are relative to today). The
demo accounts take part: the demo manager's discipline (product) gets thousands of
requests, the demo communicator asks many of them and the demo experts answer many.

It runs once per database: when the generated users exist it refuses and changes
nothing (drop the database to generate afresh). Everything is written in one
transaction, so an interrupted run leaves no half of it behind.
"""

import datetime
import random
import sys
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from content_workflow import models as workflow_models
from content_workflow.permissions import VIEW_REQUEST
from content_workflow.services import request_tallies_rebuild
from disciplines import models as discipline_models
from governance.large_demo.copy import copy_rows, indexes_deferred, next_id, reset_sequences
from governance.large_demo.people import EMAIL_DOMAIN, TAGS, generate_people
from governance.large_demo.workflow import generate_workflow
from governance.selectors import active_model
from roles import models as role_models

SEED = 20261130
# The tables that get hundreds of thousands of rows: their indexes are built after the load.
BULK = [
    workflow_models.ExpertInputRequest,
    workflow_models.RequestEvent,
    workflow_models.Notification,
    workflow_models.BudgetEntry,
    workflow_models.Contribution,
    workflow_models.TimeAllocationRequest,
]


@dataclass(frozen=True)
class Size:
    """How many of each the generator makes (the demo accounts come on top)."""

    users: int
    experts: int
    managers: int
    leads: int
    executives: int
    requests: int
    shares: int  # requests shared with a colleague through guardian
    # What falls to the demo accounts. At the large set: product (the demo manager's
    # discipline) gets 15% of the requests (about 15,000) and 10% of the experts (200),
    # the demo communicator asks 1.5% (1,500), the demo experts answer 5% and 3% of
    # product's requests (750 and 450).
    product_share: float = 0.15
    product_expert_share: float = 0.1
    demo_requester_share: float = 0.015
    demo_expert_shares: tuple = (0.05, 0.03)


SIZES = {
    "large": Size(users=5000, experts=2000, managers=48, leads=10, executives=30, requests=100_000, shares=1000),
    # The same company at a twentieth. The demo accounts' shares are larger, so that each
    # of their own lists (the manager's stuck requests and notifications, the
    # communicator's allocations, the expert's open work, product's team) fills a page
    # here too: with the large set's shares they held 3 to 7 rows against 25, and the
    # growth from one set to the other measured rendering a full page, not the data.
    "medium": Size(
        users=250,
        experts=100,
        managers=24,
        leads=2,
        executives=2,
        requests=5000,
        shares=50,
        product_share=0.6,
        product_expert_share=0.3,
        demo_requester_share=0.3,
        demo_expert_shares=(0.3, 0.1),
    ),
}


class AlreadyGenerated(Exception):
    pass


class Context:
    """What the generators share: the random source, today, the people picked from."""

    def __init__(self, password, size):
        self.size = size
        self.rng = random.Random(SEED)
        # Midnight, not the current time: the same day gives the same data at any hour.
        self.today = timezone.localdate()
        self.now = timezone.make_aware(datetime.datetime.combine(self.today, datetime.time()))
        self.password_hash = make_password(password)  # once: hashing 5,000 times would take minutes
        users = get_user_model().objects.filter(username__in=["lead", "communicator", "expert", "expert2", "manager"])
        self.demo = dict(users.values_list("username", "pk"))
        # Display names, for the params of the notifications (as `notify` captures them).
        self.names = {
            pk: f"{first} {last}".strip() or name
            for pk, first, last, name in users.values_list("pk", "first_name", "last_name", "username")
        }
        model = active_model()
        if model is None:
            raise RuntimeError("The demo organisational model is missing: run the plain seed_demo first.")
        hub = model.hubs.select_related("home_discipline").first()
        self.hub = hub.home_discipline_id
        self.spokes = sorted(model.spokes.values_list("discipline_id", flat=True))
        self.product = discipline_models.Discipline.objects.get(slug="product").pk
        self.disciplines = list(discipline_models.Discipline.objects.values_list("pk", flat=True))
        self.discipline_names = {
            pk: {"en": name, "de": name_de} if name_de and name_de != name else name
            for pk, name, name_de in discipline_models.Discipline.objects.values_list("pk", "name", "name_de")
        }
        self.model_disciplines = {self.hub, *self.spokes}
        self.tags_of = {d: self.rng.sample(TAGS, 10) for d in self.disciplines}
        self.experts, self.managers, self.communicators = {}, {}, []
        self._others = [d for d in self.spokes if d != self.product]

    def aware(self, day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))

    def join_demo_accounts(self):
        """The demo experts and manager work in product; the demo communicator in the hub."""
        self.experts.setdefault(self.product, [])
        self.managers.setdefault(self.product, []).insert(0, self.demo["manager"])
        self._communicator_pks = [pk for pk, _discipline in self.communicators]

    def manager_of(self, discipline):
        managers = self.managers.get(discipline)
        return managers[0] if managers else self.demo["manager"]

    def pick_target(self):
        return self.product if self.rng.random() < self.size.product_share else self.rng.choice(self._others)

    def pick_requester(self):
        if self.rng.random() < self.size.demo_requester_share:
            return self.demo["communicator"]
        return self.rng.choice(self._communicator_pks)

    def pick_expert(self, discipline):
        if discipline == self.product:
            roll = self.rng.random()
            first, second = self.size.demo_expert_shares
            if roll < first:
                return self.demo["expert"]
            if roll < first + second:
                return self.demo["expert2"]
        return self.rng.choice(self.experts[discipline])


class Progress:
    def __init__(self, out):
        self.out = out
        self.started = time.monotonic()

    def __call__(self, what, count, of=None, extra=""):
        elapsed = time.monotonic() - self.started
        if of:
            filled = int(30 * count / of)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {count:,}/{of:,}"
        else:
            bar = f"{count:,}"
        self.out.write(f"{elapsed:6.1f}s  {what:<34} {bar} {extra}\n")
        self.out.flush()


def generate(*, password, size=SIZES["large"], out=sys.stdout):
    """Generate the set of `size`; raises AlreadyGenerated (nothing changed) when it exists."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The large set is loaded with COPY and needs PostgreSQL (set DATABASE_URL).")
    User = get_user_model()
    existing = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
    if existing:
        raise AlreadyGenerated(existing)
    say = Progress(out)
    with transaction.atomic():
        _fast_load()
        ctx = Context(password, size)
        generate_people(ctx, say)
        ctx.join_demo_accounts()
        with indexes_deferred(BULK):
            totals = generate_workflow(ctx, say)
        say("indexes rebuilt", totals["requests"])
        _shares(ctx)
        # The load went around the tally triggers (_fast_load): count the requests once.
        request_tallies_rebuild()
        reset_sequences(
            [
                User,
                User.groups.through,
                *(m for m in vars(discipline_models).values() if _is_model(m)),
                *(m for m in vars(role_models).values() if _is_model(m)),
                *(m for m in vars(workflow_models).values() if _is_model(m)),
            ]
        )
    say("committed", totals["requests"])
    with connection.cursor() as cursor:
        # Statistics and the visibility map right away, as autovacuum keeps them on a
        # running system: without the map no count can be answered from an index alone.
        # (VACUUM cannot run inside a transaction, as in a test: ANALYZE alone there.)
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    say("vacuumed and analyzed", totals["requests"])
    return totals


def _fast_load():
    """Skip the per-row foreign key triggers while loading: every row would otherwise queue
    a deferred check, and checking 1.5 million of them at commit takes longer than the
    load. The generator numbers ids itself, so the references hold by construction. Needs
    a superuser connection; without one the load is slower, not different."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            pass


def _is_model(value):
    return isinstance(value, type) and hasattr(value, "_meta") and not value._meta.abstract


def _shares(ctx):
    """Requests shared with colleagues: guardian rows that the visibility query reads."""
    model = workflow_models.ExpertInputRequestUserObjectPermission
    permission = Permission.objects.get(codename=VIEW_REQUEST, content_type__app_label="content_workflow")
    last = next_id(workflow_models.ExpertInputRequest) - 1
    first_request = last - ctx.size.requests + 1
    pairs = {
        (ctx.rng.choice(ctx._communicator_pks), ctx.rng.randint(first_request, last)) for _ in range(ctx.size.shares)
    }
    first = next_id(model)
    copy_rows(
        model,
        (
            {"id": first + n, "user_id": user, "content_object_id": request, "permission_id": permission.pk}
            for n, (user, request) in enumerate(sorted(pairs))
        ),
    )
