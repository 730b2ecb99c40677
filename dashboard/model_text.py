"""Words of the Model page: the text summaries of its charts (cost against threshold, confusion matrix, ROC,
reliability, candidates, importance, SHAP summary and dependence). Pure functions of the API's payloads and
a translator (English by default)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dashboard import vocabulary
from dashboard.i18n import ENGLISH, N_, Translator
from dashboard.text import is_number, points, value_text
from dashboard.values import DEFAULT_CURRENCY, money


def cost_summary(data: Mapping, t: Translator = ENGLISH) -> str:
    best, production = data["best"], data["production"]
    return t.gettext(
        "When accepting a defaulter costs {w_fn} and refusing a good client costs {w_fp}, the cost on the "
        "out-of-fold predictions is lowest at a threshold of {best}: {best_approval} of applicants approved, "
        "cost {best_cost} per 1,000 applicants. The production threshold {production} would approve "
        "{production_approval} at a cost of {production_cost} per 1,000 under these weights."
    ).format(
        w_fn=t.decimal(data["w_fn"]),
        w_fp=t.decimal(data["w_fp"]),
        best=t.percent(best["threshold"]),
        best_approval=t.percent(best["approval_rate"]),
        best_cost=t.number(best["cost_per_1000"], 1),
        production=t.percent(production["threshold"]),
        production_approval=t.percent(production["approval_rate"]),
        production_cost=t.number(production["cost_per_1000"], 1),
    )


def confusion_summary(confusion: Mapping[str, int], t: Translator = ENGLISH) -> str:
    return t.gettext(
        "At the production threshold, out of fold: {tn} good clients accepted, {fp} good clients refused, "
        "{fn} defaulters accepted and {tp} defaulters refused."
    ).format(**{key: t.number(confusion[key]) for key in ("tn", "fp", "fn", "tp")})


def roc_summary(roc: Mapping, t: Translator = ENGLISH) -> str:
    auc = roc.get("auc")
    value = t.number(auc, 3) if is_number(auc) else t.gettext("not defined (one class only)")
    return t.gettext(
        "ROC curve of the out-of-fold predictions: AUC {auc} (0.5 is chance, 1 is perfect)."
    ).format(auc=value)


def calibration_summary(calibration: Mapping, t: Translator = ENGLISH) -> str:
    gaps = [abs(p - o) for p, o in zip(calibration["predicted"], calibration["observed"], strict=True)]
    return t.gettext(
        "Calibrated risk against observed default rate in {groups} groups of clients of equal size (out of "
        "fold); the largest gap is {gap}."
    ).format(groups=len(gaps), gap=points(max(gaps) if gaps else 0.0, t=t))


def candidates_summary(rows: Sequence[Mapping], rule: str | None, t: Translator = ENGLISH) -> str:
    """Which candidate won and how it compares, in one sentence per idea."""
    selected = next((r for r in rows if r.get("selected")), None)
    if selected is None:
        return t.gettext("No comparison of candidates is recorded for this model.")
    best = max((r for r in rows if is_number(r.get("auc"))), key=lambda r: r["auc"])
    return t.gettext(
        "{count} candidates compared on the same folds. Selected: {selected} (AUC {auc} ± {std}); the "
        "highest mean AUC is {best}'s ({best_auc}). Rule: {rule}."
    ).format(
        count=len(rows),
        selected=vocabulary.label(vocabulary.CANDIDATES, selected["candidate"], t),
        auc=t.number(selected["auc"], 4),
        std=t.number(selected.get("auc_std") or 0.0, 4),
        best=vocabulary.label(vocabulary.CANDIDATES, best["candidate"], t),
        best_auc=t.number(best["auc"], 4),
        rule=vocabulary.selection_rule(rule, t),
    )


def importance_summary(importance: Sequence[Mapping], t: Translator = ENGLISH, top: int = 3) -> str:
    names = "; ".join(e["label"] for e in importance[:top])
    return t.gettext(
        "The features that move the scores most on average (mean absolute SHAP value): {names}."
    ).format(names=names)


def beeswarm_summary(summary: Mapping, t: Translator = ENGLISH) -> str:
    rows = summary["beeswarm"]
    if not rows:
        return t.gettext("No SHAP sample is available.")
    return t.gettext(
        "The {clients} training clients of the SHAP sample, grouped by SHAP value: for each of the {count} "
        "most important features, dots to the right raised the risk and dots to the left lowered it; a dot's "
        "size is its number of clients, its colour their value, from low (dark) to high (light). Top "
        "feature: {top}."
    ).format(clients=t.number(summary["clients"]), count=len(rows), top=rows[0]["label"])


def dependence_summary(curve: Mapping, t: Translator = ENGLISH) -> str:
    bins = curve["bins"]
    if not bins:
        return t.gettext("{feature}: no known value in the sample.").format(feature=curve["label"])
    low, high = bins[0], bins[-1]
    return t.gettext(
        "Effect of {feature} on the risk for {count} clients: at the lowest values ({low}) it changes the "
        "log-odds by {low_effect} on average, at the highest ({high}) by {high_effect}."
    ).format(
        feature=curve["label"],
        count=t.number(sum(b["clients"] for b in bins)),
        low=value_text(low["low"], t),
        low_effect=t.signed(low["mean_shap"]),
        high=value_text(high["high"], t),
        high_effect=t.signed(high["mean_shap"]),
    )


PROFIT_PARTS = (  # the figures behind the expected profit the API gives: (key, label, money or a share)
    ("interest_income_per_1000", N_("Interest income"), "money"),
    ("expected_loss_per_1000", N_("Expected loss"), "money"),
    ("cost_of_funds_per_1000", N_("Cost of funds"), "money"),
    ("operating_cost_per_1000", N_("Operating cost"), "money"),
    ("realised_profit_per_1000", N_("Realised profit (known outcomes)"), "money"),
    ("offered_share", N_("Applicants offered a credit"), "share"),
    ("refused_on_price_share", N_("Refused on price (above the legal maximum rate)"), "share"),
)


def profit_facts(model: Mapping) -> dict | None:
    """The expected profit per 1,000 applicants of the model route and the figures behind it (None when the
    model in service has none)."""
    value = model.get("expected_profit_per_1000")
    if not is_number(value):
        return None
    return {**(model.get("profit") or {}), "expected_profit_per_1000": value}


def profit_summary(profit: Mapping | None, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> str:
    if profit is None:
        return t.gettext("The model in service gives no expected profit (it was trained before pricing).")
    return t.gettext(
        "At the production threshold and the current prices, the lender expects a profit of {profit} per "
        "1,000 applicants: interest income minus expected loss, cost of funds and operating cost, on the "
        "out-of-fold risks."
    ).format(profit=money(profit["expected_profit_per_1000"], t, currency))


def profit_rows(
    profit: Mapping | None, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY
) -> list[tuple[str, str]]:
    """The figures behind the expected profit the API gives (money per 1,000 applicants, shares)."""
    if profit is None:
        return []
    return [
        (t.gettext(label), money(profit[key], t, currency) if kind == "money" else t.percent(profit[key]))
        for key, label, kind in PROFIT_PARTS
        if is_number(profit.get(key))
    ]
