"""bureau (credits at other institutions) and bureau_balance (their monthly status).

Every column is drawn from the statistics of its CREDIT_ACTIVE stratum (the dates of a credit through
one shared copula, so older credits have older end dates), then made consistent: dates ordered
(DAYS_CREDIT <= end dates, update <= 0), debts within the credit sum, overdue amounts only with
overdue days. A per-client trait (partly the risk trait) drives active credits, current overdue days
and the monthly days-past-due statuses 1-5; closed credits read "C" after their closing month.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from scoring.data.synth.chunk import Chunk
from scoring.data.synth.fanout import (
    BUREAU_BALANCE_ROWS_PER_RECORD,
    BUREAU_FANOUT,
    DAYS_PER_MONTH,
    MAX_MONTHS,
    expand,
    owner_max,
    owner_mean,
)
from scoring.data.synth.sampling import (
    Categorical,
    Values,
    draw_by_stratum,
    gaussian_uniform,
    intercept_for_mean,
    inverse_cdf,
)

OVERDUE_SLOPE = 1.5
STATUS_SLOPE = 1.3
ACTIVE_SLOPE = 0.3
UNKNOWN_RECORD_SHARE = 0.3
DELINQUENT_MONTHS = 0.3
DATES = ("DAYS_CREDIT", "DAYS_CREDIT_ENDDATE", "DAYS_ENDDATE_FACT", "DAYS_CREDIT_UPDATE")
DATE_LOADING = 0.95
STATUS_ORDER = ("Closed", "Active", "Sold", "Bad debt")
DPD_STATUSES = ("1", "2", "3", "4", "5")
BureauTables = tuple[dict[str, Values], dict[str, Values], dict[str, np.ndarray]]


def _months(days_credit: np.ndarray) -> np.ndarray:
    return np.minimum(np.floor(-days_credit / DAYS_PER_MONTH).astype(np.int64) + 1, MAX_MONTHS + 1)


def _records(chunk: Chunk, owner: np.ndarray, trait: np.ndarray) -> dict[str, Values]:
    stats = chunk.stats["bureau"]
    rng = chunk.rng("bureau")
    n = owner.size
    active_u = gaussian_uniform(rng, n, (ACTIVE_SLOPE, trait[owner]))
    state = stats.draw("CREDIT_ACTIVE", rng, n, u=active_u, order=STATUS_ORDER)
    cols: dict[str, Values] = {"SK_ID_CURR": chunk.population.ids[owner], "CREDIT_ACTIVE": state}
    cols["SK_ID_BUREAU"] = chunk.first_bureau_id + np.arange(n, dtype=np.int64)
    timing = rng.standard_normal(n)
    for name in stats.columns:
        if name not in cols:
            u = gaussian_uniform(rng, n, (DATE_LOADING, timing)) if name in DATES else None
            cols[name] = draw_by_stratum(stats, name, rng, state, u)
    return cols


def _consistent_dates(cols: dict[str, Values], rng: np.random.Generator) -> None:
    start = cols["DAYS_CREDIT"]
    end = cols["DAYS_CREDIT_ENDDATE"]
    cols["DAYS_CREDIT_ENDDATE"] = np.where(end < start, start + rng.integers(30, 1800, start.size), end)
    for name in ("DAYS_ENDDATE_FACT", "DAYS_CREDIT_UPDATE"):
        days = cols[name]
        inside = np.round(start * (1.0 - rng.random(start.size)))
        cols[name] = np.where((days < start) | (days > 0), inside, days)


def _amounts(chunk: Chunk, cols: dict[str, Values], trait: np.ndarray, rng: np.random.Generator) -> None:
    """Debt within the credit sum; current overdue days (riskier clients more often) and amounts."""
    relations = chunk.relations["bureau"]
    active = cols["CREDIT_ACTIVE"].isin("Active")
    total = cols["AMT_CREDIT_SUM"]
    debt = cols["AMT_CREDIT_SUM_DEBT"]
    outstanding = np.round(total * rng.random(total.size) ** 0.7, 2)
    cols["AMT_CREDIT_SUM_DEBT"] = np.where(np.isnan(debt), np.nan, np.where(active, outstanding, debt))
    share_active = max(float(active.mean()), 1e-9)
    target = min(relations["overdue_share"] / share_active, 0.5)
    odds = intercept_for_mean(target, OVERDUE_SLOPE) + OVERDUE_SLOPE * trait
    overdue = active & (rng.random(total.size) < expit(odds))
    days = inverse_cdf({"quantiles": relations["overdue_days"], "step": 1.0}, rng.random(total.size))
    cols["CREDIT_DAY_OVERDUE"] = np.where(overdue, np.maximum(days, 1.0), 0.0)
    base = np.where(np.isnan(cols["AMT_CREDIT_SUM_DEBT"]), total, cols["AMT_CREDIT_SUM_DEBT"])
    amount = np.round(base * rng.uniform(0.02, 0.3, total.size), 2)
    cols["AMT_CREDIT_SUM_OVERDUE"] = np.where(overdue, amount, 0.0)
    most = cols["AMT_CREDIT_MAX_OVERDUE"]
    cols["AMT_CREDIT_MAX_OVERDUE"] = np.where(overdue, np.fmax(most, amount), most)


def _balance_share(chunk: Chunk) -> float:
    """Share of records with monthly rows so that rows per record match Kaggle's 27.3 M / 1.7 M."""
    days = inverse_cdf(chunk.stats["bureau"].columns["DAYS_CREDIT"], np.linspace(0.0005, 0.9995, 1000))
    return min(BUREAU_BALANCE_ROWS_PER_RECORD / _months(days).mean(), 1.0)


def _status_codes(chunk: Chunk, cols: dict[str, Values], trait: np.ndarray, record, month) -> Categorical:
    """C after the closing month of credits no longer active; X (unknown) for some records or months;
    else 0, or on a share of the months of delinquent records (more often for a higher trait) the
    record's DPD status 1-5."""
    stats = chunk.stats["bureau_balance"]
    levels = stats.levels("STATUS")
    freq = stats.columns["STATUS"]["frequencies"]
    rng = chunk.rng("bureau-status")
    n_records = len(cols["DAYS_CREDIT"])
    closed_month = np.floor(cols["DAYS_ENDDATE_FACT"] / DAYS_PER_MONTH)
    closed_month = np.where(cols["CREDIT_ACTIVE"].isin("Active"), np.nan, closed_month)
    closed = month > np.nan_to_num(closed_month, nan=np.inf)[record]
    dpd_levels = [s for s in DPD_STATUSES if s in freq]
    dpd_share = sum(freq[s] for s in dpd_levels)
    open_share = freq.get("0", 0.0) + freq.get("X", 0.0) + dpd_share
    unknown_row = (freq.get("X", 0.0) / open_share - UNKNOWN_RECORD_SHARE) / (1 - UNKNOWN_RECORD_SHARE)
    unknown_record = rng.random(n_records) < UNKNOWN_RECORD_SHARE
    unknown = unknown_record[record] | (rng.random(month.size) < max(unknown_row, 0.0))
    delinquent_share = min(dpd_share / max(freq.get("0", 0.0) + dpd_share, 1e-9) / DELINQUENT_MONTHS, 1.0)
    odds = intercept_for_mean(delinquent_share, STATUS_SLOPE) + STATUS_SLOPE * trait
    delinquent = rng.random(n_records) < expit(odds)
    severity = np.array([freq[s] for s in dpd_levels])
    severity_codes = np.array([levels.index(s) for s in dpd_levels], dtype=np.int16)
    picked = np.searchsorted(
        np.cumsum(severity) / max(severity.sum(), 1e-12), rng.random(n_records), side="right"
    )
    record_status = severity_codes[np.minimum(picked, len(dpd_levels) - 1)]
    late = delinquent[record] & (rng.random(month.size) < DELINQUENT_MONTHS)
    codes = np.where(late, record_status[record], np.int16(levels.index("0")))
    codes = np.where(unknown, np.int16(levels.index("X")), codes)
    return Categorical(np.where(closed, np.int16(levels.index("C")), codes).astype(np.int16), levels)


def _balance(
    chunk: Chunk, cols: dict[str, Values], owner: np.ndarray, trait: np.ndarray
) -> tuple[dict[str, Values], np.ndarray]:
    """Monthly rows (0, -1, ... back to the opening month) for a share of the records; rows per record."""
    rng = chunk.rng("bureau-balance")
    with_rows = rng.random(owner.size) < _balance_share(chunk)
    months = np.where(with_rows, _months(cols["DAYS_CREDIT"]), 0)
    record, position = expand(months)
    month = -position.astype(float)
    status = _status_codes(chunk, cols, trait[owner], record, month)
    return {"SK_ID_BUREAU": cols["SK_ID_BUREAU"][record], "MONTHS_BALANCE": month, "STATUS": status}, months


def _status_level(status: Categorical) -> np.ndarray:
    """Numeric days-past-due level of each monthly status: 1-5, else 0."""
    level = np.zeros(len(status.levels))
    for i, name in enumerate(status.levels):
        if name in DPD_STATUSES:
            level[i] = float(name)
    return level[status.codes]


def bureau_tables(chunk: Chunk) -> BureauTables:
    """bureau and bureau_balance rows of the chunk's clients, and per-client aggregates for the truth."""
    counts = BUREAU_FANOUT.draw(chunk.rng("bureau-count"), chunk.size)
    owner, _ = expand(counts)
    trait = chunk.trait("bureau")
    cols = _records(chunk, owner, trait)
    rng = chunk.rng("bureau-consistency")
    _consistent_dates(cols, rng)
    _amounts(chunk, cols, trait[owner], rng)
    balance, months = _balance(chunk, cols, owner, trait)
    record_status = owner_max(_status_level(balance["STATUS"]), months)
    aggregates = {
        "bureau_active_share": owner_mean(cols["CREDIT_ACTIVE"].isin("Active"), owner, chunk.size),
        "bureau_overdue": owner_max(cols["CREDIT_DAY_OVERDUE"] > 0, counts),
        "bureau_max_status": owner_max(record_status, counts),
    }
    return cols, balance, aggregates
