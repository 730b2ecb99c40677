"""Settings of a drift check: which features, how they are tested, when to alert."""

from __future__ import annotations

from dataclasses import dataclass

from evidently import ColumnType
from evidently.legacy.calculations.stattests.registry import get_registered_stattest

from scoring.drift.defaults import AUC_DROP, DRIFT_SHARE, MIN_ROWS, REFERENCE_ROWS, SEED, TOP_FEATURES
from scoring.drift.errors import DriftError


def _check_method(name: str | None, kind: ColumnType, option: str) -> None:
    """Evidently's own registry (where its current API looks methods up) names the valid methods."""
    if name is None:
        return
    try:
        get_registered_stattest(name, kind)
    except ValueError as exc:
        raise DriftError(f"{option} {name!r}: {exc}") from None


@dataclass(frozen=True)
class DriftSettings:
    """What a drift check compares and the thresholds of its verdicts.

    Methods and thresholds left as None are chosen by Evidently from the column type and the reference
    size: for a reference of more than 1,000 rows, Wasserstein distance (normed, drift at >= 0.1) for
    numeric columns with more than 5 values, Jensen-Shannon distance (>= 0.1) for categorical and
    few-valued ones; for smaller references, the K-S test (numeric) and the chi-square or Z test
    (categorical, two values), drift at p < 0.05. The same choice applies to the model's probability,
    decision and the target.
    """

    top_features: int = TOP_FEATURES
    drift_share: float = DRIFT_SHARE
    num_method: str | None = None
    cat_method: str | None = None
    num_threshold: float | None = None
    cat_threshold: float | None = None
    reference_rows: int = REFERENCE_ROWS
    min_rows: int = MIN_ROWS
    seed: int = SEED
    auc_drop: float = AUC_DROP

    def __post_init__(self) -> None:
        if self.top_features < 1:
            raise DriftError(f"--features must be at least 1, got {self.top_features}")
        if not 0 < self.drift_share <= 1:
            raise DriftError(f"--drift-share must be in (0, 1], got {self.drift_share}")
        thresholds = {"--num-threshold": self.num_threshold, "--cat-threshold": self.cat_threshold}
        for option, value in thresholds.items():
            if value is not None and not value > 0:
                raise DriftError(f"{option} must be positive, got {value}")
        if self.reference_rows < 2:
            raise DriftError(f"--reference-rows must be at least 2, got {self.reference_rows}")
        if self.min_rows < 1:
            raise DriftError(f"--min-rows must be at least 1, got {self.min_rows}")
        if not 0 < self.auc_drop < 1:
            raise DriftError(f"--auc-drop must be in (0, 1), got {self.auc_drop}")
        if self.seed < 0:
            raise DriftError(f"--seed must be a non-negative integer, got {self.seed}")
        _check_method(self.num_method, ColumnType.Numerical, "--num-method")
        _check_method(self.cat_method, ColumnType.Categorical, "--cat-method")

    def to_dict(self) -> dict:
        return {
            "top_features": self.top_features,
            "drift_share": self.drift_share,
            "num_method": self.num_method,
            "cat_method": self.cat_method,
            "num_threshold": self.num_threshold,
            "cat_threshold": self.cat_threshold,
            "reference_rows": self.reference_rows,
            "min_rows": self.min_rows,
            "seed": self.seed,
            "auc_drop": self.auc_drop,
        }
