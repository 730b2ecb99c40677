"""Words of the dashboard: numbers formatted for people, the decision in words, reasons, chart summaries.

Pure functions of the API's JSON payloads (no Dash here), so every sentence is unit-tested. The functions
shared with the client page take a translator `t` (English by default) and format numbers for its locale;
the others are still in English only (see `dashboard.i18n` for how to translate one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from dashboard.i18n import ENGLISH, N_, Translator

# The API's vocabulary: its `scoring.vocabulary` enums arrive as these strings (the dashboard has no scoring).
ACCEPT = "accept"
REFUSE = "refuse"
CATEGORICAL = "categorical"
MAX_REASONS = 4
NARROW_MARGIN = 0.2  # within 20 % of the threshold (relative) the decision is called close
OUTCOMES = {0: N_("Repaid"), 1: N_("Defaulted"), None: N_("Unknown (application not yet observed)")}
OUTCOME_UNKNOWN = N_("Unknown")


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def percent(value: float | None, digits: int = 1) -> str:
    """0.0183 -> '1.8 %'; None -> 'unknown'."""
    return f"{100 * value:.{digits}f} %" if is_number(value) else "unknown"


def points(value: float, digits: int = 1, t: Translator = ENGLISH) -> str:
    """A difference of probabilities in percentage points: 0.026 -> '2.6 percentage points'."""
    return t.gettext("{value} percentage points").format(value=t.number(100 * abs(value), digits))


def number(value: object, decimals: int = 0) -> str:
    """Thousands separators: 544491.0 -> '544,491'; None -> 'unknown'."""
    return f"{value:,.{decimals}f}" if is_number(value) else "unknown"


def value_text(value: object, t: Translator = ENGLISH) -> str:
    """A feature value as a person reads it: level names as they are, numbers rounded sensibly."""
    if value is None:
        return t.unknown()
    if not is_number(value):
        return str(value)
    if abs(value) >= 1000 or float(value).is_integer():
        return t.number(value)
    return t.decimal(value)


def decision_words(decision: str, t: Translator = ENGLISH) -> str:
    return t.gettext("Credit granted") if decision == ACCEPT else t.gettext("Credit refused")


def decision_icon(decision: str) -> str:
    """A symbol that tells the decision without colour: a tick or a cross."""
    return "\u2714" if decision == ACCEPT else "\u2716"


def distance_text(probability: float, threshold: float, t: Translator = ENGLISH) -> str:
    """How far the risk is from the refusal threshold, in words."""
    _ = t.gettext
    gap = probability - threshold
    close = abs(gap) < NARROW_MARGIN * threshold
    margin = _("a close call") if close else _("a clear margin")
    if gap < 0:
        where = _("{points} below").format(points=points(gap, t=t))
    elif gap > 0:
        where = _("{points} above").format(points=points(gap, t=t))
    else:
        where = _("exactly at")
    return _(
        "The estimated risk of default is {risk}, {where} the refusal threshold of {threshold} ({margin})."
    ).format(risk=t.percent(probability), where=where, threshold=t.percent(threshold), margin=margin)


def points_text(score: Mapping, t: Translator = ENGLISH) -> str:
    """The score in points against the points of the threshold (more points, less risk)."""
    value, threshold = score.get("points"), score.get("threshold_points")
    if not (is_number(value) and is_number(threshold)):
        return ""
    digits = next((d for d in range(4) if round(value, d) != round(threshold, d)), 3)
    return t.gettext("Score: {points} points; applications below {threshold} points are refused.").format(
        points=t.number(value, digits), threshold=t.number(threshold, digits)
    )


def _fact(facts: Mapping[str, object], name: str) -> object:
    return facts.get(name)


def _years(value: object, missing: str, t: Translator) -> str:
    return t.gettext("{years} years").format(years=t.number(value, 1)) if is_number(value) else missing


def _term(facts: Mapping[str, object], t: Translator) -> str:
    credit, annuity = _fact(facts, "AMT_CREDIT"), _fact(facts, "AMT_ANNUITY")
    if not (is_number(credit) and is_number(annuity)) or annuity <= 0:
        return t.unknown()
    return t.gettext("about {count} instalments (credit \u00f7 annuity)").format(
        count=t.number(credit / annuity)
    )


def _family(facts: Mapping[str, object], t: Translator) -> str:
    status, children = _fact(facts, "NAME_FAMILY_STATUS"), _fact(facts, "CNT_CHILDREN")
    parts = [str(status)] if status else []
    if is_number(children):
        count = int(children)
        parts.append(t.ngettext("{count} child", "{count} children", count).format(count=count))
    return ", ".join(parts) or t.unknown()


def fact_rows(facts: Sequence[Mapping[str, object]], t: Translator = ENGLISH) -> list[tuple[str, str]]:
    """The key facts of a client as (label, text) rows, from the API's facts list."""
    _ = t.gettext
    values = {f["name"]: f.get("value") for f in facts}
    return [
        (_("Age"), _years(values.get("AGE_YEARS"), t.unknown(), t)),
        (_("Total income"), t.number(values.get("AMT_INCOME_TOTAL"))),
        (_("Credit amount"), t.number(values.get("AMT_CREDIT"))),
        (_("Loan annuity"), t.number(values.get("AMT_ANNUITY"))),
        (_("Price of the goods financed"), t.number(values.get("AMT_GOODS_PRICE"))),
        (_("Term"), _term(values, t)),
        (_("Employment length"), _years(values.get("YEARS_EMPLOYED"), _("not employed, or unknown"), t)),
        (_("Family"), _family(values, t)),
        (_("Contract type"), str(values.get("NAME_CONTRACT_TYPE") or t.unknown())),
    ]


def outcome_text(outcome: int | None, t: Translator = ENGLISH) -> str:
    return t.gettext(OUTCOMES.get(outcome, OUTCOME_UNKNOWN))


def waterfall_summary(explanation: Mapping) -> str:
    """One paragraph describing the local explanation chart (calibrated risks at its two ends)."""
    start, end = explanation["base_probability"], explanation["probability"]
    parts = [
        f"Starting from the average client's risk of {percent(start)}, the client's own values move the "
        f"risk to {percent(end)}."
    ]
    raising, lowering = explanation.get("raising") or [], explanation.get("lowering") or []
    if raising:
        parts.append(f"The strongest push up: {raising[0]['label']}.")
    if lowering:
        parts.append(f"The strongest push down: {lowering[0]['label']}.")
    return " ".join(parts)


def risk_summary(probability: float, threshold: float, t: Translator = ENGLISH) -> str:
    return t.gettext(
        "Bar chart: the client's risk of default, {risk}, against the refusal threshold of {threshold}; "
        "credit is refused at or above the threshold."
    ).format(risk=t.percent(probability), threshold=t.percent(threshold))


def _bin_of(edges: Sequence[float], value: float) -> int:
    index = sum(1 for e in edges[1:-1] if value >= e)
    return min(index, len(edges) - 2)


def distribution_summary(data: Mapping) -> str:
    """The distribution chart in words, with the default rate among clients like this one."""
    repaid, defaulted = sum(data["repaid"]), sum(data["defaulted"])
    group = "the similar clients" if data["group"] == "similar" else "all clients with a known outcome"
    text = f"{data['label']} among {group}: {repaid:,} repaid and {defaulted:,} defaulted clients."
    value = data.get("client_value")
    if value is None:
        return text + " This client's value is unknown."
    if data.get("levels"):
        if value not in data["levels"]:
            return text + f" This client's value is {value_text(value)}."
        index = data["levels"].index(value)
        where = f"level {value}"
    elif is_number(value):
        index = _bin_of(data["edges"], value)
        low, high = data["edges"][index], data["edges"][index + 1]
        where = f"the range {value_text(low)} to {value_text(high)}"
    else:
        return text + f" This client's value is {value_text(value)}."
    total = data["repaid"][index] + data["defaulted"][index]
    rate = f"{percent(data['defaulted'][index] / total)} of them defaulted" if total else "no client"
    return f"{text} This client's value, {value_text(value)}, falls in {where}: {total:,} clients, {rate}."


def scatter_summary(data: Mapping) -> str:
    n = len(data["client_ids"])
    defaulted = sum(data["outcome"])
    text = (
        f"{n:,} clients with a known outcome plotted by {data['x_label']} (across) and "
        f"{data['y_label']} (up), coloured by risk; circles repaid ({n - defaulted:,}), "
        f"crosses defaulted ({defaulted:,})."
    )
    client = data.get("client")
    if client:
        text += (
            f" This client (the star): {value_text(client['x'])} and {value_text(client['y'])}, "
            f"risk {percent(client['probability'])}."
        )
    return text


def neighbours_summary(neighbours: Sequence[Mapping]) -> str:
    n = len(neighbours)
    if not n:
        return "No similar client with a known outcome was found."
    defaulted = sum(1 for x in neighbours if x.get("known_outcome") == 1)
    refused = sum(1 for x in neighbours if x.get("decision") == REFUSE)
    return (
        f"Of the {n} most similar clients with a known outcome, {defaulted} defaulted "
        f"({percent(defaulted / n, 0)}) and the model would refuse {refused}."
    )


def what_if_summary(before: Mapping, after: Mapping) -> str:
    change = after["probability"] - before["probability"]
    direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
    moved = f"{direction} by {points(change)}" if change else direction
    verdict = (
        "the decision stays the same"
        if before["decision"] == after["decision"]
        else f"the decision changes to \u201c{decision_words(after['decision']).lower()}\u201d"
    )
    return (
        f"Before: {percent(before['probability'])} ({decision_words(before['decision']).lower()}). "
        f"After the changes: {percent(after['probability'])}, {moved}; {verdict}."
    )


def counter_offer_text(offer: Mapping) -> str:
    """The largest credit amount the model still accepts, in words."""
    if offer.get("max_amount") is None:
        return "No credit amount from the minimum up is accepted for this application."
    amount = number(offer["max_amount"])
    annuity = offer.get("annuity_at_max")
    tail = f", with an annuity of about {number(annuity)} at the same rate and term" if annuity else ""
    if offer.get("capped"):
        return f"Accepted at every amount tried, up to {amount}{tail}."
    return f"The largest credit amount still accepted is {amount}{tail}."


def cost_summary(data: Mapping) -> str:
    best, production = data["best"], data["production"]
    return (
        f"When accepting a defaulter costs {data['w_fn']:g} and refusing a good client costs "
        f"{data['w_fp']:g}, the cost on the out-of-fold predictions is lowest at a threshold of "
        f"{percent(best['threshold'])}: {percent(best['approval_rate'])} of applicants approved, cost "
        f"{best['cost_per_1000']:,.1f} per 1,000 applicants. The production threshold "
        f"{percent(production['threshold'])} would approve {percent(production['approval_rate'])} at a "
        f"cost of {production['cost_per_1000']:,.1f} per 1,000 under these weights."
    )


def confusion_summary(confusion: Mapping[str, int]) -> str:
    return (
        f"At the production threshold, out of fold: {confusion['tn']:,} good clients accepted, "
        f"{confusion['fp']:,} good clients refused, {confusion['fn']:,} defaulters accepted and "
        f"{confusion['tp']:,} defaulters refused."
    )


def roc_summary(roc: Mapping) -> str:
    auc = roc.get("auc")
    value = f"{auc:.3f}" if is_number(auc) else "not defined (one class only)"
    return f"ROC curve of the out-of-fold predictions: AUC {value} (0.5 is chance, 1 is perfect)."


def calibration_summary(calibration: Mapping) -> str:
    gaps = [abs(p - o) for p, o in zip(calibration["predicted"], calibration["observed"], strict=True)]
    worst = max(gaps) if gaps else 0.0
    figures = ""
    if is_number(calibration.get("ece")):
        figures = (
            f" Expected calibration error {calibration['ece']:.4f}; average risk "
            f"{percent(calibration['mean_pd'], 2)} against {percent(calibration['observed_rate'], 2)} of "
            "clients who defaulted."
        )
    return (
        f"Calibrated risk against observed default rate in {len(gaps)} groups of clients of equal size "
        f"(out of fold); the largest gap is {points(worst)}.{figures}"
    )


def candidates_summary(rows: Sequence[Mapping], rule: str | None) -> str:
    """Which candidate won and how it compares, in one sentence per idea."""
    selected = next((r for r in rows if r.get("selected")), None)
    if selected is None:
        return "No comparison of candidates is recorded for this model."
    best = max((r for r in rows if is_number(r.get("auc"))), key=lambda r: r["auc"])
    return (
        f"{len(rows)} candidates compared on the same folds. Selected: {selected['candidate']} "
        f"(AUC {selected['auc']:.4f} ± {selected.get('auc_std', 0):.4f}); the highest mean AUC is "
        f"{best['candidate']}'s ({best['auc']:.4f}). Rule: the {rule or 'lowest cost'}."
    )


def importance_summary(importance: Sequence[Mapping], top: int = 3) -> str:
    names = "; ".join(e["label"] for e in importance[:top])
    return f"The features that move the scores most on average (mean absolute SHAP value): {names}."


def beeswarm_summary(features: Sequence[str], labels: Mapping[str, str], clients: int) -> str:
    return (
        f"Each dot is one of {clients:,} training clients; for each of the {len(features)} most important "
        f"features, dots to the right raised that client's risk and dots to the left lowered it; the "
        f"colour gives the feature's value, from low (dark) to high (light). Top feature: "
        f"{labels[features[0]]}."
        if features
        else "No SHAP sample is available."
    )


def dependence_summary(label: str, values: Sequence[float | None], shap: Sequence[float]) -> str:
    pairs = [(v, s) for v, s in zip(values, shap, strict=True) if v is not None]
    if not pairs:
        return f"{label}: no known value in the sample."
    low = min(pairs)
    high = max(pairs)
    return (
        f"Effect of {label} on the risk for {len(pairs):,} clients: at the lowest value "
        f"({value_text(low[0])}) it changes the log-odds by {low[1]:+.2f}, at the highest "
        f"({value_text(high[0])}) by {high[1]:+.2f}."
    )


def _total(buckets: Iterable[Mapping], key: str) -> int:
    return sum(b.get(key) or 0 for b in buckets)


def traffic_summary(buckets: Sequence[Mapping]) -> str:
    requests = _total(buckets, "requests")
    errors: dict[str, int] = {}
    for b in buckets:
        for code, count in (b.get("errors") or {}).items():
            errors[code] = errors.get(code, 0) + count
    if not requests:
        return "No request in this period."
    listed = ", ".join(f"{count:,} \u00d7 HTTP {code}" for code, count in sorted(errors.items()))
    failed = sum(errors.values())
    detail = f": {listed}" if listed else ""
    share = percent(failed / requests)
    return f"{requests:,} requests in the period, {failed:,} answered with an error ({share}){detail}."


def latency_summary(buckets: Sequence[Mapping]) -> str:
    timed = [b for b in buckets if is_number(b.get("latency_ms_p95"))]
    if not timed:
        return "No latency measured in this period."
    worst = max(timed, key=lambda b: b["latency_ms_p95"])
    median = sorted(b["latency_ms_p50"] for b in timed)[len(timed) // 2]
    return (
        f"Typical median latency {median:,.0f} ms; the slowest period ({worst['start']}) had a 95th "
        f"percentile of {worst['latency_ms_p95']:,.0f} ms and a 99th of {worst['latency_ms_p99']:,.0f} ms."
    )


def decisions_summary(buckets: Sequence[Mapping]) -> str:
    scores = _total(buckets, "scores")
    if not scores:
        return "No score was given in this period."
    refused = sum((b.get("refusal_rate") or 0) * (b.get("scores") or 0) for b in buckets)
    mean = sum((b.get("mean_probability") or 0) * (b.get("scores") or 0) for b in buckets) / scores
    return (
        f"{scores:,} scores given; {percent(refused / scores)} refused; "
        f"mean risk of default {percent(mean)}. The 10th, 50th and 90th percentile lines show "
        "how the spread of risk moves from period to period."
    )
