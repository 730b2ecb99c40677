"""previous_application: the clients' earlier applications at Home Credit.

Contract type from the calibrated frequencies; status from the calibrated frequencies given the type,
with refusals more frequent for clients with a higher refusal trait (partly the risk trait). Every
other column is drawn from its (type, status) stratum, then made consistent: goods price equals the
amount applied for, credit follows it, annuity follows credit and term, and the DAYS_* schedule
(365243 when open-ended) exists only for approved applications. Approved instalment loans and approved
cards are returned as contracts for the POS, instalment and card tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from scoring.data.schema import DAYS_EMPLOYED_ANOMALY
from scoring.data.synth.chunk import Chunk
from scoring.data.synth.fanout import (
    CARD_ROWS_PER_CARD,
    DAYS_PER_MONTH,
    PREVIOUS_FANOUT,
    expand,
    history_length_law,
    owner_mean,
)
from scoring.data.synth.sampling import (
    Categorical,
    TableStats,
    Values,
    draw_by_stratum,
    intercept_for_mean,
    inverse_cdf,
    quantize,
)
from scoring.data.twin_calibration import STRATUM_SEPARATOR

REFUSAL_SLOPE = 0.9
SAME_CREDIT_SHARE = 0.35
CREDIT_RATIO = (0.85, 1.25)
MONTHLY_RATE = (0.008, 0.03)
REVOLVING_PAYMENT_RATE = 0.05  # annuity / credit of every revolving loan in the application sample
FIRST_DUE_DELAY = (10, 46)
DAYS_PER_INSTALMENT = 30
PREPAID_SHARE = 0.45
ANOMALY = float(DAYS_EMPLOYED_ANOMALY)
SCHEDULE = (
    "DAYS_FIRST_DRAWING",
    "DAYS_FIRST_DUE",
    "DAYS_LAST_DUE_1ST_VERSION",
    "DAYS_LAST_DUE",
    "DAYS_TERMINATION",
)


@dataclass(frozen=True)
class Contracts:
    """Approved applications that have monthly rows: their owner, identifiers and repayment terms
    (paid_terms: instalments until repaid for loans, months of activity for cards)."""

    owner: np.ndarray
    sk_id_prev: np.ndarray
    sk_id_curr: np.ndarray
    is_card: np.ndarray
    first_due: np.ndarray
    decision: np.ndarray
    term: np.ndarray
    paid_terms: np.ndarray
    annuity: np.ndarray
    credit: np.ndarray

    def select(self, mask: np.ndarray) -> Contracts:
        return Contracts(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))


def _status_given_type(stats: TableStats, contract: str, levels: tuple[str, ...]) -> np.ndarray:
    rows = np.array(
        [stats.strata().get(f"{contract}{STRATUM_SEPARATOR}{s}", {}).get("rows", 0) for s in levels]
    )
    if rows.sum() == 0:
        frequencies = stats.columns["NAME_CONTRACT_STATUS"]["frequencies"]
        rows = np.array([frequencies[s] for s in levels])
    return rows / rows.sum()


def _status(chunk: Chunk, contract: Categorical, trait: np.ndarray) -> Categorical:
    """Status given the type; the refusal probability rises with the client's refusal trait."""
    stats = chunk.stats["previous_application"]
    levels = stats.levels("NAME_CONTRACT_STATUS")
    refused = levels.index("Refused")
    rng = chunk.rng("previous-status")
    u_refused, u_other = rng.random(len(contract)), rng.random(len(contract))
    codes = np.zeros(len(contract), dtype=np.int16)
    for code, name in enumerate(contract.levels):
        rows = np.flatnonzero(contract.codes == code)
        probs = _status_given_type(stats, name, levels)
        p_refused = probs[refused]
        if 0.0 < p_refused < 1.0:
            p_refused = expit(intercept_for_mean(p_refused, REFUSAL_SLOPE) + REFUSAL_SLOPE * trait[rows])
        others = np.where(np.arange(len(levels)) == refused, 0.0, probs)
        cumulative = np.cumsum(others) / max(others.sum(), 1e-12)
        other = np.minimum(np.searchsorted(cumulative, u_other[rows], side="right"), len(levels) - 1)
        codes[rows] = np.where(u_refused[rows] < p_refused, refused, other)
    return Categorical(codes, levels)


def _strata(contract: Categorical, status: Categorical) -> Categorical:
    labels = tuple(f"{t}{STRATUM_SEPARATOR}{s}" for t in contract.levels for s in status.levels)
    return Categorical((contract.codes * len(status.levels) + status.codes).astype(np.int16), labels)


def _amounts(cols: dict[str, Values], rng: np.random.Generator) -> None:
    """Goods price = amount applied for; credit near it; down payment below it; annuity from the term
    (present exactly when the term is)."""
    n = len(cols["AMT_APPLICATION"])
    applied = cols["AMT_APPLICATION"]
    ratio = np.where(rng.random(n) < SAME_CREDIT_SHARE, 1.0, rng.uniform(*CREDIT_RATIO, n))
    credit = np.where(ratio == 1.0, applied, np.round(applied * ratio * 2) / 2)
    cols["AMT_CREDIT"] = credit
    cols["AMT_GOODS_PRICE"] = np.where(applied > 0, applied, np.nan)
    down = np.minimum(cols["AMT_DOWN_PAYMENT"], np.round(applied * 0.5, 2))
    cols["AMT_DOWN_PAYMENT"] = down
    cols["RATE_DOWN_PAYMENT"] = np.where(applied > 0, down / np.where(applied > 0, applied, 1.0), np.nan)
    term = cols["CNT_PAYMENT"]
    rate = rng.uniform(*MONTHLY_RATE, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        annuity = np.round(credit * rate / (1.0 - (1.0 + rate) ** -term), 3)
    revolving = np.where(
        np.isnan(cols["AMT_ANNUITY"]), np.round(credit * REVOLVING_PAYMENT_RATE, 3), cols["AMT_ANNUITY"]
    )
    cols["AMT_ANNUITY"] = np.where(np.isnan(term), np.nan, np.where(term > 0, annuity, revolving))


def _card_histories(chunk: Chunk, decision: np.ndarray, card: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cards are decided a history length before the application (so card months follow the calibrated
    MONTHS_BALANCE law); a share of them closed since, at a uniform point of their history, which brings
    the months per card to Kaggle's 36.8. Returns the decision days and the months of card activity."""
    lengths, law = history_length_law(chunk.stats["credit_card_balance"].columns["MONTHS_BALANCE"])
    mean = float(lengths @ law)
    closed_share = float(np.clip((mean - CARD_ROWS_PER_CARD) / (mean / 2), 0.0, 1.0))
    rng = chunk.rng("card-history")
    months = rng.choice(lengths, decision.size, p=law)
    opened = -(months * DAYS_PER_MONTH + rng.integers(0, 30, decision.size))
    active = np.where(
        rng.random(decision.size) < closed_share, np.ceil(months * rng.random(decision.size)), months
    )
    return np.where(card, np.round(opened), decision), active.astype(np.int64)


def _schedule(
    cols: dict[str, Values], approved: np.ndarray, card: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """DAYS_* of approved applications: instalment loans get a dated plan (some repaid early), cards stay
    open (365243). Returns the number of instalments each application is repaid in."""
    n = len(approved)
    decision = cols["DAYS_DECISION"]
    term = np.nan_to_num(cols["CNT_PAYMENT"])
    first_due = np.minimum(decision + rng.integers(*FIRST_DUE_DELAY, n), -1.0)
    last_planned = first_due + DAYS_PER_INSTALMENT * np.maximum(term - 1, 0)
    prepaid = rng.random(n) < PREPAID_SHARE
    paid_terms = np.where(prepaid, np.floor(term * rng.random(n)) + 1, term)
    last = first_due + DAYS_PER_INSTALMENT * np.maximum(paid_terms - 1, 0)
    ended = last < 0
    drawing = np.minimum(decision + rng.integers(1, 60, n), -1.0)
    values = {
        "DAYS_FIRST_DRAWING": np.where(card, drawing, ANOMALY),
        "DAYS_FIRST_DUE": first_due,
        "DAYS_LAST_DUE_1ST_VERSION": np.where(card, ANOMALY, last_planned),
        "DAYS_LAST_DUE": np.where(card | ~ended, ANOMALY, last),
        "DAYS_TERMINATION": np.where(card | ~ended, ANOMALY, np.minimum(last + rng.integers(0, 10, n), -1.0)),
    }
    for name in SCHEDULE:
        cols[name] = np.where(approved, values[name], np.nan)
    return paid_terms.astype(np.int64)


def _card_limits(chunk: Chunk, credit: np.ndarray, card: np.ndarray) -> np.ndarray:
    """Card limits: the credit amount, or one of the calibrated positive limits when there is none,
    rounded to the calibrated step of AMT_CREDIT_LIMIT_ACTUAL."""
    stats = chunk.stats["credit_card_balance"].columns["AMT_CREDIT_LIMIT_ACTUAL"]
    share = float(np.mean(np.asarray(stats["quantiles"]) > 0))
    level = 1.0 - share + share * chunk.rng("card-limit").random(credit.size)
    limit = np.where(card & ~(credit > 0), inverse_cdf(stats, level), credit)
    return np.maximum(quantize(limit, stats["step"]), stats["step"])


def _contracts(
    chunk: Chunk, cols: dict[str, Values], owner: np.ndarray, approved: np.ndarray, paid_terms: np.ndarray
) -> Contracts:
    card = cols["NAME_CONTRACT_TYPE"].isin("Revolving loans")
    instalments = approved & ~card & (np.nan_to_num(cols["CNT_PAYMENT"]) > 0)
    keep = instalments | (approved & card)
    return Contracts(
        owner=owner[keep],
        sk_id_prev=cols["SK_ID_PREV"][keep],
        sk_id_curr=cols["SK_ID_CURR"][keep],
        is_card=card[keep],
        first_due=cols["DAYS_FIRST_DUE"][keep],
        decision=cols["DAYS_DECISION"][keep],
        term=np.nan_to_num(cols["CNT_PAYMENT"][keep]).astype(np.int64),
        paid_terms=paid_terms[keep],
        annuity=cols["AMT_ANNUITY"][keep],
        credit=_card_limits(chunk, cols["AMT_CREDIT"], card)[keep],
    )


def previous_applications(chunk: Chunk) -> tuple[dict[str, Values], Contracts, dict[str, np.ndarray]]:
    """previous_application rows of the chunk's clients, their contracts, and the refused share per client."""
    stats = chunk.stats["previous_application"]
    counts = PREVIOUS_FANOUT.draw(chunk.rng("previous-count"), chunk.size)
    owner, _ = expand(counts)
    rng = chunk.rng("previous")
    contract = stats.draw("NAME_CONTRACT_TYPE", rng, owner.size)
    status = _status(chunk, contract, chunk.trait("refusal")[owner])
    cols: dict[str, Values] = {
        "SK_ID_PREV": chunk.first_prev_id + np.arange(owner.size, dtype=np.int64),
        "SK_ID_CURR": chunk.population.ids[owner],
        "NAME_CONTRACT_TYPE": contract,
        "NAME_CONTRACT_STATUS": status,
    }
    strata = _strata(contract, status)
    for name in stats.columns:
        if name not in cols:
            cols[name] = draw_by_stratum(stats, name, rng, strata)
    approved = status.isin("Approved")
    card = contract.isin("Revolving loans")
    _amounts(cols, rng)
    cols["DAYS_DECISION"], card_months = _card_histories(chunk, cols["DAYS_DECISION"], approved & card)
    paid_terms = np.where(card, card_months, _schedule(cols, approved, card, rng))
    refused = owner_mean(status.isin("Refused"), owner, chunk.size)
    return cols, _contracts(chunk, cols, owner, approved, paid_terms), {"prev_refused_share": refused}
