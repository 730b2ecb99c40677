"""`scoring evaluate`: score a labelled application file with the promoted bundle and report how it does.

The file has the Kaggle application_train columns (with TARGET); secondary tables are read from a directory
(by default the file's own directory) when present there under their Kaggle names, restricted to the
file's clients. The probabilities are the bundle's calibrated ones: the report gives AUC and the cost at the
bundle's threshold, and whether the probabilities mean what they say (Brier score, ECE over 10
equal-frequency bins, mean probability against the observed default rate). ``write_scores`` writes
``SK_ID_CURR,probability,decision`` per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from scoring.data.normalise import normalise
from scoring.data.schema import SECONDARY_TABLES, TABLES
from scoring.data.sources import find_source, read_source
from scoring.data.validate import TableError
from scoring.errors import ScoringError
from scoring.features.build import compute_features
from scoring.io import write_text_atomic
from scoring.modeling.bundle import Bundle, load_bundle
from scoring.modeling.cost import CostSpec
from scoring.modeling.dataset import AMOUNT, ID, TARGET
from scoring.modeling.metrics import decision_metrics, probability_metrics
from scoring.offer.profit import expected_profit
from scoring.vocabulary import Decision

APPLICATION = "application_train"
ANNUITY = "APP_AMT_ANNUITY"
PARENT_KEY = {"bureau_balance": ("SK_ID_BUREAU", "bureau")}


class EvaluationError(ScoringError, ValueError):
    """The file cannot be evaluated."""


@dataclass(frozen=True)
class Evaluation:
    """Metrics of the bundle on a labelled file, at the bundle's threshold."""

    data: Path
    version: str
    metrics: dict
    n_defaults: int
    tables: tuple[str, ...]
    ids: np.ndarray
    probability: np.ndarray
    threshold: float
    profit: dict | None = None

    def to_dict(self) -> dict:
        m = self.metrics
        return {
            "data": str(self.data),
            "model_version": self.version,
            "n": m["tp"] + m["fp"] + m["fn"] + m["tn"],
            "n_defaults": self.n_defaults,
            "secondary_tables": list(self.tables),
            **{k: m[k] for k in ("auc", "threshold", "cost_per_1000", "accept_all_cost_per_1000")},
            **{k: m[k] for k in ("cost_vs_accept_all", "recall", "precision", "fbeta", "approval_rate")},
            **{k: m[k] for k in ("brier", "log_loss", "ece", "mean_pd", "observed_rate")},
            "confusion": {k: m[k] for k in ("tp", "fp", "fn", "tn")},
            "expected_profit_per_1000": self.profit["expected_profit_per_1000"] if self.profit else None,
            "profit": self.profit,
        }

    def scores(self) -> pl.DataFrame:
        """SK_ID_CURR, calibrated probability and decision of each row, in file order."""
        return pl.DataFrame(
            {
                ID: self.ids,
                "probability": self.probability,
                "decision": [str(Decision.at(float(p), self.threshold)) for p in self.probability],
            }
        )

    def describe(self) -> str:
        d = self.to_dict()
        c = d["confusion"]
        tables = ", ".join(self.tables) or "none"
        return "\n".join(
            [
                f"{self.data}: {d['n']:,} clients, {d['n_defaults']:,} defaults; model {self.version}",
                f"secondary tables: {tables}",
                f"AUC {d['auc']:.4f}; threshold {d['threshold']:.4f}; recall {d['recall']:.3f}, "
                f"precision {d['precision']:.3f}, approval rate {d['approval_rate']:.1%}",
                f"cost per 1,000 applicants {d['cost_per_1000']:,.1f} (accept everyone "
                f"{d['accept_all_cost_per_1000']:,.1f}, ratio {d['cost_vs_accept_all']:.3f})",
                f"calibration: mean probability {d['mean_pd']:.4f} vs observed default rate "
                f"{d['observed_rate']:.4f}; Brier {d['brier']:.4f}, ECE {d['ece']:.4f} "
                "(10 equal-frequency bins)",
                *_profit_lines(d["profit"]),
                "confusion matrix (rows actual, columns decision):",
                f"  {'':>10}{'accepted':>10}{'refused':>10}",
                f"  {'repaid':>10}{c['tn']:>10,}{c['fp']:>10,}",
                f"  {'defaulted':>10}{c['fn']:>10,}{c['tp']:>10,}",
            ]
        )


def _read(table: str, path: Path) -> pl.DataFrame:
    try:
        raw = read_source(TABLES[table], path)
        return normalise(table, raw.frame, first_row=raw.first_row)
    except TableError as error:
        raise EvaluationError("\n".join(f"{path.name}: {p}" for p in error.problems)) from None


def read_secondary(raw_dir: Path, ids: pl.Series) -> dict[str, pl.DataFrame]:
    """Secondary tables found in ``raw_dir``, keeping only rows of the given clients."""
    tables: dict[str, pl.DataFrame] = {}
    for name in SECONDARY_TABLES:
        path, _ = find_source(raw_dir, name)
        if path is None:
            continue
        frame = _read(name, path)
        if name in PARENT_KEY:
            key, parent = PARENT_KEY[name]
            keep = tables[parent][key] if parent in tables else pl.Series(key, [], dtype=pl.Int64)
            tables[name] = frame.filter(pl.col(key).is_in(keep.implode()))
        else:
            tables[name] = frame.filter(pl.col(ID).is_in(ids.implode()))
    return tables


def _labels(application: pl.DataFrame, path: Path) -> np.ndarray:
    target = application[TARGET]
    if target.null_count():
        raise EvaluationError(f"{path.name}: column TARGET: {target.null_count()} rows without a label")
    bad = (~target.is_in([0, 1])).sum()
    if bad:
        raise EvaluationError(f"{path.name}: column TARGET: {bad} rows not 0/1")
    return target.to_numpy()


def evaluate_file(
    data: Path, models_dir: Path, raw_dir: Path | None = None, version: str | None = None
) -> Evaluation:
    """AUC, cost at the bundle's threshold and confusion matrix of the bundle on a labelled file."""
    if not data.is_file():
        raise EvaluationError(f"{data} not found")
    bundle: Bundle = load_bundle(models_dir, version)
    application = _read(APPLICATION, data)
    y = _labels(application, data)
    secondary = read_secondary(raw_dir or data.parent, application[ID])
    features = compute_features({"application": application, **secondary})
    prob = bundle.predict_proba(bundle.matrix(features))
    amount = features[AMOUNT].cast(pl.Float64).to_numpy() if AMOUNT in features.columns else None
    spec = CostSpec.from_dict(bundle.metadata["cost"])
    metrics = decision_metrics(y, prob, bundle.threshold, spec, amount) | probability_metrics(y, prob)
    ids = features[ID].cast(pl.Int64).to_numpy()
    profit = _profit(features, prob, bundle.threshold, y)
    return Evaluation(
        data, bundle.version, metrics, int(y.sum()), tuple(secondary), ids, prob, bundle.threshold, profit
    )


def _profit(features: pl.DataFrame, prob: np.ndarray, threshold: float, y: np.ndarray) -> dict | None:
    """Expected (and realised) profit per 1,000 applicants at the bundle's threshold, priced by the offer's
    policy (None without the credit and annuity features)."""
    if AMOUNT not in features.columns or ANNUITY not in features.columns:
        return None
    credit, annuity = (features[c].cast(pl.Float64).fill_null(np.nan).to_numpy() for c in (AMOUNT, ANNUITY))
    return expected_profit(prob, credit, annuity, threshold, y).to_dict()


def _profit_lines(profit: dict | None) -> list[str]:
    if not profit:
        return []
    realised = profit["realised_profit_per_1000"]
    return [
        f"expected profit per 1,000 applicants {profit['expected_profit_per_1000']:,.0f} (realised "
        f"{realised:,.0f}; interest {profit['interest_income_per_1000']:,.0f}, expected loss "
        f"{profit['expected_loss_per_1000']:,.0f}, cost of funds {profit['cost_of_funds_per_1000']:,.0f}, "
        f"operating cost {profit['operating_cost_per_1000']:,.0f}); {profit['offered_share']:.1%} offered, "
        f"{profit['refused_on_price_share']:.1%} refused on price"
    ]


def write_scores(evaluation: Evaluation, out: Path) -> Path:
    """``SK_ID_CURR,probability,decision`` per row as CSV (written atomically)."""
    return write_text_atomic(out, evaluation.scores().write_csv())
