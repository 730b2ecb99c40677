"""The scoring service: stored clients and posted applications scored, explained and compared.

Everything here works on numpy rows in model order; HTTP lives in `api/`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import orjson
import polars as pl

from scoring.explain.by_code import CodeGrouping, code_importance
from scoring.explain.points import PointsScale
from scoring.explain.reason_codes import catalogue
from scoring.explain.reasons import code_breakdown, principal_reasons, top_reasons
from scoring.explain.similar import NeighbourSpace, nearest
from scoring.explain.twins import folded, twin_positions
from scoring.features.loan_rows import LoanRows
from scoring.modeling.bundle import SHAP_PREFIX, load_bundle
from scoring.modeling.signing import Keyring
from scoring.offer.policy import OfferPolicy
from scoring.serving.cache import ArrayCache, data_key
from scoring.serving.decider import Decider
from scoring.serving.explanations import ClientExplanations
from scoring.serving.facts import APPLICATION_TABLES, Fact, FactStore, load_facts
from scoring.serving.featurize import Featurizer
from scoring.serving.offer_data import OfferData
from scoring.serving.offering import OfferResult, make_offer
from scoring.serving.responses import ResponseSets, StoredResponses
from scoring.serving.results import Explanation, Neighbour, ScoreResult
from scoring.serving.scorer import Scorer
from scoring.serving.store import ClientStore, load_store
from scoring.serving.strategy_state import ActiveStrategy, Decided, decide
from scoring.vocabulary import Decision, Language

logger = logging.getLogger(__name__)

NEIGHBOUR_FEATURES = 20
REASONS = 4
Responses = Callable[[str], dict[Language, StoredResponses]]
Decide = Callable[[np.ndarray], list[Decided]]


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
        responses: Responses,
        points: PointsScale | None = None,
        features_path: Path | None = None,
    ) -> None:
        self.scorer = scorer
        self.points = points or PointsScale()
        self.grouping = CodeGrouping.of(catalogue(), scorer.feature_names)
        self.twins = twin_positions(scorer.feature_names)
        self.store = store
        self.facts = facts
        self.probabilities = probabilities
        self.raw_scores = raw_scores
        self.explanations = explanations
        self.featurizer = featurizer
        self.loan_rows = LoanRows(featurizer.model_features)
        self.interim_dir = interim_dir
        self.offer_data = OfferData(interim_dir)
        self.offer_policy = OfferPolicy()
        self.profit: dict | None = None  # expected profit of the bundle's out-of-fold PDs, once computed
        self.decider = Decider(
            scorer.threshold,
            store.ids,
            featurizer,
            interim_dir,
            features_path,
            probabilities,
            store.matrix,
            lambda X, data: self.loan_rows.probability_of(X, data, scorer.predict),
        )
        self._responses = ResponseSets(responses)  # by strategy key ("": the bundle's threshold)
        self._payload: Callable[[ScoreResult, Language], dict] | None = None
        self._labelled = store.train_rows
        self.space, self._points = self._neighbour_space()
        self._shap_sample: pl.DataFrame | None = None

    # -- stored clients -------------------------------------------------------------------------------

    def stored_decision(self, row: int, active: ActiveStrategy | None) -> Decided:
        """A stored client's decision under `active` (None: the bundle's threshold)."""
        return self.decider.stored(row, float(self.probabilities[row]), active)

    def client_result(
        self, row: int, contributions: np.ndarray | None, decided: Decided | None = None
    ) -> ScoreResult:
        """Score of a stored client (precomputed), explained by `contributions` when given; decided by the
        strategy in force unless `decided` is given."""
        probability = float(self.probabilities[row])
        if decided is None:
            decided = self.stored_decision(row, self.decider.current())
        explanation = None
        if contributions is not None:
            raw = float(self.raw_scores[row])
            explanation = self._explanation(
                contributions,
                self.store.matrix[row],
                self.scorer.base_value,
                raw,
                probability,
                decided.decision,
            )
        return self._result(
            probability, self.store.matrix[row], explanation, int(self.store.ids[row]), decided
        )

    @property
    def responses(self) -> dict[Language, StoredResponses]:
        """The serialised responses under the strategy in force (by language)."""
        active = self.decider.current()
        return self._responses.get("" if active is None else active.key) or self._responses.get("")

    def start_precomputation(self, payload: Callable[[ScoreResult, Language], dict]) -> None:
        """In the background: the stored clients' explanations, then their responses serialised once per
        language (the reasons' texts differ) under the strategy in force; a strategy in force later is
        serialised when first asked for (`stored_body`).

        `payload` turns a result into the response document with null contributions, in a language (the
        API's document: this library knows no HTTP).
        """
        self._payload = payload
        self.explanations.start_background(after=lambda: self._serialise(self.decider.current()))

    def stored_body(
        self, row: int, contributions: bool, language: Language, active: ActiveStrategy | None
    ) -> bytes | None:
        """The serialised response of a stored client under `active`; None until serialised (started in
        the background when missing)."""
        key = "" if active is None else active.key
        responses = self._responses.get(key)
        body = None if responses is None else responses[language].body(row, contributions)
        if body is None and self._payload is not None and self.explanations.status == "ready":
            self._responses.start(key, lambda: self._serialise(active))
        return body

    def _serialise(self, active: ActiveStrategy | None) -> None:
        contributions, payload = self.explanations.contributions, self._payload

        def document(row: int, language: Language) -> dict:
            result = self.client_result(row, contributions[row], self.stored_decision(row, active))
            return payload(result, language)

        key = "" if active is None else active.key
        self._responses.serialise(key, len(self.store), document, self.contributions_json)

    def contributions_json(self, row: int) -> bytes:
        """The non-zero contributions of a stored client as a JSON object (feature -> log-odds)."""
        return orjson.dumps(self.contribution_map(self.explanations.contributions[row]))

    def contribution_map(self, contributions: np.ndarray) -> dict[str, float]:
        """Feature -> contribution (log-odds) of the non-zero contributions, in model order."""
        nonzero = np.flatnonzero(contributions)
        names = self.scorer.names[nonzero].tolist()
        return dict(zip(names, contributions[nonzero].astype(np.float64).tolist(), strict=True))

    def facts_of(self, row: int) -> list[Fact]:
        return self.facts.facts(row)

    def target_of(self, row: int) -> int | None:
        value = float(self.store.target[row])
        return None if math.isnan(value) else int(value)

    def code_importance(self) -> np.ndarray:
        """Each reason code's global importance for the served model (catalogue order, as `grouping.codes`):
        mean |sum of its features' SHAP values| over the bundle's SHAP sample."""
        names = self.scorer.feature_names
        shap = self.shap_sample().select([SHAP_PREFIX + n for n in names]).to_numpy()
        return code_importance(shap, self.grouping)

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
        """Score posted applications (Kaggle raw fields, optional secondary rows), explained if asked, and
        decided by the strategy in force (its rules on the posted fields and their features)."""
        X = self.featurizer.vectors(applications, histories)
        active = self.decider.current()

        def decided(probabilities: np.ndarray) -> list[Decided]:
            return self.decider.posted(probabilities.tolist(), applications, histories, active)

        return self.score_vectors(X, [a.get("SK_ID_CURR") for a in applications], explain, decided)

    def score_vectors(
        self, X: np.ndarray, client_ids: Sequence[object], explain: bool, decided: Decide | None = None
    ) -> list[ScoreResult]:
        """Score feature vectors in model order (live SHAP when `explain`), one result per row, decided by
        `decided(probabilities)` (default: the strategy in force's cut-offs, no rule read)."""
        probabilities = self.scorer.predict(X)
        if decided is None:
            active = self.decider.current()
            decisions = [decide(active, float(p), self.scorer.threshold) for p in probabilities]
        else:
            decisions = decided(probabilities)
        results = []
        shap = self.scorer.contributions(X) if explain else None
        for i, client_id in enumerate(client_ids):
            explanation = None
            if shap is not None:
                raw = float(shap.base_value + shap.values[i].sum())
                explanation = self._explanation(
                    shap.values[i], X[i], shap.base_value, raw, float(probabilities[i]), decisions[i].decision
                )
            results.append(self._result(float(probabilities[i]), X[i], explanation, client_id, decisions[i]))
        return results

    # -- offers --------------------------------------------------------------------------------------

    def offer(
        self,
        application: Mapping[str, object],
        vector: np.ndarray,
        client_id: object = None,
        history: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
        probability: float | None = None,
    ) -> OfferResult:
        """The offer (amount, term, price, APR, limits) of an application whose model row is `vector`;
        existing instalments from `history`'s bureau rows when given (posted), else the stored client's."""
        return make_offer(self, application, vector, client_id, history, probability)

    # -- similar clients and raw applications ----------------------------------------------------------

    def similar(self, row: int, k: int) -> list[Neighbour]:
        """The k labelled clients nearest to a stored client in the neighbour space (itself excluded)."""
        query = self.space.transform(self.store.matrix[row : row + 1])[0]
        own = np.flatnonzero(self._labelled == row)
        found, distance = nearest(self._points, query, k, exclude=int(own[0]) if len(own) else None)
        rows = self._labelled[found]
        active = self.decider.current()
        return [
            Neighbour(
                int(self.store.ids[r]),
                float(d),
                float(self.probabilities[r]),
                self.stored_decision(int(r), active).decision,
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

    # -- helpers -------------------------------------------------------------------------------------

    def _result(
        self,
        probability: float,
        features: np.ndarray,
        explanation: Explanation | None,
        client_id: object,
        decided: Decided,
    ) -> ScoreResult:
        return ScoreResult(
            probability=probability,
            decision=decided.decision,
            threshold=self.scorer.threshold,
            model_version=self.scorer.version,
            features=features,
            points=self.points.of(probability),
            threshold_points=self.points.of(self.scorer.threshold),
            explanation=explanation,
            client_id=None if client_id is None else int(client_id),
            scale=self.points,
            rules_fired=decided.rules_fired,
            strategy=decided.strategy,
        )

    def _explanation(
        self,
        contributions: np.ndarray,
        values: np.ndarray,
        base: float,
        raw: float,
        probability: float,
        decision: Decision,
    ) -> Explanation:
        features = self.scorer.features
        shown = folded(contributions, self.twins)  # a quantity in two units listed once
        raising, lowering = top_reasons(shown, values, features, REASONS)
        by_code = self.grouping.sum(contributions)
        codes = code_breakdown(by_code, shown, values, features, self.grouping)
        reasons = principal_reasons(codes, decision, REASONS)
        mapping = self.contribution_map(contributions)
        return Explanation(
            base, raw, mapping, raising, lowering, codes, reasons, self.scorer.base_probability, probability
        )

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
    points: PointsScale | None = None,
    keys: Keyring | None = None,
) -> ScoringService:
    """Load the bundle (its signature verified with `keys` when given), the client store and the precomputed
    scores (cached beside the bundle, keyed by the content of the bundle and of the features file)."""
    started = time.monotonic()
    bundle = load_bundle(models_dir, version, keys)
    scorer = Scorer(bundle)
    featurizer = Featurizer(scorer.feature_names)  # fails first when the feature layer lacks a model feature
    if not features_path.exists():
        raise FileNotFoundError(f"features file {features_path} not found (run `scoring features`)")
    cache = ArrayCache(bundle.path / "serving" / data_key(features_path, bundle.digest))
    store = load_store(features_path, scorer.feature_names, cache)
    scores = cache.get_or_build(
        ("probability", "raw_score"),
        lambda: {
            "probability": scorer.predict(store.matrix, threads=2),
            "raw_score": scorer.raw_score(store.matrix, threads=2),
        },
    )
    explanations = ClientExplanations(store.matrix, lambda X: scorer.contributions(X).values, cache)
    service = ScoringService(
        scorer,
        store,
        load_facts(interim_dir, store.ids),
        scores["probability"],
        scores["raw_score"],
        explanations,
        featurizer,
        interim_dir,
        lambda key: {language: StoredResponses(cache, language, key) for language in Language},
        points,
        features_path,
    )
    scorer.warm_up(np.ascontiguousarray(store.matrix[:1]))
    logger.info(
        "model %s and %d clients loaded in %.1f s", scorer.version, len(store), time.monotonic() - started
    )
    return service
