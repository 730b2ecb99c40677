"""Calibration statistics of the real Home Credit rows, the only input of the synthetic generator.

Per table and per column: the missing rate; for categorical columns the frequencies of the raw values
(XNA / XAP included); for numeric columns the share of the 365243 anomaly, then either the frequencies of
the values (at most DISCRETE_MAX distinct values) or QUANTILE_POINTS quantiles with the rounding step of
the raw values (step 1 = integer-valued; 0 = no rounding). A few tables also get the same statistics per
stratum of their state columns (e.g. previous applications by contract type and status), with fewer
quantiles, so the generator can reproduce conditional structure such as "XAP" reject reasons of approved
applications. Last, a few relations between columns that per-column statistics cannot carry (share of
late instalments, card utilisation, days past due...), under "relations".
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scoring.data.schema import CAT, DAYS_EMPLOYED_ANOMALY, KEY, TABLES, Table
from scoring.errors import ScoringError
from scoring.io import write_json_atomic

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
CALIBRATED_TABLES = (
    "application_train",
    "bureau",
    "bureau_balance",
    "previous_application",
    "POS_CASH_balance",
    "installments_payments",
    "credit_card_balance",
)
STRATA = {
    "previous_application": ("NAME_CONTRACT_TYPE", "NAME_CONTRACT_STATUS"),
    "bureau": ("CREDIT_ACTIVE",),
}
STRATUM_SEPARATOR = "|"
QUANTILE_POINTS = 101
STRATUM_QUANTILE_POINTS = 21
STRATUM_MIN_ROWS = 30
RELATION_QUANTILE_POINTS = 101
DISCRETE_MAX = 40
STEP_CANDIDATES = (
    22500.0,
    4500.0,
    2250.0,
    1125.0,
    1000.0,
    500.0,
    450.0,
    250.0,
    225.0,
    100.0,
    50.0,
    45.0,
    10.0,
    5.0,
    1.0,
    0.5,
    0.1,
    0.05,
    0.01,
    0.005,
    1e-3,
    1e-4,
    1e-5,
    1e-6,
)
STEP_SHARE = 0.95
SIGNIFICANT_DIGITS = 8


class CalibrationError(ScoringError):
    """The sample directory cannot be calibrated (missing file, unexpected header)."""


def _round(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def _is_multiple(values: np.ndarray, step: float) -> np.ndarray:
    ratio = values / step
    return np.abs(ratio - np.round(ratio)) < 1e-6 * np.maximum(1.0, np.abs(ratio))


def rounding_step(values: np.ndarray) -> float:
    """The largest candidate step that STEP_SHARE of the non-zero values are multiples of (0 if none)."""
    nonzero = values[values != 0]
    if nonzero.size == 0:
        return 1.0
    for step in STEP_CANDIDATES:
        if _is_multiple(nonzero, step).mean() >= STEP_SHARE:
            return step
    return 0.0


def _frequencies(values: pd.Series) -> dict[str, float]:
    counts = values.value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    total = float(counts.sum())
    return {str(k): _round(v / total) for k, v in ordered}


def _numeric_stats(values: np.ndarray, quantile_points: int) -> dict[str, Any]:
    stats: dict[str, Any] = {}
    anomaly = values == DAYS_EMPLOYED_ANOMALY
    if anomaly.any():
        stats["anomaly"] = _round(anomaly.mean())
    rest = values[~anomaly]
    if rest.size == 0:
        return stats
    distinct, counts = np.unique(rest, return_counts=True)
    if distinct.size <= DISCRETE_MAX:
        stats["values"] = [[_round(v), _round(c / rest.size)] for v, c in zip(distinct, counts, strict=True)]
    else:
        grid = np.linspace(0.0, 1.0, quantile_points)
        stats["quantiles"] = [_round(q) for q in np.quantile(rest, grid)]
        stats["step"] = rounding_step(rest)
    return stats


def column_stats(series: pd.Series, kind: str, quantile_points: int = QUANTILE_POINTS) -> dict[str, Any]:
    """Missing rate plus categorical frequencies or numeric distribution of one raw column."""
    present = series.dropna()
    stats: dict[str, Any] = {"kind": kind, "missing": _round(1.0 - present.size / max(series.size, 1))}
    if kind == CAT:
        stats["frequencies"] = _frequencies(present.astype(str))
    else:
        stats.update(_numeric_stats(present.to_numpy(dtype=float), quantile_points))
    return stats


def _columns_stats(frame: pd.DataFrame, table: Table, skip: tuple[str, ...], points: int) -> dict[str, Any]:
    return {
        c.name: column_stats(frame[c.name], c.kind, points)
        for c in table.columns
        if c.kind != KEY and c.name not in skip
    }


def _strata_stats(frame: pd.DataFrame, table: Table) -> dict[str, Any]:
    by = STRATA[table.name]
    labels = frame[list(by)].fillna("").astype(str).agg(STRATUM_SEPARATOR.join, axis=1)
    groups = {}
    for label, group in frame.groupby(labels, sort=True):
        if len(group) >= STRATUM_MIN_ROWS:
            columns = _columns_stats(group, table, by, STRATUM_QUANTILE_POINTS)
            groups[str(label)] = {"rows": len(group), "columns": columns}
    return {"by": list(by), "groups": groups}


def read_raw_csv(path: Path, table: Table) -> pd.DataFrame:
    """One raw Kaggle CSV, empty cells as missing, categorical cells kept verbatim (XNA, XAP)."""
    if not path.exists():
        raise CalibrationError(f"{path}: file not found (needed to calibrate table {table.name})")
    dtypes = {c.name: str for c in table.columns if c.kind == CAT}
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    if list(frame.columns) != table.column_names:
        missing = sorted(set(table.column_names) - set(frame.columns))
        extra = sorted(set(frame.columns) - set(table.column_names))
        raise CalibrationError(
            f"{path}: header differs from the {table.name} schema (missing {missing}, unexpected {extra},"
            " or columns out of order)"
        )
    return frame


def table_stats(frame: pd.DataFrame, table: Table) -> dict[str, Any]:
    """Statistics of one table: row count, per-column statistics and, if configured, per-stratum ones."""
    stats: dict[str, Any] = {
        "rows": len(frame),
        "columns": _columns_stats(frame, table, (), QUANTILE_POINTS),
    }
    if table.name in STRATA:
        stats["strata"] = _strata_stats(frame, table)
    return stats


def _share(mask: pd.Series) -> float:
    return _round(float(mask.mean())) if len(mask) else 0.0


def _quantiles(values: pd.Series) -> list[float]:
    grid = np.linspace(0.0, 1.0, RELATION_QUANTILE_POINTS)
    return [_round(q) for q in np.quantile(values.dropna().to_numpy(dtype=float), grid)]


def _days_past_due(frame: pd.DataFrame) -> dict[str, Any]:
    late = frame["SK_DPD"] > 0
    return {
        "dpd_share": _share(late),
        "dpd_days": _quantiles(frame.loc[late, "SK_DPD"]),
        "dpd_def_share_of_dpd": _share(frame.loc[late, "SK_DPD_DEF"] > 0),
    }


def _instalment_relations(frame: pd.DataFrame) -> dict[str, Any]:
    delay = (frame["DAYS_ENTRY_PAYMENT"] - frame["DAYS_INSTALMENT"]).dropna()
    paid = frame["AMT_PAYMENT"] / frame["AMT_INSTALMENT"].where(frame["AMT_INSTALMENT"] > 0)
    return {
        "late_share": _share(delay > 0),
        "late_days": _quantiles(delay[delay > 0]),
        "early_days": _quantiles(-delay[delay <= 0]),
        "short_share": _share(frame["AMT_PAYMENT"] < frame["AMT_INSTALMENT"]),
        "short_paid_ratio": _quantiles(paid[paid < 1]),
    }


def _card_relations(frame: pd.DataFrame) -> dict[str, Any]:
    limit = frame["AMT_CREDIT_LIMIT_ACTUAL"]
    utilisation = frame["AMT_BALANCE"] / limit.where(limit > 0)
    return {"utilisation": _quantiles(utilisation), **_days_past_due(frame)}


def _bureau_relations(frame: pd.DataFrame) -> dict[str, Any]:
    overdue = frame["CREDIT_DAY_OVERDUE"] > 0
    return {
        "overdue_share": _share(overdue),
        "overdue_days": _quantiles(frame.loc[overdue, "CREDIT_DAY_OVERDUE"]),
    }


def _loan_relations(frame: pd.DataFrame) -> dict[str, Any]:
    relations: dict[str, Any] = {"payment_rate": {}, "credit_to_goods": {}}
    for contract, group in frame.groupby("NAME_CONTRACT_TYPE", sort=True):
        relations["payment_rate"][str(contract)] = _quantiles(group["AMT_ANNUITY"] / group["AMT_CREDIT"])
        relations["credit_to_goods"][str(contract)] = _quantiles(
            group["AMT_CREDIT"] / group["AMT_GOODS_PRICE"]
        )
    return relations


RELATIONS = {
    "application_train": _loan_relations,
    "installments_payments": _instalment_relations,
    "POS_CASH_balance": _days_past_due,
    "credit_card_balance": _card_relations,
    "bureau": _bureau_relations,
}


def compute_calibration(sample_dir: Path) -> dict[str, Any]:
    """Calibration statistics of every calibrated table found as <name>.csv in sample_dir."""
    tables = {}
    relations = {}
    for name in CALIBRATED_TABLES:
        table = TABLES[name]
        frame = read_raw_csv(sample_dir / f"{name}.csv", table)
        tables[name] = table_stats(frame, table)
        if name in RELATIONS:
            relations[name] = RELATIONS[name](frame)
    return {"quantile_points": QUANTILE_POINTS, "tables": tables, "relations": relations}


def write_calibration(calibration: dict[str, Any], path: Path = CALIBRATION_PATH) -> Path:
    """Write the statistics as JSON atomically (temporary file in the same directory, then rename)."""
    return write_json_atomic(path, calibration)


@cache
def load_calibration(path: Path = CALIBRATION_PATH) -> dict[str, Any]:
    """The packaged calibration statistics (read once)."""
    if not path.exists():
        raise CalibrationError(f"{path}: calibration file not found; run `scoring calibrate --sample DIR`")
    return json.loads(path.read_text(encoding="utf-8"))
