"""The Drift page's views of drift by segment (the report's `segments`) and of fairness over time (the
monitoring summary's `fairness`: approval ratios by gender and age band per month)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import html

from dashboard import vocabulary
from dashboard.components.tables import captioned_table
from dashboard.i18n import ENGLISH, Translator
from dashboard.values import first_of

WARN, OK, DASH = "\u26a0 ", "\u2714 ", "\u2014"
MOVED_SHOWN = 3


def _moved(entry: Mapping, t: Translator) -> str:
    names = [m.get("label") or m.get("feature", "") for m in entry.get("features_moved") or []]
    return first_of(names, MOVED_SHOWN, t) or t.gettext("none")


def _realised(entry: Mapping, t: Translator) -> str:
    if entry.get("realised_rate") is None:
        return DASH
    return t.gettext("{rate} (p = {p_value})").format(
        rate=t.percent(entry["realised_rate"]), p_value=t.number(entry.get("p_value"), 3)
    )


def segment_name(entry: Mapping, t: Translator = ENGLISH) -> str:
    """A segment value in words, "Income type: Pensioner" (the API's `name` for a segment it does not
    know)."""
    segment, value = entry.get("segment"), entry.get("value")
    if segment not in vocabulary.SEGMENTS or value is None:
        return str(entry.get("name", ""))
    name, level = vocabulary.label(vocabulary.SEGMENTS, segment, t), vocabulary.level_label(segment, value, t)
    return t.gettext("{segment}: {value}").format(segment=name, value=level)


def _segment_row(entry: Mapping, t: Translator) -> html.Tr:
    drifted = bool(entry.get("drifted"))
    cells = [
        segment_name(entry, t),
        t.gettext("{current} / {reference}").format(
            current=t.number(entry.get("n")), reference=t.number(entry.get("n_reference"))
        ),
        t.gettext("{psi} (critical {critical})").format(
            psi=t.number(entry.get("score_psi"), 3), critical=t.number(entry.get("score_psi_critical"), 3)
        ),
        _moved(entry, t),
        t.gettext("{current} (reference {reference})").format(
            current=t.percent(entry.get("mean_pd")), reference=t.percent(entry.get("reference_mean_pd"))
        ),
        _realised(entry, t),
        WARN + t.gettext("drifted") if drifted else OK + t.gettext("no"),
    ]
    return html.Tr([html.Td(c) for c in cells], className="table-warning" if drifted else "")


def segments_view(summary: Mapping, t: Translator = ENGLISH) -> html.Section:
    """One row per segment value with enough clients: sizes, PSI of the score, features that moved, mean PD,
    realised default rate and its binomial test; drifted rows highlighted."""
    _ = t.gettext
    entries: Sequence[Mapping] | None = summary.get("segments")
    check = summary.get("segment_check") or {}
    title = html.H2(_("By segment"), className="h4")
    if entries is None:
        return html.Section([title, html.P(_("This report has no segments (made before they were added)."))])
    note = html.P(
        t.ngettext(
            "Segment values with at least {count} clients in both the reference and the current data "
            "({small} smaller one not shown).",
            "Segment values with at least {count} clients in both the reference and the current data "
            "({small} smaller ones not shown).",
            check.get("values_too_small") or 0,
        ).format(count=t.number(check.get("min_clients")), small=t.number(check.get("values_too_small"))),
        className="small",
    )
    if not entries:
        return html.Section([title, note], className="mt-4")
    headers = (
        _("Segment"),
        _("Clients (current / reference)"),
        _("PSI of the score"),
        _("Features that moved"),
        _("Mean PD"),
        _("Realised default rate"),
        _("Drift"),
    )
    table = captioned_table(
        _("Drift by segment"), headers, [_segment_row(e, t) for e in entries], "drift-segments"
    )
    return html.Section([title, note, table], className="mt-4")


def _groups(periods: Sequence[Mapping]) -> list[tuple[str, str]]:
    """(attribute, group) columns in their first order of appearance."""
    seen: dict[tuple[str, str], None] = {}
    for period in periods:
        for row in period.get("groups") or []:
            seen[(row["attribute"], row["group"])] = None
    return list(seen)


def _group_label(attribute: str, group: str, t: Translator) -> str:
    """'Gender: Female', 'Age band: 30-39' in the page's language."""
    name = vocabulary.label(vocabulary.FAIRNESS_ATTRIBUTES, attribute, t)
    return t.gettext("{segment}: {value}").format(
        segment=name, value=vocabulary.group_label(attribute, group, t)
    )


def _ratio(row: Mapping | None, t: Translator) -> str:
    if row is None:
        return DASH
    if not row.get("judged", True) or row.get("approval_ratio") is None:
        return t.gettext("{rate} (too few)").format(rate=t.percent(row.get("approval_rate"), 0))
    ratio = t.number(row["approval_ratio"], 2)
    return (WARN if row.get("flagged") else "") + f"{ratio} ({t.percent(row.get('approval_rate'), 0)})"


def fairness_trend_view(fairness: Mapping | None, t: Translator = ENGLISH) -> html.Section | None:
    """Per month: applicants and, per gender and age band, the approval ratio (approval rate)."""
    _ = t.gettext
    periods = (fairness or {}).get("periods") or []
    if not periods:
        return None
    columns = _groups(periods)
    headers = [
        _("Month"),
        _("Applicants"),
        *(_group_label(attribute, group, t) for attribute, group in columns),
    ]
    rows = []
    for period in periods:
        found = {(r["attribute"], r["group"]): r for r in period.get("groups") or []}
        cells = [period["period"], t.number(period.get("applicants"))]
        cells += [_ratio(found.get(column), t) for column in columns]
        flagged = any(r.get("flagged") for r in found.values())
        rows.append(html.Tr([html.Td(c) for c in cells], className="table-warning" if flagged else ""))
    note = _(
        "Approval ratio: the group's approval rate over the highest of its attribute (approval rate in "
        "brackets: the share not refused, a referral counting as not refused since an officer decides it, as "
        "in the Model page's fairness table); below 0.8 is flagged (four-fifths rule). Groups of fewer than "
        "{count} applicants are too "
        "few to judge. Gender comes from the client store (applicants scored from a posted application are "
        "counted in the age bands only); neither attribute is a model input."
    ).format(count=t.number(fairness.get("min_group")))
    return html.Section(
        [
            html.H2(_("Fairness over time"), className="h4"),
            html.P(note, className="small"),
            captioned_table(_("Approval ratio by month"), headers, rows, "drift-fairness-table"),
        ],
        className="mt-4",
    )
