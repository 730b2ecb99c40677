"""How good the reasons by code are on the stored clients: coverage and stability (benchmark and test).

- Coverage: for refused clients, the share of the total push towards refusal (sum of the positive code
  contributions) that the 4 principal reasons cover; compared with 4 single features.
- Stability: each numeric application field of a client is multiplied by 1 + U(-noise, +noise) (integer
  fields rounded back, so flags and small counts stay), the application features are recomputed (history
  features stay the client's own) and the top-4 codes towards the client's original decision are compared
  with the original ones: a client is stable when the Jaccard index of the two sets is at least 0.75.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from scoring.data.schema import APPLICATION_TRAIN, FLOAT, INT, TARGET
from scoring.explain.reasons import push_covered
from scoring.serving.facts import APPLICATION_TABLES
from scoring.serving.service import ScoringService

TOP = 4
STABLE_JACCARD = 0.75
NUMERIC_FIELDS = tuple(
    c.name for c in APPLICATION_TRAIN.columns if c.kind in (INT, FLOAT) and c.name != TARGET
)
INTEGER_FIELDS = frozenset(c.name for c in APPLICATION_TRAIN.columns if c.kind == INT)


@dataclass(frozen=True)
class ReasonQuality:
    """Coverage of the push towards refusal (medians over refused clients) and stability under noise."""

    refused: int
    coverage_median: float
    coverage_p25: float
    feature_coverage_median: float
    clients: int
    stable_share: float
    within_one_share: float
    decision_changes: int
    noise: float

    def lines(self) -> list[str]:
        return [
            f"coverage: 4 reason codes cover a median {self.coverage_median:.1%} of the push towards refusal "
            f"(25th percentile {self.coverage_p25:.1%}) over {self.refused:,} refused clients; 4 single "
            f"features: {self.feature_coverage_median:.1%}",
            f"stability: top-4 code set with Jaccard >= {STABLE_JACCARD} under +/-{self.noise:.0%} noise on "
            f"the numeric application fields for {self.stable_share:.1%} of {self.clients:,} clients; at "
            f"most one code different for {self.within_one_share:.1%}; {self.decision_changes} decisions "
            "changed by the noise",
        ]


def _top_sets(code_contributions: np.ndarray, towards_refusal: np.ndarray, k: int = TOP) -> list[frozenset]:
    signed = code_contributions * np.where(towards_refusal, 1.0, -1.0)[:, None]
    order = np.argsort(-signed, axis=1, kind="stable")[:, :k]
    return [frozenset(int(j) for j in row if s[j] > 0) for row, s in zip(order, signed, strict=True)]


def jaccard(a: frozenset, b: frozenset) -> float:
    return 1.0 if not (a or b) else len(a & b) / len(a | b)


def coverage(service: ScoringService, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per refused client of `rows`: share of its push towards refusal that 4 codes cover, and 4 features."""
    refused = rows[service.probabilities[rows] >= service.scorer.threshold]
    contributions = service.scorer.contributions(np.ascontiguousarray(service.store.matrix[refused])).values
    towards = np.ones(len(refused), dtype=bool)
    by_code = push_covered(service.grouping.sum(contributions), towards, TOP)
    by_feature = push_covered(contributions, towards, TOP)
    return by_code[~np.isnan(by_code)], by_feature[~np.isnan(by_feature)]


def applications(service: ScoringService, ids: np.ndarray) -> dict[int, dict]:
    """The ingested application rows of stored clients, by ID."""
    found: dict[int, dict] = {}
    wanted = pl.Series(ids.astype(np.int64)).implode()
    for table in APPLICATION_TABLES:
        path = service.interim_dir / f"{table}.parquet"
        if path.exists():
            frame = pl.scan_parquet(path).filter(pl.col("SK_ID_CURR").is_in(wanted)).collect()
            found |= {row["SK_ID_CURR"]: row for row in frame.iter_rows(named=True)}
    return found


def perturbed(application: dict, noise: float, rng: np.random.Generator) -> dict:
    """The application with each numeric field multiplied by 1 + U(-noise, noise) (integers rounded)."""
    changed = dict(application)
    for name in NUMERIC_FIELDS:
        value = application.get(name)
        if value is None or isinstance(value, bool):
            continue
        scaled = float(value) * (1.0 + rng.uniform(-noise, noise))
        changed[name] = round(scaled) if name in INTEGER_FIELDS else scaled
    return changed


def stability(
    service: ScoringService, rows: np.ndarray, noise: float = 0.01, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, int]:
    """Per client of `rows` (those with an application row): Jaccard index of the top-4 code sets without
    and with noise, the number of codes that differ, and how many decisions the noise changed."""
    rng = np.random.default_rng(seed)
    apps = applications(service, service.store.ids[rows])
    rows = np.array([r for r in rows if int(service.store.ids[r]) in apps], dtype=np.int64)
    X = np.ascontiguousarray(service.store.matrix[rows]).copy()
    before = service.scorer.contributions(X).values
    noisy = [perturbed(apps[int(service.store.ids[r])], noise, rng) for r in rows]
    service.featurizer.replace_application_features(X, noisy)
    after = service.scorer.contributions(X).values
    towards = service.probabilities[rows] >= service.scorer.threshold
    changed = int(((service.scorer.predict(X) >= service.scorer.threshold) != towards).sum())
    sets_before = _top_sets(service.grouping.sum(before), towards)
    sets_after = _top_sets(service.grouping.sum(after), towards)
    pairs = list(zip(sets_before, sets_after, strict=True))
    return (
        np.array([jaccard(a, b) for a, b in pairs]),
        np.array([max(len(a - b), len(b - a)) for a, b in pairs]),
        changed,
    )


def measure(
    service: ScoringService, coverage_clients: int, stability_clients: int, noise: float = 0.01, seed: int = 0
) -> ReasonQuality:
    """Coverage over the refused clients among `coverage_clients` random stored clients, stability over
    `stability_clients` random stored clients (fixed seed)."""
    rng = np.random.default_rng(seed)
    n = len(service.store)
    covered, by_feature = coverage(service, np.sort(rng.choice(n, min(coverage_clients, n), replace=False)))
    rows = np.sort(rng.choice(n, min(stability_clients, n), replace=False))
    similarity, differing, changed = stability(service, rows, noise, seed)
    return ReasonQuality(
        refused=len(covered),
        coverage_median=float(np.median(covered)),
        coverage_p25=float(np.quantile(covered, 0.25)),
        feature_coverage_median=float(np.median(by_feature)),
        clients=len(similarity),
        stable_share=float((similarity >= STABLE_JACCARD).mean()),
        within_one_share=float((differing <= 1).mean()),
        decision_changes=changed,
        noise=noise,
    )
