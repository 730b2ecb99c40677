"""Words of the lender's offer (`GET /clients/{id}/offer`): its terms as table cells, what bound the amount,
why nothing can be offered, and the offer in one sentence. Pure functions of the API's payload and a
translator `t` (no Dash here)."""

from __future__ import annotations

from collections.abc import Mapping

from dashboard.i18n import ENGLISH, N_, Translator
from dashboard.values import DEFAULT_CURRENCY, MONTHLY, is_number, money, months

COLUMNS = (
    N_("Amount"),
    N_("Term"),
    N_("Annual rate"),
    N_("APR"),
    N_("Monthly instalment"),
    N_("Total payable"),
)
KINDS = {
    "offer": N_("The offer"),
    "lower_amount": N_("Lower amount, same term"),
    "longer_term": N_("Amount asked, longer term"),
}
BOUNDS = {
    "risk": N_("The risk: a larger amount would put the estimated risk above the threshold."),
    "affordability": N_(
        "Affordability: a larger instalment would take more of the income than the lending policy allows "
        "(at most {instalment}, existing credits included)."
    ),
    "product": N_("The product's limits: no larger amount or longer term is offered for this product."),
    "none": N_("Nothing: the amount asked is offered in full."),
}
NO_OFFER = {
    "OUTSIDE_PRODUCT": N_(
        "No credit can be offered for this amount: it is outside the range of amounts the product offers."
    ),
    "PRICE_ABOVE_CAP": N_(
        "No credit can be offered: the rate this risk calls for would exceed the legal maximum rate (the "
        "usury threshold)."
    ),
    "NOT_AFFORDABLE": N_(
        "No credit can be offered: even the smallest amount would take more of the income than the lending "
        "policy allows."
    ),
}
ASKED_REFUSED = {
    "OUTSIDE_PRODUCT": N_(
        "The application as asked cannot be offered: its amount is outside the range of amounts the product "
        "offers. The closest terms offered come first."
    ),
    "PRICE_ABOVE_CAP": N_(
        "The application as asked cannot be offered: its rate would exceed the legal maximum rate. The "
        "closest terms offered come first."
    ),
    "NOT_AFFORDABLE": N_(
        "The application as asked cannot be offered: its instalment is more than the income can carry. The "
        "closest terms offered come first."
    ),
}
ASKED_REFUSED_RISK = N_(
    "The application as asked cannot be offered: at its price, its estimated risk is above the threshold. "
    "The closest terms offered come first."
)
ASKED_OFFERED = N_("The application is offered as asked.")
ASKED_REFERRED = N_(
    "The application is referred to an officer: the lender can offer it as asked if the officer accepts it."
)
ASKED_RULE_REFUSED = N_(
    "A lending policy rule refuses the application (see the decision): the terms below are only what the "
    "offer's own limits would allow."
)
NO_OFFER_RISK = N_(
    "No credit can be offered: no amount or term within the product's limits keeps the estimated risk below "
    "the threshold."
)


def term_cells(terms: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> list[str]:
    """Amount, term, annual rate, APR, monthly instalment and total payable of an offer, as shown."""
    return [
        money(terms["amount"], t, currency),
        months(terms["term_months"], t),
        t.percent(terms["annual_rate"], 2),
        t.percent(terms["apr"], 2),
        money(terms["instalment"], t, currency),
        money(terms["total_payable"], t, currency),
    ]


def kind_words(kind: str, t: Translator = ENGLISH) -> str:
    return t.gettext(KINDS.get(kind, kind))


def bound_words(payload: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> str:
    """What stopped the amount offered, in plain words (nothing when the amount asked is offered in full,
    whatever limits a larger amount)."""
    limits = payload.get("limits") or {}
    full = (payload.get("offer") or {}).get("amount", 0.0) >= payload["asked"]["amount"]
    bound = "none" if full else limits.get("bound") or "none"
    words = t.gettext(BOUNDS.get(bound, BOUNDS["none"]))
    return words.format(instalment=money(limits.get("max_instalment"), t, currency, MONTHLY))


def no_offer_words(payload: Mapping, t: Translator = ENGLISH) -> str:
    """Why nothing can be offered, in plain words."""
    return t.gettext(NO_OFFER.get(payload.get("reason_code") or "", NO_OFFER_RISK))


def asked_words(payload: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> str:
    """The terms asked and, when something is offered, whether they are."""
    asked = payload["asked"]
    words = t.gettext("Asked: {amount} over {term}.").format(
        amount=money(asked["amount"], t, currency), term=months(asked["term_months"], t)
    )
    offer, decision = payload.get("offer"), payload.get("decision")
    if offer is None:
        return words
    as_asked = offer.get("kind") is None  # the asked terms themselves, not a counter-offer
    if decision == "accept":
        said = ASKED_OFFERED
    elif decision == "refer" and as_asked:  # the strategy refers terms the offer itself grants
        said = ASKED_REFERRED
    elif decision == "refuse" and as_asked and payload.get("rules_fired"):
        said = ASKED_RULE_REFUSED
    else:
        said = ASKED_REFUSED.get(payload.get("reason_code") or "", ASKED_REFUSED_RISK)
    return f"{words} {t.gettext(said)}"


def alternatives(payload: Mapping) -> list[Mapping]:
    """The alternatives other than the offer itself (the offer is one of them when the asked terms are
    refused)."""
    offer = payload.get("offer") or {}
    same = (offer.get("amount"), offer.get("term_months"))
    return [a for a in payload.get("alternatives") or [] if (a["amount"], a["term_months"]) != same]


def ratio_words(limits: Mapping, t: Translator = ENGLISH) -> str | None:
    """The debt-service ratio with the credit offered, when known."""
    ratio = limits.get("debt_service_ratio")
    if not is_number(ratio):
        return None
    return t.gettext("Debt-service ratio with this credit: {ratio} of the income.").format(
        ratio=t.percent(ratio)
    )


def offer_sentence(terms: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> str:
    """An offer in one sentence: amount, term, rate, APR and instalment."""
    return t.gettext("{amount} over {term} at {rate} a year (APR {apr}): {instalment}.").format(
        amount=money(terms["amount"], t, currency),
        term=months(terms["term_months"], t),
        rate=t.percent(terms["annual_rate"], 2),
        apr=t.percent(terms["apr"], 2),
        instalment=money(terms["instalment"], t, currency, MONTHLY),
    )
