"""The Model page's fairness table: approval and error rates by gender and age band, flagged in words; a group
too small to judge (fewer clients than the API's `fairness_min_group`) says so instead of a ratio."""

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


def judged(row: Mapping) -> bool:
    """Whether the row's group has enough clients to judge (rows without the mark are judged)."""
    return bool(row.get("judged", True))


def _cell(key: str, value: object, t: Translator, attribute: str = "") -> str:
    if key == "attribute":
        return vocabulary.label(vocabulary.FAIRNESS_ATTRIBUTES, value, t)
    if key == "group":
        return vocabulary.group_label(attribute, value, t)
    if key == "n":
        return t.number(value)
    if key == "approval_ratio":
        return t.number(value, 2)
    return t.percent(value)


def _check(row: Mapping, t: Translator) -> str:
    if not judged(row):
        return t.gettext("too few to judge")
    return "\u26a0 " + t.gettext("below 0.8: review") if row.get("flagged") else "\u2714 " + t.gettext("ok")


def _row(row: Mapping, t: Translator) -> html.Tr:
    cells = [
        "\u2014"
        if key == "approval_ratio" and not judged(row)
        else _cell(key, row.get(key), t, row["attribute"])
        for key, _name in FAIRNESS_COLUMNS
    ]
    style = "table-warning" if row.get("flagged") else ("text-muted" if not judged(row) else "")
    return html.Tr([html.Td(c) for c in [*cells, _check(row, t)]], className=style)


def fairness_table(rows: list[Mapping], t: Translator, min_group: int | None = None) -> html.Section:
    _ = t.gettext
    head = html.Tr(
        [html.Th(_(name), scope="col") for _key, name in FAIRNESS_COLUMNS]
        + [html.Th(_("Check"), scope="col")]
    )
    body = [_row(r, t) for r in rows]
    small = (
        [
            html.P(
                _(
                    "A group of fewer than {count} clients is too few to judge: its rates are noise, it is "
                    "neither the reference of its attribute nor flagged."
                ).format(count=t.number(min_group)),
                className="small",
            )
        ]
        if min_group
        else []
    )
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
            *small,
            html.Div(
                dbc.Table([html.Thead(head), html.Tbody(body)], size="sm", striped=True, id="model-fairness"),
                className="table-scroll",
                tabIndex="0",
                **{"aria-label": _("Fairness table, scrollable")},
            ),
        ],
        className="mt-4",
    )
