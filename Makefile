# Kith: `make demo` runs it, `make test` tests it. `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAND_IN_PORT ?= 8001
REFERENCE ?= ../shared/reference
# The demo needs a secret key; it is made once, kept in var/ and never committed.
DEMO_ENV = KITH_SECRET_KEY="$$(cat var/demo-secret-key)" KITH_SECURE_COOKIES=0 KITH_BASE_URL=http://127.0.0.1:$(PORT) \
	KITH_LOG_FORMAT=text \
	$(if $(wildcard $(REFERENCE)/deprivation),KITH_REFERENCE_DIR=$(REFERENCE),)
TEST_ENV = KITH_SECRET_KEY=test-only-secret-key-0123456789-abcdefghijkl KITH_SECURE_COOKIES=0 \
	KITH_BASE_URL=http://127.0.0.1:8000 \
	KITH_VAR_DIR=$(CURDIR)/var/test

.DEFAULT_GOAL := help
.PHONY: help venv assets demo test lint format bench bench-national lock clean walkthrough

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Kith needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed ## Create .venv and install the pinned Python packages

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

static-build/.built: node_modules/.installed kith/core/scss/kith.scss
	mkdir -p static-build/core static-build/vendor/nhsuk static-build/vendor/leaflet
	npm run -s build:css
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js* static-build/vendor/nhsuk/
	cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets static-build/vendor/nhsuk/
	cp node_modules/leaflet/dist/leaflet.js* node_modules/leaflet/dist/leaflet.css static-build/vendor/leaflet/
	cp -r node_modules/leaflet/dist/images static-build/vendor/leaflet/
	@touch $@

assets: $(VENV)/.installed static-build/.built ## Install the npm packages and build the CSS
	@mkdir -p var
	@test -s var/demo-secret-key || $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))' > var/demo-secret-key
	@$(DEMO_ENV) $(BIN)/kith collectstatic

demo: assets ## Run Kith with demo data at http://127.0.0.1:$(PORT)
	@$(DEMO_ENV) $(BIN)/kith migrate
	@$(DEMO_ENV) $(BIN)/kith load-geography
	@$(DEMO_ENV) $(BIN)/kith demo-data
	@$(DEMO_ENV) $(BIN)/kith import csv docs/examples/activities.csv --name "Harpurhey Strollers (CSV example)" --quiet
	@$(DEMO_ENV) $(BIN)/kith import rss docs/examples/newsletter.rss --name "Community newsletter (RSS example)" --quiet
	@# A sheet with a row the importer cannot take and a group that may be one already listed: work for the queues.
	@# The copy in the import folder stands for the group's own spreadsheet, which it can fix and have read again.
	@mkdir -p var/imports && cp -n docs/examples/volunteers.csv var/imports/volunteers.csv
	@$(DEMO_ENV) $(BIN)/kith import csv var/imports/volunteers.csv --name "Moston volunteers sheet (CSV example)" --quiet
	@$(DEMO_ENV) $(BIN)/kith demo-people
	@$(DEMO_ENV) $(BIN)/kith demo-locality
	@$(DEMO_ENV) $(BIN)/kith demo-users
	@$(DEMO_ENV) $(BIN)/kith demo-systems --stand-in-port $(STAND_IN_PORT)
	@$(DEMO_ENV) $(BIN)/kith serve --port $(PORT) --with-worker --with-gp-stand-in $(STAND_IN_PORT)

walkthrough: $(VENV)/.installed ## Screenshot every persona's journeys through a running `make demo` into docs/
	@$(DEMO_ENV) $(BIN)/python scripts/walkthrough.py --url http://127.0.0.1:$(PORT)

test: assets lint ## Run every test (browser tests need Debian's chromium)
	@mkdir -p var/test
	@# A model change without its migration fails here, before any test runs (against an empty database:
	@# the models are compared with the migration files, whichever database the tests then use).
	$(TEST_ENV) DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed ## Check style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: assets ## Benchmark search over 100,000 services (SQLite, or DATABASE_URL)
	@mkdir -p var/bench
	$(TEST_ENV) $(BIN)/python benchmarks/search_bench.py $(BENCH_ARGS)

bench-national: assets ## Benchmark all of England's geography: load, postcode look-up, North West gaps (SQLite)
	@mkdir -p var/bench
	$(TEST_ENV) $(BIN)/python benchmarks/national_bench.py $(BENCH_ARGS)

lock: ## Re-pin every Python dependency into constraints.txt
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet '.[dev]'
	var/lock-venv/bin/pip freeze --exclude-editable | grep -v '^kith' > constraints.txt
	rm -rf var/lock-venv

clean: ## Remove the virtualenv, node_modules, built assets and local databases
	rm -rf $(VENV) node_modules build var
