# Headnet's everyday commands. The README's two set-up commands are
# `make run` and `make test`; each installs what it needs first.

SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never

# uv from the PATH if there is one, otherwise a private copy in .tools/.
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
PY := .venv/bin/python
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/headnet
PYTEST_ARGS ?=
# Two processes: the machines have two cores, and the suite takes half the time.
PYTEST_WORKERS ?= 2

.PHONY: install run test test-postgres test-browser load load-short load-tools lint format migrations-check ci bench bench-profile

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet "uv>=0.13,<1"

## install: create .venv with Python 3.13 and exactly the locked packages
install: $(UV)
	$(UV) sync --locked --quiet

## run: set up, migrate, load the demo data and serve http://127.0.0.1:8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## test: set up and run the test suite on the embedded SQLite database
test: install
	.venv/bin/pytest -rfE -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## test-postgres: the same suite against PostgreSQL (POSTGRES_URL)
test-postgres: install
	DATABASE_URL=$(POSTGRES_URL) .venv/bin/pytest -rfE -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## test-browser: the real-browser journeys and accessibility checks in headless Chromium
# One process: with -n 2 (which works: each worker has its own Chromium, live server and
# database, see tests/e2e/conftest.py) it used a fifth more CPU and was not reliably
# faster on two busy cores. Try it with PYTEST_ARGS="-n 2" on an idle machine.
test-browser: install
	@command -v chromium >/dev/null || { echo "Installing Chromium (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	.venv/bin/pytest -rfE -m e2e tests/e2e $(PYTEST_ARGS)

# The load runs need PostgreSQL's server programs (their own cluster) and redis-server.
load-tools:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null; then \
	  echo "Installing PostgreSQL and Redis (apt-get)"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server; fi

## load: the load and fault runs at full length, on loopback (README, "Load and faults")
load: install load-tools
	$(PY) -m loadtest $(LOAD_ARGS)

## load-short: the same runs a few seconds each, as CI runs them
load-short: install load-tools
	$(PY) -m loadtest --short $(LOAD_ARGS)

## lint: ruff's checks and formatting, the floors (import-linter), the types of the services
## and access modules (mypy, strict; the list is pyproject.toml's [tool.mypy] files), no
## missing migrations
lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

## bench: England-sized data on PostgreSQL, each page under wrk against a bare view
## (seeds the bench database on first use; BENCH_ARGS="--duration 20 --reseed")
BENCH_ARGS ?=
bench: install
	$(PY) -m bench.run --database $(POSTGRES_URL)_bench $(BENCH_ARGS)

## ci: what CI runs (.ci/run)
ci:
	.ci/run

## bench-profile: where one bench page's time goes, in process on the bench database
## (after `make bench` has seeded it): PAGE="Network page (member)" or PAGE=/path/ ROLE=member
PAGE ?= Network page (member)
ROLE ?=
bench-profile: install
	DJANGO_SETTINGS_MODULE=config.bench_settings DEBUG=false SECRET_KEY=bench-profile \
	ALLOWED_HOSTS=127.0.0.1 SITE_URL=https://bench.headnet.invalid SECURE_SSL_REDIRECT=false \
	TRUST_X_FORWARDED_PROTO=true LOG_LEVEL=WARNING DATABASE_URL=$(POSTGRES_URL)_bench \
	REDIS_URL=redis://127.0.0.1:6379/3 $(PY) -m bench.profile "$(PAGE)" $(if $(ROLE),--as $(ROLE))
