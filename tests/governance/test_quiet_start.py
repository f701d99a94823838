"""`make run` starts quietly: no broker looked for, e-mails in files, the sign-ins last."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from governance.celery import app as celery_app
from governance.mail import FileEmailBackend

ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = (ROOT / "Makefile").read_text()


def embedded_env(**extra):
    """The environment `make run` gives its commands: DEBUG on, no broker, no mail host."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_BROKER_URL", "EMAIL_HOST"}
        and not k.startswith("EMAIL_")
    }
    return {**env, "DEBUG": "1", **extra}


def python(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=embedded_env(**env), capture_output=True, text=True, timeout=120
    )


def test_embedded_settings_write_mail_to_var_mail_and_use_no_broker():
    result = python(
        "import governance.settings as s; m = s.MAILERS['default'];"
        "print(m['BACKEND']); print(m['OPTIONS']['file_path']); print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    assert result.returncode == 0, result.stderr
    backend, path, broker = result.stdout.splitlines()
    assert backend == "governance.mail.FileEmailBackend"
    assert Path(path) == ROOT / "var" / "mail"
    assert broker == "memory://localhost/ True"


def test_a_mail_host_in_debug_still_sends_through_smtp():
    result = python(
        "import governance.settings as s; print(s.MAILERS['default']['BACKEND'])", EMAIL_HOST="smtp.example.com"
    )
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_the_run_target_prints_nothing_after_the_sign_ins():
    recipe = MAKEFILE.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    lines = [line.strip() for line in recipe.splitlines() if line.startswith("\t")]
    assert "seed_demo" in lines[-2] and "runserver" in lines[-1]


@pytest.mark.skipif(not celery_app.conf.task_always_eager, reason="a broker is configured")
def test_in_process_tasks_look_for_no_broker(caplog, db):
    from content_workflow.tasks import sweep_stuck_requests

    with caplog.at_level(logging.DEBUG, logger="kombu"):
        sweep_stuck_requests.delay()
    assert not [record for record in caplog.records if record.name.startswith("kombu")]


def test_each_mail_is_one_file_and_one_log_line(tmp_path, caplog):
    backend = FileEmailBackend(alias="default", file_path=str(tmp_path))
    message = mail.EmailMessage("Hello", "A long body\n" * 50, "from@example.com", ["to@example.com"])
    with caplog.at_level(logging.INFO, logger="governance.mail"):
        assert backend.send_messages([message]) == 1
    assert [record.getMessage() for record in caplog.records] == ["Mail to to@example.com: Hello"]
    (written,) = tmp_path.iterdir()
    assert "A long body" in written.read_text()


def test_a_fresh_start_warns_of_nothing_and_ends_with_the_sign_ins(tmp_path):
    """What `make run` prints on a fresh clone, up to serving: migrate, then seed_demo."""
    env = embedded_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", EMAIL_FILE_PATH=str(tmp_path / "mail"))
    output = ""
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        output += result.stderr + result.stdout
    assert not re.search(r"WARNING|ERROR|Traceback", output), output
    assert "Content-Transfer-Encoding" not in output  # no whole e-mails on the console
    assert len(list((tmp_path / "mail").iterdir())) >= 1
    assert result.stdout.rstrip().splitlines()[-1].lstrip().startswith("admin ")


def test_the_run_target_hides_runservers_development_server_warning():
    recipe = MAKEFILE.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "export DJANGO_RUNSERVER_HIDE_WARNING = true" in recipe
