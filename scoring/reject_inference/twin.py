"""The synthetic twin's applicants as the reject-inference study needs them: the product's features, the
generator's true probability of default and an outcome drawn from it for every applicant (the oracle)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from scoring.data.ingest import ingest_tables
from scoring.data.synth import generate_tables
from scoring.data.synth.truth import draw_target
from scoring.features.build import build_features
from scoring.features.monotone import monotone_policy
from scoring.features.protected import protected_policy
from scoring.home import Paths
from scoring.modeling.dataset import SPLIT, TARGET, TrainingData, load_training_data, read_oracle


@dataclass(frozen=True)
class Population:
    """Applicants: features with the oracle's outcome as ``data.y``, and their true probability of default."""

    data: TrainingData
    true_pd: np.ndarray

    @property
    def n(self) -> int:
        return self.data.n

    def subset(self, idx: np.ndarray) -> Population:
        return Population(self.data.subset(idx), self.true_pd[idx])


def _every_client_labelled(features: Path, outcome: dict[int, int], out: Path) -> Path:
    frame = pl.read_parquet(features)
    ids = frame["SK_ID_CURR"].to_list()
    frame = frame.with_columns(
        pl.Series(TARGET, [outcome[i] for i in ids], dtype=frame.schema[TARGET]), pl.lit("train").alias(SPLIT)
    )
    frame.write_parquet(out)
    return out


def build_population(clients: int, seed: int, work: Path | None = None) -> Population:
    """Generate ``clients`` applicants (plus the generator's test share), build the product's features and
    draw every applicant's outcome from its true probability (seeded)."""
    with tempfile.TemporaryDirectory(prefix="reject-inference-", dir=work) as folder:
        paths = Paths(Path(folder))
        generate_tables(clients, seed, paths.synthetic)
        ingest_tables(paths.synthetic, paths.interim)
        build_features(paths.interim, paths.features, paths.feature_dictionary)
        truth = pl.read_parquet(paths.ground_truth)
        drawn = draw_target(truth["TRUE_PROBABILITY"].to_numpy(), np.random.default_rng(seed))
        outcome = dict(zip(truth["SK_ID_CURR"].to_list(), drawn.tolist(), strict=True))
        labelled = _every_client_labelled(paths.features, outcome, Path(folder) / "labelled.parquet")
        data = load_training_data(labelled, paths.feature_dictionary)
        true_pd = read_oracle(paths.ground_truth, data.ids)
    usable = protected_policy().allowed(monotone_policy().allowed(data.names))
    return Population(data.select(usable), np.asarray(true_pd))
