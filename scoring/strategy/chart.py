"""The chart of a simulation: approval rate against bad rate over the accept cut-off, one curve per strategy
(its rules applied), each strategy's own cut-off marked. The bad rate is the observed one when the
population's outcomes are known, else the expected one (mean calibrated PD). Written as a self-contained
HTML file (plotly's script inline: no CDN)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scoring.io import write_text_atomic
from scoring.strategy.decide import Decisions
from scoring.strategy.definition import Strategy
from scoring.strategy.simulate import Compared, settings

if TYPE_CHECKING:  # plotly draws the CLI's HTML chart only: the API image, which serves the points, lacks it
    import plotly.graph_objects as go


def curve(
    probability: np.ndarray, bad: np.ndarray, decisions: Decisions, cutoffs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Approval rate and bad rate of the accepted at each accept cut-off, the rules' refusals and referrals
    kept (a client stopped by a rule is never accepted)."""
    free = ~decisions.fired.any(axis=1)
    approval, bad_rate = [], []
    for cutoff in cutoffs:
        accepted = free & (probability < cutoff)
        known = accepted & ~np.isnan(bad)
        approval.append(accepted.mean() if len(probability) else 0.0)
        bad_rate.append(bad[known].mean() if known.any() else np.nan)
    return np.asarray(approval), np.asarray(bad_rate)


def _point(
    strategy: Strategy, probability: np.ndarray, bad: np.ndarray, decisions: Decisions
) -> tuple[float, float]:
    approval, bad_rate = curve(probability, bad, decisions, np.array([strategy.accept_below]))
    return float(approval[0]), float(bad_rate[0])


def _finite(values: np.ndarray) -> list[float | None]:
    return [float(v) if np.isfinite(v) else None for v in values]


def chart_points(compared: Compared) -> dict:
    """The chart as data: for the current strategy and the simulated one, the approval rate and bad rate of
    the accepted at each accept cut-off of a grid (quantiles of the PD), and the point of its own cut-off;
    `bad_rate` is `observed` when outcomes are known, else `expected` (mean PD). JSON-ready (None: no
    accepted client with a known outcome)."""
    population = compared.population
    p = population.probability
    observed = bool((~np.isnan(population.target)).any())
    bad = population.target if observed else p
    grid = np.unique(np.quantile(p, np.linspace(0.0, 1.0, settings()["chart_cutoffs"]))) if len(p) else p
    cutoffs = np.append(grid, np.nextafter(p.max(), np.inf)) if len(p) else grid
    curves = []
    for role, strategy, decisions, label in (
        ("current", compared.current, compared.old, compared.in_force.label),
        ("simulated", compared.strategy, compared.new, compared.strategy.name),
    ):
        approval, bad_rate = curve(p, bad, decisions, cutoffs)
        x, y = _point(strategy, p, bad, decisions)
        curves.append(
            {
                "role": role,
                "label": label,
                "accept_below": strategy.accept_below,
                "approval_rate": _finite(approval),
                "bad_rate": _finite(bad_rate),
                "point": {"approval_rate": x, "bad_rate": y if np.isfinite(y) else None},
            }
        )
    return {
        "bad_rate": "observed" if observed else "expected",
        "population": population.source,
        "curves": curves,
    }


def figure(compared: Compared) -> go.Figure:
    """The approval / bad-rate curves of both strategies with their cut-offs marked."""
    import plotly.graph_objects as go

    points = chart_points(compared)
    fig = go.Figure()
    colours = {"current": "#7f7f7f", "simulated": "#1f77b4"}
    for c in points["curves"]:
        label, colour = f"{c['role']}: {c['label']}", colours[c["role"]]
        fig.add_scatter(
            x=c["approval_rate"], y=c["bad_rate"], mode="lines", name=label, line={"color": colour}
        )
        fig.add_scatter(
            x=[c["point"]["approval_rate"]],
            y=[c["point"]["bad_rate"]],
            mode="markers",
            name=f"{label} (accept below {c['accept_below']:g})",
            marker={"color": colour, "size": 12, "symbol": "diamond"},
        )
    kind = "observed" if points["bad_rate"] == "observed" else "expected (mean PD)"
    fig.update_layout(
        title=f"Approval rate against bad rate over the accept cut-off ({points['population']})",
        xaxis={"title": "approval rate", "tickformat": ".0%"},
        yaxis={"title": f"bad rate of the accepted, {kind}", "tickformat": ".1%"},
        template="plotly_white",
    )
    return fig


def write_chart(compared: Compared, path: Path) -> Path:
    """The chart as a self-contained HTML file (written atomically)."""
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"--chart {path}: the chart is written as HTML (a .html file)")
    html = figure(compared).to_html(include_plotlyjs=True, full_html=True)
    return write_text_atomic(path, html)
