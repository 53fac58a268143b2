# The two commands of the README: `make run` (the app) and `make test` (the test suite).
# Both install what they need into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run superuser test test-fast lint check-migrations install install-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements-dev.txt

# A development server on SQLite (or DATABASE_URL), with DEBUG on.
run: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $${ADDRESS:-127.0.0.1:8000}

# The first account, to sign in to the dashboard and the admin: asks for a user name and a
# password (or takes DJANGO_SUPERUSER_USERNAME, _EMAIL and _PASSWORD from the environment).
superuser: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py createsuperuser $${DJANGO_SUPERUSER_PASSWORD:+--noinput}

# The whole suite against the local PostgreSQL (DATABASE_URL overrides the server).
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The inner loop: the suite without the tests marked slow (browser, fuzzing, clusters, servers).
test-fast: install-dev
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The gate of every migration after the baseline: django-migration-linter and squawk.
check-migrations: install-dev
	DEBUG=true DATABASE_URL=sqlite:///:memory: $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m tests.support.migration_gate
