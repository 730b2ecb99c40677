"""The model card: one HTML page with its figures in ``reports/model_card/``, written atomically."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring.io import atomic_dir
from scoring.modeling import figures
from scoring.modeling.threshold import CostCurve

CARD_DIR = "model_card"
STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.3em .6em}
th{background:#f2f2f2}td.num{text-align:right}tr.sel{background:#e8f4ea}tr.flag td{background:#fde8e8}
.figs{display:flex;flex-wrap:wrap;gap:1em}.figs img{max-width:520px;border:1px solid #eee}
"""
CANDIDATE_COLUMNS = (
    ("candidate", "candidate", ""),
    ("auc", "AUC", ".4f"),
    ("cost_per_1000", "cost / 1,000", ",.1f"),
    ("cost_vs_accept_all", "cost vs accept all", ".3f"),
    ("threshold", "best threshold", ".4f"),
    ("recall", "recall", ".3f"),
    ("precision", "precision", ".3f"),
    ("fbeta", "F-beta", ".3f"),
    ("rows", "rows", ",d"),
    ("seconds", "seconds", ".1f"),
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
    ("mean_abs_shap", "mean |SHAP|", ".4f"),
)


@dataclass(frozen=True)
class CardInputs:
    """Out-of-fold predictions, cost curve and bundle metadata the card is drawn from."""

    metadata: dict
    importance: list[dict]
    y: np.ndarray
    prob: np.ndarray
    curve: CostCurve
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
    meta = inputs.metadata
    metrics = meta["cv_metrics"]
    return [
        (
            figures.roc_figure(inputs.y, inputs.prob, metrics["auc"], out / "roc.png", inputs.oracle).name,
            "ROC curve",
        ),
        (
            figures.cost_figure(inputs.curve, meta["threshold"], meta["cost"]["unit"], out / "cost.png").name,
            "Cost",
        ),
        (
            figures.confusion_figure(metrics, meta["threshold"], out / "confusion.png").name,
            "Confusion matrix",
        ),
        (figures.calibration_figure(inputs.y, inputs.prob, out / "calibration.png").name, "Calibration"),
        (figures.importance_figure(inputs.importance, out / "importance.png").name, "Top features"),
    ]


def _summary(meta: dict) -> str:
    m, cost = meta["cv_metrics"], meta["cost"]
    weights = (
        f"w_FN = {cost['w_fn']:g}, w_FP = {cost['w_fp']:g}"
        if cost["mode"] == "count"
        else f"loss given default {cost['loss_given_default']:g}, margin {cost['margin']:.0%} of the credit"
    )
    oracle = f" (true probabilities: {m['oracle_auc']:.4f})" if m.get("oracle_auc") else ""
    items = [
        f"Version <b>{html.escape(meta['version'])}</b>, created {html.escape(meta['created_at'])}",
        f"Trained on {meta['n_train']:,} clients, default rate {meta['default_rate']:.2%}; LightGBM, "
        f"imbalance strategy <b>{html.escape(meta['strategy'])}</b>, {meta['rounds']} trees",
        f"Business cost ({html.escape(cost['mode'])}): {weights}",
        f"Threshold <b>{meta['threshold']:.4f}</b> (refuse when probability of default &ge; threshold), "
        f"approval rate {m['approval_rate']:.1%}",
        f"Out-of-fold AUC {m['auc']:.4f}{oracle}; recall {m['recall']:.3f}, precision {m['precision']:.3f}, "
        f"F-beta (beta {m['beta']:.2f}) {m['fbeta']:.3f}",
        f"Cost per 1,000 applicants {m['cost_per_1000']:,.1f} {html.escape(cost['unit'])} vs "
        f"{m['accept_all_cost_per_1000']:,.1f} accepting everyone (ratio {m['cost_vs_accept_all']:.3f}) and "
        f"{m['cost_per_1000_at_0_5']:,.1f} at threshold 0.5",
        f"Data fingerprint {html.escape(meta['data_fingerprint'][:16])}",
    ]
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def render(inputs: CardInputs, images: list[tuple[str, str]]) -> str:
    """The card's HTML, referring to the images by file name."""
    meta = inputs.metadata
    imgs = "".join(f'<img src="{html.escape(name)}" alt="{html.escape(alt)}">' for name, alt in images)
    top = html_table(inputs.importance[:20], IMPORTANCE_COLUMNS)
    title = f"Model card {html.escape(meta['version'])}"
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<style>{STYLE}</style></head><body>
<h1>Credit default model card</h1>{_summary(meta)}
<h2>Candidates (cross-validated, same folds)</h2>
<p>Each candidate is scored at its own cost-minimising threshold; the selected one is highlighted.</p>
{html_table(meta["candidates"], CANDIDATE_COLUMNS, "selected")}
<h2>Performance of the selected model (out-of-fold)</h2><div class="figs">{imgs}</div>
<h2>Top features (mean |SHAP|)</h2>{top}
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
        (tmp / "index.html").write_text(render(inputs, images))
    return target / "index.html"
