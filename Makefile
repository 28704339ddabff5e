# Two commands do everything on a fresh machine (Python 3.11, pip, make, gcc):
#   make run    build the environment, materialize every asset on the bundled sample data
#   make test   build the environment (and the Spark tier's: Java, pyspark, dbt-spark), run the test
#               tiers: tests/unit, tests/integration (the hourly models on Spark too), tests/bench
# Others: make ui (Dagster UI and daemon on 127.0.0.1:3000), make serve (the open tier in Datasette
#         on 127.0.0.1:8001), make serve-shared (the shared tier in PostgreSQL on 127.0.0.1:5433), make bench (pipeline vs plain DuckDB;
#         SIZE=1M|10M|100M), make lint (ruff, import contracts, mypy, sqlfluff), make lock, make catalog,
#         make clean.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

# Offline and quiet: no telemetry from dbt, GX or Dagster (orchestration/dagster.yaml also disables it).
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
export DAGSTER_DISABLE_TELEMETRY := yes

MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(wildcard dbt_project/models/*/*/*.sql dbt_project/models/*/*.sql \
                 dbt_project/models/*/*/*.yml dbt_project/models/*/*.yml \
                 dbt_project/seeds/* dbt_project/macros/* dbt_project/tests/*/* \
                 dbt_project/dbt_project.yml)

.PHONY: run test ui serve serve-shared bench install browser spark postgres lock catalog lint lint-types lint-sql clean

# make run SAMPLE=broken: the sample with sample_data/broken/ in place (stops at the quality gate)
run: install
	$(BIN)/python -m orchestration run $(if $(filter broken,$(SAMPLE)),--broken-sample)

test: install browser spark postgres
	$(BIN)/python -m pytest -n 2

# Debian packages the test tiers need, installed once (as root, or with sudo when not root).
APT_INSTALL = SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq

# The dashboard test drives Debian's Chromium through chromedriver; a CJK font makes its
# screenshot (test-artifacts/dashboard.png) legible. Installed once, as root or with sudo.
BROWSER_PACKAGES := chromium chromium-driver fonts-wqy-microhei
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -d /usr/share/fonts/truetype/wqy ]; then :; \
	elif command -v apt-get >/dev/null; then \
		echo "installing $(BROWSER_PACKAGES) (Debian packages) for the dashboard test"; \
		{ $(APT_INSTALL) $(BROWSER_PACKAGES) >/dev/null; } \
			|| echo "WARNING: could not install $(BROWSER_PACKAGES): the dashboard browser test will be skipped"; \
	else echo "no apt-get: the dashboard browser test will be skipped"; fi

# The Spark tier: Debian's Java 17 (as root or with sudo) and requirements-spark.lock (pyspark,
# dbt-spark) in the same environment; `make run` needs neither. Re-installed after every sync
# of requirements.lock, which would remove them.
SPARK_STAMP := $(VENV)/.spark-installed
spark: $(SPARK_STAMP)
$(SPARK_STAMP): $(VENV)/.installed requirements-spark.lock
	@if command -v java >/dev/null && java -version 2>&1 | grep -q 'version "17'; then :; \
	elif command -v apt-get >/dev/null; then \
		echo "installing openjdk-17-jre-headless (Debian package) for the Spark tier"; \
		{ $(APT_INSTALL) openjdk-17-jre-headless >/dev/null; } \
			|| { echo "could not install Java 17: the Spark tier cannot run"; exit 1; }; \
	else echo "no apt-get: install Java 17 for the Spark tier"; exit 1; fi
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-spark.lock
	touch $@

# The shared tier's exchange database (前置库): Debian's PostgreSQL 15 with pgaudit, installed once
# (as root or with sudo); `make serve-shared` and the exchange test start their own cluster.
POSTGRES_PACKAGES := postgresql-15 postgresql-15-pgaudit
postgres:
	@if [ -x /usr/lib/postgresql/15/bin/initdb ] && [ -f /usr/share/postgresql/15/extension/pgaudit.control ]; then :; \
	elif command -v apt-get >/dev/null; then \
		echo "installing $(POSTGRES_PACKAGES) (Debian packages) for the exchange database"; \
		{ $(APT_INSTALL) $(POSTGRES_PACKAGES) >/dev/null; } \
			|| echo "WARNING: could not install $(POSTGRES_PACKAGES): the exchange test will be skipped"; \
	else echo "no apt-get: the exchange test will be skipped"; fi

ui: install
	$(BIN)/python -m orchestration ui

# The open tier in Datasette (browse, filter, JSON/CSV API), read-only on 127.0.0.1:8001;
# after `make run`. PORT=... to move it.
PORT ?= 8001
serve: install
	$(BIN)/python -m orchestration serve --port $(PORT)

# The shared tier in the project's own PostgreSQL (data/exchange/) on 127.0.0.1:$(PG_PORT), loaded
# with the last shared release and granted per publishing/consumers.yml; after `make run`.
PG_PORT ?= 5433
serve-shared: install postgres
	$(BIN)/python -m orchestration serve-shared --port $(PG_PORT)

# The air path against a hand-written DuckDB script on the same generated data (bench/run.py);
# figures in bench/results/$(SIZE).json. SIZE=10M or 100M for the larger runs (REPEAT=1 there).
# ENGINE=spark: also the air models on a local Spark cluster beside DuckDB (installs the Spark tier).
SIZE ?= 1M
REPEAT ?= 3
ENGINE ?= duckdb
bench: install $(if $(filter spark,$(ENGINE)),spark)
	$(BIN)/python -m bench.run --size $(SIZE) --repeat $(REPEAT) --engine $(ENGINE)

# Front-end files (GX Data Docs' styles and scripts) from the npm registry, pinned and
# integrity-checked in vendor/npm.json, so published pages load nothing from a CDN.
VENDORED := vendor/npm/.fetched

install: $(VENV)/.installed $(MANIFEST) $(VENDORED)

$(VENDORED): vendor/npm.json vendor/fetch.py
	$(PYTHON) vendor/fetch.py
	touch $@

# The environment comes from requirements.lock (exact versions, hashes), installed by uv.
$(VENV)/.installed: requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3)"; exit 1; }
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet uv==$(UV_VERSION); }
	# --compile-bytecode: with PYTHONDONTWRITEBYTECODE set (as on these machines) nothing else
	# writes .pyc files, and every process would compile dagster, dbt and GX again (~7 s each)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# dagster-dbt reads the dbt manifest; `dbt parse` writes it (no warehouse connection needed).
$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir .

# Re-resolve requirements.lock after editing pyproject.toml.
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet uv==$(UV_VERSION); }
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--no-header --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra spark --generate-hashes --python-version 3.11 \
		--no-header --quiet -c requirements.lock -o requirements-spark.lock

# Regenerate what is derived from ingestion/sources.yml and the seeds (ingestion/codegen.py):
# dbt source YAML, normalize_name, indicator column docs, int_indicator_values.
catalog: $(VENV)/.installed
	$(BIN)/python -m ingestion generate

# Style (ruff), the layer contracts in .importlinter (import-linter), types (mypy, settings in
# pyproject.toml) and the dbt models' SQL (sqlfluff through dbt's templater, settings in .sqlfluff).
# .pre-commit-config.yaml runs the same before each commit.
# mypy and sqlfluff run side by side (each output kept whole): ~1 min on 2 cores. sqlfluff lints
# the models as dbt renders them, the macros inside them (its dbt templater skips macro files).
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(MAKE) --no-print-directory -j2 -O lint-types lint-sql

lint-types: $(VENV)/.installed
	$(BIN)/mypy

lint-sql: $(VENV)/.installed
	$(BIN)/sqlfluff lint dbt_project/models --processes 2

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache test-artifacts
