"""Views of the monitoring loop shared by the Drift, Operations and Model pages: PSI table, label-free
performance estimate, drift trend, outcomes by cohort, history of champions (from the API's JSON)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html

from dashboard import monitoring_text, vocabulary
from dashboard.components.status import figure
from dashboard.components.tables import captioned_table, cell_rows
from dashboard.figures import monitoring as mfig
from dashboard.i18n import ENGLISH, Translator
from dashboard.text import is_number

TOP_PSI = 10
DASH = "\u2013"


def _table(
    caption: str, headers: Sequence[str], rows: Sequence[Sequence[object]], table_id: str
) -> dbc.Table:
    return captioned_table(caption, headers, cell_rows(rows), table_id)


def _facts(items: Sequence[tuple[str, str]], facts_id: str) -> html.Dl:
    return html.Dl(
        [p for label, value in items for p in (html.Dt(label), html.Dd(value))],
        className="model-facts",
        id=facts_id,
    )


def _psi(value: object, t: Translator) -> str:
    return t.number(value, 3)


def _band(value: object, t: Translator) -> str:
    return vocabulary.label(vocabulary.PSI_BANDS, value, t)


def psi_view(psi: Mapping | None, t: Translator = ENGLISH) -> html.Section:
    """The score's PSI and the features with the highest PSI, with their critical values."""
    _ = t.gettext
    if not psi:
        return html.Section(
            html.P(_("This report has no PSI (made before PSI was added).")), className="mt-4"
        )
    score = psi["score"]
    verdict = (
        "\u26a0 " + _("shift beyond sampling noise")
        if score["drifted"]
        else "\u2714 " + _("within sampling noise")
    )
    rows = [
        [
            r.get("label") or r["feature"],  # in the page's language, from the API
            _psi(r["psi"], t),
            _band(r["band"], t),
            _psi(r["critical"], t),
            "\u26a0 " + _("drifted") if r["drifted"] else "\u2714 " + _("no"),
        ]
        for r in psi["features"][:TOP_PSI]
    ]
    facts = [
        (
            _("PSI of the score"),
            _("{psi} ({band}; critical value {critical}): {verdict}").format(
                psi=_psi(score["psi"], t),
                band=_band(score["band"], t),
                critical=_psi(score["critical"], t),
                verdict=verdict,
            ),
        ),
        (
            _("Features drifted by PSI"),
            _("{count} of {checked} ({share})").format(
                count=psi["drifted_count"],
                checked=psi["features_checked"],
                share=t.percent(psi["drifted_share"], 0),
            ),
        ),
    ]
    return html.Section(
        [
            html.H2(_("Population stability (PSI)"), className="h4"),
            html.P(
                _(
                    "10 bins at the reference deciles; below 0.10 stable, 0.10 to 0.25 a moderate shift, "
                    "0.25 and above significant. A shift counts only above the critical value, the PSI that "
                    "sampling noise alone reaches 5 % of the time for these sample sizes."
                )
            ),
            _facts(facts, "drift-psi-facts"),
            _table(
                _("Highest PSI (up to {count} features)").format(count=TOP_PSI),
                (_("Feature"), "PSI", _("Reading"), _("Critical value"), _("Drifted")),
                rows,
                "drift-psi",
            ),
        ],
        className="mt-4",
    )


def estimate_view(
    estimate: Mapping | None, facts_id: str = "drift-estimate", t: Translator = ENGLISH
) -> html.Section:
    """Expected AUC, default rate and cost of the window (CBPE) against the reference's realised figures."""
    _ = t.gettext
    title = html.H2(_("Estimated performance without labels"), className="h4")
    if not estimate:
        return html.Section([title, html.P(_("No estimate in this report."))], className="mt-4")
    est, ref = estimate["estimated"], estimate["reference"]
    low, high = est.get("auc_interval") or (None, None)
    drop = "\u26a0 " if estimate.get("performance_drop") else "\u2714 "
    items = [
        (
            _("Expected AUC"),
            _("{auc} (5-95 %: {low} to {high}) against {reference} on the reference").format(
                auc=_psi(est["auc"], t), low=_psi(low, t), high=_psi(high, t), reference=_psi(ref["auc"], t)
            ),
        ),
        (
            _("Verdict"),
            drop
            + _("drop of {drop} (alert at {threshold})").format(
                drop=_psi(estimate["auc_drop"], t), threshold=t.decimal(estimate["auc_drop_threshold"])
            ),
        ),
        (
            _("Expected default rate"),
            _("{value} against {reference}").format(
                value=t.percent(est["default_rate"]), reference=t.percent(ref["default_rate"])
            ),
        ),
        (
            _("Expected cost per 1,000 applicants"),
            _("{value} against {reference}").format(
                value=t.number(est.get("cost_per_1000"), 1), reference=t.number(ref.get("cost_per_1000"), 1)
            ),
        ),
        (_("Probabilities used"), vocabulary.label(vocabulary.CBPE_CALIBRATIONS, estimate["calibration"], t)),
    ]
    return html.Section(
        [
            title,
            html.P(
                _(
                    "Confidence-based performance estimation (CBPE): with calibrated probabilities, the "
                    "expected confusion matrix, cost and AUC follow from the probabilities alone, long "
                    "before outcomes are known. It assumes the model is still calibrated for these "
                    "applicants."
                )
            ),
            _facts(items, facts_id),
        ],
        className="mt-4",
    )


def trend_view(points: Sequence[Mapping], t: Translator = ENGLISH) -> html.Section:
    return html.Section(
        [
            html.H2(t.gettext("Trend across runs"), className="h4"),
            figure("drift-trend-graph", mfig.drift_trend(points, t), mfig.drift_trend_summary(points, t)),
        ],
        className="mt-4",
    )


def operations_estimate_view(points: Sequence[Mapping], t: Translator = ENGLISH) -> html.Section:
    """Estimated performance of the drift runs on the prediction log, over time."""
    on_log = [p for p in points if p.get("current_source") == "log"]
    body = (
        figure(
            "operations-estimate-graph",
            mfig.estimated_performance(on_log, t),
            mfig.estimated_summary(on_log, t),
        )
        if on_log
        else html.P(t.gettext("No drift run on the prediction log yet (the scheduler runs one daily)."))
    )
    return html.Section(
        [html.H2(t.gettext("Estimated performance (no labels yet)"), className="h4"), body], className="mt-4"
    )


def outcomes_view(payload: Mapping, t: Translator = ENGLISH) -> html.Section:
    """Realised default rate against the mean probability given, and realised AUC, per monthly cohort (the
    chart only once an outcome is known: before, the summary and the table say so)."""
    _ = t.gettext
    title = html.H2(_("Outcomes by monthly cohort"), className="h4")
    if not payload.get("cohorts"):
        return html.Section([title, html.P(mfig.cohorts_summary(payload, t))], className="mt-4")
    rows = [
        [
            c["cohort"],
            t.number(c["applicants"]),
            f"{t.number(c['labelled'])} ({t.percent(c['labelled_share'], 0)})",
            t.percent(c.get("default_rate")),
            t.percent(c.get("mean_probability")),
            _psi(c.get("auc"), t),
        ]
        for c in payload["cohorts"]
    ]
    headers = (
        _("Month scored"),
        _("Applicants"),
        _("Outcome known"),
        _("Default rate"),
        _("Mean PD given to those with an outcome"),
        "AUC",
    )
    known = any(c.get("default_rate") is not None for c in payload["cohorts"])
    chart = (
        figure(
            "operations-cohorts-graph", mfig.cohorts(payload["cohorts"], t), mfig.cohorts_summary(payload, t)
        )
        if known
        else html.P(mfig.cohorts_summary(payload, t))
    )
    return html.Section(
        [
            title,
            chart,
            _table(_("Outcomes by month of the score"), headers, rows, "operations-cohorts"),
        ],
        className="mt-4",
    )


def _pair(decision: Mapping, key: str, digits: int, t: Translator) -> str:
    metrics = decision.get("metrics") or {}
    old, new = (metrics.get(side, {}).get(key) for side in ("champion", "challenger"))
    if not is_number(old) or not is_number(new):
        return DASH
    return f"{t.number(old, digits)} \u2192 {t.number(new, digits)}"


def history_view(decisions: Sequence[Mapping], t: Translator = ENGLISH) -> html.Section:
    """Every retrain decision, newest first: outcome, versions, figures on the same window, reasons."""
    _ = t.gettext
    title = html.H2(_("History of champions"), className="h4")
    if not decisions:
        return html.Section(
            [
                title,
                html.P(
                    _(
                        "No retrain yet: “scoring retrain” (or the scheduler, monthly) records each decision "
                        "here."
                    )
                ),
            ],
            className="mt-4",
        )
    rows = [
        [
            t.moment(d["decided_at"]),
            vocabulary.label(vocabulary.RETRAIN_OUTCOMES, d["outcome"], t),
            d.get("champion") or DASH,
            d.get("challenger") or DASH,
            _pair(d, "auc", 3, t),
            _pair(d, "cost_per_1000", 1, t),
            _pair(d, "ece", 3, t),
            "; ".join(monitoring_text.retrain_reasons(d, t)),
        ]
        for d in decisions
    ]
    headers = (
        _("Decided (UTC)"),
        _("Outcome"),
        _("Champion"),
        _("Challenger"),
        "AUC",
        _("Cost / 1,000"),
        "ECE",
        _("Why"),
    )
    return html.Section(
        [
            title,
            html.P(
                _(
                    "Each retrain compares the champion and a challenger on the same recent out-of-time "
                    "window (figures: champion \u2192 challenger); the challenger replaces the champion only "
                    "when it is better by the set margins and not worse on fairness."
                )
            ),
            html.Div(
                _table(_("Retrain decisions, newest first"), headers, rows, "model-history"),
                className="table-scroll",
                tabIndex="0",
            ),
        ],
        className="mt-4",
    )
