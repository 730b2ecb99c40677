"""Figures of the Model page: cost against the threshold, confusion matrix, ROC, calibration, importance, SHAP
summary (beeswarm) and dependence (the candidates' AUC is the candidates table's, shown once)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard import text
from dashboard.figures.style import BLUE, GREY, INK, SEQUENTIAL, VERMILLION, base_layout, wrap
from dashboard.i18n import ENGLISH, Translator

CLOSE_THRESHOLDS = 0.2  # names side by side need their markers this share of the axis apart


def cost_curve(data: Mapping, t: Translator = ENGLISH) -> go.Figure:
    """Cost per 1,000 applicants and approval rate by threshold, the optimum and production marked."""
    _ = t.gettext
    curve = data["curve"]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=curve["threshold"],
            y=curve["cost_per_1000"],
            name=_("Cost per 1,000 applicants"),
            line={"color": VERMILLION, "width": 3},
            hovertemplate="%{x:.1%}: %{y:,.1f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=curve["threshold"],
            y=curve["approval_rate"],
            name=_("Approval rate (right axis)"),
            line={"color": BLUE, "width": 2, "dash": "dash"},
            hovertemplate="%{x:.1%}: %{y:.1%}<extra></extra>",
            yaxis="y2",
        )
    )
    right = max(data["best"]["threshold"], data["production"]["threshold"])
    top = min(1.0, max(4 * right, 0.2))
    positions = label_positions(data["best"]["threshold"], data["production"]["threshold"], top)
    points = (
        (_("Lowest cost"), data["best"], "diamond", VERMILLION, positions[0]),
        (_("Production"), data["production"], "square", INK, positions[1]),
    )
    for name, point, symbol, colour, position in points:
        fig.add_trace(
            go.Scatter(
                x=[point["threshold"]],
                y=[point["cost_per_1000"]],
                mode="markers+text",
                name=_("{name}: {threshold}").format(name=name, threshold=t.percent(point["threshold"])),
                text=[name],
                textposition=position,
                cliponaxis=False,
                marker={
                    "symbol": symbol,
                    "size": 14,
                    "color": colour,
                    "line": {"color": "white", "width": 1},
                },
            )
        )
    fig.update_xaxes(range=[0, top], tickformat=".0%", title=_("Threshold"))
    fig.update_layout(
        yaxis={"title": _("Cost per 1,000 applicants"), "range": cost_range(curve, top)},
        yaxis2={
            "title": _("Approval rate"),
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "range": [0, 1.02],
            "showgrid": False,
        },
    )
    return base_layout(fig, 380, margin={"l": 10, "r": 10, "t": 60, "b": 10}, t=t)


def label_positions(best: float, production: float, span: float) -> tuple[str, str]:
    """Where the names of the lowest-cost and production markers go: both above their marker when the
    thresholds are apart, else the lowest cost's below its marker (the curve has nothing under its minimum)
    so that the two names never overlap."""
    if abs(best - production) >= CLOSE_THRESHOLDS * span:
        return "top center", "top center"
    return "bottom center", "top center"


def cost_range(curve: Mapping, span: float) -> list[float]:
    """The cost axis over the thresholds shown, with room under the minimum for a marker's name."""
    shown = [c for x, c in zip(curve["threshold"], curve["cost_per_1000"], strict=True) if x <= span]
    costs = shown or list(curve["cost_per_1000"]) or [0.0]
    low, high = min(costs), max(costs)
    pad = (high - low) * 0.06 or 1.0
    return [low - 2.5 * pad, high + pad]


def confusion_matrix(confusion: Mapping[str, int], t: Translator = ENGLISH) -> go.Figure:
    """Counts of decisions against outcomes, each cell named in words."""
    _ = t.gettext
    z = [[confusion["tn"], confusion["fp"]], [confusion["fn"], confusion["tp"]]]
    names = [
        [_("good clients accepted"), _("good clients refused")],
        [_("defaulters accepted"), _("defaulters refused")],
    ]
    labels = [[f"{t.number(z[i][j])}<br>{names[i][j]}" for j in range(2)] for i in range(2)]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_("Accepted"), _("Refused")],
            y=[_("Repaid"), _("Defaulted")],
            text=labels,
            texttemplate="%{text}",
            colorscale=[[0, "#F7FBFF"], [1, "#9ECAE1"]],
            showscale=False,
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(title=_("Decision at the production threshold"), side="bottom")
    fig.update_yaxes(title=_("Known outcome"), autorange="reversed")
    return base_layout(fig, 320, t=t)


def roc(data: Mapping, t: Translator = ENGLISH) -> go.Figure:
    _ = t.gettext
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], name=_("Chance"), line={"color": GREY, "dash": "dot"}))
    auc = data.get("auc")
    name = _("Model (AUC {auc})").format(auc=t.number(auc, 3)) if text.is_number(auc) else _("Model")
    fig.add_trace(
        go.Scatter(
            x=data["fpr"],
            y=data["tpr"],
            name=name,
            line={"color": BLUE, "width": 3},
            hovertemplate="%{x:.1%}, %{y:.1%}<extra></extra>",
        )
    )
    fig.update_xaxes(title=_("Good clients refused (false positive rate)"), range=[0, 1], tickformat=".0%")
    fig.update_yaxes(title=_("Defaulters refused (true positive rate)"), range=[0, 1], tickformat=".0%")
    return base_layout(fig, 340, margin={"l": 10, "r": 10, "t": 50, "b": 10}, t=t)


def calibration(data: Mapping, t: Translator = ENGLISH) -> go.Figure:
    _ = t.gettext
    top = max([*data["predicted"], *data["observed"], 0.05]) * 1.1
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], name=_("Perfect"), line={"color": GREY, "dash": "dot"}))
    fig.add_trace(
        go.Scatter(
            x=data["predicted"],
            y=data["observed"],
            name=_("Model"),
            mode="lines+markers",
            line={"color": VERMILLION, "width": 3},
            marker={"symbol": "square", "size": 9},
            hovertemplate="%{x:.1%} \u2192 %{y:.1%}<extra></extra>",
        )
    )
    fig.update_xaxes(title=_("Calibrated risk (mean per group)"), tickformat=".0%", range=[0, top])
    fig.update_yaxes(title=_("Observed default rate"), tickformat=".0%", range=[0, top])
    return base_layout(fig, 340, margin={"l": 10, "r": 10, "t": 50, "b": 10}, t=t)


def importance(entries: Sequence[Mapping], t: Translator = ENGLISH, top: int = 15) -> go.Figure:
    shown = list(entries[:top])
    fig = go.Figure(
        go.Bar(
            x=[e["mean_abs_shap"] for e in shown],
            y=[wrap(e["label"]) for e in shown],
            orientation="h",
            marker={"color": BLUE},
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=t.gettext("Mean |SHAP value| (log-odds)"))
    return base_layout(fig, 120 + 34 * len(shown), t=t)


def beeswarm(summary: Mapping, t: Translator = ENGLISH) -> go.Figure:
    """SHAP summary from bins: one row per feature, a dot per SHAP bin sized by its clients and coloured by
    the mean rank of their values (grey: clients without a value)."""
    _ = t.gettext
    edges = np.asarray(summary["edges"], dtype=np.float64)
    centres = ((edges[:-1] + edges[1:]) / 2).tolist()
    rows = summary["beeswarm"]
    largest = max((c for r in rows for c in r["counts"]), default=1) or 1
    xs, ys, sizes, colours, counts, gaps = [], [], [], [], [], []
    for row, entry in enumerate(rows):
        for x, count, rank, missing in zip(
            centres, entry["counts"], entry["value_rank"], entry["missing"], strict=True
        ):
            if count - missing > 0 and rank is not None:
                xs.append(x), ys.append(row), colours.append(rank), counts.append(count - missing)
                sizes.append(4 + 22 * math.sqrt((count - missing) / largest))
            if missing:
                gaps.append((x, row, missing))
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            name=_("Known value"),
            customdata=counts,
            marker={
                "size": sizes,
                "color": colours,
                "colorscale": SEQUENTIAL,
                "cmin": 0,
                "cmax": 1,
                "line": {"color": "white", "width": 0.5},
                "colorbar": {"title": _("Value"), "tickvals": [0, 1], "ticktext": [_("low"), _("high")]},
            },
            hovertemplate=_("SHAP %{x:.2f}: %{customdata} clients") + "<extra></extra>",
        )
    )
    if gaps:
        fig.add_trace(
            go.Scatter(
                x=[g[0] for g in gaps],
                y=[g[1] + 0.3 for g in gaps],
                mode="markers",
                name=_("Missing value"),
                customdata=[g[2] for g in gaps],
                marker={
                    "size": [4 + 22 * math.sqrt(g[2] / largest) for g in gaps],
                    "color": GREY,
                    "symbol": "x",
                },
                hovertemplate=_("SHAP %{x:.2f}: %{customdata} clients") + "<extra></extra>",
            )
        )
    fig.add_vline(x=0, line={"color": INK, "width": 1})
    fig.update_yaxes(
        tickvals=list(range(len(rows))),
        ticktext=[wrap(r["label"], 40) for r in rows],
        autorange="reversed",
        automargin=True,
    )
    fig.update_xaxes(title=_("SHAP value (log-odds; right = raises the risk)"))
    return base_layout(fig, 140 + 40 * len(rows), margin={"l": 10, "r": 10, "t": 50, "b": 10}, t=t)


def dependence(curve: Mapping, t: Translator = ENGLISH) -> go.Figure:
    """A feature's contribution against its value, from bins: the mean and the 10th-90th percentile band,
    each bin at the middle of its values."""
    _ = t.gettext
    bins = curve["bins"]
    xs = [(b["low"] + b["high"]) / 2 for b in bins]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[*xs, *xs[::-1]],
            y=[b["high_shap"] for b in bins] + [b["low_shap"] for b in bins][::-1],
            fill="toself",
            fillcolor="rgba(0, 114, 178, 0.18)",
            line={"width": 0},
            name=_("10th to 90th percentile"),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[b["mean_shap"] for b in bins],
            customdata=[b["clients"] for b in bins],
            mode="lines+markers",
            name=_("Mean"),
            line={"color": BLUE, "width": 3},
            hovertemplate="%{x:.3g}: %{y:+.3f} (%{customdata})<extra></extra>",
        )
    )
    fig.add_hline(y=0, line={"color": INK, "width": 1})
    fig.update_xaxes(title=wrap(curve["label"], 70))
    fig.update_yaxes(title=_("SHAP value (log-odds)"))
    return base_layout(fig, 360, margin={"l": 10, "r": 10, "t": 50, "b": 10}, t=t)
