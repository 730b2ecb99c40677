"""Settings of a drift check: which features, how they are tested, when to alert."""

from __future__ import annotations

import dataclasses

from evidently import ColumnType
from evidently.legacy.calculations.stattests.registry import get_registered_stattest
from pydantic import Field, field_validator
from pydantic.dataclasses import dataclass

from scoring.drift.defaults import AUC_DROP, DRIFT_SHARE, MIN_ROWS, REFERENCE_ROWS, SEED, TOP_FEATURES
from scoring.drift.errors import DriftError
from scoring.settings import option_name, raising

OPTIONS = {"top_features": "--features"}  # the fields whose CLI option is not named after them


def _option(field: str) -> str:
    return OPTIONS.get(field, option_name(field))


def _check_method(name: str | None, kind: ColumnType, option: str) -> str | None:
    """Evidently's own registry (where its current API looks methods up) names the valid methods."""
    if name is None:
        return None
    try:
        get_registered_stattest(name, kind)
    except ValueError as exc:
        raise ValueError(f"{option} {name!r}: {exc}") from None
    return name


@raising(DriftError, _option)
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

    top_features: int = Field(default=TOP_FEATURES, ge=1)
    drift_share: float = Field(default=DRIFT_SHARE, gt=0, le=1)
    num_method: str | None = None
    cat_method: str | None = None
    num_threshold: float | None = Field(default=None, gt=0)
    cat_threshold: float | None = Field(default=None, gt=0)
    reference_rows: int = Field(default=REFERENCE_ROWS, ge=2)
    min_rows: int = Field(default=MIN_ROWS, ge=1)
    seed: int = Field(default=SEED, ge=0)
    auc_drop: float = Field(default=AUC_DROP, gt=0, lt=1)

    @field_validator("num_method")
    @classmethod
    def _numeric_method(cls, name: str | None) -> str | None:
        return _check_method(name, ColumnType.Numerical, "--num-method")

    @field_validator("cat_method")
    @classmethod
    def _categorical_method(cls, name: str | None) -> str | None:
        return _check_method(name, ColumnType.Categorical, "--cat-method")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)
