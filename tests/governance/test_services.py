"""The organisational model lifecycle: draft, edit, compare, publish, copy."""

import queue
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from disciplines.models import Membership
from governance import services
from governance.errors import DomainError
from governance.models import Activity, ModelType, OrganisationalModel
from governance.selectors import model_diff

Status = OrganisationalModel.Status


def test_publishing_archives_the_previous_active_model(make_model, lead):
    first = make_model(name="First", publish=True)
    second = make_model(name="Second")
    services.model_publish(model=second, actor=lead)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.ARCHIVED, Status.ACTIVE)
    assert second.published_by == lead and second.published_at is not None
    assert OrganisationalModel.objects.filter(status=Status.ACTIVE).count() == 1


def test_a_refused_publish_changes_nothing(make_model, lead):
    active = make_model(name="Active", publish=True)
    draft = make_model(name="Broken", complete_raci=False)
    with pytest.raises(services.PublishRefused) as refused:
        services.model_publish(model=draft, actor=lead)
    assert {p.code for p in refused.value.problems} == {"accountable_missing", "responsible_missing"}
    active.refresh_from_db()
    draft.refresh_from_db()
    assert (active.status, draft.status) == (Status.ACTIVE, Status.DRAFT)


def test_published_models_cannot_be_edited(make_model, lead, disciplines):
    model = make_model(publish=True)
    hub = model.hubs.get()
    for attempt in (
        lambda: services.model_update(model=model, actor=lead, name="New name"),
        lambda: services.spoke_save(model=model, actor=lead, discipline=disciplines["legal"], hub=hub),
        lambda: services.hub_remove(hub=hub, actor=lead),
        lambda: services.responsibilities_update(model=model, actor=lead, changes=[]),
        lambda: services.model_publish(model=model, actor=lead),
        lambda: services.model_delete(model=model, actor=lead),
    ):
        with pytest.raises(DomainError, match="copy it to a draft"):
            attempt()
    model.refresh_from_db()
    assert model.name == "Draft model" and model.spokes.count() == 3


def test_only_governance_leads_change_models(make_model, communicator, manager, executive):
    model = make_model()
    for user in (communicator, manager, executive):
        with pytest.raises(PermissionDenied):
            services.model_create(actor=user, name="Mine", type=ModelType.CENTRALIZED)
        with pytest.raises(PermissionDenied):
            services.model_publish(model=model, actor=user)
        with pytest.raises(PermissionDenied):
            services.model_copy(source=model, actor=user)
    assert OrganisationalModel.objects.count() == 1


def test_copy_is_a_draft_with_the_same_units_and_cells(make_model, lead):
    active = make_model(publish=True)
    active.hubs.update(lead=lead)
    copy = services.model_copy(source=active, actor=lead)
    assert copy.status == Status.DRAFT and copy.based_on == active
    assert copy.hubs.get().lead == lead
    assert sorted(copy.spokes.values_list("discipline__slug", "hub__name")) == sorted(
        active.spokes.values_list("discipline__slug", "hub__name")
    )
    assert copy.spokes.exclude(hub__model=copy).count() == 0  # spokes hang off the copy's hub
    assert copy.responsibilities.count() == active.responsibilities.count() == Activity.objects.count()
    assert model_diff(copy, active).is_empty


def test_diff_names_units_and_responsibilities_added_removed_changed(make_model, lead, disciplines):
    active = make_model(publish=True)
    draft = services.model_copy(source=active, actor=lead)
    hub = draft.hubs.get()
    services.spoke_remove(spoke=draft.spokes.get(discipline=disciplines["sales"]), actor=lead)
    services.spoke_save(model=draft, actor=lead, discipline=disciplines["legal"], hub=hub)
    Membership.objects.create(user=lead, discipline=disciplines["marketing"], function=Membership.Function.EXPERT)
    services.spoke_save(
        model=draft,
        actor=lead,
        spoke=draft.spokes.get(discipline=disciplines["marketing"]),
        discipline=disciplines["marketing"],
        hub=hub,
        liaison=lead,
    )
    campaigns = Activity.objects.get(slug="campaigns")
    services.responsibilities_update(
        model=draft,
        actor=lead,
        changes=[
            services.CellChange(campaigns.pk, disciplines["corporate-communications"].pk, "AR", "C"),
            services.CellChange(campaigns.pk, disciplines["marketing"].pk, "", "AR"),
        ],
    )
    draft = services.model_update(model=draft, actor=lead, type=ModelType.HOLISTIC)
    diff = model_diff(draft, active)
    assert [(c.what, c.subject) for c in diff.model] == [("changed", "type")]
    assert sorted((c.what, c.subject) for c in diff.units) == [
        ("added", "Legal / Compliance / Risk"),
        ("changed", "Marketing"),
        ("removed", "Sales"),
    ]
    assert sorted((c.what, c.subject, c.before, c.after) for c in diff.responsibilities) == [
        ("added", "Campaigns · Marketing", "", "A/R"),
        ("changed", "Campaigns · Corporate Communications / PR", "A/R", "C"),
    ]


def test_raci_save_keeps_other_edits_and_reports_conflicts(make_model, lead, disciplines):
    model = make_model()
    hub = disciplines["corporate-communications"].pk
    strategy, crisis = Activity.objects.get(slug="strategy"), Activity.objects.get(slug="crisis-communication")
    # Someone else changed the strategy cell after our editor loaded the grid ("AR").
    services.responsibilities_update(
        model=model, actor=lead, changes=[services.CellChange(strategy.pk, hub, "AR", "R")]
    )
    conflicts = services.responsibilities_update(
        model=model,
        actor=lead,
        changes=[services.CellChange(strategy.pk, hub, "AR", "C"), services.CellChange(crisis.pk, hub, "AR", "A")],
    )
    assert conflicts == [services.CellChange(strategy.pk, hub, "AR", "C")]
    cells = dict(model.responsibilities.values_list("activity__slug", "role"))
    assert cells["strategy"] == "R"  # the other edit survived
    assert cells["crisis-communication"] == "A"  # ours was saved


def test_raci_refuses_unknown_roles_and_disciplines_outside_the_model(make_model, lead, disciplines):
    model = make_model(complete_raci=False)
    activity = Activity.objects.first()
    with pytest.raises(ValidationError):
        services.responsibilities_update(
            model=model, actor=lead, changes=[services.CellChange(activity.pk, disciplines["sales"].pk, "", "X")]
        )
    with pytest.raises(ValidationError):
        services.responsibilities_update(
            model=model, actor=lead, changes=[services.CellChange(activity.pk, disciplines["it"].pk, "", "R")]
        )
    assert not model.responsibilities.exists()


def test_a_spoke_cannot_be_added_twice(make_model, lead, disciplines):
    model = make_model()
    with pytest.raises(ValidationError, match="already a spoke"):
        services.spoke_save(model=model, actor=lead, discipline=disciplines["sales"], hub=model.hubs.get())


def test_a_spoke_cannot_hang_off_another_models_hub(make_model, lead, disciplines):
    other = make_model(name="Other")
    model = make_model()
    with pytest.raises(ValidationError):
        services.spoke_save(model=model, actor=lead, discipline=disciplines["legal"], hub=other.hubs.get())


def _wait_until_blocked(pid, deadline=30):
    """Return once backend `pid` waits for a lock; fail if it never does (no overlap, no race)."""
    give_up = time.monotonic() + deadline
    with connection.cursor() as cursor:
        while time.monotonic() < give_up:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
            if row and row[0] == "Lock":
                return
            time.sleep(0.02)
    pytest.fail("the second publish never waited for the first: the two did not overlap")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("earlier_model", [False, True], ids=["first-ever", "replacing-the-active-one"])
def test_two_overlapping_publishes_leave_exactly_one_active_model(make_model, lead, earlier_model):
    """The first publish keeps its transaction open (its locks held, its model active but not
    committed) until the second, on its own connection, is seen waiting on it in
    pg_stat_activity; only then does the first commit. Exactly one may win."""
    earlier = make_model(name="Earlier", publish=True) if earlier_model else None
    first, second = make_model(name="First"), make_model(name="Second")
    first_holds, first_may_commit = threading.Event(), threading.Event()
    second_pid = queue.Queue()
    outcomes = {}

    def run(name, work):
        try:
            work()
            outcomes[name] = "published"
        except DomainError as error:
            outcomes[name] = error.code
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[name] = type(error).__name__
        finally:
            connection.close()

    def publish_first():
        with transaction.atomic():
            services.model_publish(model=first, actor=lead)
            first_holds.set()
            first_may_commit.wait(timeout=60)

    def publish_second():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            second_pid.put(cursor.fetchone()[0])
        services.model_publish(model=second, actor=lead)

    threads = [
        threading.Thread(target=run, args=("first", publish_first)),
        threading.Thread(target=run, args=("second", publish_second)),
    ]
    try:
        threads[0].start()
        assert first_holds.wait(timeout=30), outcomes
        threads[1].start()
        _wait_until_blocked(second_pid.get(timeout=30))
    finally:
        first_may_commit.set()
        for thread in threads:
            thread.join()
    assert outcomes == {"first": "published", "second": "publish_conflict"}
    assert list(OrganisationalModel.objects.filter(status=Status.ACTIVE)) == [first]
    second.refresh_from_db()
    assert second.status == Status.DRAFT
    if earlier is not None:
        earlier.refresh_from_db()
        assert earlier.status == Status.ARCHIVED
