"""Figures of the Model page: cost against the threshold, confusion matrix, ROC, calibration, importance, SHAP
summary (beeswarm) and dependence (the candidates' AUC is the candidates table's, shown once).

Each is built in one go (`go.Figure(data, layout)`) with margins fixed from its labels (`figures.margins`):
the page draws eight of them at once, and Plotly lays each out once instead of twice."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard import text
from dashboard.figures.margins import FIXED, NUMBER, PERCENT, number_label, side, under
from dashboard.figures.style import BLUE, GREY, INK, SEQUENTIAL, VERMILLION, layout_of, wrap
from dashboard.i18n import ENGLISH, Translator

CLOSE_THRESHOLDS = 0.2  # names side by side need their markers this share of the axis apart
COLORBAR_PX = 40  # the beeswarm's colour bar and its gap to the plot, before its tick labels
CARD_TITLE = 24  # characters per line of the axis titles of the model card's figures (a third of the page)


def cost_curve(data: Mapping, t: Translator = ENGLISH) -> go.Figure:
    """Cost per 1,000 applicants and approval rate by threshold, the optimum and production marked."""
    _ = t.gettext
    curve = data["curve"]
    traces = [
        go.Scatter(
            x=curve["threshold"],
            y=curve["cost_per_1000"],
            name=_("Cost per 1,000 applicants"),
            line={"color": VERMILLION, "width": 3},
            hovertemplate="%{x:.1%}: %{y:,.1f}<extra></extra>",
        ),
        go.Scatter(
            x=curve["threshold"],
            y=curve["approval_rate"],
            name=_("Approval rate (right axis)"),
            line={"color": BLUE, "width": 2, "dash": "dash"},
            hovertemplate="%{x:.1%}: %{y:.1%}<extra></extra>",
            yaxis="y2",
        ),
    ]
    right = max(data["best"]["threshold"], data["production"]["threshold"])
    top = min(1.0, max(4 * right, 0.2))
    positions = label_positions(data["best"]["threshold"], data["production"]["threshold"], top)
    points = (
        (_("Lowest cost"), data["best"], "diamond", VERMILLION, positions[0]),
        (_("Production"), data["production"], "square", INK, positions[1]),
    )
    for name, point, symbol, colour, position in points:
        traces.append(
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
    costs = cost_range(curve, top)
    titles = (_("Threshold"), _("Cost per 1,000 applicants"), _("Approval rate"))
    margin = {"l": side([number_label(costs)], titles[1]), "r": side([PERCENT], titles[2])}
    layout = layout_of(
        380,
        {**margin, "t": 60, "b": under(titles[0])},
        t,
        xaxis={**FIXED, "range": [0, top], "tickformat": ".0%", "title": titles[0]},
        yaxis={**FIXED, "title": titles[1], "range": costs},
        yaxis2={
            **FIXED,
            "title": titles[2],
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "range": [0, 1.02],
            "showgrid": False,
        },
    )
    return go.Figure(traces, layout)


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
    columns, rows = [_("Accepted"), _("Refused")], [_("Repaid"), _("Defaulted")]
    titles = tuple(
        wrap(title, CARD_TITLE) for title in (_("Decision at the production threshold"), _("Known outcome"))
    )
    heatmap = go.Heatmap(
        z=z,
        x=columns,
        y=rows,
        text=labels,
        texttemplate="%{text}",
        colorscale=[[0, "#F7FBFF"], [1, "#9ECAE1"]],
        showscale=False,
        hoverinfo="skip",
    )
    layout = layout_of(
        320,
        {"l": side(rows, titles[1]), "b": under(titles[0])},
        t,
        xaxis={**FIXED, "title": titles[0], "side": "bottom"},
        yaxis={**FIXED, "title": titles[1], "autorange": "reversed"},
    )
    return go.Figure([heatmap], layout)


def roc(data: Mapping, t: Translator = ENGLISH) -> go.Figure:
    _ = t.gettext
    auc = data.get("auc")
    name = _("Model (AUC {auc})").format(auc=t.number(auc, 3)) if text.is_number(auc) else _("Model")
    traces = [
        go.Scatter(x=[0, 1], y=[0, 1], name=_("Chance"), line={"color": GREY, "dash": "dot"}),
        go.Scatter(
            x=data["fpr"],
            y=data["tpr"],
            name=name,
            line={"color": BLUE, "width": 3},
            hovertemplate="%{x:.1%}, %{y:.1%}<extra></extra>",
        ),
    ]
    titles = (_("Good clients refused (false positive rate)"), _("Defaulters refused (true positive rate)"))
    return go.Figure(traces, _rates_layout(titles, [0, 1], t))


def _rates_layout(titles: tuple[str, str], span: list[float], t: Translator) -> dict:
    """The layout of a figure of a rate against a rate, both axes over `span` (ROC, calibration), its axis
    titles on lines short enough for a third of the page."""
    axis = {**FIXED, "range": span, "tickformat": ".0%"}
    titles = (wrap(titles[0], CARD_TITLE), wrap(titles[1], CARD_TITLE))
    return layout_of(
        340,
        {"l": side([PERCENT], titles[1]), "r": 20, "t": 50, "b": under(titles[0])},
        t,
        xaxis={**axis, "title": titles[0]},
        yaxis={**axis, "title": titles[1]},
    )


def calibration(data: Mapping, t: Translator = ENGLISH) -> go.Figure:
    _ = t.gettext
    top = max([*data["predicted"], *data["observed"], 0.05]) * 1.1
    traces = [
        go.Scatter(x=[0, top], y=[0, top], name=_("Perfect"), line={"color": GREY, "dash": "dot"}),
        go.Scatter(
            x=data["predicted"],
            y=data["observed"],
            name=_("Model"),
            mode="lines+markers",
            line={"color": VERMILLION, "width": 3},
            marker={"symbol": "square", "size": 9},
            hovertemplate="%{x:.1%} \u2192 %{y:.1%}<extra></extra>",
        ),
    ]
    titles = (_("Calibrated risk (mean per group)"), _("Observed default rate"))
    return go.Figure(traces, _rates_layout(titles, [0, top], t))


def importance(entries: Sequence[Mapping], t: Translator = ENGLISH, top: int = 15) -> go.Figure:
    shown = list(entries[:top])
    labels = [wrap(e["label"]) for e in shown]
    bars = go.Bar(
        x=[e["mean_abs_shap"] for e in shown],
        y=labels,
        orientation="h",
        marker={"color": BLUE},
        hovertemplate="%{y}: %{x:.3f}<extra></extra>",
    )
    title = t.gettext("Mean |SHAP value| (log-odds)")
    layout = layout_of(
        120 + 34 * len(shown),
        {"l": side(labels), "r": 20, "b": under(title)},
        t,
        xaxis={**FIXED, "title": title},
        yaxis={**FIXED, "autorange": "reversed"},
    )
    return go.Figure([bars], layout)


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
    hover = _("SHAP %{x:.2f}: %{customdata} clients") + "<extra></extra>"
    traces = [
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
            hovertemplate=hover,
        )
    ]
    if gaps:
        traces.append(
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
                hovertemplate=hover,
            )
        )
    labels = [wrap(r["label"], 40) for r in rows]
    title = _("SHAP value (log-odds; right = raises the risk)")
    layout = layout_of(
        140 + 40 * len(rows),
        {"l": side(labels), "r": COLORBAR_PX + side([_("low"), _("high")]), "t": 50, "b": under(title)},
        t,
        xaxis={**FIXED, "title": title},
        yaxis={**FIXED, "tickvals": list(range(len(rows))), "ticktext": labels, "autorange": "reversed"},
        shapes=[_line("x", "y", 0)],
    )
    return go.Figure(traces, layout)


def _line(along: str, across: str, at: float) -> dict:
    """A line across the plot at `at` on the `along` axis (as `fig.add_vline` and `fig.add_hline`)."""
    ends = {f"{along}0": at, f"{along}1": at, f"{across}0": 0, f"{across}1": 1}
    return {"type": "line", f"{along}ref": along, f"{across}ref": f"{across} domain", **ends} | {
        "line": {"color": INK, "width": 1}
    }


def dependence(curve: Mapping, t: Translator = ENGLISH) -> go.Figure:
    """A feature's contribution against its value, from bins: the mean and the 10th-90th percentile band,
    each bin at the middle of its values."""
    _ = t.gettext
    bins = curve["bins"]
    xs = [(b["low"] + b["high"]) / 2 for b in bins]
    traces = [
        go.Scatter(
            x=[*xs, *xs[::-1]],
            y=[b["high_shap"] for b in bins] + [b["low_shap"] for b in bins][::-1],
            fill="toself",
            fillcolor="rgba(0, 114, 178, 0.18)",
            line={"width": 0},
            name=_("10th to 90th percentile"),
            hoverinfo="skip",
        ),
        go.Scatter(
            x=xs,
            y=[b["mean_shap"] for b in bins],
            customdata=[b["clients"] for b in bins],
            mode="lines+markers",
            name=_("Mean"),
            line={"color": BLUE, "width": 3},
            hovertemplate="%{x:.3g}: %{y:+.3f} (%{customdata})<extra></extra>",
        ),
    ]
    title, shap = wrap(curve["label"], 70), _("SHAP value (log-odds)")
    layout = layout_of(
        360,
        {"l": side([NUMBER], shap), "r": 20, "t": 50, "b": under(title)},
        t,
        xaxis={**FIXED, "title": title},
        yaxis={**FIXED, "title": shap},
        shapes=[_line("y", "x", 0)],
    )
    return go.Figure(traces, layout)
