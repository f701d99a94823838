"""Personas and factories shared by the whole suite.

Every endpoint test picks from the same cast: someone allowed, someone forbidden, and
someone to whom the object is not visible at all.
"""

import factory
import pytest
from django.contrib.auth import get_user_model

from governance.access import Role, role_group
from governance.celery import app as celery_app

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(role_group(role))
        if create:
            self.save()


@pytest.fixture
def make_user(db):
    def make(*roles, **fields):
        return UserFactory(roles=roles, **fields)

    return make


@pytest.fixture
def lead(make_user):
    return make_user(Role.GOVERNANCE_LEAD, username="lead")


@pytest.fixture
def communicator(make_user):
    return make_user(Role.COMMUNICATOR, username="communicator")


@pytest.fixture
def expert(make_user):
    return make_user(Role.EXPERT, username="expert")


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER, username="manager")


@pytest.fixture
def executive(make_user):
    return make_user(Role.EXECUTIVE, username="executive")


@pytest.fixture
def outsider(make_user):
    """Signed in, but holds no role at all."""
    return make_user(username="outsider")


@pytest.fixture
def superuser(make_user):
    return make_user(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def api_for():
    """A DRF API client authenticated as the given user (None: anonymous)."""
    from rest_framework.test import APIClient

    def make(user=None):
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return api

    return make


@pytest.fixture(autouse=True)
def tasks_run_in_process(request):
    """Outside the integration tests, tasks run in-process, as in the embedded default.

    The integration tests turn this off to hand work to a real worker.
    """
    eager = request.node.get_closest_marker("integration") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters live in the cache; no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_by_default():
    """A German request activates German for the thread; the next test starts in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def disciplines(db):
    """The default catalogue, by slug.

    The migrations load it, but a live-server or worker test before this one may have
    flushed the database (serialized rollback does not survive Playwright's greenlets
    on every backend), so the defaults are made sure of here; the loaders only add
    what is missing.
    """
    from disciplines.defaults import ensure_default_catalogue
    from disciplines.models import ApplicationArea, Discipline
    from governance.defaults import ensure_default_activities
    from governance.models import Activity

    ensure_default_catalogue(Discipline, ApplicationArea)
    ensure_default_activities(Activity)
    return {d.slug: d for d in Discipline.objects.all()}


@pytest.fixture
def make_model(lead, disciplines):
    """A hub and spoke draft built through the services, valid unless told otherwise.

    make_model(spokes=["marketing", "sales"], complete_raci=True, publish=False)
    The hub sits in corporate communications; with complete_raci every activity gets the
    hub as A/R, so the model publishes.
    """
    from governance import services
    from governance.models import Activity, ModelType

    def make(
        *,
        name="Draft model",
        spokes=("marketing", "customer-service", "sales"),
        complete_raci=True,
        publish=False,
        actor=None,
    ):
        actor = actor or lead
        model = services.model_create(actor=actor, name=name, type=ModelType.HUB_AND_SPOKE)
        hub = services.hub_save(
            model=model,
            actor=actor,
            name="Centre of excellence",
            home_discipline=disciplines["corporate-communications"],
        )
        for slug in spokes:
            services.spoke_save(model=model, actor=actor, discipline=disciplines[slug], hub=hub)
        if complete_raci:
            services.responsibilities_update(
                model=model,
                actor=actor,
                changes=[
                    services.CellChange(activity.pk, hub.home_discipline_id, "", "AR")
                    for activity in Activity.objects.all()
                ],
            )
        if publish:
            model = services.model_publish(model=model, actor=actor)
        return model

    return make


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres need real row locks; on SQLite they skip (CI runs them)."""
    import os

    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    if os.environ.get("REQUIRE_INTEGRATION") == "1":
        raise pytest.UsageError("REQUIRE_INTEGRATION=1 but DATABASE_URL is not PostgreSQL")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL pointing at PostgreSQL"))


@pytest.fixture(autouse=True)
def database_for_every_test(db):
    """Every test may touch the database, even through fixtures looked up by name.

    pytest-django runs tests it does not see using the database after the transactional
    ones, whose flush removes the content the migrations loaded; a test that reached the
    database through request.getfixturevalue would then find no default disciplines.
    """
