"""Views of the monitoring loop shared by the Drift, Operations and Model pages: PSI table, label-free
performance estimate, drift trend, outcomes by cohort, history of champions (from the API's JSON)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html

from dashboard import text
from dashboard.components.status import figure
from dashboard.figures import monitoring as mfig

TOP_PSI = 10
OUTCOMES = {"promoted": "\u2b06 promoted", "kept": "\u2714 champion kept", "skipped": "\u2013 skipped"}


def _table(
    caption: str, headers: Sequence[str], rows: Sequence[Sequence[object]], table_id: str
) -> dbc.Table:
    return dbc.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
            html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows]),
        ],
        size="sm",
        striped=True,
        className="caption-top",
        id=table_id,
    )


def _facts(items: Sequence[tuple[str, str]], facts_id: str) -> html.Dl:
    return html.Dl(
        [p for label, value in items for p in (html.Dt(label), html.Dd(value))],
        className="model-facts",
        id=facts_id,
    )


def _psi(value: object) -> str:
    return f"{value:.3f}" if text.is_number(value) else "unknown"


def psi_view(psi: Mapping | None) -> html.Section:
    """The score's PSI and the features with the highest PSI, with their critical values."""
    if not psi:
        return html.Section(html.P("This report has no PSI (made before PSI was added)."), className="mt-4")
    score = psi["score"]
    verdict = "\u26a0 shift beyond sampling noise" if score["drifted"] else "\u2714 within sampling noise"
    rows = [
        [
            r.get("label") or r["feature"],
            _psi(r["psi"]),
            r["band"],
            _psi(r["critical"]),
            "\u26a0 drifted" if r["drifted"] else "\u2714 no",
        ]
        for r in psi["features"][:TOP_PSI]
    ]
    facts = [
        (
            "PSI of the score",
            f"{_psi(score['psi'])} ({score['band']}; critical value {_psi(score['critical'])}): {verdict}",
        ),
        (
            "Features drifted by PSI",
            f"{psi['drifted_count']} of {psi['features_checked']} ({text.percent(psi['drifted_share'], 0)})",
        ),
    ]
    return html.Section(
        [
            html.H2("Population stability (PSI)", className="h4"),
            html.P(
                "10 bins at the reference deciles; below 0.10 stable, 0.10 to 0.25 a moderate shift, "
                "0.25 and above significant. A shift counts only above the critical value, the PSI that "
                "sampling noise alone reaches 5 % of the time for these sample sizes."
            ),
            _facts(facts, "drift-psi-facts"),
            _table(
                f"Highest PSI (up to {TOP_PSI} features)",
                ("Feature", "PSI", "Reading", "Critical value", "Drifted"),
                rows,
                "drift-psi",
            ),
        ],
        className="mt-4",
    )


def estimate_view(estimate: Mapping | None, facts_id: str = "drift-estimate") -> html.Section:
    """Expected AUC, default rate and cost of the window (CBPE) against the reference's realised figures."""
    title = html.H2("Estimated performance without labels", className="h4")
    if not estimate:
        return html.Section([title, html.P("No estimate in this report.")], className="mt-4")
    est, ref = estimate["estimated"], estimate["reference"]
    low, high = est.get("auc_interval") or (None, None)
    drop = "\u26a0 " if estimate.get("performance_drop") else "\u2714 "
    items = [
        (
            "Expected AUC",
            f"{_psi(est['auc'])} (5-95 %: {_psi(low)} to {_psi(high)}) against {_psi(ref['auc'])} "
            "on the reference",
        ),
        (
            "Verdict",
            drop + f"drop of {_psi(estimate['auc_drop'])} (alert at {estimate['auc_drop_threshold']:g})",
        ),
        (
            "Expected default rate",
            f"{text.percent(est['default_rate'])} against {text.percent(ref['default_rate'])}",
        ),
        (
            "Expected cost per 1,000 applicants",
            f"{text.number(est.get('cost_per_1000'), 1)} against {text.number(ref.get('cost_per_1000'), 1)}",
        ),
        ("Probabilities used", estimate["calibration"]),
    ]
    return html.Section(
        [
            title,
            html.P(
                "Confidence-based performance estimation (CBPE): with calibrated probabilities, the "
                "expected confusion matrix, cost and AUC follow from the probabilities alone, long before "
                "outcomes are known. It assumes the model is still calibrated for these applicants."
            ),
            _facts(items, facts_id),
        ],
        className="mt-4",
    )


def trend_view(points: Sequence[Mapping]) -> html.Section:
    return html.Section(
        [
            html.H2("Trend across runs", className="h4"),
            figure("drift-trend-graph", mfig.drift_trend(points), mfig.drift_trend_summary(points)),
        ],
        className="mt-4",
    )


def operations_estimate_view(points: Sequence[Mapping]) -> html.Section:
    """Estimated performance of the drift runs on the prediction log, over time."""
    on_log = [p for p in points if p.get("current_source") == "log"]
    body = (
        figure(
            "operations-estimate-graph", mfig.estimated_performance(on_log), mfig.estimated_summary(on_log)
        )
        if on_log
        else html.P("No drift run on the prediction log yet (the scheduler runs one daily).")
    )
    return html.Section(
        [html.H2("Estimated performance (no labels yet)", className="h4"), body], className="mt-4"
    )


def outcomes_view(payload: Mapping) -> html.Section:
    """Realised default rate against the mean probability given, and realised AUC, per monthly cohort."""
    title = html.H2("Outcomes by monthly cohort", className="h4")
    if not payload.get("cohorts"):
        return html.Section([title, html.P(mfig.cohorts_summary(payload))], className="mt-4")
    rows = [
        [
            c["cohort"],
            f"{c['applicants']:,}",
            f"{c['labelled']:,} ({text.percent(c['labelled_share'], 0)})",
            text.percent(c.get("default_rate")),
            text.percent(c.get("mean_probability")),
            _psi(c.get("auc")),
        ]
        for c in payload["cohorts"]
    ]
    headers = ("Month scored", "Applicants", "Outcome known", "Default rate", "Mean PD given", "AUC")
    return html.Section(
        [
            title,
            figure(
                "operations-cohorts-graph", mfig.cohorts(payload["cohorts"]), mfig.cohorts_summary(payload)
            ),
            _table("Outcomes by month of the score", headers, rows, "operations-cohorts"),
        ],
        className="mt-4",
    )


def _pair(decision: Mapping, key: str, digits: int = 3) -> str:
    metrics = decision.get("metrics") or {}
    old, new = (metrics.get(side, {}).get(key) for side in ("champion", "challenger"))
    if not text.is_number(old) or not text.is_number(new):
        return "\u2013"
    return f"{old:,.{digits}f} \u2192 {new:,.{digits}f}"


def history_view(decisions: Sequence[Mapping]) -> html.Section:
    """Every retrain decision, newest first: outcome, versions, figures on the same window, reasons."""
    title = html.H2("History of champions", className="h4")
    if not decisions:
        return html.Section(
            [
                title,
                html.P(
                    "No retrain yet: `scoring retrain` (or the scheduler, monthly) records each decision "
                    "here."
                ),
            ],
            className="mt-4",
        )
    rows = [
        [
            d["decided_at"][:16].replace("T", " "),
            OUTCOMES.get(d["outcome"], d["outcome"]),
            d.get("champion") or "\u2013",
            d.get("challenger") or "\u2013",
            _pair(d, "auc"),
            _pair(d, "cost_per_1000", 1),
            _pair(d, "ece"),
            "; ".join(d.get("reasons") or []),
        ]
        for d in decisions
    ]
    headers = ("Decided (UTC)", "Outcome", "Champion", "Challenger", "AUC", "Cost / 1,000", "ECE", "Why")
    return html.Section(
        [
            title,
            html.P(
                "Each retrain compares the champion and a challenger on the same recent out-of-time window "
                "(figures: champion \u2192 challenger); the challenger replaces the champion only when it is "
                "better by the set margins and not worse on fairness."
            ),
            html.Div(
                _table("Retrain decisions, newest first", headers, rows, "model-history"),
                className="table-scroll",
                tabIndex="0",
            ),
        ],
        className="mt-4",
    )
