"""The Strategy page's tables, from the API's answers: a simulation's rates against the strategy in force,
the rules fired, the swap set, and the stored versions with their review buttons."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html

from dashboard import text
from dashboard.components.tables import captioned_table, cell_rows
from dashboard.i18n import ENGLISH, N_, Translator
from dashboard.settings import currency
from dashboard.strategy_text import in_force_name, population_text
from dashboard.values import money

PREFIX = "strategy"
ACTIONS = {"refuse": N_("refuse"), "refer": N_("refer")}
STATUSES = {
    "active": N_("in force"),
    "proposed": N_("waiting for approval"),
    "rejected": N_("rejected"),
    "retired": N_("replaced"),
}


def _money(value: object, t: Translator) -> str:
    return money(value, t, currency())


def _per_day(result: dict, t: Translator) -> str:
    if result["refer_per_day"] is None:
        return t.gettext("no traffic in the prediction log")
    return t.gettext("{refer} a day (at {scores} scores a day)").format(
        refer=t.number(result["refer_per_day"], 1), scores=t.number(result["scores_per_day"], 1)
    )


def rates_table(result: dict, t: Translator = ENGLISH) -> dbc.Table:
    """The simulated strategy's figures beside the strategy in force's (rates and bad rates)."""
    _ = t.gettext
    now = result["current"]
    rows = [
        (_("Approval rate"), t.percent(result["approval_rate"], 2), t.percent(now["approval_rate"], 2)),
        (_("Refer rate"), t.percent(result["refer_rate"], 2), t.percent(now["refer_rate"], 2)),
        (_("Refusal rate"), t.percent(result["refusal_rate"], 2), t.percent(now["refusal_rate"], 2)),
        (
            _("Bad rate of the accepted, expected (mean PD)"),
            t.percent(result["expected_bad_rate"], 2),
            t.percent(now["expected_bad_rate"], 2),
        ),
        (
            _("Bad rate of the accepted, observed"),
            t.percent(result["observed_bad_rate"], 2),
            t.percent(now["observed_bad_rate"], 2),
        ),
        (
            _("Expected loss of the accepted"),
            _money(result["expected_loss"], t),
            _money(now.get("expected_loss"), t),
        ),
        (
            _("Expected profit at the offer's prices"),
            _money(result["profit"], t),
            _money(now.get("profit"), t),
        ),
        (_("Refer volume"), _per_day(result, t), ""),
    ]
    caption = _("{name} on {n} applications ({population})").format(
        name=result["strategy"], n=t.number(result["n"]), population=population_text(result, t)
    )
    head = ["", _("Simulated"), _("In force: {name}").format(name=in_force_name(now, t))]
    return captioned_table(caption, head, cell_rows(rows), f"{PREFIX}-rates")


def rules_table(result: dict, t: Translator = ENGLISH) -> dbc.Table | html.P:
    """How often each rule fires, and how many applications only it stops."""
    _ = t.gettext
    if not result["rules"]:
        return html.P(_("This strategy has no rule: the cut-offs alone decide."))
    rows = [
        html.Tr(
            [
                html.Td(r.get("title") or r["code"], title=r["code"]),
                html.Td(t.gettext(ACTIONS.get(r["action"], r["action"]))),
                html.Td(html.Code(r["when"]), className="text-break"),
                html.Td(t.number(r["fires"])),
                html.Td(t.percent(r["fire_rate"], 2)),
                html.Td(t.number(r["changes"])),
            ]
        )
        for r in result["rules"]
    ]
    head = [_("Rule"), _("Action"), _("Condition"), _("Fires"), _("Share"), _("Decisions it changes")]
    return captioned_table(_("Rules fired"), head, rows, f"{PREFIX}-rules")


def swap_table(result: dict, t: Translator = ENGLISH) -> dbc.Table:
    """Who changes side against the strategy in force, with their bad rates."""
    _ = t.gettext
    rows = [
        (
            label,
            t.number(group["count"]),
            *(
                t.percent(group[rate], 2) if group[rate] is not None else "\u2014"  # nobody: no rate
                for rate in ("expected_bad_rate", "observed_bad_rate")
            ),
        )
        for label, group in (
            (_("Swap in: accepted now, not by the strategy in force"), result["swap_in"]),
            (_("Swap out: accepted by the strategy in force, not now"), result["swap_out"]),
        )
    ]
    head = ["", _("Applications"), _("Bad rate, expected"), _("Bad rate, observed")]
    return captioned_table(_("Swap set"), head, cell_rows(rows), f"{PREFIX}-swap")


def transitions_table(result: dict, t: Translator = ENGLISH) -> dbc.Table:
    """How the applications' decisions move from the strategy in force (rows) to the simulated one (columns):
    what the swap set, which counts acceptances only, does not show (a referral becoming a refusal)."""
    _ = t.gettext
    outcomes = ("accept", "refer", "refuse")
    moved = result["transitions"]
    rows = [
        (
            text.decision_words(old, t),
            *(t.number(moved.get(old, {}).get(new, 0)) for new in outcomes),
        )
        for old in outcomes
    ]
    head = [_("In force \u2193 / simulated \u2192"), *(text.decision_words(new, t) for new in outcomes)]
    return captioned_table(
        _("Decisions, in force against simulated"), head, cell_rows(rows), f"{PREFIX}-moves"
    )


def can_review(version: dict, user: tuple[str, str] | None) -> bool:
    """Whether `user` (name, role) may approve or reject `version`: an administrator, on a proposed version
    they neither proposed nor wrote (four eyes; the API checks it again)."""
    if user is None or version["status"] != "proposed":
        return False
    name, role = user
    return role == "admin" and name not in (version["proposed_by"], version["author"])


def review_options(versions: Sequence[dict], user: tuple[str, str] | None) -> list[dict]:
    """The versions `user` may approve or reject, as choices."""
    return [
        {"label": f"{v['version']}: {v['name']} ({v['proposed_by']})", "value": str(v["version"])}
        for v in versions
        if can_review(v, user)
    ]


def _who(name: str | None, when: str | None, t: Translator) -> str:
    return f"{name} ({t.moment(when)})" if name and when else (name or "")


def versions_table(versions: Sequence[dict], t: Translator = ENGLISH) -> dbc.Table | html.P:
    """The stored versions, newest first, with who wrote, proposed, approved or rejected them."""
    _ = t.gettext
    if not versions:
        return html.P(_("No strategy stored yet: the model's threshold alone decides."))
    rows = [
        html.Tr(
            [
                html.Td(str(v["version"])),
                html.Td(v["name"]),
                html.Td(t.gettext(STATUSES.get(v["status"], v["status"]))),
                html.Td(v["author"]),
                html.Td(_who(v["proposed_by"], v["proposed_at"], t)),
                html.Td(
                    _who(v["approved_by"], v["approved_at"], t) or _who(v["rejected_by"], v["rejected_at"], t)
                ),
            ]
        )
        for v in versions
    ]
    head = [_("Version"), _("Name"), _("Status"), _("Author"), _("Proposed by"), _("Approved or rejected by")]
    return captioned_table(_("Stored versions, newest first"), head, rows, f"{PREFIX}-versions-table")
