"""Performance without labels: confidence-based performance estimation (CBPE).

The method of NannyML ("Confidence-based Performance Estimation", https://nannyml.readthedocs.io/en/stable/
how_it_works/performance_estimation.html; NannyML 0.13.1 itself is not a dependency: it requires
lightgbm < 4.6 and pulls a telemetry client). When the probabilities of default p_i are calibrated, the
label of client i is a Bernoulli(p_i) draw, so every performance figure has an expectation computable
without labels:

- expected defaults = sum p_i, expected default rate = mean p_i;
- expected confusion matrix at the decisions given (refused = score >= threshold): TP = sum of p_i over
  refused clients, FP = sum of (1 - p_i) over refused, FN = sum of p_i over accepted, TN = sum of
  (1 - p_i) over accepted; the expected business cost follows with the same weights as the realised one;
- expected ROC AUC, closed form: the area under the expected ROC curve (NannyML's estimator),
  sum over pairs p_i (1 - p_j) [s_i > s_j] (ties count 1/2) / sum over pairs i != j of p_i (1 - p_j), with
  s the model's score that ranks the clients; computed in O(n log n).
- the spread of the realised AUC a window may show: the AUC of many label draws y ~ Bernoulli(p) (rank-sum
  formula), whose 5th-95th percentiles bound the estimate's sampling error.

CBPE assumes the PDs are calibrated on the current population (no concept drift: P(default | score) is
unchanged). A bundle that is not calibrated gets an isotonic map fitted on its out-of-fold probabilities and
labels (the reference), as NannyML calibrates on its reference period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata
from sklearn.isotonic import IsotonicRegression

from scoring.modeling.cost import CostSpec, total_cost
from scoring.modeling.metrics import confusion, safe_auc

DRAWS = 200
SEED = 0
INTERVAL = (5, 95)
BUNDLE, ISOTONIC = "bundle (calibrated)", "isotonic map fitted on the reference's out-of-fold probabilities"


@dataclass(frozen=True)
class Calibration:
    """How served probabilities become calibrated PDs: as they are, or through an isotonic map."""

    source: str
    isotonic: IsotonicRegression | None = None

    def apply(self, probability: np.ndarray) -> np.ndarray:
        p = np.asarray(probability, dtype=np.float64)
        return p if self.isotonic is None else np.asarray(self.isotonic.predict(p), dtype=np.float64)


def identity() -> Calibration:
    return Calibration(BUNDLE)


def fit_isotonic(probability: np.ndarray, target: np.ndarray) -> Calibration:
    """An increasing map from the score to the observed default rate, fitted on labelled reference rows."""
    model = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    model.fit(np.asarray(probability, dtype=np.float64), np.asarray(target, dtype=np.float64))
    return Calibration(ISOTONIC, model)


def expected_auc(score: np.ndarray, pd: np.ndarray) -> float:
    """Area under the expected ROC curve of `score` when client i defaults with probability pd[i]."""
    score = np.asarray(score, dtype=np.float64)
    p = np.asarray(pd, dtype=np.float64)
    q = 1.0 - p
    levels, group = np.unique(score, return_inverse=True)
    good_in_group = np.bincount(group, weights=q, minlength=len(levels))
    good_below = np.concatenate([[0.0], np.cumsum(good_in_group)[:-1]])
    wins = good_below[group] + 0.5 * (good_in_group[group] - q)
    pairs = p.sum() * q.sum() - float(np.dot(p, q))
    return float(np.dot(p, wins) / pairs) if pairs > 0 else float("nan")


def auc_draws(score: np.ndarray, pd: np.ndarray, draws: int = DRAWS, seed: int = SEED) -> np.ndarray:
    """Realised AUC of `draws` label draws y ~ Bernoulli(pd) (draws with one class only are left out)."""
    ranks = rankdata(np.asarray(score, dtype=np.float64))
    p = np.asarray(pd, dtype=np.float64)
    rng = np.random.default_rng(seed)
    out = []
    chunk = max(1, 5_000_000 // max(len(p), 1))
    for start in range(0, draws, chunk):
        labels = rng.random((min(chunk, draws - start), len(p))) < p
        n1 = labels.sum(axis=1).astype(np.float64)
        n0 = len(p) - n1
        rank_sum = labels.astype(np.float64) @ ranks
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append((rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0))
    values = np.concatenate(out) if out else np.empty(0)
    return values[np.isfinite(values)]


def expected_confusion(pd: np.ndarray, refused: np.ndarray) -> dict[str, float]:
    """Expected TP, FP, FN, TN (default = positive class, refusal = positive decision)."""
    p = np.asarray(pd, dtype=np.float64)
    r = np.asarray(refused, dtype=bool)
    return {
        "tp": float(p[r].sum()),
        "fp": float((1 - p[r]).sum()),
        "fn": float(p[~r].sum()),
        "tn": float((1 - p[~r]).sum()),
    }


def expected_cost(pd: np.ndarray, refused: np.ndarray, spec: CostSpec, amount: np.ndarray | None) -> float:
    """Expected business cost: each accepted client costs pd * FN cost, each refused (1 - pd) * FP cost."""
    p = np.asarray(pd, dtype=np.float64)
    r = np.asarray(refused, dtype=bool)
    fn_cost, fp_cost = spec.client_costs(len(p), amount)
    return float(np.sum(p[~r] * fn_cost[~r]) + np.sum((1 - p[r]) * fp_cost[r]))


def estimate(
    score: np.ndarray,
    pd: np.ndarray,
    refused: np.ndarray,
    spec: CostSpec | None,
    amount: np.ndarray | None = None,
    draws: int = DRAWS,
    seed: int = SEED,
) -> dict:
    """Expected AUC (closed form, with the spread of label draws), default rate, confusion and cost."""
    p = np.asarray(pd, dtype=np.float64)
    n = len(p)
    sampled = auc_draws(score, p, draws, seed)
    low, high = np.percentile(sampled, INTERVAL) if sampled.size else (np.nan, np.nan)
    result = {
        "rows": n,
        "auc": expected_auc(score, p),
        "auc_interval": [float(low), float(high)],
        "auc_std": float(sampled.std()) if sampled.size else None,
        "default_rate": float(p.mean()),
        "expected_defaults": float(p.sum()),
        "approval_rate": 1.0 - float(np.mean(refused)),
        "confusion": expected_confusion(p, refused),
        "cost": None,
        "cost_per_1000": None,
    }
    if spec is not None:
        cost = expected_cost(p, refused, spec, amount)
        result.update(cost=cost, cost_per_1000=1000.0 * cost / n, cost_unit=spec.unit)
    return result


def realised(
    score: np.ndarray,
    target: np.ndarray,
    refused: np.ndarray,
    spec: CostSpec | None,
    amount: np.ndarray | None = None,
) -> dict:
    """The same figures from known labels (for the reference and for back-tests)."""
    y = np.asarray(target).astype(int)
    result = {
        "rows": len(y),
        "auc": safe_auc(y, score),
        "default_rate": float(y.mean()),
        "approval_rate": 1.0 - float(np.mean(refused)),
        "confusion": confusion(y, refused),
        "cost": None,
        "cost_per_1000": None,
    }
    if spec is not None:
        fn_cost, fp_cost = spec.client_costs(len(y), amount)
        cost = total_cost(y, refused, fn_cost, fp_cost)
        result.update(cost=cost, cost_per_1000=1000.0 * cost / len(y), cost_unit=spec.unit)
    return result
