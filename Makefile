# ceis: two commands on a fresh machine.
#   make run   - install into .venv, migrate, seed the demo, serve on http://127.0.0.1:8000 (SQLite, Celery eager, e-mail to console)
#   make test  - install, lint, check migrations, run the whole test suite
# .ci/run calls `make test` with DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) set.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
RUN_ENV := DEBUG=1
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test install lint messages clean

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed-dev

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) manage.py runserver $(HOST)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install lint
	$(RUN_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Re-extract the catalogues after changing strings (needs gettext); commit both .po and .mo.
messages: install
	$(RUN_ENV) $(PY) manage.py makemessages -l it --no-location --ignore=.venv --ignore=staticfiles --ignore=tests
	$(RUN_ENV) $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Benchmark (PostgreSQL): seed N = 1 000 and N = 100 000 persons in two throw-away databases, time the main
# pages, write bench/report.md and bench/report.json (BENCH_DATABASE_URL, BENCH_SIZES, BENCH_REQUESTS: bench/run.py).
.PHONY: bench
bench: install
	$(PY) bench/run.py
