# Candidate Portal — `make run` serves the demo, `make test` runs the suite.
# Deployment targets (docker compose) are listed by `make help`.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.DEFAULT_GOAL := help
.PHONY: help venv system-packages run test lint format migrate-dev demo bench bench-browser

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

# Debian packages the tests drive: browser tests (chromium, and libatomic1 for
# the Node.js driver inside the playwright wheel), the nginx test (nginx,
# envsubst from gettext-base), certificate and healthcheck scripts, backup
# and restore (pg_dump, pg_restore, psql).
SYSTEM_PACKAGES := chromium libatomic1 nginx gettext-base openssl curl postgresql-client
# The boot test's container engine (`make stack-test`).
STACK_PACKAGES := podman runc debootstrap

system-packages: ## Install the Debian packages the tests drive (root + apt-get only)
	@sh scripts/system-packages.sh $(SYSTEM_PACKAGES)

test: venv system-packages ## Run the test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: venv ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv ## Apply ruff formatting and import sorting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_ARGS ?=
# Memory the local PostgreSQL is tuned for, as POSTGRES_MEMORY_MB does for
# the db container (docker/postgres/tuning.sh); bench.json records the
# settings in force (shared_buffers changes only at the server's restart).
POSTGRES_MEMORY_MB ?= 4096

bench: venv ## Benchmarks on PostgreSQL (1M candidates, 100k ratings) → var/bench/bench.json
	createdb -h 127.0.0.1 -U postgres portal_bench 2>/dev/null || true
	sh docker/postgres/alter-system.sh $(POSTGRES_MEMORY_MB) -h 127.0.0.1 -U postgres -d postgres \
		|| echo "bench: the local PostgreSQL keeps its settings (no superuser?)"
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=portal.settings.bench \
		$(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=portal.settings.bench \
		$(PY) manage.py bench $(BENCH_ARGS)

bench-browser: venv ## Keypress-to-paint p95 in Chromium (gunicorn + bench DB) → var/bench/browser.json
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) tests/load/browser_timing.py $(BENCH_ARGS)

# ---------------------------------------------------------------------------
# Deployment with docker compose (README "Deployment"). Each flavour layers
# compose files from docker/; settings and secrets come from $(ENV_FILE).
#   make prod LOCAL_VOLUMES=1   keep media and database in host folders
#   make logs FLAVOUR=staging SERVICE=web
# ---------------------------------------------------------------------------
DOCKER_COMPOSE ?= docker compose
ENV_FILE ?= .env
LOCAL_VOLUMES ?=
FLAVOUR ?= prod
SERVICE ?=
BACKUP ?=
BACKUP_STAMP := $(shell date -u +%Y%m%dT%H%M%SZ)
BACKUP_DIR ?= backups/$(BACKUP_STAMP)

COMPOSE_FILES_LOCAL := $(if $(filter 1 yes true,$(LOCAL_VOLUMES)),-f docker/compose.local-volumes.yml)
COMPOSE_BASE := $(DOCKER_COMPOSE) --env-file $(ENV_FILE) -f docker/compose.base.yml
COMPOSE_dev := $(strip $(COMPOSE_BASE) -f docker/compose.dev.yml $(COMPOSE_FILES_LOCAL))
COMPOSE_prod := $(strip $(COMPOSE_BASE) -f docker/compose.prod.yml $(COMPOSE_FILES_LOCAL))
COMPOSE_staging := $(strip $(COMPOSE_BASE) -f docker/compose.prod.yml \
	-f docker/compose.staging.yml $(COMPOSE_FILES_LOCAL))
COMPOSE_CMD = $(or $(COMPOSE_$(FLAVOUR)),$(error FLAVOUR must be dev, prod or staging))

.PHONY: stack-test env-file dev dev-down prod prod-down staging staging-down cert-prod \
	cert-staging logs migrate createsuperuser backup restore

env-file:
	@test -f $(ENV_FILE) || { echo "$(ENV_FILE) is missing: cp .env.example $(ENV_FILE) and edit it"; exit 1; }

dev: env-file ## Docker dev stack: runserver on :8000, Firefly on :8080 (foreground)
	$(COMPOSE_dev) up --build

dev-down: env-file ## Stop the docker dev stack
	$(COMPOSE_dev) down

prod: env-file ## Build and start production (gunicorn, nginx TLS, certbot, autoheal)
	$(COMPOSE_prod) up --build -d

prod-down: env-file ## Stop production (volumes are kept)
	$(COMPOSE_prod) down

staging: env-file ## Build and start staging (production + [STAGING], STAGING_DOMAIN)
	$(COMPOSE_staging) up --build -d

staging-down: env-file ## Stop staging (volumes are kept)
	$(COMPOSE_staging) down

cert-prod: env-file ## Obtain the Let's Encrypt certificate for PORTAL_DOMAIN
	$(COMPOSE_prod) up --build -d nginx
	$(COMPOSE_prod) run --rm --entrypoint /bin/sh certbot /opt/portal/obtain-certificate.sh
	$(COMPOSE_prod) exec nginx nginx -s reload

cert-staging: env-file ## Obtain the Let's Encrypt certificate for STAGING_DOMAIN
	$(COMPOSE_staging) up --build -d nginx
	$(COMPOSE_staging) run --rm --entrypoint /bin/sh certbot /opt/portal/obtain-certificate.sh
	$(COMPOSE_staging) exec nginx nginx -s reload

logs: env-file ## Follow container logs (FLAVOUR=dev|prod|staging, SERVICE=web...)
	$(COMPOSE_CMD) logs --follow --tail=200 $(SERVICE)

migrate: env-file ## Apply database migrations in the running web container
	$(COMPOSE_CMD) exec web python manage.py migrate --noinput

createsuperuser: env-file ## Create a staff login in the running web container
	$(COMPOSE_CMD) exec web python manage.py createsuperuser

backup: env-file ## pg_dump + media archive into backups/<UTC time>/
	mkdir -p $(BACKUP_DIR)
	$(COMPOSE_CMD) exec -T db sh -c 'pg_dump --format=custom -U "$$POSTGRES_USER" "$$POSTGRES_DB"' > $(BACKUP_DIR)/portal.dump
	$(COMPOSE_CMD) exec -T web tar -C /app/media -czf - . > $(BACKUP_DIR)/media.tar.gz
	@echo "Backup written to $(BACKUP_DIR)"

restore: env-file ## Replace database and media by BACKUP=backups/<UTC time>
	@test -n "$(BACKUP)" -a -f "$(BACKUP)/portal.dump" -a -f "$(BACKUP)/media.tar.gz" || { echo "usage: make restore BACKUP=backups/<UTC time> (with portal.dump and media.tar.gz)"; exit 1; }
	$(COMPOSE_CMD) stop web
	$(COMPOSE_CMD) exec -T db sh -c 'pg_restore --clean --if-exists --no-owner -U "$$POSTGRES_USER" -d "$$POSTGRES_DB"' < $(BACKUP)/portal.dump
	$(COMPOSE_CMD) run --rm --no-deps -T -e MIGRATE_ON_START=false --entrypoint sh web -c 'find /app/media -mindepth 1 -delete && tar -C /app/media -xzf -' < $(BACKUP)/media.tar.gz
	$(COMPOSE_CMD) up -d web

# Boot test (README "Deployment"): each flavour started by its target above
# under podman, with stand-in images built from Debian packages.
STACK_FLAVOURS ?= dev prod staging
STACK_CHECKS ?= full

stack-test: venv ## Boot dev, prod and staging under podman (stand-in images) and use them
	@sh scripts/system-packages.sh $(STACK_PACKAGES)
	STACK_FLAVOURS="$(STACK_FLAVOURS)" STACK_CHECKS="$(STACK_CHECKS)" \
		$(BIN)/pytest -m stack -v tests/deploy/test_stack_boot.py

LOAD_ARGS ?=
# REPLICAS=2: that many gunicorns behind the production nginx config on
# loopback, sharing PostgreSQL and Redis; one is killed halfway
# (tests/load/replicas.py).
REPLICAS ?=

load: venv ## 50 simulated raters for 60 s against gunicorn + PostgreSQL (REPLICAS=2: behind nginx, one killed) → var/load/load.json
	$(PY) -m tests.load.run_load $(if $(REPLICAS),--replicas $(REPLICAS)) $(LOAD_ARGS)
