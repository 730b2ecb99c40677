# Two commands do everything on a fresh machine with Python 3.11 and pip: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SCORING := $(VENV)/bin/scoring
export MLFLOW_DISABLE_TELEMETRY := true

.PHONY: setup run data features train test lint bench clean

$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

setup: $(VENV)/.installed

data: setup
	$(SCORING) data

features: data
	$(SCORING) features

run: features

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup
	$(PY) -m benchmarks

clean:
	rm -rf data/interim/* data/processed/*
