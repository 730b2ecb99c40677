"""Model page sections on decision quality: how honest the probabilities are, how the candidates compared,
the champion against the scorecard challenger and the scorecard's points. Pure functions of the API's
`/model` and `/analytics/performance` documents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html

from dashboard import model_text, text, vocabulary
from dashboard.components.status import figure
from dashboard.figures import model as model_figures
from dashboard.i18n import ENGLISH, N_, Translator

CANDIDATE_COLUMNS = (N_("Candidate"), "AUC", N_("Cost per 1,000"), "ECE", N_("Calibrator"), N_("Selected"))
COMPARISON_COLUMNS = (N_("Role"), N_("Model"), N_("Features"), "AUC", N_("Cost vs accepting everyone"), "ECE")
POINTS_COLUMNS = (N_("Characteristic"), N_("Bin"), N_("Clients"), N_("Default rate"), N_("Points"))


def _plus_minus(row: Mapping, key: str, digits: int, t: Translator) -> str:
    value, spread = row.get(key), row.get(f"{key}_std")
    if not text.is_number(value):
        return t.unknown()
    shown = t.number(value, digits)
    return f"{shown} ± {t.number(spread, digits)}" if text.is_number(spread) else shown


def _table(
    table_id: str,
    label: str,
    head: Sequence[str],
    rows: list[list[str]],
    marked: list[bool],
    t: Translator,
) -> html.Div:
    header = html.Tr([html.Th(t.gettext(h), scope="col") for h in head])
    body = [
        html.Tr([html.Td(cell) for cell in row], className="table-success" if mark else "")
        for row, mark in zip(rows, marked, strict=True)
    ]
    return html.Div(
        dbc.Table([html.Thead(header), html.Tbody(body)], size="sm", striped=True, id=table_id),
        className="table-scroll",
        tabIndex="0",
        **{"aria-label": t.gettext("{table}, scrollable").format(table=label)},
    )


def probability_facts(calibration: Mapping, t: Translator = ENGLISH) -> html.Dl:
    """Brier score, log-loss, ECE and mean risk against the observed default rate (out of fold)."""
    _ = t.gettext
    items = [
        (_("Brier score"), t.number(calibration["brier"], 4)),
        (_("Log-loss"), t.number(calibration["log_loss"], 4)),
        (_("Expected calibration error (10 groups)"), t.number(calibration["ece"], 4)),
        (_("Average risk"), t.percent(calibration["mean_pd"], 2)),
        (_("Observed default rate"), t.percent(calibration["observed_rate"], 2)),
    ]
    return html.Dl(
        [part for label, value in items for part in (html.Dt(label), html.Dd(value))],
        className="model-facts",
        id="model-probability-facts",
    )


def candidates_section(model: Mapping, t: Translator = ENGLISH) -> html.Section:
    _ = t.gettext
    rows = model.get("candidates") or []
    cells = [
        [
            r["candidate"],
            _plus_minus(r, "auc", 4, t),
            _plus_minus(r, "cost_per_1000", 1, t),
            _plus_minus(r, "ece", 4, t),
            str(r.get("calibration", "")),
            "\u2714 " + _("selected") if r.get("selected") else "",
        ]
        for r in rows
    ]
    selection = model.get("feature_selection") or {}
    lean = (
        _(
            "Features: {selected} of {features} kept by selection inside the cross-validation (out-of-fold "
            "AUC {selected_auc} against {full_auc} with all of them)."
        ).format(
            selected=t.number(selection["n_selected"]),
            features=t.number(selection["n_input"]),
            selected_auc=t.number(selection["selected_auc"], 4),
            full_auc=t.number(selection["full_auc"], 4),
        )
        if selection
        else ""
    )
    method = _(
        "Repeated stratified cross-validation, every candidate on the same folds and calibrated on its own "
        "out-of-fold scores: mean ± standard deviation across the repeats."
    )
    return html.Section(
        [
            html.H2(_("Candidates"), className="h4"),
            html.P(f"{method} {lean}".strip()),
            _table(
                "model-candidates",
                _("Candidates table"),
                CANDIDATE_COLUMNS,
                cells,
                [bool(r.get("selected")) for r in rows],
                t,
            ),
            figure(
                "model-candidates-graph",
                model_figures.candidates(rows, t),
                model_text.candidates_summary(rows, model.get("selection_rule"), t),
            ),
        ],
        className="mt-4",
    )


def _comparison_cells(model: Mapping, t: Translator) -> list[list[str]]:
    """The champion in service and the challenger of the same training run, one row each."""
    champion = {
        "role": t.gettext("champion (in service)"),
        "candidate": model.get("candidate") or model["kind"],
        "n_features": len(model["features"]),
        **model["cv_metrics"],
    }
    pair = [champion, {**(model.get("challenger") or {}), "role": t.gettext("challenger")}]
    return [
        [
            p["role"],
            str(p.get("candidate", t.unknown())),
            t.number(p.get("n_features")),
            _plus_minus(p, "auc", 4, t),
            t.number(p.get("cost_vs_accept_all"), 3),
            t.number(p.get("ece"), 4),
        ]
        for p in pair
        if p.get("candidate")
    ]


def comparison_section(model: Mapping, t: Translator = ENGLISH) -> html.Section:
    """The champion in service against the challenger of the same training run, and the scorecard's points."""
    _ = t.gettext
    cells = _comparison_cells(model, t)
    point_cells = [
        [
            r["label"],
            vocabulary.label(vocabulary.LEVELS, r["bin"], t),
            t.number(r.get("clients")),
            t.percent(r.get("default_rate")),
            t.signed(r["points"], 1),
        ]
        for r in model.get("scorecard") or []
    ]
    return html.Section(
        [
            html.H2(_("Champion and challenger"), className="h4"),
            html.P(
                _(
                    "The challenger is trained on the same folds: an interpretable scorecard (optimal bins "
                    "with monotonic trends, weights of evidence, logistic regression, points with PDO "
                    "scaling) when the champion is a boosted model, and the other way round."
                )
            ),
            _table(
                "model-comparison",
                _("Champion and challenger"),
                COMPARISON_COLUMNS,
                cells,
                [True, False][: len(cells)],
                t,
            ),
            html.H3(_("Scorecard points"), className="h5 mt-3"),
            html.P(
                _(
                    "Points add up to a score (600 points at odds of 50 repaid to 1 defaulted, 20 more "
                    "points double the odds): more points, lower risk."
                )
            ),
            _table(
                "model-points",
                _("Scorecard points"),
                POINTS_COLUMNS,
                point_cells,
                [False] * len(point_cells),
                t,
            )
            if point_cells
            else html.P(_("No scorecard in this training run.")),
        ],
        className="mt-4",
    )
