# The two commands of the README: `make run` and `make test`. Both create .venv with the
# first Python 3.12+ they find (Django 6 needs it), install pinned requirements, and go.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py

# First interpreter of 3.12 or newer: versioned names, then plain python3, then pyenv's
# installed versions directly (its shims fail for versions that are not selected).
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	if $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v $$c; break; fi; done)

.PHONY: run test lint format run-stack messages clean

$(PY):
	@if [ -z "$(PYTHON)" ]; then echo "No Python 3.12 or newer found (Django 6 needs it). Install one, or run: make PYTHON=/path/to/python3.12 ..."; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.checked: | $(PY)
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { echo "$(VENV) was made with a Python older than 3.12: remove it (rm -rf $(VENV)) and run make again."; exit 1; }
	@touch $@

$(VENV)/.runtime: requirements.txt | $(VENV)/.checked
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip check
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/.checked
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip check
	@touch $@ $(VENV)/.runtime

# The embedded default: SQLite file, tasks in-process, demo data, DEBUG on.
run: export DEBUG ?= 1
# runserver's own "This is a development server" warning: the README says so already.
run: export DJANGO_RUNSERVER_HIDE_WARNING = true
run: $(VENV)/.runtime
	@$(MANAGE) compiletranslations
	@$(MANAGE) migrate --noinput
	@$(MANAGE) seed_demo
	@$(MANAGE) runserver 127.0.0.1:8000

# The whole suite. DATABASE_URL and CELERY_BROKER_URL switch it to PostgreSQL and Redis,
# where the tests marked integration start a real Celery worker.
test: export DJANGO_SETTINGS_MODULE = tests.settings
test: $(VENV)/.dev lint
	$(MANAGE) compiletranslations
	$(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The production shape on one machine: PostgreSQL, Redis, gunicorn, a Celery worker and
# Celery beat from the Procfile. Plain http here (HTTPS=0); behind TLS leave HTTPS on.
run-stack: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/governance
run-stack: export CELERY_BROKER_URL ?= redis://127.0.0.1:6379/0
run-stack: export DEBUG = 0
run-stack: export HTTPS ?= 0
run-stack: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
run-stack: $(VENV)/.runtime
	@mkdir -p var
	@test -s var/secret-key || $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret-key
	export SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret-key)}" && \
	$(MANAGE) compiletranslations && \
	$(MANAGE) migrate --noinput && \
	$(MANAGE) collectstatic --noinput --verbosity 0 && \
	$(BIN)/honcho start

# Needs GNU gettext (a developer tool, not needed to run or test).
messages: export DJANGO_SETTINGS_MODULE = tests.settings
messages: $(VENV)/.dev
	$(MANAGE) makemessages --locale de --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete

clean:
	rm -rf $(VENV) staticfiles var
