"""The loan's likely pricing, read from its credit amount and monthly annuity alone.

A loan of credit C and annuity A at a positive rate runs longer than C / A months, and Home Credit's loans
use few terms (CNT_PAYMENT of previous applications: 6 to 60 months). Two readings of the term: the shortest
standard term above C / A, and the standard term just above the one at which a typical monthly rate (3 %,
about the median rate of the previous cash loans) would repay C with A. From each follow the interest share
over the term and a rate: risk-based pricing carries the lender's own view of the client. Every expression
depends on C / A only, so it stays the same when credit and annuity scale together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scoring.features.application_feature import ApplicationFeature, derived
from scoring.features.expr import Col, Expr, Log, StepAbove, lit

STANDARD_TERMS = (6.0, 8.0, 10.0, 12.0, 18.0, 24.0, 30.0, 36.0, 42.0, 48.0, 54.0, 60.0)
TYPICAL_MONTHLY_RATE = 0.03


@dataclass(frozen=True)
class LoanPricing:
    """Expressions of the likely term (months), interest share and monthly rate, and the term and interest
    share at the typical rate."""

    term: Expr
    interest_share: Expr
    rate: Expr
    typical_term: Expr
    typical_interest_share: Expr


def loan_pricing(credit: Expr, annuity: Expr) -> LoanPricing:
    annuities = credit / annuity
    term = StepAbove(annuities, STANDARD_TERMS)
    interest_share = term / annuities - 1.0
    rate = TYPICAL_MONTHLY_RATE
    # n with (1 - (1 + rate) ** -n) / rate = C / A; missing when C / A >= 1 / rate (no term is that long)
    term_at_rate = Log(lit(1.0) - annuities * rate) * (-1.0 / math.log1p(rate))
    typical_term = StepAbove(term_at_rate, STANDARD_TERMS)
    return LoanPricing(
        term=term,
        interest_share=interest_share,
        rate=interest_share * 2.0 / (term + 1.0),  # add-on approximation: interest = C * rate * (n + 1) / 2
        typical_term=typical_term,
        typical_interest_share=typical_term / annuities - 1.0,
    )


def pricing_features() -> list[ApplicationFeature]:
    """The application features of the loan's likely term, interest share and rate."""
    p = loan_pricing(Col("AMT_CREDIT"), Col("AMT_ANNUITY"))
    typical = f"at {TYPICAL_MONTHLY_RATE:.0%} a month"
    return [
        derived(
            "CREDIT_TERM_STANDARD",
            p.term,
            "shortest standard term above credit / annuity",
            "months",
            "Likely repayment term (months)",
            "Durée probable de remboursement (mois)",
        ),
        derived(
            "CREDIT_TERM_INTEREST_SHARE",
            p.interest_share,
            "term * annuity / credit - 1 at the likely term",
            "ratio",
            "Interest over the likely term / credit amount",
            "Intérêts sur la durée probable / montant du crédit",
        ),
        derived(
            "CREDIT_TERM_RATE",
            p.rate,
            "2 * interest share / (term + 1) (add-on approximation)",
            "ratio",
            "Implied monthly interest rate at the likely term",
            "Taux d'intérêt mensuel implicite à la durée probable",
        ),
        derived(
            "CREDIT_TERM_AT_TYPICAL_RATE",
            p.typical_term,
            f"standard term above the one repaying credit with the annuity {typical}",
            "months",
            "Repayment term (months) if the rate were typical",
            "Durée de remboursement (mois) à un taux habituel",
        ),
        derived(
            "CREDIT_TERM_INTEREST_SHARE_AT_TYPICAL_RATE",
            p.typical_interest_share,
            f"term * annuity / credit - 1 at the term {typical}",
            "ratio",
            "Interest over the term for a typical rate / credit amount",
            "Intérêts sur la durée à un taux habituel / montant du crédit",
        ),
    ]
