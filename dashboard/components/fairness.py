"""The Model page's fairness table: approval and error rates by gender and age band, flagged in words."""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import html

from dashboard import vocabulary
from dashboard.i18n import N_, Translator

FAIRNESS_COLUMNS = (
    ("attribute", N_("Attribute")),
    ("group", N_("Group")),
    ("n", N_("Clients")),
    ("default_rate", N_("Default rate")),
    ("approval_rate", N_("Approval rate")),
    ("tpr", N_("Defaulters refused")),
    ("fpr", N_("Good clients refused")),
    ("approval_ratio", N_("Approval ratio")),
)


def _cell(key: str, value: object, t: Translator) -> str:
    if key == "attribute":
        return vocabulary.label(vocabulary.FAIRNESS_ATTRIBUTES, value, t)
    if key == "group":
        return vocabulary.label(vocabulary.LEVELS, value, t)
    if key == "n":
        return t.number(value)
    if key == "approval_ratio":
        return t.number(value, 2)
    return t.percent(value)


def fairness_table(rows: list[Mapping], t: Translator) -> html.Section:
    _ = t.gettext
    head = html.Tr(
        [html.Th(_(name), scope="col") for _key, name in FAIRNESS_COLUMNS]
        + [html.Th(_("Check"), scope="col")]
    )
    flag, ok = "\u26a0 " + _("below 0.8: review"), "\u2714 " + _("ok")
    body = [
        html.Tr(
            [html.Td(_cell(k, r.get(k), t)) for k, _name in FAIRNESS_COLUMNS]
            + [html.Td(flag if r.get("flagged") else ok)],
            className="table-warning" if r.get("flagged") else "",
        )
        for r in rows
    ]
    flagged = sum(1 for r in rows if r.get("flagged"))
    return html.Section(
        [
            html.H2(_("Fairness"), className="h4"),
            html.P(
                t.ngettext(
                    "Approval and error rates by gender and age band (out of fold); {count} group has an "
                    "approval rate below 0.8 times the best-treated group of its attribute (the four-fifths "
                    "rule).",
                    "Approval and error rates by gender and age band (out of fold); {count} groups have an "
                    "approval rate below 0.8 times the best-treated group of their attribute (the "
                    "four-fifths rule).",
                    flagged,
                ).format(count=flagged)
            ),
            html.Div(
                dbc.Table([html.Thead(head), html.Tbody(body)], size="sm", striped=True, id="model-fairness"),
                className="table-scroll",
                tabIndex="0",
                **{"aria-label": _("Fairness table, scrollable")},
            ),
        ],
        className="mt-4",
    )
