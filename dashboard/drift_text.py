"""The drift summary in the page's language: what was compared, the tests' names and the alert sentences,
composed from the summary's numbers (the summary's own sentences are English; an alert this module does not
know is shown as the summary writes it)."""

from __future__ import annotations

from collections.abc import Mapping

from dashboard.i18n import ENGLISH, N_, Translator

METHODS = {  # Evidently's stattest display names, and the summary's notes for a feature without values
    "Wasserstein distance (normed)": N_("Wasserstein distance (normed)"),
    "Jensen-Shannon distance": N_("Jensen-Shannon distance"),
    "K-S p_value": N_("Kolmogorov-Smirnov p-value"),
    "chi-square p_value": N_("chi-square p-value"),
    "Z-test p_value": N_("Z-test p-value"),
    "Hellinger distance": N_("Hellinger distance"),
    "Kullback-Leibler divergence": N_("Kullback-Leibler divergence"),
    "Total-Variation-Distance": N_("total variation distance"),
    "no value in the current data": N_("no value in the current data"),
    "no value in the reference": N_("no value in the reference"),
}
PREDICTIONS = {"probability": N_("probability"), "decision": N_("decision")}


def method_label(method: str | None, t: Translator = ENGLISH) -> str:
    """A drift test's name in the page's language (an unknown one as it is)."""
    if not method:
        return ""
    return t.gettext(METHODS[method]) if method in METHODS else method


def sample_description(sample: Mapping | None, t: Translator = ENGLISH) -> str:
    """What a side of the comparison holds, from its source and details (its own description otherwise)."""
    sample = sample or {}
    _ = t.gettext
    source, rows, version = sample.get("source"), t.number(sample.get("rows")), sample.get("model_version")
    if source == "train" and version:
        return _("training clients ({rows} of {total}) with out-of-fold scores of model {version}").format(
            rows=rows, total=t.number(sample.get("rows_total")), version=version
        )
    if source == "test" and version:
        return _("new applications without an outcome ({rows}) scored by model {version}").format(
            rows=rows, version=version
        )
    if source == "batch" and version:
        return _("labelled clients of batch {path} ({rows}) scored by model {version}").format(
            path=sample.get("path", "?"), rows=rows, version=version
        )
    if source == "log" and "model_versions" in sample:
        return _("clients scored by the API {window} ({rows}, prediction log)").format(
            window=_window(sample.get("since"), sample.get("until"), t), rows=rows
        )
    return str(sample.get("description") or t.unknown())


def _window(since: str | None, until: str | None, t: Translator) -> str:
    _ = t.gettext
    if since and until:
        return _("from {since} to {until}").format(since=t.moment(since), until=t.moment(until))
    if since:
        return _("since {since}").format(since=t.moment(since))
    if until:
        return _("until {until}").format(until=t.moment(until))
    return _("over the whole log")


def alerts(summary: Mapping, t: Translator = ENGLISH) -> list[str]:
    """Why the check alerts, in the page's language; the summary's own sentences when its numbers do not
    account for each of them (a report written by another version)."""
    composed = _composed(summary, t)
    written = list(summary.get("alerts") or [])
    return composed if composed is not None and len(composed) == len(written) else written


def _composed(summary: Mapping, t: Translator) -> list[str] | None:
    _ = t.gettext
    try:
        threshold = summary["settings"]["drift_share"]
        share, prediction = summary["share_drifted"], summary["prediction_drift"]
    except (KeyError, TypeError):
        return None
    psi, estimate = summary.get("psi"), summary.get("estimated_performance")
    found = []
    if share >= threshold:
        found.append(
            _("share of drifted features {share} at or above the threshold {threshold}").format(
                share=t.number(share, 2), threshold=t.number(threshold, 2)
            )
        )
    if psi is not None and psi["drifted_share"] >= threshold:
        found.append(
            _("share of features with a PSI shift {share} at or above the threshold {threshold}").format(
                share=t.number(psi["drifted_share"], 2), threshold=t.number(threshold, 2)
            )
        )
    for name in ("probability", "decision"):
        test = prediction[name]
        if test["drifted"]:
            found.append(
                _("prediction drift: {what} ({method} {score}, threshold {threshold})").format(
                    what=_(PREDICTIONS[name]),
                    method=method_label(test["method"], t),
                    score=t.decimal(test["score"], 4),
                    threshold=t.decimal(test["threshold"]),
                )
            )
    if psi is not None and psi["score"]["band"] == "significant" and psi["score"]["drifted"]:
        found.append(
            _("prediction drift: PSI of the score {psi} (critical value {critical})").format(
                psi=t.number(psi["score"]["psi"], 3), critical=t.number(psi["score"]["critical"], 3)
            )
        )
    if estimate is not None and estimate.get("performance_drop"):
        found.append(
            _("estimated AUC {auc}, {drop} below the reference's {reference} (alert at {threshold})").format(
                auc=t.number(estimate["estimated"]["auc"], 3),
                drop=t.number(estimate["auc_drop"], 3),
                reference=t.number(estimate["reference"]["auc"], 3),
                threshold=t.decimal(estimate["auc_drop_threshold"]),
            )
        )
    return found


SOURCES = {
    "train": N_("training clients"),
    "test": N_("new applications without an outcome"),
    "log": N_("prediction log"),
    "batch": N_("new batch"),
}


def comparison(name: str, t: Translator = ENGLISH) -> str:
    """'training clients against prediction log' from a report named '<timestamp>_train_vs_log'."""
    what = name.split("_", 1)[-1]
    reference, _vs, current = what.partition("_vs_")
    if not _vs or reference not in SOURCES or current not in SOURCES:
        return what.replace("_", " ")
    return t.gettext("{reference} against {current}").format(
        reference=t.gettext(SOURCES[reference]), current=t.gettext(SOURCES[current])
    )
