"""Why a retrain kept, promoted or skipped a model, in the page's language: composed from the decision's
checks and rule (the decision's own sentences are English; a reason this module does not know is shown as
the decision writes it)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from dashboard import vocabulary
from dashboard.i18n import ENGLISH, Translator

FAIRNESS = "fairness: "
_SMALL_WINDOW = re.compile(
    r"out-of-time window too small: ([\d,]+) labelled clients with ([\d,]+) defaults "
    r"\(needs ([\d,]+) and ([\d,]+)\)"
)
_NO_OUTCOMES = "no labelled applicant of the client store in the prediction log"


def retrain_reasons(decision: Mapping, t: Translator = ENGLISH) -> list[str]:
    """The reasons of one retrain decision."""
    checks, rule = decision.get("checks"), decision.get("rule") or {}
    if decision.get("outcome") == "promoted":
        return [t.gettext("every check passed")]
    if decision.get("outcome") == "kept" and checks:
        return [_failed(c, rule, t) for c in checks if not c.get("passed")]
    return [_skipped(reason, t) for reason in decision.get("reasons") or []]


def _failed(check: Mapping, rule: Mapping, t: Translator) -> str:
    _ = t.gettext
    name = str(check.get("check", ""))
    try:
        if name == "auc":
            return _("failed AUC: the challenger's must reach the champion's + {margin}").format(
                margin=t.decimal(rule["auc_margin"])
            )
        if name == "cost":
            return _(
                "failed cost: the challenger's cost per 1,000 must be at most the champion's \u00d7 {factor}"
            ).format(factor=t.decimal(1 - rule["cost_margin"]))
        if name == "ece":
            return _(
                "failed calibration (ECE): the challenger's must be at most the champion's + {tolerance}"
            ).format(tolerance=t.decimal(rule["ece_tolerance"]))
        if name.startswith(FAIRNESS):
            attribute = name.removeprefix(FAIRNESS)
            return _(
                "failed fairness ({attribute}): the lowest approval ratio must stay within {tolerance} "
                "of the champion's"
            ).format(
                attribute=vocabulary.label(vocabulary.FAIRNESS_ATTRIBUTES, attribute, t),
                tolerance=t.decimal(rule["fairness_tolerance"]),
            )
    except (KeyError, TypeError):
        pass  # a decision without its rule's figures: its own words below
    return f"failed {name}: {check.get('rule', '')}"


def _skipped(reason: str, t: Translator) -> str:
    _ = t.gettext
    small = _SMALL_WINDOW.fullmatch(reason)
    if small:
        clients, defaults, needed, needed_defaults = (int(g.replace(",", "")) for g in small.groups())
        return _(
            "out-of-time window too small: {clients} labelled clients with {defaults} defaults (needs "
            "{needed} and {needed_defaults})"
        ).format(
            clients=t.number(clients),
            defaults=t.number(defaults),
            needed=t.number(needed),
            needed_defaults=t.number(needed_defaults),
        )
    if reason.startswith(_NO_OUTCOMES):
        return _("no outcome known yet for the scored clients: load them with “scoring labels --file CSV”")
    return reason
