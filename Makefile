# Locker: `make run` serves the site beside the 7digital sandbox; `make test` lints and runs the tests.
SHELL := /bin/bash
PYTHON_VERSION ?= 3.12
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 8001
export DJANGO_SETTINGS_MODULE := lockersite.settings
# The site calls the sandbox that this make starts, on SANDBOX_PORT (lockersite/settings.py).
SANDBOX_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
export SANDBOX_URL := http://$(SANDBOX_HOST):$(SANDBOX_PORT)

.PHONY: run test test-all lint format install install-dev browser gettext catalogs messages sandbox migrate demo bench bench-tools serve-prod test-long clean faults redis-server

# A 3.12+ interpreter: pyenv's when present, else python3.12 / python3 if new enough.
BASE_PYTHON := $(shell \
	if command -v pyenv >/dev/null 2>&1 && pyenv prefix $(PYTHON_VERSION) >/dev/null 2>&1; then \
		echo "$$(pyenv prefix $(PYTHON_VERSION) | head -1)/bin/python"; \
	elif command -v python$(PYTHON_VERSION) >/dev/null 2>&1; then command -v python$(PYTHON_VERSION); \
	else command -v python3; fi)

$(VENV)/.created:
	@$(BASE_PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Locker needs Python 3.12+, found " + sys.version.split()[0] + " at $(BASE_PYTHON). Install it with pyenv (pyenv install 3.12) and retry.")'
	$(BASE_PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	touch $@

$(VENV)/.installed: $(VENV)/.created requirements.txt
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed catalogs
install-dev: $(VENV)/.installed-dev catalogs

# Debian's gettext (msgfmt, xgettext) builds and regenerates the translation catalogs.
gettext:
	@if ! command -v msgfmt >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
		else echo "gettext not found: run 'sudo apt-get install gettext'"; exit 1; fi; \
	fi

# The compiled .mo files are build output (not committed): compiled from locale/*/LC_MESSAGES/*.po.
catalogs: $(VENV)/.installed gettext
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# Regenerate the catalogs from the code, then list every entry left to translate.
messages: $(VENV)/.installed-dev gettext
	$(PY) -m lockersite.catalogs messages

# Debian's Chromium for the browser tests (Playwright drives it; no browser download). A failed
# install stops the run; without root it only warns (the browser tests then skip, said by -rs),
# except under CI, where a missing browser is an error.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
			|| { echo "apt-get install chromium failed"; exit 1; }; \
		elif [ -n "$$CI" ]; then echo "Chromium not found and not root: CI needs it"; exit 1; \
		else echo "Chromium not found: run 'sudo apt-get install chromium' to enable the browser tests"; fi; \
	fi

# Debian's redis-server for the Redis outage tests (they start, freeze and stop their own).
redis-server:
	@if ! command -v redis-server >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
		else echo "redis-server not found: run 'sudo apt-get install redis-server' to enable the Redis outage tests"; fi; \
	fi

migrate: install
	$(PY) manage.py migrate --noinput

run: install migrate
	@$(PY) scripts/wait_for_url.py --free $(SANDBOX_HOST):$(SANDBOX_PORT) || exit 1; \
	$(PY) -m sandbox serve --host $(HOST) --port $(SANDBOX_PORT) & echo $$! > .sandbox.pid; \
	trap 'kill $$(cat .sandbox.pid) $$(cat .worker.pid 2>/dev/null) 2>/dev/null; rm -f .sandbox.pid .worker.pid' EXIT INT TERM; \
	$(PY) scripts/wait_for_url.py --pid $$(cat .sandbox.pid) $(SANDBOX_URL)/_sandbox/faults && \
	$(PY) manage.py seed_demo && \
	{ $(PY) manage.py db_worker --no-reload --no-startup-delay --interval 0.5 & echo $$! > .worker.pid; } && \
	echo "" && echo "Locker is at http://$(HOST):$(PORT)/  (sign in as demo@example.com / locker-demo)" && \
	echo "7digital sandbox at $(SANDBOX_URL)/ (accounts: demo@sandbox.test / demo)" && echo "" && \
	$(PY) manage.py runserver $(HOST):$(PORT)

sandbox: install
	$(PY) -m sandbox serve --host $(HOST) --port $(SANDBOX_PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) manage.py check

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The suite in PYTEST_WORKERS pytest-xdist processes (auto: one per core), each with its own
# sandbox, test database and cache key prefix. On a quiet 2-core machine 4 workers took 2 min 42 s
# and 2 took 2 min 54 s, but 4 on 2 cores starve the tests that measure a deadline or a pause.
# --dist loadfile keeps each file on one worker, so a module's stack or catalogs are built once
# (xdist 3.8's loadgroup does not group under pytest 9.2: it rewrites a nodeid pytest no longer reads).
# `make test` leaves out the tests marked slow: CI's second pass runs them too.
PYTEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile

test: install-dev browser redis-server lint
	$(PYTEST) -m "not slow"

# Every test (CI's second pass; lint ran in the first). The slow ones run last, one at a time:
# their load and timing figures must not compete with the other tests for the CPUs.
test-all: install-dev browser redis-server
	$(PYTEST) -m "not slow"
	$(PY) -m pytest -m slow

# wrk (Debian's package) drives the throughput and memory benchmarks.
bench-tools:
	@if ! command -v wrk >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else echo "wrk not found: run 'sudo apt-get install wrk'"; exit 1; fi; \
	fi

bench: install-dev bench-tools
	$(PY) bench/parse_bench.py
	$(PY) -m bench.run
	$(PY) -m bench.index_bench
	$(PY) -m bench.page_weight

# Fault figures on gunicorn (4 workers) + the sandbox: 5xx while Redis is frozen then stopped (own
# redis-server), bench/trickle.py's figure when present, downloads used by 100 simultaneous double
# clicks without Redis. bench/faults.py; DATABASE_URL=postgres://... runs them on PostgreSQL.
faults: install-dev redis-server
	$(PY) -m bench.faults

# The production stack locally: the sandbox + gunicorn with DEBUG off (deploy/serve-local.sh).
serve-prod: install
	@HOST=$(HOST) PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) bash deploy/serve-local.sh

# The minutes-long soak/fault tests that `make test` skips.
test-long: install-dev
	LOCKER_LONG_TESTS=1 $(PY) -m pytest tests/production

clean:
	rm -rf $(VENV) staticfiles .pytest_cache locale/*/LC_MESSAGES/*.mo
