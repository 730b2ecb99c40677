"""The terms of a credit offered, told as the pre-contractual information of Directive (EU) 2023/2225 names
them (article 10): the total amount of credit, the duration, the borrowing rate (fixed, annual), the annual
percentage rate of charge, the amount and number of the instalments, the fees, the total cost of the credit
and the total amount payable. The probability of default and the risk grade the price comes from are never
told."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from scoring.notice import formats
from scoring.offer.terms import Terms

ROW_KEYS = ("terms.amount", "terms.duration", "terms.rate", "terms.apr", "terms.instalments")
COST_KEYS = ("terms.fees", "terms.total_cost", "terms.total_payable")


def rows(terms: Terms, texts: Mapping[str, str], currency: str, language: str) -> tuple[tuple[str, str], ...]:
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
