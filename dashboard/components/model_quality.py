"""Model page sections on decision quality: how honest the probabilities are, how the candidates compared,
the champion against the scorecard challenger and the scorecard's points. Pure functions of the API's
`/model` and `/analytics/performance` documents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html

from dashboard import text
from dashboard.components.status import figure
from dashboard.figures import model as model_figures

CANDIDATE_COLUMNS = ("Candidate", "AUC", "Cost per 1,000", "ECE", "Calibrator", "Selected")
COMPARISON_COLUMNS = ("Role", "Model", "Features", "AUC", "Cost vs accepting everyone", "ECE")
POINTS_COLUMNS = ("Characteristic", "Bin", "Clients", "Default rate", "Points")


def _plus_minus(row: Mapping, key: str, digits: int) -> str:
    value, spread = row.get(key), row.get(f"{key}_std")
    if not text.is_number(value):
        return "unknown"
    return f"{value:,.{digits}f} ± {spread:,.{digits}f}" if text.is_number(spread) else f"{value:,.{digits}f}"


def _table(
    table_id: str, label: str, head: Sequence[str], rows: list[list[str]], marked: list[bool]
) -> html.Div:
    header = html.Tr([html.Th(t, scope="col") for t in head])
    body = [
        html.Tr([html.Td(cell) for cell in row], className="table-success" if mark else "")
        for row, mark in zip(rows, marked, strict=True)
    ]
    return html.Div(
        dbc.Table([html.Thead(header), html.Tbody(body)], size="sm", striped=True, id=table_id),
        className="table-scroll",
        tabIndex="0",
        **{"aria-label": f"{label}, scrollable"},
    )


def probability_facts(calibration: Mapping) -> html.Dl:
    """Brier score, log-loss, ECE and mean risk against the observed default rate (out of fold)."""
    items = [
        ("Brier score", f"{calibration['brier']:.4f}"),
        ("Log-loss", f"{calibration['log_loss']:.4f}"),
        ("Expected calibration error (10 groups)", f"{calibration['ece']:.4f}"),
        ("Average risk", text.percent(calibration["mean_pd"], 2)),
        ("Observed default rate", text.percent(calibration["observed_rate"], 2)),
    ]
    return html.Dl(
        [part for label, value in items for part in (html.Dt(label), html.Dd(value))],
        className="model-facts",
        id="model-probability-facts",
    )


def candidates_section(model: Mapping) -> html.Section:
    rows = model.get("candidates") or []
    cells = [
        [
            r["candidate"],
            _plus_minus(r, "auc", 4),
            _plus_minus(r, "cost_per_1000", 1),
            _plus_minus(r, "ece", 4),
            str(r.get("calibration", "")),
            "\u2714 selected" if r.get("selected") else "",
        ]
        for r in rows
    ]
    selection = model.get("feature_selection") or {}
    lean = (
        f"Features: {selection['n_selected']} of {selection['n_input']} kept by selection inside the "
        f"cross-validation (out-of-fold AUC {selection['selected_auc']:.4f} against "
        f"{selection['full_auc']:.4f} with all of them)."
        if selection
        else ""
    )
    return html.Section(
        [
            html.H2("Candidates", className="h4"),
            html.P(
                f"Repeated stratified cross-validation, every candidate on the same folds and calibrated on "
                f"its own out-of-fold scores: mean ± standard deviation across the repeats. {lean}"
            ),
            _table(
                "model-candidates",
                "Candidates table",
                CANDIDATE_COLUMNS,
                cells,
                [bool(r.get("selected")) for r in rows],
            ),
            figure(
                "model-candidates-graph",
                model_figures.candidates(rows),
                text.candidates_summary(rows, model.get("selection_rule")),
            ),
        ],
        className="mt-4",
    )


def comparison_section(model: Mapping) -> html.Section:
    """The champion in service against the challenger of the same training run, and the scorecard's points."""
    m = model["cv_metrics"]
    champion = {
        "role": "champion (in service)",
        "candidate": model.get("candidate") or model["kind"],
        "n_features": len(model["features"]),
        **m,
    }
    pair = [champion, {**(model.get("challenger") or {}), "role": "challenger"}]
    cells = [
        [
            p["role"],
            str(p.get("candidate", "unknown")),
            text.number(p.get("n_features")),
            _plus_minus(p, "auc", 4),
            f"{p['cost_vs_accept_all']:.3f}" if text.is_number(p.get("cost_vs_accept_all")) else "unknown",
            f"{p['ece']:.4f}" if text.is_number(p.get("ece")) else "unknown",
        ]
        for p in pair
        if p.get("candidate")
    ]
    points = model.get("scorecard") or []
    point_cells = [
        [
            r["label"],
            r["bin"],
            text.number(r.get("clients")),
            text.percent(r.get("default_rate")),
            f"{r['points']:+.1f}",
        ]
        for r in points
    ]
    return html.Section(
        [
            html.H2("Champion and challenger", className="h4"),
            html.P(
                "The challenger is trained on the same folds: an interpretable scorecard (optimal bins with "
                "monotonic trends, weights of evidence, logistic regression, points with PDO scaling) when "
                "the champion is a boosted model, and the other way round."
            ),
            _table(
                "model-comparison",
                "Champion and challenger",
                COMPARISON_COLUMNS,
                cells,
                [True, False][: len(cells)],
            ),
            html.H3("Scorecard points", className="h5 mt-3"),
            html.P(
                "Points add up to a score (600 points at odds of 50 repaid to 1 defaulted, 20 more points "
                "double the odds): more points, lower risk."
            ),
            _table(
                "model-points", "Scorecard points", POINTS_COLUMNS, point_cells, [False] * len(point_cells)
            )
            if point_cells
            else html.P("No scorecard in this training run."),
        ],
        className="mt-4",
    )
