SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
NEWSMON := $(VENV)/bin/newsmon
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 180
# INFO: each flow run logs its progress (feeds polled, pages fetched and loaded, failures) here and in the UI
export PREFECT_LOGGING_LEVEL ?= INFO
export DO_NOT_TRACK ?= 1
# RUNNER=dask (a local Dask cluster) or RUNNER=tcp://host:8786 for fetch+extraction; default: in the flow process
RUNNER ?=
RUNNER_ARG := $(if $(RUNNER),--task-runner $(RUNNER),)
# The interpreter .venv is made with: the distribution's own CPython 3.11-3.13 where there is one (Debian and
# the other distributions build it with profile-guided and link-time optimisation; on this project's analysis
# Debian's python3.11 runs about 20 % faster than a source build without them, such as pyenv's default),
# else python3. PYTHON=/path/to/python make setup chooses another; an existing .venv is kept.
PYTHON ?= $(or $(firstword $(wildcard /usr/bin/python3.11 /usr/bin/python3.12 /usr/bin/python3.13)),python3)

.DEFAULT_GOAL := help
.PHONY: help setup demo run ingest report serve ui export sql test check lint types feeds-check bench eval clean \
	lake-up lake-down

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

setup: ## create .venv and install newsmon with its dev tools
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); python3 -m venv $(VENV); }
	@$(PY) -c 'import platform, sys; print(f"{sys.prefix}: Python {platform.python_version()} from {sys.base_prefix}")'
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@# the analysis modules compiled from their source (src/newsmon/compiled.py); should that fail, they run as source
	$(PY) -m newsmon.compiler build || true
	@# Debian's Chromium renders the report in the browser test (root, as in CI; elsewhere install it yourself)
	@command -v chromium >/dev/null || { if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else echo "note: install Debian's chromium package for the report browser test"; fi; }
	@# Debian's PostgreSQL server for `make lake-up` and the PostgreSQL-catalog lake tests (they skip without it)
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	else echo "note: install Debian's postgresql package for make lake-up and the PostgreSQL lake tests"; fi; }

demo: ## serve the bundled demo site on 127.0.0.1 and run the Prefect ingest flow into data/demo.duckdb
	$(PY) -m flows.ingest --config config/demo --demo $(RUNNER_ARG)

run: ## run the Prefect ingest flow against config/feeds.yaml into data/newsmon.duckdb
	$(PY) -m flows.ingest --config config $(RUNNER_ARG)

ingest: ## the same steps in-process, without Prefect (CONFIG=config/demo to use the demo site)
	$(NEWSMON) ingest --config $(or $(CONFIG),config) $(if $(filter config/demo,$(CONFIG)),--demo,)

feeds-check: ## poll each configured feed once and print a status table
	$(NEWSMON) feeds check --config $(or $(CONFIG),config)

report: ## write report/ (PNG plots + index.html) from the database via the Prefect report flow (CONFIG=config/demo)
	$(PY) -m flows.report --config $(or $(CONFIG),config/demo) --out report

ui: ## the Prefect server and UI on http://127.0.0.1:4200 (project-local PREFECT_HOME); leave it running
	$(VENV)/bin/prefect server start --host 127.0.0.1 --port 4200

serve: ## serve ingest (every 15 min, due feeds) and report (daily) on the schedules in settings.yaml; needs `make ui`
	PREFECT_API_URL=http://127.0.0.1:4200/api $(PY) -m flows.serve --config $(or $(CONFIG),config)

export: ## Parquet files of the main tables and views, with manifest.json (DB=... OUT=export)
	$(NEWSMON) export $(if $(DB),--db $(DB),) --out $(or $(OUT),export)

sql: ## interactive DuckDB shell on the database (DB=data/demo.duckdb to pick another), fts preloaded
	$(NEWSMON) sql $(if $(DB),--db $(DB),)

test: ## run the whole test suite
	$(PY) -m pytest

N ?= 2000
bench: ## benchmark on N pages shaped like real news pages (default 2000; PAGES=synthetic for bare pages, REPROCESS=articles, default 50000): medians, bench/results.json
	$(PY) bench/run.py --n $(N) $(if $(PAGES),--pages $(PAGES),) $(if $(REPROCESS),--reprocess-articles $(REPROCESS),)

REALNEWS ?= ../shared/realnews
eval: ## score the analysis on labelled real news (REALNEWS=folder of batches; JSON=1 for machine output)
	@test -d $(REALNEWS) || { echo "eval: no folder $(REALNEWS) (set REALNEWS=path to labelled batches)"; exit 2; }
	$(NEWSMON) eval $(REALNEWS) $(if $(JSON),--json,)

# A local PostgreSQL for a DuckLake catalog: data in $(PG_DIR), 127.0.0.1:$(PG_PORT) only, user newsmon (no password)
PG_DIR ?= data/pg
PG_PORT ?= 54329
LAKE_DB ?= newsmon_lake
lake-up: ## start a local PostgreSQL on 127.0.0.1:54329 (PG_PORT=...; initdb into data/pg the first time) with database newsmon_lake
	$(PY) -m newsmon.localpg up --dir $(PG_DIR) --port $(PG_PORT) --db $(LAKE_DB)

lake-down: ## stop the PostgreSQL started by make lake-up
	$(PY) -m newsmon.localpg down --dir $(PG_DIR)

lint: ## ruff
	$(VENV)/bin/ruff check src flows tests demo bench

types: ## mypy --strict on src/
	$(VENV)/bin/mypy

check: lint types test ## lint + types + tests (what CI runs)

clean: ## remove generated data (databases, archives, Prefect home, report/, export/) and the compiled analysis
	rm -rf data/*.duckdb data/*.duckdb.wal data/archive data/demo .prefect report export
	$(PY) -m newsmon.compiler clean
