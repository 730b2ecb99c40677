"""Coverage and stability of the reasons by code, on a small synthetic twin of the demo data (fixed seed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scoring.data.synth import generate_tables
from scoring.home import Paths
from scoring.serving.reason_quality import NUMERIC_FIELDS, jaccard, measure, perturbed, stability
from scoring.serving.service import ScoringService, load_service
from tests.support.home import build_home

SEED = 0
CLIENTS, POPULATION_SEED = 2_000, 11


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> ScoringService:
    """A small synthetic twin of the demo data, trained by the real training."""
    home = Path(tmp_path_factory.mktemp("reasons-home"))
    generate_tables(CLIENTS, POPULATION_SEED, Paths(home).raw)
    paths = build_home(home, Paths(home).raw)
    return load_service(paths.models, paths.features, paths.interim)


@pytest.mark.slow
def test_four_codes_cover_three_quarters_of_the_push_and_stay_stable(service: ScoringService) -> None:
    quality = measure(service, coverage_clients=2000, stability_clients=600, noise=0.01, seed=SEED)
    print("\n" + "\n".join(quality.lines()))
    assert quality.refused >= 100 and quality.clients >= 500
    assert quality.coverage_median >= 0.75
    assert quality.feature_coverage_median < quality.coverage_median  # codes say more than single features
    assert quality.stable_share >= 0.90


@pytest.mark.slow
def test_without_noise_the_recomputed_reasons_are_the_stored_ones(service: ScoringService) -> None:
    similarity, differing, changed = stability(service, np.arange(200), noise=0.0, seed=SEED)
    assert len(similarity) == 200
    assert similarity.min() == 1.0 and differing.max() == 0 and changed == 0


def test_noise_scales_numeric_fields_only() -> None:
    application = {
        "SK_ID_CURR": 100002,
        "AMT_CREDIT": 400000.0,
        "DAYS_BIRTH": -10000,
        "CNT_CHILDREN": 1,
        "FLAG_MOBIL": 1,
        "EXT_SOURCE_1": None,
        "CODE_GENDER": "F",
    }
    rng = np.random.default_rng(1)
    for _ in range(50):
        noisy = perturbed(application, 0.01, rng)
        assert noisy["SK_ID_CURR"] == 100002 and noisy["CODE_GENDER"] == "F"
        assert noisy["EXT_SOURCE_1"] is None
        assert noisy["CNT_CHILDREN"] == 1 and noisy["FLAG_MOBIL"] == 1
        assert isinstance(noisy["DAYS_BIRTH"], int) and abs(noisy["DAYS_BIRTH"] + 10000) <= 100
        assert abs(noisy["AMT_CREDIT"] / 400000.0 - 1) <= 0.01
    assert "TARGET" not in NUMERIC_FIELDS and "AMT_ANNUITY" in NUMERIC_FIELDS


def test_jaccard() -> None:
    assert jaccard(frozenset({1, 2, 3, 4}), frozenset({1, 2, 3, 4})) == 1.0
    assert jaccard(frozenset({1, 2, 3}), frozenset({1, 2, 3, 4})) == 0.75
    assert jaccard(frozenset({1, 2, 3, 5}), frozenset({1, 2, 3, 4})) == 0.6
    assert jaccard(frozenset(), frozenset()) == 1.0
