"""Plotly figures of the dashboard, pure functions of the API's JSON payloads.

Colours are the Okabe-Ito colour-blind-safe palette; meaning never rests on colour alone (text labels,
marker symbols, dash styles and bar patterns carry it too). Every figure has a text summary in `text`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard import text

BLUE = "#0072B2"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
PURPLE = "#CC79A7"
INK = "#212529"
GREY = "#6C757D"
GRID = "#E9ECEF"
ACCEPT_ZONE = "#DCEBF5"
REFUSE_ZONE = "#F9E0D0"
SEQUENTIAL = "Cividis"
ERROR_STYLES = ((ORANGE, "/"), (VERMILLION, "x"), (PURPLE, "."), (GREEN, "\\"), (SKY, "+"))
LABEL_WIDTH = 42
WATERFALL_OTHERS = "All other features"
RAISES = "\u25b2 raises"
LOWERS = "\u25bc lowers"


def base_layout(fig: go.Figure, height: int, margin: dict | None = None, **layout: object) -> go.Figure:
    """The shared look: white background, light grid, readable dark text, compact margins (no template:
    applying one costs more than the rest of the figure)."""
    fig.update_layout(
        template="none",
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10, **(margin or {})},
        font={"size": 13, "color": INK, "family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        **layout,
    )
    fig.update_xaxes(gridcolor=GRID, linecolor=GREY, zerolinecolor=GREY, automargin=True)
    fig.update_yaxes(gridcolor=GRID, linecolor=GREY, zerolinecolor=GREY, automargin=True)
    return fig


def wrap(label: str, width: int = LABEL_WIDTH) -> str:
    return "<br>".join(textwrap.wrap(label, width)) or label


def risk_bar(probability: float, threshold: float) -> go.Figure:
    """Bullet bar: the probability of default against the threshold, with the two zones named."""
    top = min(1.0, max(2.5 * threshold, 1.25 * probability, 0.1))
    colour = BLUE if probability < threshold else VERMILLION
    fig = go.Figure(
        go.Bar(
            x=[probability],
            y=["Risk"],
            orientation="h",
            marker={"color": colour, "line": {"color": INK, "width": 1}},
            width=0.35,
            text=[text.percent(probability)],
            textposition="outside",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    zones = ((0, threshold, ACCEPT_ZONE, "Accept zone"), (threshold, top, REFUSE_ZONE, "Refuse zone"))
    for low, high, fill, name in zones:
        fig.add_vrect(x0=low, x1=high, fillcolor=fill, line_width=0, layer="below")
        fig.add_annotation(x=(low + high) / 2, y=1.0, yref="paper", text=name, showarrow=False, yanchor="top")
    fig.add_vline(x=threshold, line={"color": INK, "width": 2, "dash": "dash"})
    fig.add_annotation(
        x=threshold,
        y=0.02,
        yref="paper",
        text=f"Threshold {text.percent(threshold)}",
        showarrow=False,
        yanchor="bottom",
        xanchor="left",
        xshift=4,
        bgcolor="white",
    )
    fig.update_xaxes(range=[0, top], tickformat=".0%", title="Probability of default")
    fig.update_yaxes(showticklabels=False)
    return base_layout(fig, 190)


def waterfall_steps(explanation: Mapping) -> list[tuple[str, float]]:
    """(label, contribution) of the reasons, strongest first, then the rest as one step."""
    reasons = [*(explanation.get("raising") or []), *(explanation.get("lowering") or [])]
    reasons.sort(key=lambda r: abs(r["contribution"]), reverse=True)
    steps = [(f"{r['label']} = {text.value_text(r.get('value'))}", r["contribution"]) for r in reasons]
    rest = explanation["raw_score"] - explanation["base_value"] - sum(c for _, c in steps)
    return [*steps, (WATERFALL_OTHERS, rest)]


def waterfall(explanation: Mapping) -> go.Figure:
    """Local explanation: from the average score, each main feature's push up or down, to this client's.

    The bars are contributions in log-odds of the raw model; the two end points are labelled with the
    calibrated probabilities of default the API gives for them."""
    steps = waterfall_steps(explanation)
    start = explanation["base_value"]
    bases, labels = [], []
    level = start
    for label, contribution in steps:
        bases.append(level)
        labels.append(wrap(label))
        level += contribution
    values = [c for _, c in steps]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            base=bases,
            orientation="h",
            marker={
                "color": [VERMILLION if v > 0 else BLUE for v in values],
                "pattern": {"shape": ["/" if v > 0 else "" for v in values]},
                "line": {"color": INK, "width": 1},
            },
            text=[f"{RAISES if v > 0 else LOWERS} {v:+.2f}" for v in values],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    marks = (
        (start, "Average client", explanation["base_probability"], GREY, 0),
        (explanation["raw_score"], "This client", explanation["probability"], INK, 18),
    )
    for x, name, risk, colour, shift in marks:
        fig.add_vline(x=x, line={"color": colour, "dash": "dot"})
        fig.add_annotation(
            x=x,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            yshift=shift,
            showarrow=False,
            text=f"{name}: {text.percent(risk)}",
        )
    ends = [*bases, *(b + v for b, v in zip(bases, values, strict=True)), explanation["raw_score"]]
    pad = 0.35 * (max(ends) - min(ends) or 1.0)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(
        title="Score in log-odds of the raw model (right = higher risk); risks at the ends are calibrated",
        range=[min(ends) - pad, max(ends) + pad],
        automargin=True,
    )
    return base_layout(fig, 140 + 48 * len(steps), margin={"l": 10, "r": 90, "t": 60, "b": 10})


def _shares(counts: Sequence[int]) -> list[float]:
    total = sum(counts)
    return [c / total if total else 0.0 for c in counts]


def _marker_position(data: Mapping, value: object) -> float | None:
    """Where the client's value sits on the x axis (a category's index on a categorical axis)."""
    levels = data.get("levels")
    if levels:
        return levels.index(value) if value in levels else None
    return value if text.is_number(value) else None


def distribution(data: Mapping) -> go.Figure:
    """A feature among repaid and defaulted clients (share of each group), the client's value marked."""
    categorical = bool(data.get("levels"))
    if categorical:
        x, width = data["levels"], None
    else:
        edges = np.asarray(data["edges"])
        x, width = ((edges[:-1] + edges[1:]) / 2).tolist(), float(edges[1] - edges[0])
    fig = go.Figure()
    groups = (("Repaid", data["repaid"], BLUE, ""), ("Defaulted", data["defaulted"], VERMILLION, "/"))
    for name, counts, colour, pattern in groups:
        fig.add_trace(
            go.Bar(
                x=x,
                y=_shares(counts),
                width=width,
                name=f"{name} ({sum(counts):,})",
                marker={"color": colour, "opacity": 0.65, "pattern": {"shape": pattern}},
            )
        )
    value = data.get("client_value")
    position = _marker_position(data, value)
    if position is not None:
        fig.add_vline(x=position, line={"color": INK, "width": 3, "dash": "dash"})
        fig.add_annotation(
            x=position,
            y=0.97,
            yref="paper",
            text=f"This client: {text.value_text(value)}",
            showarrow=False,
            yanchor="top",
            xanchor="left",
            xshift=4,
            bgcolor="white",
        )
    fig.update_layout(barmode="group" if categorical else "overlay", bargap=0.05)
    fig.update_yaxes(tickformat=".0%", title="Share of the group")
    fig.update_xaxes(title=wrap(data["label"], 80))
    return base_layout(fig, 360, margin={"l": 10, "r": 10, "t": 60, "b": 10})


def scatter(data: Mapping) -> go.Figure:
    """Two features of labelled clients, coloured by risk, outcome by symbol, the client as a star."""
    x, y = np.asarray(data["x_values"]), np.asarray(data["y_values"])
    probability, outcome = np.asarray(data["probability"]), np.asarray(data["outcome"])
    fig = go.Figure()
    for value, name, symbol in ((0, "Repaid", "circle"), (1, "Defaulted", "x")):
        keep = outcome == value
        fig.add_trace(
            go.Scatter(
                x=x[keep],
                y=y[keep],
                mode="markers",
                name=f"{name} ({int(keep.sum()):,})",
                marker={
                    "symbol": symbol,
                    "size": 7,
                    "color": probability[keep],
                    "coloraxis": "coloraxis",
                    "opacity": 0.75,
                },
                hovertemplate=f"{name}<br>%{{x}}, %{{y}}<extra></extra>",
            )
        )
    client = data.get("client")
    if client and client.get("x") is not None and client.get("y") is not None:
        fig.add_trace(
            go.Scatter(
                x=[client["x"]],
                y=[client["y"]],
                mode="markers+text",
                name="This client",
                text=["This client"],
                textposition="top right",
                marker={"symbol": "star", "size": 22, "color": ORANGE, "line": {"color": INK, "width": 2}},
            )
        )
    fig.update_layout(
        coloraxis={
            "colorscale": SEQUENTIAL,
            "colorbar": {"title": "Risk", "tickformat": ".0%"},
        }
    )
    fig.update_xaxes(title=wrap(data["x_label"], 70))
    fig.update_yaxes(title=wrap(data["y_label"], 40))
    return base_layout(fig, 440, margin={"l": 10, "r": 10, "t": 60, "b": 10})


def comparison(before: Mapping, after: Mapping, threshold: float) -> go.Figure:
    """Before and after a what-if: two probabilities against the threshold, decisions written on bars."""
    rows = (("Before", before), ("After", after))
    top = min(1.0, max(2.5 * threshold, 1.25 * max(before["probability"], after["probability"]), 0.1))
    fig = go.Figure(
        go.Bar(
            y=[name for name, _ in rows],
            x=[r["probability"] for _, r in rows],
            orientation="h",
            marker={
                "color": [BLUE if r["decision"] == text.ACCEPT else VERMILLION for _, r in rows],
                "pattern": {"shape": ["" if r["decision"] == text.ACCEPT else "/" for _, r in rows]},
                "line": {"color": INK, "width": 1},
            },
            text=[
                f"{text.percent(r['probability'])} {text.decision_icon(r['decision'])} "
                f"{text.decision_words(r['decision'])}"
                for _, r in rows
            ],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_vline(x=threshold, line={"color": INK, "width": 2, "dash": "dash"})
    fig.add_annotation(
        x=threshold,
        y=1,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=f"Threshold {text.percent(threshold)}",
    )
    fig.update_xaxes(range=[0, top], tickformat=".0%", title="Probability of default")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, 220, margin={"l": 10, "r": 160, "t": 40, "b": 10})


def cost_curve(data: Mapping) -> go.Figure:
    """Cost per 1,000 applicants and approval rate by threshold, the optimum and production marked."""
    curve = data["curve"]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=curve["threshold"],
            y=curve["cost_per_1000"],
            name="Cost per 1,000 applicants",
            line={"color": VERMILLION, "width": 3},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=curve["threshold"],
            y=curve["approval_rate"],
            name="Approval rate (right axis)",
            line={"color": BLUE, "width": 2, "dash": "dash"},
            yaxis="y2",
        )
    )
    points = (
        ("Lowest cost", data["best"], "diamond", VERMILLION),
        ("Production", data["production"], "square", INK),
    )
    for name, point, symbol, colour in points:
        fig.add_trace(
            go.Scatter(
                x=[point["threshold"]],
                y=[point["cost_per_1000"]],
                mode="markers+text",
                name=f"{name}: {text.percent(point['threshold'])}",
                text=[name],
                textposition="top right",
                marker={
                    "symbol": symbol,
                    "size": 14,
                    "color": colour,
                    "line": {"color": "white", "width": 1},
                },
            )
        )
    right = max(data["best"]["threshold"], data["production"]["threshold"])
    fig.update_xaxes(range=[0, min(1.0, max(4 * right, 0.2))], tickformat=".0%", title="Threshold")
    fig.update_layout(
        yaxis={"title": "Cost per 1,000 applicants"},
        yaxis2={
            "title": "Approval rate",
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "range": [0, 1.02],
            "showgrid": False,
        },
    )
    return base_layout(fig, 380, margin={"l": 10, "r": 10, "t": 60, "b": 10})


def confusion_matrix(confusion: Mapping[str, int]) -> go.Figure:
    """Counts of decisions against outcomes, each cell named in words."""
    z = [[confusion["tn"], confusion["fp"]], [confusion["fn"], confusion["tp"]]]
    names = [["good clients accepted", "good clients refused"], ["defaulters accepted", "defaulters refused"]]
    labels = [[f"{z[i][j]:,}<br>{names[i][j]}" for j in range(2)] for i in range(2)]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=["Accepted", "Refused"],
            y=["Repaid", "Defaulted"],
            text=labels,
            texttemplate="%{text}",
            colorscale=[[0, "#F7FBFF"], [1, "#9ECAE1"]],
            showscale=False,
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(title="Decision at the production threshold", side="bottom")
    fig.update_yaxes(title="Known outcome", autorange="reversed")
    return base_layout(fig, 320)


def roc(data: Mapping) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], name="Chance", line={"color": GREY, "dash": "dot"}))
    auc = data.get("auc")
    name = f"Model (AUC {auc:.3f})" if text.is_number(auc) else "Model"
    fig.add_trace(go.Scatter(x=data["fpr"], y=data["tpr"], name=name, line={"color": BLUE, "width": 3}))
    fig.update_xaxes(title="Good clients refused (false positive rate)", range=[0, 1], tickformat=".0%")
    fig.update_yaxes(title="Defaulters refused (true positive rate)", range=[0, 1], tickformat=".0%")
    return base_layout(fig, 340, margin={"l": 10, "r": 10, "t": 50, "b": 10})


def calibration(data: Mapping) -> go.Figure:
    """Reliability diagram of the calibrated out-of-fold probabilities (groups of equal size)."""
    top = max([*data["predicted"], *data["observed"], 0.05]) * 1.1
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], name="Perfect", line={"color": GREY, "dash": "dot"}))
    fig.add_trace(
        go.Scatter(
            x=data["predicted"],
            y=data["observed"],
            name="Model",
            mode="lines+markers",
            line={"color": VERMILLION, "width": 3},
            marker={"symbol": "square", "size": 9},
        )
    )
    fig.update_xaxes(title="Calibrated risk (mean per group)", tickformat=".0%", range=[0, top])
    fig.update_yaxes(title="Observed default rate", tickformat=".0%", range=[0, top])
    return base_layout(fig, 340, margin={"l": 10, "r": 10, "t": 50, "b": 10})


def importance(entries: Sequence[Mapping], top: int = 15) -> go.Figure:
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
    fig.update_xaxes(title="Mean |SHAP value| (log-odds)")
    return base_layout(fig, 120 + 34 * len(shown))


def _ranks(values: Sequence[float | None]) -> np.ndarray:
    """Each known value's rank in [0, 1] (NaN where unknown): the colour of a beeswarm dot."""
    array = np.array([math.nan if v is None else v for v in values], dtype=np.float64)
    known = ~np.isnan(array)
    ranks = np.full(len(array), math.nan)
    if known.sum() > 1:
        order = array[known].argsort().argsort()
        ranks[known] = order / (known.sum() - 1)
    elif known.any():
        ranks[known] = 0.5
    return ranks


def beeswarm(sample: Mapping, features: Sequence[str], labels: Mapping[str, str]) -> go.Figure:
    """SHAP summary: one row per feature, one dot per client at its SHAP value, coloured by value."""
    rng = np.random.default_rng(0)
    xs, ys, colours, unknown_x, unknown_y = [], [], [], [], []
    for row, name in enumerate(features):
        shap = np.asarray(sample["shap"][name], dtype=np.float64)
        ranks = _ranks(sample["values"][name])
        jitter = row + rng.uniform(-0.3, 0.3, len(shap))
        known = ~np.isnan(ranks)
        xs.extend(shap[known]), ys.extend(jitter[known]), colours.extend(ranks[known])
        unknown_x.extend(shap[~known]), unknown_y.extend(jitter[~known])
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            name="Known value",
            marker={
                "size": 5,
                "color": colours,
                "colorscale": SEQUENTIAL,
                "opacity": 0.8,
                "colorbar": {"title": "Value", "tickvals": [0, 1], "ticktext": ["low", "high"]},
            },
            hoverinfo="skip",
        )
    )
    if unknown_x:
        fig.add_trace(
            go.Scatter(
                x=unknown_x,
                y=unknown_y,
                mode="markers",
                name="Missing value",
                marker={"size": 5, "color": GREY, "symbol": "x"},
                hoverinfo="skip",
            )
        )
    fig.add_vline(x=0, line={"color": INK, "width": 1})
    fig.update_yaxes(
        tickvals=list(range(len(features))),
        ticktext=[wrap(labels[f], 40) for f in features],
        autorange="reversed",
        automargin=True,
    )
    fig.update_xaxes(title="SHAP value (log-odds; right = raises the risk)")
    return base_layout(fig, 140 + 40 * len(features), margin={"l": 10, "r": 10, "t": 50, "b": 10})


def dependence(sample: Mapping, feature: str, label: str) -> go.Figure:
    values = sample["values"][feature]
    shap = sample["shap"][feature]
    pairs = [(v, s, t) for v, s, t in zip(values, shap, sample["target"], strict=True) if v is not None]
    fig = go.Figure()
    for outcome, name, symbol, colour in ((0, "Repaid", "circle", BLUE), (1, "Defaulted", "x", VERMILLION)):
        chosen = [(v, s) for v, s, t in pairs if t == outcome]
        fig.add_trace(
            go.Scatter(
                x=[v for v, _ in chosen],
                y=[s for _, s in chosen],
                mode="markers",
                name=name,
                marker={"symbol": symbol, "size": 6, "color": colour, "opacity": 0.7},
            )
        )
    fig.add_hline(y=0, line={"color": INK, "width": 1})
    fig.update_xaxes(title=wrap(label, 70))
    fig.update_yaxes(title="SHAP value (log-odds)")
    return base_layout(fig, 360, margin={"l": 10, "r": 10, "t": 50, "b": 10})


def bucket_ms(bucket: str) -> float:
    """Length of a monitoring bucket such as '5m', '1h' or '1d' in milliseconds (0 when unreadable)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = bucket[:-1], bucket[-1:]
    return 1000.0 * int(number) * units[unit] if number.isdigit() and unit in units else 0.0


def _time_axis(fig: go.Figure, window: Sequence[str] | None) -> go.Figure:
    """The period asked for on the x axis (one bucket alone would otherwise fill it)."""
    if window:
        fig.update_xaxes(range=list(window), type="date")
    return fig


def traffic(buckets: Sequence[Mapping], window: Sequence[str] | None = None, bucket: str = "") -> go.Figure:
    """Requests per period: answered normally, and errors by HTTP status (colour and pattern)."""
    starts = [b["start"] for b in buckets]
    width = 0.9 * bucket_ms(bucket) or None
    codes = sorted({code for b in buckets for code in (b.get("errors") or {})})
    ok = [b["requests"] - sum((b.get("errors") or {}).values()) for b in buckets]
    fig = go.Figure(go.Bar(x=starts, y=ok, width=width, name="Answered (2xx/3xx)", marker={"color": BLUE}))
    for i, code in enumerate(codes):
        colour, pattern = ERROR_STYLES[i % len(ERROR_STYLES)]
        fig.add_trace(
            go.Bar(
                x=starts,
                y=[(b.get("errors") or {}).get(code, 0) for b in buckets],
                width=width,
                name=f"HTTP {code}",
                marker={"color": colour, "pattern": {"shape": pattern}},
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title="Requests")
    return _time_axis(base_layout(fig, 320, margin={"t": 50}), window)


def _lines(
    buckets: Sequence[Mapping], series: Sequence[tuple[str, str, str, str, str]], window: Sequence[str] | None
) -> go.Figure:
    """One line per (name, key, dash, symbol, colour): dash style and marker tell the lines apart."""
    starts = [b["start"] for b in buckets]
    fig = go.Figure()
    for name, key, dash, symbol, colour in series:
        fig.add_trace(
            go.Scatter(
                x=starts,
                y=[b.get(key) for b in buckets],
                name=name,
                mode="lines+markers",
                line={"dash": dash, "color": colour, "width": 2},
                marker={"symbol": symbol, "size": 8},
            )
        )
    return _time_axis(base_layout(fig, 320, margin={"t": 50}), window)


def latency(buckets: Sequence[Mapping], window: Sequence[str] | None = None) -> go.Figure:
    series = [
        ("p50", "latency_ms_p50", "solid", "circle", BLUE),
        ("p95", "latency_ms_p95", "dash", "square", ORANGE),
        ("p99", "latency_ms_p99", "dot", "diamond", VERMILLION),
    ]
    fig = _lines(buckets, series, window)
    fig.update_yaxes(title="Latency (ms)", rangemode="tozero")
    return fig


def decisions(buckets: Sequence[Mapping], window: Sequence[str] | None = None) -> go.Figure:
    series = [
        ("Refusal rate", "refusal_rate", "solid", "square", VERMILLION),
        ("Mean risk of default", "mean_probability", "dash", "circle", BLUE),
        ("Risk of default, 90th percentile", "probability_p90", "dot", "triangle-up", ORANGE),
        ("Risk of default, median", "probability_p50", "dashdot", "diamond", GREEN),
        ("Risk of default, 10th percentile", "probability_p10", "dot", "triangle-down", SKY),
    ]
    fig = _lines(buckets, series, window)
    fig.update_yaxes(title="Share", tickformat=".0%", rangemode="tozero")
    return fig


# --- Model page: candidates compared by repeated cross-validation ----------------------------------------


def candidates(rows: Sequence[Mapping]) -> go.Figure:
    """Out-of-fold AUC of each candidate, mean with one standard deviation across the repeats either side;
    the selected candidate is drawn as a diamond and named."""
    shown = [r for r in rows if text.is_number(r.get("auc"))]
    labels = [wrap(f"{r['candidate']} (selected)" if r.get("selected") else r["candidate"]) for r in shown]
    fig = go.Figure(
        go.Scatter(
            x=[r["auc"] for r in shown],
            y=labels,
            mode="markers",
            error_x={"type": "data", "array": [r.get("auc_std") or 0.0 for r in shown], "color": INK},
            marker={
                "symbol": ["diamond" if r.get("selected") else "circle" for r in shown],
                "size": [14 if r.get("selected") else 9 for r in shown],
                "color": [VERMILLION if r.get("selected") else BLUE for r in shown],
                "line": {"color": INK, "width": 1},
            },
            hovertemplate="%{y}: AUC %{x:.4f}<extra></extra>",
            showlegend=False,
        )
    )
    useful = [r["auc"] for r in shown if r["auc"] > 0.55] or [0.5]
    fig.update_xaxes(title="Out-of-fold AUC (mean ± std across repeats)", range=[min(useful) - 0.02, 1.0])
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, 90 + 42 * len(shown))
