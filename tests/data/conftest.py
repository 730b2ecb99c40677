"""Fixtures of the data tests: a valid set of raw tables to break, a generated population to check."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scoring.data.synth import generate_tables
from tests.data.raw_tables import Raw, valid_raw
from tests.data.synth_population import OUTPUTS, read


@pytest.fixture
def raw() -> Raw:
    return valid_raw()


@pytest.fixture(scope="session")
def population(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """2,000 train clients: enough for fan-out, frequencies, default rate and oracle AUC."""
    out = tmp_path_factory.mktemp("synth-2000")
    return out, generate_tables(2000, 11, out)


@pytest.fixture(scope="session")
def tables(population: tuple[Path, object]) -> dict[str, pd.DataFrame]:
    return {name: read(population[0], name) for name in OUTPUTS}
