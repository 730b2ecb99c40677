"""Model page sections on decision quality: the model card (confusion, ROC, calibration and how honest the
probabilities are), how the candidates compared, the champion against the scorecard challenger, the
scorecard's points and the fairness table. Pure functions of the API's `/model` and `/analytics/performance`
documents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html

from dashboard import model_text, text, vocabulary
from dashboard.components import fairness
from dashboard.components.status import figure
from dashboard.figures import model as model_figures
from dashboard.i18n import ENGLISH, N_, Translator
from dashboard.values import (
    AGE_IN_DAYS,
    DEFAULT_CURRENCY,
    SAID_UNITS,
    TIME_UNITS,
    bound_digits,
    feature_label,
    feature_value,
    first_of,
    time_bin,
)

CANDIDATE_COLUMNS = (N_("Candidate"), N_("Role"), "AUC", N_("Cost per 1,000"), "ECE", N_("Calibrator"))
CARD_FIGURES = (  # (graph id, key of the performance document, figure, text summary)
    ("model-confusion-graph", "confusion", model_figures.confusion_matrix, model_text.confusion_summary),
    ("model-roc-graph", "roc", model_figures.roc, model_text.roc_summary),
    ("model-calibration-graph", "calibration", model_figures.calibration, model_text.calibration_summary),
)
POINTS_COLUMNS = (N_("Characteristic"), N_("Bin"), N_("Clients"), N_("Default rate"), N_("Points"))
LEVELS_SHOWN = 3  # a categorical bin's first levels; the others counted


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


def card_facts(performance: Mapping, t: Translator = ENGLISH) -> html.Dl:
    """The model card's figures, each once, all from the API's performance document: the bundle's stored
    out-of-fold predictions at the production threshold."""
    _ = t.gettext
    confusion, calibration = performance["confusion"], performance["calibration"]
    clients = sum(confusion.values()) or 1
    defaulters = confusion["tp"] + confusion["fn"]
    auc = performance["roc"].get("auc")
    items = [
        ("AUC", t.number(auc, 3) if text.is_number(auc) else t.unknown()),
        (_("Approval rate"), t.percent((confusion["tn"] + confusion["fn"]) / clients)),
        (_("Defaulters refused"), t.percent(confusion["tp"] / defaulters) if defaulters else t.unknown()),
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


def _role(row: Mapping, model: Mapping, t: Translator) -> str:
    if row.get("selected"):
        return "\u2714 " + t.gettext("champion (in service)")
    if row["candidate"] == (model.get("challenger") or {}).get("candidate"):
        return t.gettext("challenger")
    return ""


def candidates_section(model: Mapping, t: Translator = ENGLISH) -> html.Section:
    _ = t.gettext
    rows = model.get("candidates") or []
    cells = [
        [
            vocabulary.label(vocabulary.CANDIDATES, r["candidate"], t),
            _role(r, model, t),
            _plus_minus(r, "auc", 4, t),
            _plus_minus(r, "cost_per_1000", 1, t),
            _plus_minus(r, "ece", 4, t),
            vocabulary.label(vocabulary.CALIBRATIONS, r.get("calibration", ""), t),
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
        "The training's comparison, another population than the model card's: repeated stratified "
        "cross-validation, every candidate on the same folds, calibrated on its own out-of-fold scores and "
        "costed at its own lowest-cost threshold; each figure is the mean ± standard deviation across the "
        "repeats. The champion is the candidate in service, the challenger the other model of the run."
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
            html.P(model_text.candidates_summary(rows, model.get("selection_rule"), t), id="model-selection"),
        ],
        className="mt-4",
    )


def _levels_text(row: Mapping, t: Translator) -> str:
    """A categorical bin's first levels in the page's language, and how many others it holds."""
    return first_of(
        [vocabulary.level_label(row["feature"], level, t) for level in row["levels"]], LEVELS_SHOWN, t
    )


def _is_time(row: Mapping) -> bool:
    """A bin of days or months (not an age), read as a length of time or a time ago."""
    return row.get("unit") in TIME_UNITS and row["feature"] not in AGE_IN_DAYS


def _bounds(rows: Sequence[Mapping]) -> list[float]:
    return [b for r in rows for b in (r.get("low"), r.get("high")) if b is not None]


def bin_text(
    row: Mapping,
    t: Translator = ENGLISH,
    currency: str = DEFAULT_CURRENCY,
    digits: Mapping[float, int] | None = None,
) -> str:
    """A scorecard bin as people read it: its categories, or its bounds in the feature's unit (a time's to
    `digits` decimals, by default as many as it takes to read the bin's two bounds apart)."""
    if row.get("missing"):
        return vocabulary.label(vocabulary.LEVELS, "missing", t)
    if row.get("levels"):
        return _levels_text(row, t)
    low, high = row.get("low"), row.get("high")
    if low is None and high is None:
        return t.gettext("any value")
    if _is_time(row):
        return time_bin(low, high, row["unit"], t, digits or bound_digits(_bounds([row]), row["unit"]))

    def shown(value: float) -> str:
        return feature_value(
            {"feature": row["feature"], "value": value, "unit": row.get("unit")}, t, currency
        )

    if low is None:
        return t.gettext("under {high}").format(high=shown(high))
    if high is None:
        return t.gettext("{low} or more").format(low=shown(low))
    return t.gettext("{low} to under {high}").format(low=shown(low), high=shown(high))


def _time_digits(rows: Sequence[Mapping]) -> dict[str, dict[float, int]]:
    """Each time feature's bound decimals, from all its bins: every bin of it reads apart from the others."""
    features: dict[str, list[Mapping]] = {}
    for row in rows:
        if _is_time(row):
            features.setdefault(row["feature"], []).append(row)
    return {name: bound_digits(_bounds(bins), bins[0]["unit"]) for name, bins in features.items()}


def points_table(model: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> html.Div:
    """The scorecard's points, one row per bin in the features' units."""
    rows = model.get("scorecard") or []
    digits = _time_digits(rows)
    cells = [
        [
            feature_label({**r, "value": 0.0}) if r.get("unit") in SAID_UNITS else r["label"],  # bins say it
            bin_text(r, t, currency, digits.get(r["feature"])),
            t.number(r.get("clients")) if r.get("clients") is not None else "\u2014",
            t.percent(r.get("default_rate")) if r.get("default_rate") is not None else "\u2014",
            t.signed(r["points"], 1),
        ]
        for r in rows
    ]
    if not cells:
        return html.P(t.gettext("No scorecard in this training run."))
    return _table(
        "model-points", t.gettext("Scorecard points"), POINTS_COLUMNS, cells, [False] * len(cells), t
    )


def points_section(model: Mapping, t: Translator = ENGLISH) -> html.Section:
    """How the scorecard's points read, and a button showing them (a table of hundreds of rows: on demand)."""
    _ = t.gettext
    rows = model.get("scorecard") or []
    notes = [
        _(
            "Points add up to a score (600 points at odds of 50 repaid to 1 defaulted, 20 more points double "
            "the odds): more points, lower risk."
        )
    ]
    if any(len(r.get("members") or []) > 1 for r in rows):
        notes.append(
            _(
                "A quantity the scorecard uses in two units (age in years and in days) is shown once: the "
                "bins of both merged and their points added, as a client gets both."
            )
        )
    show = (
        dbc.Button(
            _("Show the points table ({count} bins)").format(count=t.number(len(rows))),
            id="model-points-show",
            color="secondary",
            outline=True,
            size="sm",
        )
        if rows
        else html.P(_("No scorecard in this training run."))
    )
    return html.Section(
        [
            html.H2(_("Scorecard points"), className="h4"),
            html.P(" ".join(notes)),
            show,
            html.Div(id="model-points-view", className="mt-2"),
        ],
        className="mt-4",
    )


def card_view(performance: Mapping, model: Mapping, t: Translator) -> html.Div:
    """The model card, the candidates compared, the scorecard's points and the fairness table."""
    columns = [
        dbc.Col(figure(graph_id, plot(performance[key], t), summary(performance[key], t)), lg=4)
        for graph_id, key, plot, summary in CARD_FIGURES
    ]
    return html.Div(
        [
            html.Section(
                [
                    html.H2(t.gettext("Model card"), className="h4"),
                    html.P(
                        t.gettext(
                            "Every figure of the card once, from one source: the bundle's stored "
                            "out-of-fold predictions ({clients} training clients, each scored by a model "
                            "that did not see it, the first repeat of the cross-validation) at the "
                            "production threshold."
                        ).format(clients=t.number(performance["clients"]))
                    ),
                    card_facts(performance, t),
                    dbc.Row(columns),
                ],
                className="mt-4",
            ),
            candidates_section(model, t),
            points_section(model, t),
            fairness.fairness_table(performance["fairness"], t, performance.get("fairness_min_group")),
        ]
    )
