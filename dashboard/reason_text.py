"""Words about the reasons by code, the recourse and the letter: pure functions of the API's payloads and a
translator (the reason sentences themselves come from the API in the requested language)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from dashboard.figures.reasons import code_steps, member_steps
from dashboard.i18n import ENGLISH, Translator
from dashboard.text import is_number, value_text


def share_text(reason: Mapping, decision: str, t: Translator = ENGLISH) -> str:
    """'42% of what pushed towards refusal' (or acceptance)."""
    share = t.percent(reason.get("share"), 0)
    if decision == "refuse":
        return t.gettext("{share} of what pushed towards refusal").format(share=share)
    return t.gettext("{share} of what pushed towards acceptance").format(share=share)


def member_values(reason: Mapping, t: Translator = ENGLISH) -> str:
    """The client's values of the code's most important features: 'External score 2: 0.31; ...'."""
    return "; ".join(f"{f['label']}: {value_text(f.get('value'), t)}" for f in reason.get("features") or [])


def reasons_heading(decision: str, t: Translator = ENGLISH) -> str:
    if decision == "refuse":
        return t.gettext("Principal reasons for the refusal")
    return t.gettext("Main points in the applicant's favour")


def waterfall_summary(explanation: Mapping, probability: float, t: Translator = ENGLISH) -> str:
    """The reason-code waterfall in words."""
    _ = t.gettext
    parts = [
        _(
            "Starting from the average client's risk of {start}, the client's own values, grouped into "
            "reason codes, move the risk to {end}."
        ).format(start=t.percent(explanation["base_probability"]), end=t.percent(probability))
    ]
    steps = code_steps(explanation, t)
    up = [label for label, value in steps if value > 0]
    down = [label for label, value in steps if value < 0]
    if up:
        parts.append(_("The strongest push up: {code}.").format(code=up[0]))
    if down:
        parts.append(_("The strongest push down: {code}.").format(code=down[0]))
    return " ".join(parts)


def members_summary(code: Mapping, t: Translator = ENGLISH) -> str:
    """The drill-down chart of one code in words."""
    steps = member_steps(code, t)
    total = t.number(code["contribution"], 2)
    if not steps:
        return t.gettext("{code}: no feature of this code moves the score.").format(code=code["title"])
    strongest = max(steps, key=lambda s: abs(s[1]))
    return t.gettext(
        "{code} adds {total} to the score in log-odds; its strongest feature: {feature} ({value})."
    ).format(code=code["title"], total=total, feature=strongest[0], value=t.number(strongest[1], 2))


def recourse_items(recourse: Mapping, t: Translator = ENGLISH) -> list[str]:
    """Each accepted offer in words, the smallest change first."""
    items = []
    for option in recourse.get("options") or []:
        amount = t.number(option["amount"])
        annuity = option.get("annuity")
        if option["kind"] == "amount":
            text = t.gettext("Lower the amount to {amount} at the same rate and term").format(amount=amount)
            if is_number(annuity):
                text += t.gettext(", instalments of {annuity}").format(annuity=t.number(annuity))
        else:
            term = option.get("term")
            text = t.gettext(
                "Keep {amount} over {term} monthly instalments of {annuity} at the same rate"
            ).format(
                amount=amount, term=t.number(term if is_number(term) else math.nan), annuity=t.number(annuity)
            )
        risk = t.gettext("risk {risk}, {points} points").format(
            risk=t.percent(option["probability"]), points=t.number(option["points"])
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
    return t.gettext("The smallest change the model accepts comes first.")
