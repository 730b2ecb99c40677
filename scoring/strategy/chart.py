"""The chart of a simulation: approval rate against bad rate over the accept cut-off, one curve per strategy
(its rules applied), each strategy's own cut-off marked. The bad rate is the observed one when the
population's outcomes are known, else the expected one (mean calibrated PD). Written as a self-contained
HTML file (plotly's script inline: no CDN)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from scoring.io import write_text_atomic
from scoring.strategy.evaluate import Decisions
from scoring.strategy.schema import Strategy
from scoring.strategy.simulate import Compared, settings


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


def figure(compared: Compared) -> go.Figure:
    """The approval / bad-rate curves of both strategies with their cut-offs marked."""
    population = compared.population
    p = population.probability
    observed = bool((~np.isnan(population.target)).any())
    bad = population.target if observed else p
    grid = np.unique(np.quantile(p, np.linspace(0.0, 1.0, settings()["chart_cutoffs"])))
    cutoffs = np.append(grid, np.nextafter(p.max(), np.inf))
    fig = go.Figure()
    for strategy, decisions, label, colour in (
        (compared.current, compared.old, f"current: {compared.current_label}", "#7f7f7f"),
        (compared.strategy, compared.new, f"simulated: {compared.strategy.name}", "#1f77b4"),
    ):
        approval, bad_rate = curve(p, bad, decisions, cutoffs)
        fig.add_scatter(x=approval, y=bad_rate, mode="lines", name=label, line={"color": colour})
        x, y = _point(strategy, p, bad, decisions)
        fig.add_scatter(
            x=[x],
            y=[y],
            mode="markers",
            name=f"{label} (accept below {strategy.accept_below:g})",
            marker={"color": colour, "size": 12, "symbol": "diamond"},
        )
    kind = "observed" if observed else "expected (mean PD)"
    fig.update_layout(
        title=f"Approval rate against bad rate over the accept cut-off ({population.source})",
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
