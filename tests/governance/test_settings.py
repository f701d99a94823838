"""Start-up refuses insecure or malformed configuration; production passes check --deploy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    result = manage("check", DEBUG="0", SECRET_KEY="short")
    assert "SECRET_KEY must be set" in result.stderr


def test_malformed_values_stop_start_up_with_the_variable_named():
    result = manage("check", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr
    result = manage("check", DEBUG="1", DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_check_deploy_is_clean_in_production():
    result = manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
        SITE_URL="https://example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def production(**env):
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "example.com", **env}


def test_start_up_warns_when_site_url_is_left_on_this_machine():
    result = manage("check", **production())
    assert "governance.W001" in result.stderr + result.stdout
    assert "SITE_URL" in result.stderr + result.stdout
    result = manage("check", **production(SITE_URL="https://governance.example.com"))
    assert "governance.W001" not in result.stderr + result.stdout


SEND = "from django.core.mail import send_mail; send_mail('Hello', 'Body', 'a@example.com', ['b@example.com'])"


def test_another_email_backend_works_without_debug():
    console = "django.core.mail.backends.console.EmailBackend"
    result = manage("shell", "-c", SEND, **production(EMAIL_BACKEND=console, EMAIL_HOST="smtp.example.com"))
    assert result.returncode == 0, result.stderr
    assert "Subject: Hello" in result.stdout


def test_smtp_still_gets_its_options():
    show = "from django.conf import settings; print(sorted(settings.MAILERS['default']['OPTIONS']))"
    result = manage("shell", "-c", show, **production(EMAIL_HOST="smtp.example.com", EMAIL_PORT="2525"))
    assert result.returncode == 0, result.stderr
    assert "'host'" in result.stdout and "'port'" in result.stdout


@pytest.mark.postgres
def test_postgresql_connections_run_without_jit(db):
    """JIT compiled each large list's plan for ~2 s before running it for far less."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
