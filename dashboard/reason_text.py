"""Words about the reasons by code, the recourse and the letter: pure functions of the API's payloads and a
translator (the reason sentences themselves come from the API in the requested language). Contributions
are told in score points (`figures.reasons.points_per_log_odds`), values by their unit (`values`)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from dashboard.figures.reasons import code_steps, member_steps
from dashboard.i18n import ENGLISH, Translator
from dashboard.values import (
    DEFAULT_CURRENCY,
    MONTHLY,
    is_number,
    labelled_value,
    money,
    signed_points,
)


def share_text(reason: Mapping, decision: str, t: Translator = ENGLISH) -> str:
    """'42% of what pushed towards refusal' (or acceptance; a referral shows what counts against)."""
    share = t.percent(reason.get("share"), 0)
    if decision != "accept":
        return t.gettext("{share} of what pushed towards refusal").format(share=share)
    return t.gettext("{share} of what pushed towards acceptance").format(share=share)


def member_values(reason: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> str:
    """The client's values of the code's most important features: 'Age: 25 years; Credit amount: €1,000'."""
    return "; ".join(labelled_value(f, t, currency) for f in reason.get("features") or [])


def reasons_heading(decision: str, t: Translator = ENGLISH) -> str:
    if decision == "refuse":
        return t.gettext("Principal reasons for the refusal")
    if decision == "refer":
        return t.gettext("Why the application goes to a credit officer")
    return t.gettext("Main points in the applicant's favour")


def waterfall_summary(
    explanation: Mapping, probability: float, points: float, t: Translator = ENGLISH, digits: int = 0
) -> str:
    """The reason-code waterfall in words, in score points (`digits`: the page's decimals of points)."""
    _ = t.gettext
    parts = [
        _(
            "Starting from the average client ({start_points} points, a risk of {start}), the client's own "
            "values, grouped into reason codes, move the score to {end_points} points (a risk of {end})."
        ).format(
            start_points=t.number(explanation["base_points"], digits),
            start=t.percent(explanation["base_probability"]),
            end_points=t.number(points, digits),
            end=t.percent(probability),
        )
    ]
    steps = code_steps(explanation, points, t, digits)
    riskier = [(label, value) for label, value in steps if round(value, digits) < 0]
    safer = [(label, value) for label, value in steps if round(value, digits) > 0]
    if riskier:
        label, value = riskier[0]
        parts.append(
            _("What raises the risk most: {code} ({points}).").format(
                code=label, points=signed_points(value, digits, t)
            )
        )
    if safer:
        label, value = safer[0]
        parts.append(
            _("What lowers the risk most: {code} ({points}).").format(
                code=label, points=signed_points(value, digits, t)
            )
        )
    return " ".join(parts)


def members_summary(
    code: Mapping,
    scale: float,
    t: Translator = ENGLISH,
    digits: int = 0,
    currency: str = DEFAULT_CURRENCY,
) -> str:
    """The drill-down chart of one code in words (`scale`: points per log-odds step of this client)."""
    steps = member_steps(code, scale, t, digits, currency)[: len(code.get("features") or [])]
    if not steps:
        return t.gettext("{code}: no feature of this code moves the score.").format(code=code["title"])
    strongest = max(steps, key=lambda s: abs(s[1]))
    return t.gettext("{code}: {total} in all; the feature that counts most: {feature} ({points}).").format(
        code=code["title"],
        total=signed_points(code.get("points", code["contribution"] * scale), digits, t),
        feature=strongest[0],
        points=signed_points(strongest[1], digits, t),
    )


def recourse_items(
    recourse: Mapping, t: Translator = ENGLISH, digits: int = 0, currency: str = DEFAULT_CURRENCY
) -> list[str]:
    """Each accepted offer in words, the smallest change first (`digits`: the page's decimals of points); an
    option priced in another grade than the asked terms states its rate."""
    items = []
    for option in recourse.get("options") or []:
        amount = money(option["amount"], t, currency)
        annuity = option.get("annuity")
        rate = option.get("annual_rate")
        repriced = is_number(rate) and rate != recourse.get("annual_rate")
        if option["kind"] == "amount":
            if repriced:
                text = t.gettext("Lower the amount to {amount} over the same term at {rate} a year").format(
                    amount=amount, rate=t.percent(rate, 2)
                )
            else:
                same = t.gettext("Lower the amount to {amount} at the same rate and term")
                text = same.format(amount=amount)
            if is_number(annuity):
                text += t.gettext(", instalments of {annuity}").format(
                    annuity=money(annuity, t, currency, MONTHLY)
                )
        else:
            term = option.get("term")
            values = {
                "amount": amount,
                "term": t.number(term if is_number(term) else math.nan),
                "annuity": money(annuity, t, currency),
            }
            if repriced:
                text = t.gettext(
                    "Keep {amount} over {term} monthly instalments of {annuity} at {rate} a year"
                ).format(**values, rate=t.percent(rate, 2))
            else:
                text = t.gettext(
                    "Keep {amount} over {term} monthly instalments of {annuity} at the same rate"
                ).format(**values)
        risk = t.gettext("risk {risk}, {points} points").format(
            risk=t.percent(option["probability"]), points=t.number(option["points"], digits)
        )
        items.append(f"{text} ({risk}).")
    return items


def recourse_summary(recourse: Mapping, t: Translator = ENGLISH) -> str:
    if recourse.get("decision") != "refuse":
        return t.gettext("The application is accepted as it is: no change is needed.")
    if not recourse.get("options"):
        return t.gettext(
            "No lower amount and no term up to {months} months would turn this refusal into an acceptance."
        ).format(months=recourse.get("max_term"))
    return t.gettext("The smallest change the lender accepts comes first.")
