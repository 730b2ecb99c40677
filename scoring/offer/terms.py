"""The terms of one loan as the offer states them (the directive's pre-contractual figures), as a payload."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.offer.candidate_loans import Priced

LOWER_AMOUNT, LONGER_TERM = "lower_amount", "longer_term"


@dataclass(frozen=True)
class Terms:
    """Amount, term (monthly instalments), nominal annual rate, APR, monthly instalment, fees, total cost
    (instalments + fees - amount), total payable (instalments + fees), the PD and grade it is priced at, and
    the goods price assumed (the asked share of the price financed is kept)."""

    amount: float
    term_months: int
    annual_rate: float
    apr: float
    instalment: float
    fees: float
    probability: float
    grade: str
    goods_price: float | None = None
    kind: str | None = None

    @property
    def total_payable(self) -> float:
        return round(self.term_months * self.instalment + self.fees, 2)

    @property
    def total_cost(self) -> float:
        return round(self.total_payable - self.amount, 2)

    @classmethod
    def of(cls, payload: Mapping[str, object] | None) -> Terms | None:
        """The terms an offer's payload states, as the API gives them and a decision records them (None for
        no offer); a payload recorded without the PD or grade reads 0 and an empty grade."""
        if not payload:
            return None
        number = {k: float(payload[k]) for k in ("amount", "annual_rate", "apr", "instalment")}  # type: ignore[arg-type]
        goods = payload.get("goods_price")
        return cls(
            term_months=int(payload["term_months"]),  # type: ignore[arg-type]
            fees=float(payload.get("fees") or 0.0),  # type: ignore[arg-type]
            probability=float(payload.get("probability") or 0.0),  # type: ignore[arg-type]
            grade=str(payload.get("grade") or ""),
            goods_price=None if goods is None else float(goods),  # type: ignore[arg-type]
            kind=None if payload.get("kind") is None else str(payload["kind"]),
            **number,
        )

    def payload(self) -> dict:
        """The contract's Terms object (with `kind` for an alternative)."""
        body = {
            "amount": self.amount,
            "term_months": self.term_months,
            "annual_rate": self.annual_rate,
            "apr": round(self.apr, 6),
            "instalment": self.instalment,
            "fees": self.fees,
            "total_cost": self.total_cost,
            "total_payable": self.total_payable,
            "probability": self.probability,
            "grade": self.grade,
            "goods_price": self.goods_price,
        }
        return body if self.kind is None else {**body, "kind": self.kind}


def terms_of(
    priced: Priced, i: int, grade_name: str, goods_share: float | None, kind: str | None = None
) -> Terms:
    """The terms of candidate `i` of `priced` (`goods_share`: goods price per unit of credit, if known)."""
    amount = float(priced.amount[i])
    return Terms(
        amount=amount,
        term_months=int(priced.term[i]),
        annual_rate=float(priced.rate[i]),
        apr=float(priced.apr[i]),
        instalment=float(priced.instalment[i]),
        fees=float(priced.fees[i]),
        probability=float(priced.probability[i]),
        grade=grade_name,
        goods_price=None if goods_share is None else round(amount * goods_share, 2),
        kind=kind,
    )
