"""The offer's figures of the requested loan, as the columns a strategy's rules may read (OFFER_*).

The names, their units and what they read are data (`requested_loan.json`). For each application: the asked
term the offer derives from the grade of its calibrated PD (`ProductPolicy.asked_terms`), then the loan priced
there by the offer's own `candidate_loans.price`, the PD scored again at the priced instalment (the instalment
is a model input) as the offer does, so the grade, rate, instalment, fees, APR, usury check and affordability
check are those of the offer's asked terms; the debt-service ratios and the residual income are the
affordability module's (`debt_service_ratios`, `residual_income_per_member`). The existing instalments are the
feature BUREAU_ACTIVE_AMT_ANNUITY_SUM (the annuities of the active bureau credits, what the offer sums;
missing = 0), so every path that can read a feature can compute the figures: stored, posted, what-if, batch
(DuckDB and Spark: computed in Python beside the PD, then read by the strategy's SQL like any column). Each
path gives the PD of its applications at another instalment (`LoanRows.probability_of` over its model rows);
without one the PD is taken not to move with the loan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np

from scoring.offer.affordability import (
    debt_service_ratios,
    household_members,
    max_instalments,
    residual_income_per_member,
    stressed_instalment,
)
from scoring.offer.candidate_loans import ProbabilityOf, price
from scoring.offer.policy import OfferPolicy

NAMES_FILE = Path(__file__).with_name("requested_loan.json")
AMOUNT, ANNUITY, INCOME, MEMBERS, EXISTING = (
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_INCOME_TOTAL",
    "CNT_FAM_MEMBERS",
    "BUREAU_ACTIVE_AMT_ANNUITY_SUM",
)
GRADE = "OFFER_GRADE"


@cache
def _document() -> dict:
    return json.loads(NAMES_FILE.read_text(encoding="utf-8"))


def offer_names() -> dict[str, str]:
    """OFFER_* name -> "number" or "text", in the file's order."""
    return {name: entry["type"] for name, entry in _document()["names"].items()}


def offer_inputs() -> tuple[str, ...]:
    """The raw application fields and the feature the figures are computed from."""
    return tuple(_document()["inputs"])


def _floats(data: Mapping[str, object], name: str, rows: int) -> np.ndarray:
    if name not in data:
        return np.full(rows, np.nan)
    return np.asarray(data[name], dtype=np.float64).reshape(rows)


def _carried(
    amount: np.ndarray, rate: np.ndarray, term: np.ndarray, room: np.ndarray, policy: OfferPolicy
) -> np.ndarray:
    """Whether the household can carry (stressed instalment within `room`) the product's smallest amount at
    the asked `term`, or the asked `amount` at the longest standard term: the two ends of the offer's search
    (a lower amount at the asked term, the asked amount at a longer term)."""
    product, rules = policy.product, policy.affordability
    smallest = stressed_instalment(np.full(len(amount), product.min_amount), rate, term, rules) <= room + 1e-9
    longest = float(product.terms[-1])
    stretched = stressed_instalment(amount, rate, np.full(len(amount), longest), rules) <= room + 1e-9
    return smallest | ((term < longest) & stretched)


def requested_figures(
    data: Mapping[str, object],
    probability: np.ndarray,
    policy: OfferPolicy | None = None,
    probability_of: ProbabilityOf | None = None,
) -> dict[str, np.ndarray]:
    """The OFFER_* columns of the applications in `data` (columns by name: a frame or a mapping of arrays,
    holding `offer_inputs()`; an absent column is missing) with their calibrated PDs; `probability_of`
    scores application `k` at another (amount, instalment) (None: its PD does not move with the loan)."""
    policy = policy or OfferPolicy()
    p = np.asarray(probability, dtype=np.float64)
    n = len(p)
    amount, annuity = _floats(data, AMOUNT, n), _floats(data, ANNUITY, n)
    income = _floats(data, INCOME, n)
    existing = np.maximum(np.nan_to_num(_floats(data, EXISTING, n), nan=0.0), 0.0)
    members = household_members(_floats(data, MEMBERS, n), policy.affordability.default_members)
    rules, pricer = policy.affordability, policy.pricer
    room = max_instalments(income, existing, members, rules)
    known = np.isfinite(p) & np.isfinite(amount) & (amount > 0)
    figures = {name: np.full(n, np.nan) for name in offer_names()}
    figures[GRADE] = np.full(n, None, dtype=object)
    if known.any():
        grade = pricer.grade_index(p[known])
        cap = policy.usury.max_apr(amount[known])
        term = policy.product.asked_terms(amount[known], annuity[known], np.minimum(pricer.rate(grade), cap))
        rows = np.flatnonzero(known)
        score = probability_of or (lambda _a, _i, k: p[k])
        priced = price(
            lambda a, i, k: score(a, i, rows[k]), amount[known], term, grade, 1.0, room[known], policy
        )
        stressed = stressed_instalment(priced.amount, priced.rate, priced.term, rules)
        carried = _carried(priced.amount, priced.rate, term, room[known], policy)
        ratio, stressed_ratio = debt_service_ratios(
            priced.instalment, stressed, existing[known], income[known]
        )
        found = {
            GRADE: pricer.names[priced.grade],
            "OFFER_RATE": priced.rate,
            "OFFER_TERM_MONTHS": priced.term,
            "OFFER_INSTALMENT": priced.instalment,
            "OFFER_FEES": priced.fees,
            "OFFER_APR": priced.apr,
            "OFFER_USURY_CAP": cap,
            "OFFER_ABOVE_USURY": (~priced.price_ok).astype(np.float64),
            "OFFER_DSR": ratio,
            "OFFER_DSR_STRESSED": stressed_ratio,
            "OFFER_RESIDUAL_INCOME": residual_income_per_member(
                income[known], existing[known], stressed, members[known]
            ),
            "OFFER_AFFORDABLE": priced.afford_ok.astype(np.float64),
            "OFFER_ANY_AFFORDABLE": carried.astype(np.float64),
        }
        for name, values in found.items():
            figures[name][known] = values
    figures["OFFER_EXISTING_INSTALMENTS"] = existing
    figures["OFFER_MAX_INSTALMENT"] = room
    figures["OFFER_DSR_CAP"] = np.full(n, rules.max_debt_service_ratio)
    figures["OFFER_MIN_RESIDUAL_INCOME"] = np.full(n, rules.min_residual_income_per_member)
    return figures
