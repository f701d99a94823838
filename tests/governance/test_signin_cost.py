"""Where sign-in time goes (issue 10, item 11): one password hash per sign-in, at
Django's full work factor, and nothing of ours around it that hashes again.

Measured on the demo data (2 cores, load 10): a sign-in took 6-8 s, of which one
PBKDF2-SHA256 hash at Django 6's 1,500,000 iterations took 5-7 s; the view's own work
(17 queries, the redirect to the dashboard) stays under a second. Production now hashes
with Argon2 (about half the time, and memory-hard); seed_demo paid a hash once per demo
account and now pays it once.
"""

import pytest
from django.conf import global_settings
from django.contrib.auth import hashers
from django.core.management import call_command
from django.urls import reverse

import governance.settings as production


@pytest.fixture
def hashes(monkeypatch):
    """Counts every password hash computed (make and check alike)."""
    counted, inside = [], []
    hasher = type(hashers.get_hasher())
    for name in ("encode", "verify"):
        original = getattr(hasher, name)

        def counting(self, *args, _original=original, **kwargs):
            if not inside:  # verify() calls encode(): that is still one hash
                counted.append(1)
            inside.append(1)
            try:
                return _original(self, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(hasher, name, counting)
    return counted


def test_seed_demo_hashes_the_demo_password_once(db, settings, hashes):
    settings.DEBUG = True
    call_command("seed_demo")
    assert len(hashes) == 1


def test_a_sign_in_computes_one_hash(client, lead, hashes):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "lead", "password": PASSWORD})
    assert response.status_code == 302
    assert len(hashes) == 1


def test_production_hashes_with_argon2_and_still_checks_older_hashes():
    """Faster sign-ins come from a stronger hasher, decided here, not from a weaker one."""
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert set(global_settings.PASSWORD_HASHERS) <= set(production.PASSWORD_HASHERS)


def test_an_older_pbkdf2_hash_still_signs_in_and_is_upgraded(settings, lead):
    from tests.conftest import PASSWORD

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    lead.password = hashers.make_password(PASSWORD, hasher="pbkdf2_sha256")
    lead.save(update_fields=["password"])
    assert lead.check_password(PASSWORD)
    lead.refresh_from_db()
    assert lead.password.startswith("argon2$")
