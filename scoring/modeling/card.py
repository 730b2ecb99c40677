"""The model card: one HTML page with its figures in ``reports/model_card/``, written atomically."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring.io import atomic_dir, write_text_atomic
from scoring.modeling import figures
from scoring.modeling.bundle import BundleContent
from scoring.reject_inference.augment import policy as reject_policy

CARD_DIR = "model_card"
STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.3em .6em}
th{background:#f2f2f2}td.num{text-align:right}tr.sel{background:#e8f4ea}tr.flag td{background:#fde8e8}
.figs{display:flex;flex-wrap:wrap;gap:1em}.figs img{max-width:520px;border:1px solid #eee}
"""
CANDIDATE_COLUMNS = (
    ("candidate", "candidate", ""),
    ("auc", "AUC mean", ".4f"),
    ("auc_std", "AUC std", ".4f"),
    ("cost_per_1000", "cost / 1,000 mean", ",.1f"),
    ("cost_per_1000_std", "cost std", ",.1f"),
    ("cost_vs_accept_all", "cost vs accept all", ".3f"),
    ("ece", "ECE mean", ".4f"),
    ("ece_std", "ECE std", ".4f"),
    ("brier", "Brier", ".4f"),
    ("calibration", "calibrator", ""),
    ("threshold", "threshold", ".4f"),
    ("complexity", "complexity", "d"),
    ("seconds", "seconds", ".1f"),
)
COMPARISON_COLUMNS = (
    ("role", "role", ""),
    ("candidate", "model", ""),
    ("n_features", "features", "d"),
    ("auc", "AUC", ".4f"),
    ("auc_std", "AUC std", ".4f"),
    ("cost_vs_accept_all", "cost vs accept all", ".3f"),
    ("ece", "ECE", ".4f"),
    ("brier", "Brier", ".4f"),
    ("threshold", "threshold", ".4f"),
)
CALIBRATION_COLUMNS = (
    ("method", "method", ""),
    ("log_loss", "log-loss", ".5f"),
    ("brier", "Brier", ".5f"),
    ("ece", "ECE", ".4f"),
    ("mean_pd", "mean PD", ".4f"),
    ("observed_rate", "observed rate", ".4f"),
)
POINTS_COLUMNS = (
    ("label", "characteristic", ""),
    ("bin", "bin", ""),
    ("clients", "clients", ",d"),
    ("default_rate", "default rate", ".1%"),
    ("woe", "WoE (risk)", ".3f"),
    ("points", "points", ".1f"),
)
FAIRNESS_COLUMNS = (
    ("attribute", "attribute", ""),
    ("group", "group", ""),
    ("n", "clients", ",d"),
    ("default_rate", "default rate", ".1%"),
    ("approval_rate", "approval rate", ".1%"),
    ("tpr", "TPR (defaulters refused)", ".1%"),
    ("fpr", "FPR (good clients refused)", ".1%"),
    ("approval_ratio", "approval ratio", ".3f"),
)
IMPORTANCE_COLUMNS = (
    ("feature", "feature", ""),
    ("label", "label", ""),
    ("mean_abs_shap", "mean |contribution|", ".4f"),
)


@dataclass(frozen=True)
class CardInputs:
    """The run (its fitted champion and challenger) and the two bundles' contents."""

    run: object  # scoring.modeling.train.FittedRun
    champion: BundleContent
    challenger: BundleContent
    oracle: np.ndarray | None


def _cell(value: object, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '<td class="num">-</td>'
    if fmt:
        return f'<td class="num">{value:{fmt}}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def html_table(rows: list[dict], columns: tuple[tuple[str, str, str], ...], row_class: str = "") -> str:
    """HTML table of ``rows`` (columns: key, title, number format); rows whose ``row_class`` key is true
    get that CSS class."""
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title, _ in columns)
    body = []
    for row in rows:
        css = f' class="{row_class}"' if row_class and row.get(row_class) else ""
        body.append(f"<tr{css}>" + "".join(_cell(row.get(key), fmt) for key, _, fmt in columns) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _figures(inputs: CardInputs, out: Path) -> list[tuple[str, str]]:
    meta = inputs.champion.metadata
    fitted = inputs.run.champion
    metrics = meta["cv_metrics"]
    y, prob = fitted.data.y, fitted.oof_probability
    return [
        (figures.roc_figure(y, prob, metrics["auc"], out / "roc.png", inputs.oracle).name, "ROC curve"),
        (
            figures.cost_figure(fitted.curve, meta["threshold"], meta["cost"]["unit"], out / "cost.png").name,
            "Cost",
        ),
        (
            figures.confusion_figure(metrics, meta["threshold"], out / "confusion.png").name,
            "Confusion matrix",
        ),
        (
            figures.calibration_figure(meta["calibration"]["reliability"], out / "calibration.png").name,
            "Reliability diagram",
        ),
        (figures.importance_figure(inputs.champion.importance, out / "importance.png").name, "Top features"),
    ]


def _summary(meta: dict) -> str:
    m, cost = meta["cv_metrics"], meta["cost"]
    weights = (
        f"w_FN = {cost['w_fn']:g}, w_FP = {cost['w_fp']:g}"
        if cost["mode"] == "count"
        else f"loss given default {cost['loss_given_default']:g}, margin {cost['margin']:.0%} of the credit"
    )
    oracle = f" (true probabilities: {m['oracle_auc']:.4f})" if m.get("oracle_auc") else ""
    trees = f", {meta['rounds']} trees x {meta['bags']} seed(s)" if meta.get("bags") else ""
    items = [
        f"Version <b>{html.escape(meta['version'])}</b>, created {html.escape(meta['created_at'])}",
        f"Trained on {meta['n_train']:,} clients, default rate {meta['default_rate']:.2%}; "
        f"<b>{html.escape(meta['candidate'])}</b> ({html.escape(meta['kind'])}, imbalance strategy "
        f"{html.escape(meta['strategy'])}{trees}); {feature_counts(meta)}",
        f"Business cost ({html.escape(cost['mode'])}): {weights}",
        f"Threshold <b>{meta['threshold']:.4f}</b> on the calibrated probability of default (refuse when "
        f"&ge; threshold), approval rate {m['approval_rate']:.1%}",
        f"Out-of-fold AUC {m['auc']:.4f} &plusmn; {m['auc_std']:.4f} over {m['repeats']} repeat(s){oracle}; "
        f"recall {m['recall']:.3f}, precision {m['precision']:.3f}",
        f"Cost per 1,000 applicants {m['cost_per_1000']:,.1f} {html.escape(cost['unit'])} vs "
        f"{m['accept_all_cost_per_1000']:,.1f} accepting everyone (ratio {m['cost_vs_accept_all']:.3f}) and "
        f"{m['cost_per_1000_at_0_5']:,.1f} at threshold 0.5",
        f"Calibration ({html.escape(meta['calibration']['method'])}, out of fold): Brier {m['brier']:.4f}, "
        f"log-loss {m['log_loss']:.4f}, ECE {m['ece']:.4f} (10 equal-frequency bins), mean probability "
        f"{m['mean_pd']:.4f} vs observed default rate {m['observed_rate']:.4f}",
        f"Data fingerprint {html.escape(meta['data_fingerprint'][:16])}",
    ]
    rejects = (meta.get("settings") or {}).get("reject_inference", "none")
    if rejects != "none":
        why = html.escape(reject_policy().default_source)
        items.append(
            f"Reject inference <b>{html.escape(rejects)}</b>: refused applicants' outcomes inferred. {why}"
        )
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def feature_counts(meta: dict) -> str:
    """The run's feature counts in the words the CLI prints too (`meta`: the champion's metadata)."""
    s = meta["feature_selection"]
    built = s.get("n_built", s["n_input"])  # a bundle written before n_built was recorded
    used = len(meta["features"])
    return f"{built:,} features built, {s['n_selected']:,} selected, the champion uses {used:,}"


def _selection(meta: dict) -> str:
    s = meta["feature_selection"]
    built = s.get("n_built", s["n_input"])
    return (
        f"<p>{html.escape(s['method'])}: <b>{s['n_selected']:,}</b> selected of the {s['n_input']:,} "
        f"features the policies allow ({built:,} built; at most {s['max_features']}). "
        f"Out-of-fold AUC with the selection inside the CV: full set {s['full_auc']:.4f}, "
        f"selected {s['selected_auc']:.4f} ({s['auc_change']:+.4f}).</p>"
    )


def _monotone(meta: dict) -> str:
    constrained = meta["monotone"]["features"]
    rows = [
        {"feature": f, "direction": "risk never falls" if d > 0 else "risk never rises"}
        for f, d in constrained.items()
    ]
    levers = "".join(
        f"<li>{html.escape(lv['name'])}: {', '.join(lv['fields'])} "
        f"({'risk non-decreasing' if lv['direction'] > 0 else 'risk non-increasing'})</li>"
        for lv in meta["monotone"]["levers"]
    )
    return (
        f"<p>{len(constrained)} of the model's {len(meta['features'])} features carry a direction from the "
        f"policy file (scoring/features/monotone.json), enforced by the model. Levers checked end to end:</p>"
        f"<ul>{levers}</ul>{html_table(rows, (('feature', 'feature', ''), ('direction', 'as it rises', '')))}"
    )


def _protected(meta: dict) -> str:
    """The attributes no model of the run may use, why, and the features excluded for them."""
    policy = meta.get("protected") or {"attributes": [], "features": {}}
    if not policy["attributes"]:
        return "<p>The protected-attributes policy lists no attribute.</p>"
    rows = [
        {
            "column": a["column"],
            "attribute": a["attribute"],
            "source": a["source"],
            "features": ", ".join(f for f, cols in policy["features"].items() if a["column"] in cols),
        }
        for a in policy["attributes"]
    ]
    columns = (
        ("column", "application field", ""),
        ("attribute", "attribute", ""),
        ("source", "why it is excluded", ""),
        ("features", "features excluded", ""),
    )
    return (
        "<p>No model of this run (feature selection, LightGBM, logistic regression, scorecard, blend) uses "
        "these attributes nor any feature computed from them (policy file "
        "scoring/features/protected.json); they are kept in the data for the fairness table only.</p>"
        + html_table(rows, columns)
    )


def render(inputs: CardInputs, images: list[tuple[str, str]]) -> str:
    """The card's HTML, referring to the images by file name."""
    meta = inputs.champion.metadata
    imgs = "".join(f'<img src="{html.escape(name)}" alt="{html.escape(alt)}">' for name, alt in images)
    top = html_table(inputs.champion.importance[:20], IMPORTANCE_COLUMNS)
    both = [
        {**inputs.run.champion.summary(meta["version"]), "candidate": meta["candidate"]},
        meta["challenger"],
    ]
    points = meta.get("scorecard") or []
    title = f"Model card {html.escape(meta['version'])}"
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<style>{STYLE}</style></head><body>
<h1>Credit default model card</h1>{_summary(meta)}
<h2>Protected attributes</h2>{_protected(meta)}
<h2>Feature selection</h2>{_selection(meta)}
<h2>Candidates (repeated stratified K-fold, same folds)</h2>
<p>{meta["folds"]}-fold cross-validation repeated {meta["repeats"]} time(s); each candidate calibrated on its
out-of-fold scores and scored at its own cost-minimising threshold; mean and standard deviation across the
repeats. Winner: the {html.escape(meta["selection_rule"])} (highlighted).</p>
{html_table(meta["candidates"], CANDIDATE_COLUMNS, "selected")}
<h2>Champion and challenger</h2>{html_table(both, COMPARISON_COLUMNS)}
<h2>Calibration</h2><p>Each method cross-validated on the out-of-fold raw scores; the lowest log-loss wins.
Explanations stay in log-odds of the raw model; probabilities are calibrated.</p>
{html_table(meta["calibration"]["table"], CALIBRATION_COLUMNS, "selected")}
<h2>Performance of the champion (out-of-fold)</h2><div class="figs">{imgs}</div>
<h2>Monotone constraints</h2>{_monotone(meta)}
<h2>Top features (mean |contribution|, log-odds)</h2>{top}
<h2>Scorecard points (PDO 20, 600 points at odds 50:1)</h2>{html_table(points, POINTS_COLUMNS)}
<h2>Fairness at the chosen threshold</h2>
<p>Approval ratio = the group's approval rate / the highest approval rate of its attribute; rows below 0.8 are
highlighted (four-fifths rule); groups of fewer than 30 clients are not used as the reference nor flagged.
TPR = share of defaulters refused, FPR = share of good clients refused.</p>
{html_table(meta["fairness"], FAIRNESS_COLUMNS, "flagged")}
</body></html>
"""


def write_card(reports_dir: Path, inputs: CardInputs) -> Path:
    """Write figures and index.html into a temporary directory, then swap it in; returns index.html."""
    target = reports_dir / CARD_DIR
    with atomic_dir(target, replace=True) as tmp:
        images = _figures(inputs, tmp)
        write_text_atomic(tmp / "index.html", render(inputs, images))
    return target / "index.html"
