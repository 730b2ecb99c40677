"""The offer search: the largest accepted, affordable and lawfully priced amount, and the terms offered.

Given the PD of candidate (amount, instalment) pairs in one vectorised call, for an application asking
`amount` with `annuity` (monthly):

1. The asked term is the standard term of the asked amount and annuity at the asked PD's grade rate
   (`ProductPolicy.asked_term`).
2. One batch prices (`candidates.price`) the asked amount at the asked term and at every longer standard
   term, and a grid of amounts at the asked term from the product's minimum up to the smallest of the
   product's maximum and what the household could carry at the best grade's rate; later batches narrow the
   gap between the largest feasible grid amount and the next one down to the product's amount step.
3. The asked terms are offered when feasible (decision accept). Otherwise (refuse) the alternatives are the
   largest feasible amount at the asked term and the asked amount at the shortest feasible longer term; the
   offer is the one changing the application least (relative change of amount or term), if any.
4. `limits.bound` says what stops the amount at the asked term: the product's maximum (`product`), the
   household's room (`affordability`) or the PD and the price it needs (`risk`: PD at the threshold or an APR
   above the usury threshold). `none` would mean nothing stopped it; the product's maximum always does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from scoring.explain.policy_reasons import NOT_AFFORDABLE, OUTSIDE_PRODUCT, PRICE_ABOVE_CAP
from scoring.offer.affordability import (
    Household,
    debt_service_ratios,
    max_affordable_amount,
    max_instalment,
    residual_income_per_member,
    stressed_instalment,
)
from scoring.offer.candidate_loans import Priced, ProbabilityOf, price
from scoring.offer.policy import OfferPolicy
from scoring.offer.product import ProductPolicy
from scoring.offer.terms import LONGER_TERM, LOWER_AMOUNT, Terms, terms_of
from scoring.vocabulary import Decision

GRID = 24
REFINE = 16
RISK, AFFORDABILITY, PRODUCT, NONE = "risk", "affordability", "product", "none"
Candidate = tuple[Priced, int]  # a batch of priced amounts and one of them


@dataclass(frozen=True)
class Limits:
    """What bounds the loan: the room for the new instalment, the debt-service ratios, the largest amount at
    the asked term and the limit that stopped it, with the household figures behind them (monthly)."""

    max_instalment: float
    debt_service_ratio: float | None
    stressed_debt_service_ratio: float | None
    max_debt_service_ratio: float
    bound: str
    max_amount: float | None
    existing_instalments: float
    existing_instalments_source: str
    residual_income_per_member: float | None
    min_residual_income_per_member: float
    period: str

    def payload(self) -> dict:
        return {k: _rounded(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class OfferFound:
    """The search's answer (see the module docstring); `at_max` is the terms of the largest amount at the
    asked term (the counter-offer), `evaluations` the candidates scored."""

    decision: Decision
    probability: float
    grade: str | None
    reason_code: str | None
    amount: float
    term_months: int
    threshold: float
    offer: Terms | None
    alternatives: list[Terms]
    limits: Limits
    at_max: Terms | None
    evaluations: int
    passes: int
    asked: Terms | None = field(default=None)
    barrier: str | None = field(default=None)  # `barrier` of the asked terms: no one may grant them as asked


def _rounded(value: object) -> object:
    return round(value, 6) if isinstance(value, float) else value


class _Counted:
    """The PD function, counting the candidates it scores."""

    def __init__(self, probability_of: ProbabilityOf) -> None:
        self.function, self.count = probability_of, 0

    def __call__(self, amount: np.ndarray, payment: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        self.count += len(amount)
        return self.function(amount, payment, candidates)


def _failure(priced: Priced, i: int) -> str:
    """The limit a candidate fails: the product's range first, then affordability, then risk or price."""
    if not priced.product_ok[i]:
        return PRODUCT
    return AFFORDABILITY if not priced.afford_ok[i] else RISK


def search_offer(
    probability_of: ProbabilityOf,
    amount: float,
    annuity: float | None,
    household: Household,
    threshold: float,
    policy: OfferPolicy | None = None,
    asked_probability: float | None = None,
    goods_price: float | None = None,
) -> OfferFound:
    """The offer for an application of `amount` and monthly `annuity` (see the module docstring)."""
    policy = policy or OfferPolicy()
    pd_of = _Counted(probability_of)
    product, pricer = policy.product, policy.pricer
    if asked_probability is None:
        posted = np.array([np.nan if annuity is None else annuity])
        asked_probability = float(pd_of(np.array([amount]), posted, np.zeros(1, dtype=np.int64))[0])
    start = int(pricer.grade_index(asked_probability)[0])
    cap = float(policy.usury.max_apr(amount)[0])
    term = product.asked_term(amount, annuity, min(float(pricer.rate(start)), cap))
    room = max_instalment(household, policy.affordability)
    upper = float(max_affordable_amount(room, pricer.rates[0], term, policy.affordability))
    upper = product.round_down(min(product.max_amount, upper))
    grid = np.array([product.min_amount])
    if upper >= product.min_amount:
        grid = np.unique(
            np.array([product.round_down(a) for a in np.linspace(product.min_amount, upper, GRID)])
        )
    at_term = np.unique(np.append(grid, amount))
    longer = np.array(product.longer_terms(term), dtype=np.float64)
    amounts = np.concatenate([at_term, np.full(len(longer), amount)])
    terms = np.concatenate([np.full(len(at_term), term), longer])
    first = price(pd_of, amounts, terms, start, threshold, room, policy)
    asked_index = int(np.searchsorted(at_term, amount))
    best, bound, passes = _max_amount(pd_of, first, len(at_term), term, start, threshold, room, policy, upper)
    passes = max(passes, first.passes)
    share = None if not goods_price or not amount else goods_price / amount

    def terms_at(priced: Priced, i: int, kind: str | None = None) -> Terms:
        return terms_of(priced, i, pricer.name(int(priced.grade[i])), share, kind)

    asked = terms_at(first, asked_index)
    at_max = (
        None if best is None else terms_at(*best, LOWER_AMOUNT if best[0].amount[best[1]] < amount else None)
    )
    alternatives: list[Terms] = []
    if first.feasible[asked_index]:
        offer, decision, reason = asked, Decision.ACCEPT, None
    else:
        decision, reason = Decision.REFUSE, _reason(first, asked_index)
        if at_max is not None and at_max.amount < amount:
            alternatives.append(at_max)
        feasible_longer = np.flatnonzero(first.feasible[len(at_term) :])
        if len(feasible_longer):
            alternatives.append(terms_at(first, len(at_term) + int(feasible_longer[0]), LONGER_TERM))
        offer = min(alternatives, key=lambda t: _change(t, amount, term), default=None)
    limits = _limits(household, offer or asked, room, bound, at_max, policy)
    probability = float(first.probability[asked_index])
    return OfferFound(
        decision=decision,
        probability=probability,
        grade=pricer.name(int(first.grade[asked_index])) if probability < threshold else None,
        reason_code=reason,
        amount=float(amount),
        term_months=term,
        threshold=threshold,
        offer=offer,
        alternatives=alternatives,
        limits=limits,
        at_max=at_max,
        evaluations=pd_of.count,
        passes=passes,
        asked=asked,
        barrier=barrier(first, asked_index),
    )


def _reason(priced: Priced, i: int) -> str | None:
    """The policy reason code of refusing candidate `i`: an amount outside the product's range whatever its
    risk, else the price or affordability (None when the model's risk alone refuses it)."""
    return barrier(priced, i) if priced.risk_ok[i] or not priced.product_ok[i] else None


def barrier(priced: Priced, i: int) -> str | None:
    """The policy reason code of a limit candidate `i` breaks that no officer may override, whatever the
    risk: the product's range, the usury threshold (an override takes the risk at the price of its grade,
    and no one may lend above the legal maximum) and the household's budget; None within them."""
    if not priced.product_ok[i]:
        return OUTSIDE_PRODUCT
    if not priced.price_ok[i]:
        return PRICE_ABOVE_CAP
    return NOT_AFFORDABLE if not priced.afford_ok[i] else None


def _change(terms: Terms, amount: float, term: int) -> float:
    """Relative change from the asked terms: less amount, or more months."""
    if terms.kind == LONGER_TERM:
        return terms.term_months / term - 1.0
    return 1.0 - terms.amount / amount


def _max_amount(
    pd_of: ProbabilityOf,
    first: Priced,
    count: int,
    term: int,
    start: int,
    threshold: float,
    room: float,
    policy: OfferPolicy,
    upper: float,
) -> tuple[tuple[Priced, int] | None, str, int]:
    """((batch, index) of the largest feasible amount at the asked term or None, the bound, passes).

    The first `count` candidates of `first` are the asked term's amounts, increasing."""
    feasible = np.flatnonzero(first.feasible[:count])
    if not len(feasible):
        return None, _failure(first, 0), first.passes
    b = int(feasible[-1])
    if b == count - 1:
        binding = PRODUCT if upper >= policy.product.round_down(policy.product.max_amount) else AFFORDABILITY
        return (first, b), binding, first.passes
    batches: list[Priced] = []

    def batch_of(inner: np.ndarray) -> Priced:
        batches.append(price(pd_of, inner, np.full(len(inner), term), start, threshold, room, policy))
        return batches[-1]

    low, high = narrowed((first, b), (first, b + 1), batch_of, _last_feasible, policy.product)
    return low, _failure(*high), max([first.passes, *(batch.passes for batch in batches)])


def _last_feasible(batch: Priced) -> int | None:
    ok = np.flatnonzero(batch.feasible)
    return int(ok[-1]) if len(ok) else None


def candidate_amount(candidate: Candidate) -> float:
    return float(candidate[0].amount[candidate[1]])


def narrowed(
    low: Candidate,
    high: Candidate,
    batch_of: Callable[[np.ndarray], Priced],
    largest: Callable[[Priced], int | None],
    product: ProductPolicy,
) -> tuple[Candidate, Candidate]:
    """The gap between a kept amount `low` and the refused amount above it, narrowed to the product's amount
    step: amounts between them priced in batches (`batch_of`), the largest one `largest` keeps in each
    (None: none) becoming `low`, the next one up `high` (the choice assumed monotone between the two)."""
    while candidate_amount(high) - candidate_amount(low) > product.amount_step:
        a, z = candidate_amount(low), candidate_amount(high)
        inner = np.unique([product.round_down(x) for x in np.linspace(a, z, REFINE + 2)[1:-1]])
        inner = inner[(inner > a) & (inner < z)]
        if not len(inner):
            break
        batch = batch_of(inner)
        j = largest(batch)
        if j is None:
            high = (batch, 0)
        else:
            low, high = (batch, j), ((batch, j + 1) if j + 1 < len(inner) else high)
    return low, high


def _limits(
    household: Household, terms: Terms, room: float, bound: str, at_max: Terms | None, policy: OfferPolicy
) -> Limits:
    """The limits of the offer (or, without one, of the asked terms as priced)."""
    rules = policy.affordability
    income = np.nan if household.income is None else household.income
    stressed = stressed_instalment(terms.amount, terms.annual_rate, terms.term_months, rules)
    ratio, stressed_ratio = debt_service_ratios(terms.instalment, stressed, household.existing, income)
    residual = residual_income_per_member(income, household.existing, stressed, household.members)
    return Limits(
        max_instalment=round(room, 2),
        debt_service_ratio=_known(ratio),
        stressed_debt_service_ratio=_known(stressed_ratio),
        max_debt_service_ratio=rules.max_debt_service_ratio,
        bound=bound,
        max_amount=None if at_max is None else at_max.amount,
        existing_instalments=round(household.existing, 2),
        existing_instalments_source=household.existing_source,
        residual_income_per_member=_known(residual),
        min_residual_income_per_member=rules.min_residual_income_per_member,
        period=rules.period,
    )


def _known(value: np.ndarray) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number
