"""With CACHE_URL set, API throttles count across processes (issue 9, item 12).

Two separate Python processes ask the token throttle: the first uses up the allowance,
the second must already be refused. Needs Redis: the URL comes from CACHE_URL or
CELERY_BROKER_URL (as CI sets it); skipped without one.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CACHE_URL") or os.environ.get("CELERY_BROKER_URL") or ""

ASK = """
import sys
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

class TokenView:
    throttle_scope = "token"

request = Request(RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR=sys.argv[-2]))
print(sum(ScopedRateThrottle().allow_request(request, TokenView()) for _ in range(int(sys.argv[-1]))))
"""


def allowed_in_a_new_process(address, times, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DJANGO_SETTINGS_MODULE"}}
    environment.update(DJANGO_SETTINGS_MODULE="tests.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); exec({ASK!r})", address, str(times)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip())


@pytest.mark.skipif(not REDIS_URL.startswith("redis"), reason="needs Redis (CACHE_URL or CELERY_BROKER_URL)")
def test_the_token_throttle_counts_across_processes():
    allowance = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])
    # A fresh documentation address per run, so counts of an earlier run do not matter.
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    assert allowed_in_a_new_process(address, allowance, CACHE_URL=REDIS_URL) == allowance
    assert allowed_in_a_new_process(address, 1, CACHE_URL=REDIS_URL) == 0
