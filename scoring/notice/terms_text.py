"""The terms of a credit offered, told as the pre-contractual information of Directive (EU) 2023/2225 names
them (article 10): the total amount of credit, the duration, the borrowing rate (fixed, annual), the annual
percentage rate of charge, the amount and number of the instalments, the fees, the total cost of the credit
and the total amount payable. The probability of default and the risk grade the price comes from are never
told."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from scoring.notice import formats

ROW_KEYS = ("terms.amount", "terms.duration", "terms.rate", "terms.apr", "terms.instalments")
COST_KEYS = ("terms.fees", "terms.total_cost", "terms.total_payable")


@dataclass(frozen=True)
class OfferTerms:
    """A credit's terms: money in the lender's currency, rates as fractions (0.089 = 8.9 %), the instalment
    monthly; `kind`: how they differ from the application's (lower_amount, longer_term; None: as asked)."""

    amount: float
    term_months: int
    annual_rate: float
    apr: float
    instalment: float
    fees: float
    total_cost: float
    total_payable: float
    kind: str | None = None

    @classmethod
    def of(cls, payload: Mapping[str, object] | None) -> OfferTerms | None:
        """The terms of an offer as the API and the decision record give them (None for no offer)."""
        if not payload:
            return None
        number = {k: float(payload[k]) for k in ("amount", "annual_rate", "apr", "instalment")}  # type: ignore[arg-type]
        costs = {k: float(payload.get(k) or 0.0) for k in ("fees", "total_cost", "total_payable")}  # type: ignore[arg-type]
        kind = None if payload.get("kind") is None else str(payload["kind"])
        return cls(term_months=int(payload["term_months"]), **number, **costs, kind=kind)  # type: ignore[arg-type]


def rows(
    terms: OfferTerms, texts: Mapping[str, str], currency: str, language: str
) -> tuple[tuple[str, str], ...]:
    """The terms as (label, value) rows, with the labels of `texts` (the letter's sentences in `language`)."""
    money = partial(formats.money, currency=currency, language=language)
    months = formats.whole(terms.term_months, language)
    values = (
        money(terms.amount),
        texts["terms.months"].format(months=months),
        formats.percent(terms.annual_rate, language),
        formats.percent(terms.apr, language),
        texts["terms.instalments_value"].format(count=months, instalment=money(terms.instalment)),
        money(terms.fees),
        money(terms.total_cost),
        money(terms.total_payable),
    )
    return tuple(zip((texts[k] for k in (*ROW_KEYS, *COST_KEYS)), values, strict=True))
