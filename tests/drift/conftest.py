"""A synthetic scoring home (generated, then `build_home`: ingested, featurised, trained) and batches."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.data.synth import generate_tables
from scoring.home import Paths
from scoring.modeling.bundle import Bundle, load_bundle
from tests.support.home import SMALL_HOME_TRAINING, build_home
from tests.support.shared import built_once

TRAIN_CLIENTS = 3_000
BATCH_CLIENTS = 1_500
SHIFT = {"ext_source": -0.15, "age": 8.0, "income": -0.4}


@pytest.fixture(scope="session")
def drift_home(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """Synthetic clients (seed 1), the reference population the batches below are compared with (built once
    per run, a copy per worker)."""

    def build(home: Path) -> None:
        generate_tables(TRAIN_CLIENTS, 1, Paths(home).synthetic, None)
        build_home(home, Paths(home).synthetic, SMALL_HOME_TRAINING)

    return Paths(built_once(tmp_path_factory, "drift-home", build))


@pytest.fixture(scope="session")
def bundle(drift_home: Paths) -> Bundle:
    return load_bundle(drift_home.models)


@pytest.fixture(scope="session")
def drifted_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """New clients of the generator with lower external scores and incomes, and older."""
    out = tmp_path_factory.mktemp("drifted-batch")
    generate_tables(BATCH_CLIENTS, 7, out, SHIFT)
    return out


@pytest.fixture(scope="session")
def fresh_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """New clients of the generator, undrifted (another seed of the reference population)."""
    out = tmp_path_factory.mktemp("fresh-batch")
    generate_tables(BATCH_CLIENTS, 8, out, None)
    return out
