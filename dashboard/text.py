"""Words of the officer's pages: values formatted for people, the decision in words, the key facts, and the
text summaries of the client, similar-clients and what-if charts.

Pure functions of the API's JSON payloads and a translator `t` (English by default; no Dash here), so every
sentence is unit-tested in both languages. The Model and Operations pages' words are in `model_text` and
`operations_text`, the reasons' in `reason_text`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dashboard import vocabulary
from dashboard.i18n import ENGLISH, N_, Translator
from dashboard.values import (
    DEFAULT_CURRENCY,
    MONTHLY,
    age_in_years,
    amount,
    is_number,
    money,
    months,
    points_digits,
    risk_digits,
    value_text,
    years,
)

# The API's vocabulary: its `scoring.vocabulary` enums arrive as these strings (the dashboard has no scoring).
ACCEPT = "accept"
REFER = "refer"
REFUSE = "refuse"
CATEGORICAL = "categorical"
NARROW_MARGIN = 0.2  # within 20 % of the threshold (relative) the decision is called close
OUTCOMES = {0: N_("Repaid"), 1: N_("Defaulted"), None: N_("Unknown (application not yet observed)")}
OUTCOME_UNKNOWN = N_("Unknown")
# Where the risk stands against a strategy's cut-offs, by the decision of the cut-offs alone (`band_of`).
BAND_CLAUSES = {
    ACCEPT: N_(
        "The estimated risk of default is {risk}, {points} below the acceptance limit of {accept} of the "
        "strategy {name}"
    ),
    REFER: N_(
        "The estimated risk of default is {risk}, in the refer band of the strategy {name} (from {accept} to "
        "{refuse})"
    ),
    REFUSE: N_(
        "The estimated risk of default is {risk}, {points} above the refusal limit of {refuse} of the "
        "strategy {name}"
    ),
}


def points(value: float, digits: int = 1, t: Translator = ENGLISH) -> str:
    """A difference of probabilities in percentage points: 0.026 -> '2.6 percentage points'."""
    n = t.shown_count(100 * value, digits)
    return t.ngettext("{value} percentage point", "{value} percentage points", n).format(
        value=t.number(100 * abs(value), digits)
    )


def decision_words(decision: str, t: Translator = ENGLISH) -> str:
    """'Credit granted', 'Referred to a credit officer' or 'Credit refused'."""
    return vocabulary.label(vocabulary.DECISIONS, decision, t)


def decision_icon(decision: str) -> str:
    """A symbol that tells the decision without colour: a tick, a flag (referred to an officer) or a cross."""
    return "\u2714" if decision == ACCEPT else "\u2691" if decision == REFER else "\u2716"


def decision_with_icon(decision: str, t: Translator = ENGLISH) -> str:
    return f"{decision_icon(decision)} {decision_words(decision, t)}"


def distance_text(probability: float, threshold: float, t: Translator = ENGLISH) -> str:
    """How far the risk is from the refusal threshold, in words, with the digits that tell its side."""
    _ = t.gettext
    gap = probability - threshold
    digits = risk_digits(probability, threshold)
    close = abs(gap) < NARROW_MARGIN * threshold
    margin = _("a close call") if close else _("a clear margin")
    if gap < 0:
        where = _("{points} below").format(points=points(gap, digits, t))
    elif gap > 0:
        where = _("{points} above").format(points=points(gap, digits, t))
    else:
        where = _("exactly at")
    return _(
        "The estimated risk of default is {risk}, {where} the refusal threshold of {threshold} ({margin})."
    ).format(
        risk=t.percent(probability, digits),
        where=where,
        threshold=t.percent(threshold, digits),
        margin=margin,
    )


def band_of(probability: float, strategy: Mapping) -> str:
    """The decision of the strategy's cut-offs alone: accept below accept_below, refuse from refuse_from,
    refer between."""
    if probability < strategy["accept_below"]:
        return ACCEPT
    return REFUSE if probability >= strategy["refuse_from"] else REFER


def band_clause(probability: float, strategy: Mapping, t: Translator = ENGLISH) -> str:
    """Where the risk stands against the active strategy's cut-offs, with the digits that tell its side (a
    sentence without its end)."""
    accept, refuse = strategy["accept_below"], strategy["refuse_from"]
    digits = max(risk_digits(probability, accept), risk_digits(probability, refuse))
    band = band_of(probability, strategy)
    limit = {ACCEPT: accept, REFUSE: refuse}.get(band)
    return t.gettext(BAND_CLAUSES[band]).format(
        risk=t.percent(probability, digits),
        points="" if limit is None else points(probability - limit, digits, t),
        accept=t.percent(accept, digits),
        refuse=t.percent(refuse, digits),
        name=strategy["name"],
    )


def rule_titles(score: Mapping) -> list[str]:
    """The titles of the policy rules that fired, in the page's language as the API gives them among the
    explanation's reasons (a rule's code where it gives none)."""
    reasons = (score.get("explanation") or {}).get("reasons") or ()
    titles = {r["code"]: r["title"] for r in reasons}
    return [titles.get(code, code) for code in score.get("rules_fired") or ()]


def rules_text(clause: str, titles: Sequence[str], agree: bool, t: Translator = ENGLISH) -> str:
    """The risk's `clause` and the policy rules that decided (`agree`: as the cut-offs alone would)."""
    rules = ", ".join(t.gettext("\u201c{rule}\u201d").format(rule=title) for title in titles)
    if agree:
        sentence = t.ngettext(
            "{band}, and a policy rule decided the same: {rules}.",
            "{band}, and policy rules decided the same: {rules}.",
            len(titles),
        )
    else:
        sentence = t.ngettext(
            "{band}, but a policy rule decided: {rules}.",
            "{band}, but policy rules decided: {rules}.",
            len(titles),
        )
    return sentence.format(band=clause, rules=rules)


def band_text(score: Mapping, t: Translator = ENGLISH) -> str:
    """The risk against the active strategy's cut-offs (accept below, refer between, refuse from) and, when
    policy rules fired, that they decided, by their titles: the sentence agrees with the decision shown."""
    probability, strategy = score["probability"], score["strategy"]
    band, clause = band_of(probability, strategy), band_clause(probability, strategy, t)
    titles = rule_titles(score)
    if titles:
        return rules_text(clause, titles, band == score["decision"], t)
    if band == REFER:
        return t.gettext("{band}: an officer decides.").format(band=clause)
    return f"{clause}."


def risk_text(score: Mapping, t: Translator = ENGLISH) -> str:
    """The risk in words against what decides it: the active strategy's cut-offs and rules, else the
    threshold."""
    if score.get("strategy"):
        return band_text(score, t)
    return distance_text(score["probability"], score["threshold"], t)


def points_text(score: Mapping, t: Translator = ENGLISH, digits: int | None = None) -> str:
    """The score in points against the points of the threshold (more points, less risk), with the page's
    decimals of points (`values.points_digits`; by default those of this score alone)."""
    value, threshold = score.get("points"), score.get("threshold_points")
    if not (is_number(value) and is_number(threshold)):
        return ""
    if score.get("strategy"):  # the strategy's cut-offs decide, not the threshold's points
        places = points_digits([value], None) if digits is None else digits
        return t.gettext("Score: {points} points.").format(points=t.number(value, places))
    digits = points_digits([value], threshold) if digits is None else digits
    return t.gettext("Score: {points} points; applications below {threshold} points are refused.").format(
        points=t.number(value, digits), threshold=t.number(threshold, digits)
    )


def _years(value: object, missing: str, t: Translator) -> str:
    return years(value, t) if is_number(value) else missing


def _age(value: object, t: Translator) -> str:
    return age_in_years(value, t) if is_number(value) else t.unknown()


def _family(facts: Mapping[str, object], t: Translator) -> str:
    status, children = facts.get("NAME_FAMILY_STATUS"), facts.get("CNT_CHILDREN")
    parts = [vocabulary.level_label("NAME_FAMILY_STATUS", status, t)] if status else []
    if is_number(children):
        count = int(children)
        parts.append(t.ngettext("{count} child", "{count} children", count).format(count=count))
    return ", ".join(parts) or t.unknown()


def fact_rows(
    facts: Sequence[Mapping[str, object]], t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY
) -> list[tuple[str, str]]:
    """The key facts of a client as (label, text) rows, from the API's facts list; amounts in `currency`,
    income and annuity a month."""
    _ = t.gettext
    values = {f["name"]: f.get("value") for f in facts}

    def money_of(name: str) -> str:
        return amount(name, values.get(name), t, currency)

    return [
        (_("Age"), _age(values.get("AGE_YEARS"), t)),
        (_("Total income"), money_of("AMT_INCOME_TOTAL")),
        (_("Credit amount"), money_of("AMT_CREDIT")),
        (_("Loan annuity"), money_of("AMT_ANNUITY")),
        (_("Price of the goods financed"), money_of("AMT_GOODS_PRICE")),
        (_("Employment length"), _years(values.get("YEARS_EMPLOYED"), _("not employed, or unknown"), t)),
        (_("Family"), _family(values, t)),
        (
            _("Contract type"),
            vocabulary.level_label("NAME_CONTRACT_TYPE", values.get("NAME_CONTRACT_TYPE") or t.unknown(), t),
        ),
    ]


def outcome_text(outcome: int | None, t: Translator = ENGLISH) -> str:
    return t.gettext(OUTCOMES.get(outcome, OUTCOME_UNKNOWN))


def band_summary(probability: float, strategy: Mapping, t: Translator = ENGLISH) -> str:
    """The risk bar in words under an active strategy."""
    accept, refuse = strategy["accept_below"], strategy["refuse_from"]
    digits = max(risk_digits(probability, accept), risk_digits(probability, refuse))
    return t.gettext(
        "Bar chart: the client's risk of default, {risk}, against the strategy's cut-offs: accepted below "
        "{accept}, referred to an officer up to {refuse}, refused from {refuse}."
    ).format(
        risk=t.percent(probability, digits),
        accept=t.percent(accept, digits),
        refuse=t.percent(refuse, digits),
    )


def risk_summary(probability: float, threshold: float, t: Translator = ENGLISH) -> str:
    digits = risk_digits(probability, threshold)
    return t.gettext(
        "Bar chart: the client's risk of default, {risk}, against the refusal threshold of {threshold}; "
        "credit is refused at or above the threshold."
    ).format(risk=t.percent(probability, digits), threshold=t.percent(threshold, digits))


def _bin_of(edges: Sequence[float], value: float) -> int:
    index = sum(1 for e in edges[1:-1] if value >= e)
    return min(index, len(edges) - 2)


def _clients_in(repaid: int, defaulted: int, t: Translator) -> str:
    total = repaid + defaulted
    if not total:
        return t.gettext("no client")
    return t.ngettext(
        "{count} client, of whom {share} defaulted", "{count} clients, of whom {share} defaulted", total
    ).format(count=t.number(total), share=t.percent(defaulted / total))


def distribution_summary(data: Mapping, t: Translator = ENGLISH) -> str:
    """The distribution chart in words, with the default rate among clients like this one."""
    _ = t.gettext
    counts = {"label": data["label"], "repaid": t.number(sum(data["repaid"]))}
    counts["defaulted"] = t.number(sum(data["defaulted"]))
    if data["group"] == "similar":
        text = _("{label} among the similar clients: {repaid} repaid and {defaulted} defaulted clients.")
    else:
        text = _(
            "{label} among all clients with a known outcome: {repaid} repaid and {defaulted} defaulted "
            "clients."
        )
    text = text.format(**counts)
    value = data.get("client_value")
    if value is None:
        return f"{text} " + _("This client's value is unknown.")
    if data.get("levels") and value in data["levels"]:
        index = data["levels"].index(value)
        where = _("This client's level is {value}: {clients}.")
        low = high = None
    elif not data.get("levels") and is_number(value):
        index = _bin_of(data["edges"], value)
        low, high = data["edges"][index], data["edges"][index + 1]
        where = _("This client's value, {value}, falls in the range {low} to {high}: {clients}.")
    else:
        return f"{text} " + _("This client's value is {value}.").format(value=value_text(value, t))
    clients = _clients_in(data["repaid"][index], data["defaulted"][index], t)
    sentence = where.format(
        value=value_text(value, t), low=value_text(low, t), high=value_text(high, t), clients=clients
    )
    return f"{text} {sentence}"


def scatter_summary(data: Mapping, t: Translator = ENGLISH) -> str:
    n = len(data["client_ids"])
    defaulted = sum(data["outcome"])
    text = t.gettext(
        "{count} clients with a known outcome plotted by {x} (across) and {y} (up), coloured by risk; "
        "circles repaid ({repaid}), crosses defaulted ({defaulted})."
    ).format(
        count=t.number(n),
        x=data["x_label"],
        y=data["y_label"],
        repaid=t.number(n - defaulted),
        defaulted=t.number(defaulted),
    )
    client = data.get("client")
    if client:
        text += " " + t.gettext("This client (the star): {x} and {y}, risk {risk}.").format(
            x=value_text(client["x"], t), y=value_text(client["y"], t), risk=t.percent(client["probability"])
        )
    return text


def neighbours_summary(neighbours: Sequence[Mapping], t: Translator = ENGLISH) -> str:
    n = len(neighbours)
    if not n:
        return t.gettext("No similar client with a known outcome was found.")
    defaulted = sum(1 for x in neighbours if x.get("known_outcome") == 1)
    refused = sum(1 for x in neighbours if x.get("decision") == REFUSE)
    referred = sum(1 for x in neighbours if x.get("decision") == REFER)
    figures = {"count": n, "defaulted": defaulted, "share": t.percent(defaulted / n, 0), "refused": refused}
    if referred:
        return t.gettext(
            "Of the {count} most similar clients with a known outcome, {defaulted} defaulted ({share}); "
            "today the lender would refuse {refused} and refer {referred} to an officer."
        ).format(**figures, referred=referred)
    return t.gettext(
        "Of the {count} most similar clients with a known outcome, {defaulted} defaulted ({share}); "
        "today the lender would refuse {refused}."
    ).format(**figures)


def what_if_summary(before: Mapping, after: Mapping, t: Translator = ENGLISH) -> str:
    _ = t.gettext
    change = after["probability"] - before["probability"]
    digits = 1 if abs(change) >= 0.0005 else 2  # a move under 0.05 point is shown to the hundredth
    if abs(change) < 0.00005:  # below a hundredth of a point: rounding, not a change
        moved = _("unchanged")
    elif change > 0:
        moved = _("up by {points}").format(points=points(change, digits, t))
    else:
        moved = _("down by {points}").format(points=points(change, digits, t))
    if before["decision"] == after["decision"]:
        verdict = _("the decision stays the same")
    else:
        verdict = _("the decision changes to \u201c{decision}\u201d").format(
            decision=decision_words(after["decision"], t).lower()
        )
    return _("Before: {before} ({decision}). After the changes: {after}, {moved}; {verdict}.").format(
        before=t.percent(before["probability"]),
        decision=decision_words(before["decision"], t).lower(),
        after=t.percent(after["probability"]),
        moved=moved,
        verdict=verdict,
    )


def refer_band(score: Mapping) -> bool:
    """Whether the strategy deciding `score` refers the risks between its cut-offs to an officer."""
    strategy = score.get("strategy")
    return bool(strategy) and strategy["accept_below"] < strategy["refuse_from"]


def counter_offer_text(
    offer: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY, refer_band: bool = False
) -> str:
    """The largest credit amount the model still accepts, in words; under a strategy with a refer band,
    accepted without referral to an officer (the amounts above it may be referred, not refused)."""
    _ = t.gettext
    if offer.get("max_amount") is None:
        if refer_band:
            return _("No credit amount from the minimum up is accepted without referral to an officer.")
        return _("No credit amount from the minimum up is accepted for this application.")
    largest = money(offer["max_amount"], t, currency)
    annuity, term, rate = (
        offer.get("annuity_at_max"),
        offer.get("term_months"),
        offer.get("annual_rate_at_max"),
    )
    if annuity and term and is_number(rate):  # the terms it is priced at: its grade's rate, the asked term
        tail = _(", with an instalment of about {annuity} over {term} at {rate} a year").format(
            annuity=money(annuity, t, currency, MONTHLY), term=months(term, t), rate=t.percent(rate, 2)
        )
    elif annuity:
        tail = _(", with an instalment of about {annuity}").format(
            annuity=money(annuity, t, currency, MONTHLY)
        )
    else:
        tail = ""
    if offer.get("capped"):
        return _("Accepted at every amount tried, up to {amount}{tail}.").format(amount=largest, tail=tail)
    if refer_band:
        return _(
            "The largest credit amount accepted without referral to an officer is {amount}{tail}."
        ).format(amount=largest, tail=tail)
    return _("The largest credit amount still accepted is {amount}{tail}.").format(amount=largest, tail=tail)
