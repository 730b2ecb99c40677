"""The scoring service: stored clients and posted applications scored, explained and compared.

Everything here works on numpy rows in model order; HTTP lives in `api/`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from scoring.explain.counter_offer import CounterOffer, max_accepted_amount
from scoring.explain.reasons import Reason, top_reasons
from scoring.explain.similar import NeighbourSpace, nearest
from scoring.modeling.bundle import load_bundle
from scoring.serving.cache import ArrayCache, data_key
from scoring.serving.explanations import ClientExplanations
from scoring.serving.facts import APPLICATION_TABLES, Fact, FactStore, load_facts
from scoring.serving.featurize import Featurizer
from scoring.serving.scorer import Scorer
from scoring.serving.store import ClientStore, load_store

logger = logging.getLogger(__name__)

NEIGHBOUR_FEATURES = 20
REASONS = 4
AMOUNT_SEARCH_CAP = (
    4.05e6  # the largest credit amount of the Kaggle data; the search goes up to this (or more)
)


@dataclass(frozen=True)
class Explanation:
    """Why a score: base value + contributions (non-zero only, log-odds of the raw model) = raw score, and top
    reasons; the calibrated probabilities at the two end points (average client, this client)."""

    base_value: float
    raw_score: float
    contributions: dict[str, float]
    raising: list[Reason]
    lowering: list[Reason]
    base_probability: float
    probability: float


@dataclass(frozen=True)
class ScoreResult:
    """One scored application."""

    probability: float
    decision: str
    threshold: float
    model_version: str
    features: np.ndarray
    explanation: Explanation | None = None
    client_id: int | None = None

    @property
    def distance(self) -> float:
        """Probability minus threshold: negative = accepted, by that margin."""
        return self.probability - self.threshold


@dataclass(frozen=True)
class Neighbour:
    client_id: int
    distance: float
    probability: float
    decision: str
    target: int | None


class ScoringService:
    """The scorer with the client store, precomputed scores and explanations, and the neighbour space."""

    def __init__(
        self,
        scorer: Scorer,
        store: ClientStore,
        facts: FactStore,
        probabilities: np.ndarray,
        raw_scores: np.ndarray,
        explanations: ClientExplanations,
        featurizer: Featurizer,
        interim_dir: Path,
    ) -> None:
        self.scorer = scorer
        self.store = store
        self.facts = facts
        self.probabilities = probabilities
        self.raw_scores = raw_scores
        self.explanations = explanations
        self.featurizer = featurizer
        self.interim_dir = interim_dir
        self._labelled = store.train_rows
        self.space, self._points = self._neighbour_space()
        self._shap_sample: pl.DataFrame | None = None

    # -- stored clients -------------------------------------------------------------------------------

    def client_result(self, row: int, contributions: np.ndarray | None) -> ScoreResult:
        """Score of a stored client (precomputed), explained by `contributions` when given."""
        probability = float(self.probabilities[row])
        explanation = None
        if contributions is not None:
            raw = float(self.raw_scores[row])
            explanation = self._explanation(
                contributions, self.store.matrix[row], self.scorer.base_value, raw
            )
        return self._result(probability, self.store.matrix[row], explanation, int(self.store.ids[row]))

    def facts_of(self, row: int) -> list[Fact]:
        return self.facts.facts(row)

    def target_of(self, row: int) -> int | None:
        value = float(self.store.target[row])
        return None if math.isnan(value) else int(value)

    def shap_sample(self) -> pl.DataFrame:
        """The bundle's training-time SHAP sample (read once)."""
        if self._shap_sample is None:
            self._shap_sample = self.scorer.bundle.shap_sample()
        return self._shap_sample

    # -- posted applications -------------------------------------------------------------------------

    def score_applications(
        self,
        applications: Sequence[Mapping[str, object]],
        histories: Sequence[Mapping[str, list[Mapping[str, object]]] | None],
        explain: bool,
    ) -> list[ScoreResult]:
        """Score posted applications (Kaggle raw fields, optional secondary rows), explained if asked."""
        X = self.featurizer.vectors(applications, histories)
        return self.score_vectors(X, [a.get("SK_ID_CURR") for a in applications], explain)

    def score_vectors(self, X: np.ndarray, client_ids: Sequence[object], explain: bool) -> list[ScoreResult]:
        """Score feature vectors in model order (live SHAP when `explain`), one result per row."""
        probabilities = self.scorer.predict(X)
        results = []
        contributions, bases = self.scorer.contributions(X) if explain else (None, None)
        for i, client_id in enumerate(client_ids):
            explanation = None
            if contributions is not None:
                raw = float(bases[i] + contributions[i].sum())
                explanation = self._explanation(contributions[i], X[i], float(bases[i]), raw)
            results.append(self._result(float(probabilities[i]), X[i], explanation, client_id))
        return results

    # -- similar clients and counter-offers ----------------------------------------------------------

    def similar(self, row: int, k: int) -> list[Neighbour]:
        """The k labelled clients nearest to a stored client in the neighbour space (itself excluded)."""
        query = self.space.transform(self.store.matrix[row : row + 1])[0]
        own = np.flatnonzero(self._labelled == row)
        found, distance = nearest(self._points, query, k, exclude=int(own[0]) if len(own) else None)
        rows = self._labelled[found]
        return [
            Neighbour(
                int(self.store.ids[r]),
                float(d),
                float(self.probabilities[r]),
                self.scorer.decision(float(self.probabilities[r])),
                self.target_of(int(r)),
            )
            for r, d in zip(rows, distance, strict=True)
        ]

    def raw_application(self, client_id: int) -> dict[str, object] | None:
        """The ingested application row of a stored client (Kaggle fields, normalised), or None."""
        for table in APPLICATION_TABLES:
            path = self.interim_dir / f"{table}.parquet"
            if path.exists():
                found = pl.scan_parquet(path).filter(pl.col("SK_ID_CURR") == client_id).collect()
                if len(found):
                    return found.row(0, named=True)
        return None

    def max_amount(self, application: Mapping[str, object], vector: np.ndarray) -> CounterOffer:
        """Largest credit amount still accepted; AMT_ANNUITY follows AMT_CREDIT (same rate and term).

        The application features are recomputed for each amount; history features stay as in `vector`.
        """
        credit = float(application["AMT_CREDIT"])
        annuity = application.get("AMT_ANNUITY")

        def probability_of(amounts: np.ndarray) -> np.ndarray:
            rows = [
                {
                    **application,
                    "AMT_CREDIT": float(a),
                    "AMT_ANNUITY": None if annuity is None else float(annuity) * a / credit,
                }
                for a in amounts
            ]
            X = np.repeat(vector[None, :], len(rows), axis=0)
            self.featurizer.replace_application_features(X, rows)
            return self.scorer.predict(X)

        return max_accepted_amount(
            probability_of,
            credit,
            self.scorer.threshold,
            upper=max(AMOUNT_SEARCH_CAP, 2 * credit),
            grid=32,
            rounds=2,
        )

    # -- helpers -------------------------------------------------------------------------------------

    def _result(
        self, probability: float, features: np.ndarray, explanation: Explanation | None, client_id: object
    ) -> ScoreResult:
        return ScoreResult(
            probability=probability,
            decision=self.scorer.decision(probability),
            threshold=self.scorer.threshold,
            model_version=self.scorer.version,
            features=features,
            explanation=explanation,
            client_id=None if client_id is None else int(client_id),
        )

    def _explanation(
        self, contributions: np.ndarray, values: np.ndarray, base: float, raw: float
    ) -> Explanation:
        raising, lowering = top_reasons(contributions, values, self.scorer.features, REASONS)
        nonzero = np.flatnonzero(contributions)
        names = self.scorer.names[nonzero].tolist()
        mapping = dict(zip(names, contributions[nonzero].astype(np.float64).tolist(), strict=True))
        probability = float(self.scorer.calibrate(np.array([raw]))[0])
        return Explanation(base, raw, mapping, raising, lowering, self.scorer.base_probability, probability)

    def _neighbour_space(self) -> tuple[NeighbourSpace, np.ndarray]:
        importance = {e["feature"]: float(e["mean_abs_shap"]) for e in self.scorer.bundle.importance()}
        numeric = [
            (importance.get(f.name, 0.0), i) for i, f in enumerate(self.scorer.features) if not f.categorical
        ]
        top = sorted(numeric, reverse=True)[:NEIGHBOUR_FEATURES]
        columns = np.array([i for _, i in top], dtype=np.int64)
        weights = np.array([w for w, _ in top])
        reference = self._labelled if len(self._labelled) else None  # no outcome known: fit on every client
        space = NeighbourSpace.fit(self.store.matrix, columns, weights, reference)
        return space, space.transform(self.store.matrix, self._labelled)


def load_service(
    models_dir: Path,
    features_path: Path,
    interim_dir: Path,
    version: str | None = None,
) -> ScoringService:
    """Load the bundle, the client store and the precomputed scores (cached beside the bundle)."""
    started = time.monotonic()
    bundle = load_bundle(models_dir, version)
    scorer = Scorer(bundle)
    featurizer = Featurizer(scorer.feature_names)  # fails first when the feature layer lacks a model feature
    if not features_path.exists():
        raise FileNotFoundError(f"features file {features_path} not found (run `scoring features`)")
    cache = ArrayCache(bundle.path / "serving" / data_key(features_path))
    store = load_store(features_path, scorer.feature_names, cache)
    scores = cache.get_or_build(
        ("probability", "raw_score"),
        lambda: {
            "probability": scorer.predict(store.matrix, threads=2),
            "raw_score": scorer.raw_score(store.matrix, threads=2),
        },
    )
    explanations = ClientExplanations(store.matrix, lambda X: scorer.contributions(X)[0], cache)
    service = ScoringService(
        scorer,
        store,
        load_facts(interim_dir, store.ids),
        scores["probability"],
        scores["raw_score"],
        explanations,
        featurizer,
        interim_dir,
    )
    scorer.warm_up(np.ascontiguousarray(store.matrix[:1]))
    logger.info(
        "model %s and %d clients loaded in %.1f s", scorer.version, len(store), time.monotonic() - started
    )
    return service
