# Candidate Portal — `make run` serves the demo, `make test` runs the suite.
# Deployment targets (docker compose) are listed by `make help`.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv run test lint format migrate-dev demo bench

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

venv: $(VENV)/.installed ## Create the virtualenv and install pinned dependencies

migrate-dev: venv
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py migrate --noinput

demo: migrate-dev ## Load the demo observation and create the demo login
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py setup_demo

run: demo ## Serve the portal with demo data on http://127.0.0.1:8000 (SQLite)
	@echo "Serving on http://$(HOST):$(PORT)/ — demo login printed above."
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py runserver $(HOST):$(PORT)

test: venv ## Run the test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: venv ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv ## Apply ruff formatting and import sorting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_ARGS ?=

bench: venv ## Benchmarks on PostgreSQL (1M candidates, 100k ratings) → var/bench/bench.json
	createdb -h 127.0.0.1 -U postgres portal_bench 2>/dev/null || true
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=portal.settings.bench \
		$(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=portal.settings.bench \
		$(PY) manage.py bench $(BENCH_ARGS)

LOAD_ARGS ?=

load: venv ## 50 simulated raters for 60 s against gunicorn + PostgreSQL → var/load/load.json
	$(PY) tests/load/run_load.py $(LOAD_ARGS)
