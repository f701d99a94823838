"""Settings for the test suite: the real settings, plus what only tests need.

Configuration still comes from the environment (DATABASE_URL, CELERY_BROKER_URL); this
module only supplies a test key and makes the suite fast and deterministic.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "k3y-" * 12)
# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse ORM calls from the live-server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from governance.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A test reads the figures right after writing their rows: no kept figures
# (tests/governance/test_figures_cache.py turns it on).
FIGURES_CACHE_SECONDS = 0
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
STATIC_ROOT = None  # the live server serves static/ through the finders
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tests talk plain http to the test client and the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Mail links of the suite need not reach anyone; the warning is for real deployments.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "governance.W001"]  # noqa: F405
