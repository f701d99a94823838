"""Where sign-in time goes (issue 10, item 11): one password hash per sign-in, at
Django's full work factor, and nothing of ours around it that hashes again.

Measured on the demo data (2 cores, load 10): a sign-in took 6-8 s, of which one
PBKDF2-SHA256 hash at Django 6's 1,500,000 iterations took 5-7 s; the view's own work
(17 queries, the redirect to the dashboard) stays under a second. The hash is the
price of the default hasher and is kept (see the README); seed_demo paid it once per
demo account and now pays it once.
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


def test_production_keeps_djangos_default_hasher():
    """Faster sign-ins must not come from a weaker hash without anyone deciding so."""
    assert getattr(production, "PASSWORD_HASHERS", None) in (None, global_settings.PASSWORD_HASHERS)
