# Coprod: `make run` starts everything with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
TOOLS := var/tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: install run soak test test-fast test-browser test-services lint format chromium wrk bench bench-http css clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

# The demo's texts appear in the terminal, as its emails do (EMAIL_URL is consolemail:// in debug).
run: export COPROD_SMS_BACKEND ?= console
run: install
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py seed_demo
	DJANGO_DEBUG=true $(PY) -m coprod.supervisor --procfile Procfile

# make run's processes, through the same runner, for SOAK_MINUTES (default 20)
# on the embedded defaults in a fresh folder, with a steady stream of meeting
# changes; then checks every message was handled once and nothing crashed.
soak: install
	env -u DATABASE_URL -u REDIS_URL $(PY) -m tests.soak

# Debian's Chromium for the browser tests; never a downloaded browser build.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium: sudo apt-get install -y chromium" >&2; exit 1; \
	  fi; \
	fi

# Debian's wrk for make bench-http, installed the same way.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's wrk for make bench-http..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "make bench-http needs wrk: sudo apt-get install -y wrk" >&2; exit 1; \
	  fi; \
	fi

test: install chromium
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not browser"

test-browser: install chromium
	$(PY) -m pytest -m browser

# The tests about the real services (worker and beat processes, Redis restarts)
# against this machine's PostgreSQL and Redis, as .ci/run runs them.
test-services: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/coprod} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} COPROD_REQUIRE_SERVICES=1 \
	$(PY) -m pytest -m services

# Server time and query count per page on a busy organisation (see tests/bench.py),
# then the reports on the seed_scale organisation: 10,000 members (tests/bench_reports.py).
bench: install
	$(PY) -m tests.bench

# Each page as a ratio to a bare Django floor over real HTTP: gunicorn on
# production settings and the floor app (tests/bench_floor) side by side on
# PostgreSQL, wrk against both (tests/bench_http.py). BENCH_HTTP_MEMBERS sets
# the seed_scale size (default 1000); BENCH_HTTP_DATABASE_URL the database.
bench-http: install wrk
	$(PY) -m tests.bench_http

# The same checks as .pre-commit-config.yaml: style, formatting, the one-way
# layers (import-linter, pyproject's [tool.importlinter]; ruff's PLC0415 refuses
# an import inside a function unless a noqa comment says why), templates, and
# types (mypy's django-stubs plugin imports the settings: debug on, so they need
# no secrets).
lint: install
	ruff check .
	ruff format --check .
	lint-imports
	DJANGO_DEBUG=true $(VENV)/bin/mypy .
	djlint templates --lint

# Rebuild static/vendor/bootstrap-5.3.9/bootstrap.purged.min.css after using a
# Bootstrap class no template used before (tests/test_page_weight.py says when).
css: install
	$(PY) scripts/purge_bootstrap.py

format: install
	ruff check --fix .
	ruff format .

clean:
	rm -rf $(VENV) $(TOOLS) var/static var/celery var/screenshots
