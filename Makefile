# Yishi 议事 — two set-up commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
RUN_STAMP := $(VENV)/.run-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
PG_SOCKET ?= /var/run/postgresql
TEST_WORKERS ?= 2
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@/postgres?host=$(PG_SOCKET)
APT_RUNTIME := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
APT_TEST := chromium poppler-utils

.PHONY: run test test-sqlite test-postgres lint bench venv venv-dev system-runtime system-test \
	translations extract-messages postgres redis node-modules clean

## make run: venv, install, migrate, demo when empty, serve on http://127.0.0.1:5000 with the
## jobs worker beside gunicorn (one command: stopping gunicorn stops the worker)
run: venv system-runtime translations
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	YISHI_SECURE_COOKIES=$${YISHI_SECURE_COOKIES:-0} $(VENV)/bin/gunicorn --bind 127.0.0.1:5000 \
		--workers 2 --access-logfile - wsgi:app

## make test: install what the tests need, lint, run the suite on SQLite and on PostgreSQL
test: venv-dev system-runtime system-test node-modules translations lint test-sqlite test-postgres

test-sqlite: redis
	YISHI_TEST_DB=sqlite $(PY) -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

test-postgres: postgres redis
	YISHI_TEST_DB=postgres TEST_POSTGRES_URL='$(TEST_POSTGRES_URL)' \
		$(PY) -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

## make lint: ruff and the type checker (mypy: app/, proposals/, voting/, meetings/)
lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# requirements.txt: what the app needs to run (make run); requirements-dev.txt adds the
# tests, benchmarks and linters (make test, make bench, make lint).
venv: $(RUN_STAMP)

venv-dev: $(DEV_STAMP)

$(RUN_STAMP): requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.run-*
	touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.dev-*
	touch $(DEV_STAMP)

# npm packages of the browser checks (axe-core, Lighthouse), pinned by package-lock.json;
# reinstalled whenever the lock changes.
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | sha1sum | cut -c1-12)

node-modules: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Debian packages: Pango and CJK fonts for PDFs; Chromium and pdftotext for the tests.
system-runtime:
	@missing=""; for p in $(APT_RUNTIME); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; fi

system-test:
	@missing=""; for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; fi

# PostgreSQL must be reachable; under CI=true an unreachable server fails the run.
postgres:
	@if ! pg_isready -q -h $(PG_SOCKET) 2>/dev/null; then \
	  echo "PostgreSQL is not answering on $(PG_SOCKET); trying to start it"; \
	  (pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql 2>/dev/null | head -1) main start) || true; \
	  for i in $$(seq 1 30); do pg_isready -q -h $(PG_SOCKET) && break; sleep 1; done; \
	fi; \
	pg_isready -h $(PG_SOCKET) || { echo "PostgreSQL is required for make test" >&2; exit 1; }

# One English catalogue per feature: translations/ (core), proposals/, voting/, meetings/,
# notifications/.
CATALOGS := translations proposals/translations voting/translations meetings/translations \
	notifications/translations turnout/translations
FEATURE ?= core

# Redis backs the shared rate-limit test (as several gunicorn workers would use it).
redis:
	@if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then \
	  echo "Redis is not answering on 127.0.0.1:6379; trying to start it"; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true; \
	  for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done; \
	fi; \
	redis-cli -h 127.0.0.1 ping >/dev/null || { echo "Redis is required for make test" >&2; exit 1; }

translations: venv
	@for d in $(CATALOGS); do if [ -d $$d/en ]; then \
	  $(VENV)/bin/pybabel compile --use-fuzzy -d $$d || exit 1; fi; done

## make extract-messages FEATURE=core|proposals|voting|meetings|notifications: refresh it
extract-messages: venv
	@if [ "$(FEATURE)" = core ]; then cfg=babel.cfg; dir=translations; \
	 else cfg=$(FEATURE)/babel.cfg; dir=$(FEATURE)/translations; fi; \
	 $(VENV)/bin/pybabel extract -F $$cfg -k _l -k lazy_gettext -k N_ -k pN_:1c,2 -o $$dir/messages.pot . && \
	 if [ -f $$dir/en/LC_MESSAGES/messages.po ]; then \
	   $(VENV)/bin/pybabel update -i $$dir/messages.pot -d $$dir -l en --no-fuzzy-matching; \
	 else $(VENV)/bin/pybabel init -i $$dir/messages.pot -d $$dir -l en; fi

## make bench: benchmarks (not tests); prints tables, writes bench-results/latest.json
## (BENCH_ARGS="--quick" for a short smoke run; `$(PY) -m bench --help` lists the options)
bench: venv-dev postgres
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
