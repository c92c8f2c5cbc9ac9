# ceis: two commands on a fresh machine.
#   make run   - install into .venv, migrate, seed the demo, serve on http://127.0.0.1:8000 (SQLite, Celery eager, e-mail to console)
#   make test  - install, lint, check migrations, run the whole test suite
#   make serve - the production shape (DEBUG off, PostgreSQL, Redis): migrate, collectstatic, then honcho runs
#                the Procfile (gunicorn web, Celery worker, Celery beat) on HOST:PORT (default 127.0.0.1:8000)
#   make load  - locust against a running `make serve` (LOAD_HOST), report in load/report.md
#   make scan  - wapiti and sqlmap against the production shape on loopback, report in security/report.md
#   make backup / make restore ARCHIVE=... / make restore-check - see README, Backup and restore
# .ci/run calls `make test` with DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) set.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
RUN_ENV := DEBUG=1
HOST ?= 127.0.0.1:8000
# Two processes (pytest-xdist): the suite fits the 2 cores of a CI machine; PYTEST_ARGS= runs it in one.
PYTEST_ARGS ?= -n 2

.PHONY: run test install lint check-deploy messages clean serve load

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
	$(MAKE) --no-print-directory check-deploy
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Django's deployment checklist with production settings: DEBUG off, HTTPS on, fresh throw-away keys.
check-deploy: install
	DEBUG=0 ALLOWED_HOSTS=ceis.example.org SECURE_COOKIES=1 SECURE_SSL_REDIRECT=1 \
	ADMIN_URL="admin-$$($(PY) -c 'import secrets; print(secrets.token_hex(8))')/" \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	FIELD_ENCRYPTION_KEY="$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	DUPLICATE_HASH_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(PY) manage.py check --deploy --fail-level WARNING
# The production shape on one machine. Needs in the environment: SECRET_KEY, FIELD_ENCRYPTION_KEY,
# DUPLICATE_HASH_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL), CELERY_BROKER_URL and CACHE_URL (Redis): ceis.preflight
# names whatever is missing and stops. DEBUG is forced off. See README, Production.
SERVE_ENV := DEBUG=0
PORT ?= 8000
serve: install
	@$(SERVE_ENV) $(PY) -m ceis.preflight
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	mkdir -p .run
	$(SERVE_ENV) PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/honcho --procfile Procfile start --port $(PORT)

# 50 simulated users for 60 s against a running `make serve` (seed its database first: manage.py seed_load).
LOAD_HOST ?= http://127.0.0.1:8000
LOAD_USERS ?= 50
LOAD_TIME ?= 60s
# Before the measured run, LOAD_WARMUP (0: none) of LOAD_WARMUP_USERS users, not counted: a server as after some time
# in service (every worker's first pages, its database connections); the measured run still starts with all its logins.
LOAD_WARMUP ?= 30s
LOAD_WARMUP_USERS ?= 30
load: install
	rm -f load/stats_*.csv
	if [ "$(LOAD_WARMUP)" != "0" ]; then \
		$(VENV)/bin/locust -f load/locustfile.py --host $(LOAD_HOST) --headless -u $(LOAD_WARMUP_USERS) -r 10 -t $(LOAD_WARMUP) \
			--only-summary > /dev/null 2>&1 || echo "the warm-up failed (the measured run will tell why)"; \
		sleep 20; \
	fi
	start="$$($(PY) -c 'import os; print(*os.getloadavg())')"; \
	$(VENV)/bin/locust -f load/locustfile.py --host $(LOAD_HOST) --headless -u $(LOAD_USERS) -r 10 -t $(LOAD_TIME) \
		--csv load/stats --only-summary; status=$$?; \
	LOAD_HOST=$(LOAD_HOST) LOAD_USERS=$(LOAD_USERS) LOAD_TIME=$(LOAD_TIME) LOAD_WARMUP=$(LOAD_WARMUP) LOAD_WARMUP_USERS=$(LOAD_WARMUP_USERS) LOAD_AVG_START="$$start" \
		$(PY) load/report.py load/stats load/report.md && cat load/report.md; exit $$status

# Re-extract the catalogues after changing strings (needs gettext); commit both .po and .mo.
messages: install
	$(RUN_ENV) $(PY) manage.py makemessages -l it --no-location --ignore=.venv --ignore=staticfiles --ignore=tests
	$(RUN_ENV) $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Refresh the copy of axe-core that the browser accessibility tests use, from the npm registry (needs npm).
AXE_VERSION ?= 4.14.1
.PHONY: axe
axe:
	sh tests/browser/vendor/axe-core/refresh.sh $(AXE_VERSION)
# Benchmark (PostgreSQL): seed N = 1 000 and N = 100 000 persons in two throw-away databases, time the main
# pages in-process, then over HTTP against gunicorn (gunicorn.conf.py, Redis broker) at 1, 10 and 50 users on the
# large one; write bench/report.md and bench/report.json (BENCH_DATABASE_URL, BENCH_SIZES, BENCH_REQUESTS,
# BENCH_HTTP_*: bench/run.py, bench/README.md).
.PHONY: bench
bench: install
	$(PY) bench/run.py
# Security scan (needs Debian's wapiti and sqlmap: apt-get install wapiti sqlmap; not part of CI): serve the
# production shape on loopback with a throw-away PostgreSQL database, scan it as operator and coordinator,
# write security/report.md; fails while a finding is open (security/judgements.toml). See security/scan.py.
.PHONY: scan
scan: install
	$(PY) security/scan.py

# Backup and restore (README, Backup and restore). They use the environment as it is (DATABASE_URL, MEDIA_ROOT,
# FIELD_ENCRYPTION_KEY, BACKUP_ENCRYPTION_KEY): on a development machine, prefix DEBUG=1.
BACKUP_DIR ?= backups
.PHONY: backup restore restore-check
backup: install
	BACKUP_DIR=$(BACKUP_DIR) $(PY) manage.py backup --output-dir $(BACKUP_DIR)
# Into the configured database and MEDIA_ROOT, which must be empty (RESTORE_ARGS=--replace to overwrite).
restore: install
	@test -n "$(ARCHIVE)" || { echo "make restore ARCHIVE=backups/ceis-backup-....tar.gz[.fernet]"; exit 2; }
	$(PY) manage.py restore $(ARCHIVE) $(RESTORE_ARGS)
# The drill: restore ARCHIVE (default: the newest in BACKUP_DIR) into a new throw-away database, read back every
# encrypted value and uploaded file, drop it.
restore-check: install
	BACKUP_DIR=$(BACKUP_DIR) $(PY) manage.py restore --check $(ARCHIVE)
