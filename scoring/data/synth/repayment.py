"""installments_payments and POS_CASH_balance: the repayment history of approved contracts.

Instalment loans get one instalment row per due date already passed and one POS row per month from the
first due month to completion (or the application date). Cards get a monthly instalment row (version 0).
Per-client traits (partly the risk trait) drive late payments (DAYS_ENTRY_PAYMENT after
DAYS_INSTALMENT), short payments (AMT_PAYMENT below AMT_INSTALMENT) and days past due in POS rows;
their overall shares, delays and paid ratios follow the calibrated relations.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from scoring.data.synth.chunk import Chunk
from scoring.data.synth.fanout import DAYS_PER_MONTH, MAX_MONTHS, expand, owner_mean
from scoring.data.synth.previous import Contracts
from scoring.data.synth.sampling import Categorical, Values, intercept_for_mean, inverse_cdf, quantize

DAYS_PER_INSTALMENT = 30
LATE_SLOPE = 1.2
SHORT_SLOPE = 1.2
DPD_SLOPE = 1.4
CARD_INSTALMENT_RATE = (0.005, 0.05)


def _quantiles(values: list[float], u: np.ndarray, step: float = 1.0) -> np.ndarray:
    return inverse_cdf({"quantiles": values, "step": step}, u)


def _due_count(contracts: Contracts) -> np.ndarray:
    passed = np.floor((-1.0 - contracts.first_due) / DAYS_PER_INSTALMENT).astype(np.int64) + 1
    return np.clip(passed, 0, contracts.paid_terms)


def _version(chunk: Chunk, contracts: Contracts) -> np.ndarray:
    stats = chunk.stats["installments_payments"].columns["NUM_INSTALMENT_VERSION"]
    loan_versions = {**stats, "values": [v for v in stats["values"] if v[0] > 0]}
    drawn = inverse_cdf(loan_versions, chunk.rng("instalment-version").random(len(contracts.owner)))
    return np.where(contracts.is_card, 0.0, drawn)


def _instalment_rows(chunk: Chunk, contracts: Contracts) -> tuple[dict[str, Values], np.ndarray]:
    relations = chunk.relations["installments_payments"]
    rng = chunk.rng("instalments")
    contract, position = expand(_due_count(contracts))
    owner = contracts.owner[contract]
    n = contract.size
    due = contracts.first_due[contract] + DAYS_PER_INSTALMENT * position
    card_amount = quantize(contracts.credit * rng.uniform(*CARD_INSTALMENT_RATE, len(contracts.owner)), 0.005)
    amount = np.where(contracts.is_card, card_amount, contracts.annuity)[contract]
    odds = intercept_for_mean(relations["late_share"], LATE_SLOPE) + LATE_SLOPE * chunk.trait("late")
    odds = odds + np.log(chunk.drift.get("late_payments", 1.0))
    late = rng.random(n) < expit(odds)[owner]
    delay = np.where(
        late,
        _quantiles(relations["late_days"], rng.random(n)),
        -_quantiles(relations["early_days"], rng.random(n)),
    )
    short_odds = intercept_for_mean(relations["short_share"], SHORT_SLOPE) + SHORT_SLOPE * chunk.trait(
        "short"
    )
    short = rng.random(n) < expit(short_odds)[owner]
    paid = quantize(amount * _quantiles(relations["short_paid_ratio"], rng.random(n), 0.0), 0.005)
    unpaid = rng.random(n) < chunk.stats["installments_payments"].missing("DAYS_ENTRY_PAYMENT")
    cols: dict[str, Values] = {
        "SK_ID_PREV": contracts.sk_id_prev[contract],
        "SK_ID_CURR": contracts.sk_id_curr[contract],
        "NUM_INSTALMENT_VERSION": _version(chunk, contracts)[contract],
        "NUM_INSTALMENT_NUMBER": position + 1.0,
        "DAYS_INSTALMENT": due.astype(float),
        "DAYS_ENTRY_PAYMENT": np.where(unpaid, np.nan, np.minimum(due + delay, -1.0)),
        "AMT_INSTALMENT": amount,
        "AMT_PAYMENT": np.where(unpaid, np.nan, np.where(short, paid, amount)),
    }
    return cols, owner


def monthly_status(
    chunk: Chunk, table: str, rng: np.random.Generator, n: int, completed: np.ndarray | None = None
) -> Categorical:
    """Active, or a rarer status at its calibrated share; Completed where given (POS: after the last due)."""
    stats = chunk.stats[table]
    levels = stats.levels("NAME_CONTRACT_STATUS")
    frequencies = stats.columns["NAME_CONTRACT_STATUS"]["frequencies"]
    fixed = ("Active",) if completed is None else ("Active", "Completed")
    rare = {k: v for k, v in frequencies.items() if k not in fixed}
    codes = np.full(n, levels.index("Active"), dtype=np.int16)
    if rare:
        weights = np.array(list(rare.values()))
        picked = np.searchsorted(np.cumsum(weights) / weights.sum(), rng.random(n), side="right")
        mapping = np.array([levels.index(k) for k in rare], dtype=np.int16)
        codes = np.where(rng.random(n) < weights.sum(), mapping[np.minimum(picked, len(rare) - 1)], codes)
    if completed is not None and "Completed" in levels:
        codes = np.where(completed, np.int16(levels.index("Completed")), codes)
    return Categorical(codes.astype(np.int16), levels)


def days_past_due(
    chunk: Chunk, table: str, trait: np.ndarray, owner: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """SK_DPD and SK_DPD_DEF of monthly rows: rows past due more often for clients with a higher trait."""
    relations = chunk.relations[table]
    rng = chunk.rng(f"{table}-dpd")
    n = owner.size
    odds = intercept_for_mean(relations["dpd_share"], DPD_SLOPE) + DPD_SLOPE * trait
    late = rng.random(n) < expit(odds)[owner]
    days = np.where(late, np.maximum(_quantiles(relations["dpd_days"], rng.random(n)), 1.0), 0.0)
    serious = rng.random(n) < relations["dpd_def_share_of_dpd"]
    return days, np.where(serious, days, 0.0)


def _pos_rows(chunk: Chunk, loans: Contracts) -> tuple[dict[str, Values], np.ndarray]:
    rng = chunk.rng("pos")
    first_month = np.floor(loans.first_due / DAYS_PER_MONTH).astype(np.int64)
    start = np.maximum(first_month, -MAX_MONTHS)
    end = np.minimum(first_month + loans.paid_terms, -1)
    contract, position = expand(np.maximum(end - start + 1, 0))
    owner = loans.owner[contract]
    month = start[contract] + position
    elapsed = month - first_month[contract]
    term = loans.term[contract].astype(float)
    completed = elapsed >= loans.paid_terms[contract]
    missing = rng.random(contract.size) < chunk.stats["POS_CASH_balance"].missing("CNT_INSTALMENT")
    dpd, dpd_def = days_past_due(chunk, "POS_CASH_balance", chunk.trait("late"), owner)
    cols: dict[str, Values] = {
        "SK_ID_PREV": loans.sk_id_prev[contract],
        "SK_ID_CURR": loans.sk_id_curr[contract],
        "MONTHS_BALANCE": month.astype(float),
        "CNT_INSTALMENT": np.where(missing, np.nan, term),
        "CNT_INSTALMENT_FUTURE": np.where(missing, np.nan, np.maximum(term - elapsed - 1, 0) * ~completed),
        "NAME_CONTRACT_STATUS": monthly_status(chunk, "POS_CASH_balance", rng, month.size, completed),
        "SK_DPD": dpd,
        "SK_DPD_DEF": dpd_def,
    }
    return cols, owner


def repayment_tables(chunk: Chunk, contracts: Contracts) -> tuple[dict, dict, dict[str, np.ndarray]]:
    """installments_payments and POS_CASH_balance rows, and per-client repayment aggregates."""
    instalments, inst_owner = _instalment_rows(chunk, contracts)
    pos, pos_owner = _pos_rows(chunk, contracts.select(~contracts.is_card))
    delay = instalments["DAYS_ENTRY_PAYMENT"] - instalments["DAYS_INSTALMENT"]
    with np.errstate(invalid="ignore"):
        aggregates = {
            "inst_late_share": owner_mean(delay > 0, inst_owner, chunk.size),
            "inst_mean_days_late": owner_mean(np.fmax(delay, 0.0), inst_owner, chunk.size),
            "inst_short_share": owner_mean(
                instalments["AMT_PAYMENT"] < instalments["AMT_INSTALMENT"], inst_owner, chunk.size
            ),
            "pos_dpd_share": owner_mean(pos["SK_DPD"] > 0, pos_owner, chunk.size),
        }
    return instalments, pos, aggregates
