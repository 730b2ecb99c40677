"""Expected profit per 1,000 applicants at the current policy: the loans the model accepts and the usury
threshold lets be priced, each at its grade's rate over its asked term.

Per loan of amount C, n monthly instalments P (at its grade's rate), fees F, probability of default p:
interest income (1 - p) * (n * P + F - C) (a defaulter's interest is not counted), expected loss
p * LGD * C, cost of funds and operating cost each rate * C * (n + 1) / 24 (the mean outstanding over the
years of an amortising loan). Profit = income - loss - cost of funds - operating cost, summed over the
offered loans and given per 1,000 applicants. With known outcomes the realised profit counts the whole
interest of the loans repaid and LGD * C of the defaulted ones. Affordability is not applied (it needs each
applicant's bureau rows): the figure is the price and risk policy's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from scoring.offer.apr import apr, instalment
from scoring.offer.policy import OfferPolicy

PER = 1000.0


@dataclass(frozen=True)
class Profit:
    """Figures per 1,000 applicants (money in the data's currency) and the shares behind them."""

    applicants: int
    offered_share: float
    refused_on_price_share: float
    interest_income_per_1000: float
    expected_loss_per_1000: float
    cost_of_funds_per_1000: float
    operating_cost_per_1000: float
    expected_profit_per_1000: float
    realised_profit_per_1000: float | None

    def to_dict(self) -> dict:
        return asdict(self)


def expected_profit(
    probability: np.ndarray,
    amount: np.ndarray,
    annuity: np.ndarray,
    threshold: float,
    target: np.ndarray | None = None,
    policy: OfferPolicy | None = None,
) -> Profit:
    """The profit per 1,000 applicants of accepting the PDs under `threshold` priced by their grade."""
    policy = policy or OfferPolicy()
    p = np.asarray(probability, dtype=np.float64)
    credit = np.asarray(amount, dtype=np.float64)
    payment_asked = np.asarray(annuity, dtype=np.float64)
    known = np.isfinite(credit) & (credit > 0) & np.isfinite(p)
    pricer, pricing = policy.pricer, policy.pricer.policy
    rate = pricer.rate(pricer.grade_index(p))
    cap = policy.usury.max_apr(np.where(known, credit, 1.0))
    term = policy.product.asked_terms(credit, payment_asked, np.minimum(rate, cap))
    accepted = known & (p < threshold)
    payment = np.round(instalment(np.where(known, credit, 1.0), rate, term), 2)
    fees = policy.product.fees(np.where(known, credit, 0.0))
    rates = np.full(len(p), np.inf)
    if accepted.any():
        rates[accepted] = apr(credit[accepted], payment[accepted], term[accepted], fees[accepted])
    offered = accepted & ~policy.usury.above(rates, np.where(known, credit, 1.0))
    c = np.where(offered, credit, 0.0)
    interest = np.where(offered, term * payment + fees - credit, 0.0)
    years = (term + 1.0) / 24.0
    income = (1.0 - p) * interest
    loss = p * pricing.loss_given_default * c
    funds = pricing.cost_of_funds * c * years
    operating = pricing.operating_cost * c * years
    n = max(len(p), 1)
    realised = None
    if target is not None:
        y = np.asarray(target, dtype=np.float64)
        gain = np.where(y == 1, -pricing.loss_given_default * c, interest) - funds - operating
        realised = float(gain.sum() * PER / n)
    return Profit(
        applicants=len(p),
        offered_share=float(offered.mean()) if len(p) else 0.0,
        refused_on_price_share=float((accepted & ~offered).mean()) if len(p) else 0.0,
        interest_income_per_1000=float(income.sum() * PER / n),
        expected_loss_per_1000=float(loss.sum() * PER / n),
        cost_of_funds_per_1000=float(funds.sum() * PER / n),
        operating_cost_per_1000=float(operating.sum() * PER / n),
        expected_profit_per_1000=float((income - loss - funds - operating).sum() * PER / n),
        realised_profit_per_1000=realised,
    )
