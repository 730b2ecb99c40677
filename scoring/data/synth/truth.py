"""The ground truth: each client's default probability, from observable quantities only.

logit = intercept + sum of smooth terms of application columns and of per-client aggregates of the
secondary tables, as a model would compute them from the written files:

- inst_late_share: share of the client's installments_payments rows with DAYS_ENTRY_PAYMENT > DAYS_INSTALMENT
- inst_mean_days_late: mean of max(DAYS_ENTRY_PAYMENT - DAYS_INSTALMENT, 0) over those rows (unpaid: 0),
  entering through log(1 + x)
- inst_short_share: share of those rows with AMT_PAYMENT < AMT_INSTALMENT
- pos_dpd_share: share of the client's POS_CASH_balance rows with SK_DPD > 0
- bureau_active_share: share of the client's bureau rows with CREDIT_ACTIVE = "Active"
- bureau_overdue: 1 when a bureau row has CREDIT_DAY_OVERDUE > 0
- bureau_max_status: highest bureau_balance STATUS among "1".."5" of the client's credits (0 if none)
- prev_refused_share: share of the client's previous_application rows with NAME_CONTRACT_STATUS = "Refused"
- cc_max_utilisation: highest AMT_BALANCE / AMT_CREDIT_LIMIT_ACTUAL of the client's card months

A missing value (no row in the table, missing EXT_SOURCE) contributes nothing. The intercept is solved
by bisection so that the mean probability of the undrifted train clients equals the calibrated TARGET
rate; TARGET is then a Bernoulli draw of the probability.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.metrics import roc_auc_score

from scoring.data.schema import DAYS_EMPLOYED_ANOMALY, FLOAT, KEY, Column, Table
from scoring.data.synth.sampling import Categorical, Values

GROUND_TRUTH = Table("ground_truth", (Column("SK_ID_CURR", KEY), Column("TRUE_PROBABILITY", FLOAT)))
DAYS_PER_YEAR = 365.25
EXT_WEIGHTS = {"EXT_SOURCE_1": 1.7, "EXT_SOURCE_2": 2.0, "EXT_SOURCE_3": 2.15}
EDUCATION_TERMS = {
    "Academic degree": -0.43,
    "Higher education": -0.22,
    "Incomplete higher": 0.0,
    "Secondary / secondary special": 0.07,
    "Lower secondary": 0.25,
}
APPLICATION_WEIGHTS = {
    "age_years": -0.018,
    "employed_years": -0.043,
    "male": 0.22,
    "region_rating": 0.18,
    "own_car": -0.14,
    "revolving": -0.22,
    "annuity_to_income": 1.1,
    "credit_to_goods": 0.86,
    "social_defaults": 0.18,
}
AGGREGATE_WEIGHTS = {
    "inst_late_share": 1.8,
    "inst_mean_days_late": 0.43,
    "inst_short_share": 1.45,
    "pos_dpd_share": 1.1,
    "bureau_active_share": 0.36,
    "bureau_overdue": 0.43,
    "bureau_max_status": 0.22,
    "prev_refused_share": 0.86,
    "cc_max_utilisation": 0.58,
}
AGGREGATE_CAPS = {"cc_max_utilisation": 1.5}
AGGREGATE_LOGS = ("inst_mean_days_late",)


def _category_term(values: Categorical, terms: dict[str, float]) -> np.ndarray:
    lookup = np.array([terms.get(level, 0.0) for level in values.levels] + [0.0])
    return lookup[values.codes]


def _application_features(app: dict[str, Values]) -> dict[str, np.ndarray]:
    employed = app["DAYS_EMPLOYED"] != DAYS_EMPLOYED_ANOMALY
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "age_years": -app["DAYS_BIRTH"] / DAYS_PER_YEAR - 44.0,
            "employed_years": np.minimum(np.where(employed, -app["DAYS_EMPLOYED"] / DAYS_PER_YEAR, 6.0), 20.0)
            - 6.0,
            "male": app["CODE_GENDER"].isin("M"),
            "region_rating": app["REGION_RATING_CLIENT_W_CITY"] - 2.0,
            "own_car": app["FLAG_OWN_CAR"].isin("Y"),
            "revolving": app["NAME_CONTRACT_TYPE"].isin("Revolving loans"),
            "annuity_to_income": np.minimum(app["AMT_ANNUITY"] / app["AMT_INCOME_TOTAL"], 0.6) - 0.18,
            "credit_to_goods": np.minimum(app["AMT_CREDIT"] / app["AMT_GOODS_PRICE"], 1.5) - 1.1,
            "social_defaults": np.minimum(app["DEF_30_CNT_SOCIAL_CIRCLE"], 4.0),
        }


def _application_terms(app: dict[str, Values]) -> list[np.ndarray]:
    features = _application_features(app)
    terms = [-weight * (app[name] - 0.5) for name, weight in EXT_WEIGHTS.items()]
    terms.append(_category_term(app["NAME_EDUCATION_TYPE"], EDUCATION_TERMS))
    return terms + [weight * features[name] for name, weight in APPLICATION_WEIGHTS.items()]


def _aggregate_terms(aggregates: dict[str, np.ndarray]) -> list[np.ndarray]:
    terms = []
    for name, weight in AGGREGATE_WEIGHTS.items():
        values = np.minimum(aggregates[name], AGGREGATE_CAPS.get(name, np.inf))
        terms.append(weight * (np.log1p(values) if name in AGGREGATE_LOGS else values))
    return terms


def risk_score(app: dict[str, Values], aggregates: dict[str, np.ndarray]) -> np.ndarray:
    """The logit without intercept, per client."""
    terms = _application_terms(app) + _aggregate_terms(aggregates)
    return np.sum([np.nan_to_num(np.asarray(t, dtype=float)) for t in terms], axis=0)


def solve_intercept(score: np.ndarray, rate: float) -> float:
    """Intercept b with mean(expit(b + score)) = rate, by bisection."""
    low, high = -50.0, 50.0
    for _ in range(100):
        middle = (low + high) / 2
        if expit(middle + score).mean() > rate:
            high = middle
        else:
            low = middle
    return (low + high) / 2


def draw_target(probability: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """TARGET: 1 (default) with the true probability."""
    return (rng.random(probability.size) < probability).astype(np.int64)


def oracle_auc(target: np.ndarray, probability: np.ndarray) -> float:
    """The best achievable AUC: the true probabilities scored against the drawn TARGET."""
    if target.min() == target.max():
        return float("nan")
    return float(roc_auc_score(target, probability))
