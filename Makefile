# Two commands do everything on a fresh machine with Python 3.11 and pip: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SCORING := $(VENV)/bin/scoring
export MLFLOW_DISABLE_TELEMETRY := true

.PHONY: setup run pipeline data features train drift mlflow-ui api dashboard test lint bench clean

$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

# Debian's Chromium (browser tests) and Bootstrap CSS (served by the dashboard, no CDN), and axe-core from npm
# into the git-ignored venv (accessibility checks): each installed only when missing.
AXE := $(VENV)/node/node_modules/axe-core/axe.min.js
BROWSER_PACKAGES := chromium chromium-driver libjs-bootstrap5

$(AXE): $(VENV)/.installed
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node axe-core@4.11.1

setup: $(VENV)/.installed $(AXE)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
		&& [ -f /usr/share/javascript/bootstrap5/css/bootstrap.min.css ] \
		|| { SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); $$SUDO apt-get update -qq \
			&& DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES); }

# Pipeline steps; each output is a file target, so `make run` skips the steps already done.
HOME_DIR := $(or $(SCORING_HOME),.)
INTERIM := $(HOME_DIR)/data/interim/manifest.json
FEATURES := $(HOME_DIR)/data/processed/features.parquet
CHAMPION := $(HOME_DIR)/models/champion.json
DRIFT_INDEX := $(HOME_DIR)/reports/drift/index.json

$(INTERIM): | setup
	$(SCORING) data

$(FEATURES): $(INTERIM)
	$(SCORING) features

$(CHAMPION): $(FEATURES)
	$(SCORING) train

$(DRIFT_INDEX): $(CHAMPION)
	$(SCORING) drift --current test || [ $$? -eq 3 ]

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

pipeline: $(DRIFT_INDEX)

# The whole product: the pipeline where its outputs are missing, then the API (:8000) and the dashboard (:8050)
# until Ctrl-C stops both.
run: pipeline
	@trap 'kill 0' INT TERM EXIT; \
	$(MAKE) --no-print-directory api & \
	$(MAKE) --no-print-directory dashboard & \
	wait

api: setup
	$(SCORING) api --host $${API_HOST:-127.0.0.1} --port $${API_PORT:-8000} --workers $${API_WORKERS:-2}

# The dashboard on :8050 (DASHBOARD_PORT), reading the API at SCORING_API_URL (default the `make api` address).
dashboard: setup
	$(SCORING) dashboard --host $${DASHBOARD_HOST:-127.0.0.1} --port $${DASHBOARD_PORT:-8050} \
		--api-url $${SCORING_API_URL:-http://127.0.0.1:$${API_PORT:-8000}}

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup
	$(PY) -m benchmarks

clean:
	rm -rf data/interim/* data/processed/*
