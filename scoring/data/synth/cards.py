"""credit_card_balance: one row per month of each approved card, from its opening to the application.

Utilisation (AMT_BALANCE / AMT_CREDIT_LIMIT_ACTUAL) follows the calibrated law through a copula of a
per-client card trait (partly the risk trait), a per-card level and monthly noise; receivables,
minimum instalments, payments and drawings follow the balance; days past due follow the card trait.
"""

from __future__ import annotations

import numpy as np

from scoring.data.synth.chunk import Chunk
from scoring.data.synth.fanout import DAYS_PER_MONTH, MAX_MONTHS, expand, owner_max
from scoring.data.synth.previous import Contracts
from scoring.data.synth.repayment import days_past_due, monthly_status
from scoring.data.synth.sampling import Values, gaussian_uniform, inverse_cdf, quantize

TABLE = "credit_card_balance"
CLIENT_LOADING = 0.55
CARD_LOADING = 0.55
MIN_PAYMENT_RATE = (0.03, 0.07)
PAYMENT_MULTIPLE = (1.0, 3.0)
PRINCIPAL_SHARE = (0.9, 1.0)
DRAWING_SIZE = (5000.0, 30000.0)
DRAWING_GROUP = ("AMT_DRAWINGS_ATM_CURRENT", "AMT_DRAWINGS_OTHER_CURRENT", "AMT_DRAWINGS_POS_CURRENT")
DRAWING_COUNTS = ("CNT_DRAWINGS_ATM_CURRENT", "CNT_DRAWINGS_OTHER_CURRENT", "CNT_DRAWINGS_POS_CURRENT")


def _positive_share(stats: dict) -> float:
    return float(np.mean(np.asarray(stats["quantiles"]) > 0))


def _utilisation(chunk: Chunk, cards: Contracts, contract: np.ndarray, owner: np.ndarray) -> np.ndarray:
    rng = chunk.rng("card-utilisation")
    client = chunk.trait("card")[owner]
    card = rng.standard_normal(len(cards.owner))[contract]
    u = gaussian_uniform(rng, contract.size, (CLIENT_LOADING, client), (CARD_LOADING, card))
    return inverse_cdf({"quantiles": chunk.relations[TABLE]["utilisation"], "step": 0.0}, u)


def _drawings(chunk: Chunk, balance: np.ndarray, limit: np.ndarray, rng: np.random.Generator) -> dict:
    """Drawings on a share of the rows with a balance, at ATM or points of sale, amounts as calibrated."""
    stats = chunk.stats[TABLE].columns
    n = balance.size
    share = _positive_share(stats["AMT_DRAWINGS_CURRENT"])
    active = balance > 0
    drawing = active & (rng.random(n) < min(share / max(active.mean(), 1e-9), 1.0))
    level = 1.0 - share + share * rng.random(n)
    amount = np.where(drawing, np.minimum(inverse_cdf(stats["AMT_DRAWINGS_CURRENT"], level), limit), 0.0)
    count = np.where(drawing, np.ceil(amount / rng.uniform(*DRAWING_SIZE, n)), 0.0)
    atm = rng.random(n) < 0.5
    missing = rng.random(n) < chunk.stats[TABLE].missing("AMT_DRAWINGS_ATM_CURRENT")
    parts = {
        "AMT_DRAWINGS_ATM_CURRENT": np.where(atm, amount, 0.0),
        "AMT_DRAWINGS_OTHER_CURRENT": np.zeros(n),
        "AMT_DRAWINGS_POS_CURRENT": np.where(atm, 0.0, amount),
        "CNT_DRAWINGS_ATM_CURRENT": np.where(atm, count, 0.0),
        "CNT_DRAWINGS_OTHER_CURRENT": np.zeros(n),
        "CNT_DRAWINGS_POS_CURRENT": np.where(atm, 0.0, count),
    }
    cols = {k: np.where(missing, np.nan, v) for k, v in parts.items()}
    cols["AMT_DRAWINGS_CURRENT"] = amount
    cols["CNT_DRAWINGS_CURRENT"] = count
    return cols


def _matured(due: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Running count, card by card, of the months with a minimum instalment due (rows are card by card)."""
    total = np.cumsum(due)
    before_card = (total - due)[position == 0]
    return (total - np.repeat(before_card, np.bincount(np.cumsum(position == 0) - 1))).astype(float)


def _repayments(chunk: Chunk, balance: np.ndarray, position: np.ndarray, rng: np.random.Generator) -> dict:
    n = balance.size
    table = chunk.stats[TABLE]
    positive = np.maximum(balance, 0.0)
    minimum = quantize(positive * rng.uniform(*MIN_PAYMENT_RATE, n), 0.005)
    no_minimum = rng.random(n) < table.missing("AMT_INST_MIN_REGULARITY")
    payment = quantize(minimum * rng.uniform(*PAYMENT_MULTIPLE, n), 0.005)
    no_payment = rng.random(n) < table.missing("AMT_PAYMENT_CURRENT")
    return {
        "AMT_INST_MIN_REGULARITY": np.where(no_minimum, np.nan, minimum),
        "AMT_PAYMENT_CURRENT": np.where(no_payment, np.nan, payment),
        "AMT_PAYMENT_TOTAL_CURRENT": np.where(no_payment, 0.0, payment),
        "AMT_RECEIVABLE_PRINCIPAL": quantize(balance * rng.uniform(*PRINCIPAL_SHARE, n), 0.005),
        "AMT_RECIVABLE": balance,
        "AMT_TOTAL_RECEIVABLE": balance,
        "CNT_INSTALMENT_MATURE_CUM": np.where(no_minimum, np.nan, _matured(minimum > 0, position)),
    }


def card_table(chunk: Chunk, cards: Contracts) -> tuple[dict[str, Values], dict[str, np.ndarray]]:
    """credit_card_balance rows of the chunk's cards, and the clients' highest monthly utilisation."""
    rng = chunk.rng("cards")
    start = np.maximum(np.floor(cards.decision / DAYS_PER_MONTH).astype(np.int64), -MAX_MONTHS)
    contract, position = expand(np.minimum(cards.paid_terms, np.maximum(-start, 0)))
    owner = cards.owner[contract]
    limit = cards.credit[contract]
    utilisation = _utilisation(chunk, cards, contract, owner)
    balance = quantize(utilisation * limit, 0.005)
    dpd, dpd_def = days_past_due(chunk, TABLE, chunk.trait("card"), owner)
    cols: dict[str, Values] = {
        "SK_ID_PREV": cards.sk_id_prev[contract],
        "SK_ID_CURR": cards.sk_id_curr[contract],
        "MONTHS_BALANCE": (start[contract] + position).astype(float),
        "AMT_BALANCE": balance,
        "AMT_CREDIT_LIMIT_ACTUAL": limit,
        **_drawings(chunk, balance, limit, rng),
        **_repayments(chunk, balance, position, rng),
        "NAME_CONTRACT_STATUS": monthly_status(chunk, TABLE, rng, contract.size),
        "SK_DPD": dpd,
        "SK_DPD_DEF": dpd_def,
    }
    counts = np.bincount(owner, minlength=chunk.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(limit > 0, balance / limit, np.nan)
    return cols, {"cc_max_utilisation": owner_max(ratio, counts)}
