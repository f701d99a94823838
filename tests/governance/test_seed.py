import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from content_workflow.demo_history import HISTORY_EXPERTS
from governance.access import Role, roles_of

DEMO_USERNAMES = ["lead", "communicator", "expert", "expert2", "manager", "executive", "admin"]


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def snapshot():
    return sorted(
        (u.username, u.password, tuple(sorted(u.groups.values_list("name", flat=True))))
        for u in get_user_model().objects.all()
    )


def test_seed_demo_creates_an_account_per_role(db, debug_on):
    call_command("seed_demo", stdout=None)
    users = {u.username: u for u in get_user_model().objects.all()}
    # The demo's sign-ins, and the colleagues of its history, who do not sign in.
    colleagues = [username for username, *_rest in HISTORY_EXPERTS]
    assert sorted(users) == sorted([*DEMO_USERNAMES, *colleagues])
    assert not any(users[name].has_usable_password() or users[name].is_active for name in colleagues)
    assert roles_of(users["lead"]) == [Role.GOVERNANCE_LEAD]
    assert roles_of(users["expert2"]) == [Role.EXPERT]
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["manager"].check_password("demo")


def test_seed_demo_twice_changes_nothing(db, debug_on):
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before


def test_seed_demo_uses_demo_password_from_settings(db, debug_on, settings):
    settings.DEMO_PASSWORD = "another-secret"
    call_command("seed_demo")
    assert get_user_model().objects.get(username="lead").check_password("another-secret")


def test_seed_demo_refuses_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()
    call_command("seed_demo", "--force")
    assert get_user_model().objects.count() == len(DEMO_USERNAMES) + len(HISTORY_EXPERTS)
