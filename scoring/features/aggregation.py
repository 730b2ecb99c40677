"""Declarative per-client aggregations of a secondary table: table -> derived columns -> subsets -> aggs.

A `TableSpec` says what to compute, in plain SQL fragments (portable to Spark SQL); `scoring.features.sql`
turns it into a query and this module names and labels each resulting feature.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from scoring.data.schema import TABLES
from scoring.features.encoding import level_token
from scoring.features.expr import quote_ident, quote_str
from scoring.features.feature import FeatureDefinition
from scoring.features.field_labels import level_en, level_fr, official_description
from scoring.vocabulary import FeatureKind

# function -> (SQL aggregate, {} standing for the value; label phrase)
FUNCS: dict[str, tuple[str, str]] = {
    "mean": ("AVG({})", "Average"),
    "min": ("MIN({})", "Minimum"),
    "max": ("MAX({})", "Maximum"),
    "sum": ("SUM({})", "Total"),
    "std": ("STDDEV_SAMP({})", "Spread (std) of"),
    "distinct": ("COUNT(DISTINCT {})", "Number of distinct"),
}
_DATE_PHRASES = {"min": "Earliest", "max": "Latest"}
# French labels name the value first and the function after it: "Annuité des ... (moyenne)"
FUNCS_FR = {
    "mean": "moyenne",
    "min": "minimum",
    "max": "maximum",
    "sum": "total",
    "std": "écart-type",
    "distinct": "nombre de valeurs distinctes",
}
_DATE_PHRASES_FR = {"min": "au plus tôt", "max": "au plus tard"}
UNITS_FR = {"days": "jours", "months": "mois", "years": "ans"}
_FLAG_UNITS = {"mean": "share", "sum": "count"}
_UNITS_IN_LABEL = ("days", "months", "years")


@dataclass(frozen=True)
class Term:
    """How to speak of a column: noun phrase with a `{rows}` slot, unit, optional whole-label overrides;
    `fr` and `labels_fr` the same in French (`{rows}` there stands for the French rows, after "des")."""

    noun: str
    unit: str
    date: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)
    fr: str = ""
    labels_fr: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Derived:
    """A column computed from others: row-level SQL in a table spec, aggregate SQL in a rollup."""

    name: str
    sql: str
    term: Term


@dataclass(frozen=True)
class Agg:
    """Aggregates of one column (raw, derived or rolled up): funcs among FUNCS."""

    column: str
    funcs: tuple[str, ...]


@dataclass(frozen=True)
class Subset:
    """Rows kept by `where` (None: all rows), described as `rows` (in French `rows_fr`, a plural noun
    without article); count, aggregates and level shares."""

    name: str
    where: str | None
    rows: str
    aggs: tuple[Agg, ...]
    shares: tuple[str, ...] = ()
    rows_fr: str = ""


@dataclass(frozen=True)
class Post:
    """A feature computed from other aggregates of the same table, written `{FEATURE_NAME}` in `sql`."""

    name: str
    sql: str
    unit: str
    label: str
    label_fr: str = ""


@dataclass(frozen=True)
class Rollup:
    """A child table aggregated on `key` and joined to the parent's rows before the parent is aggregated."""

    table: str
    key: str
    columns: tuple[Derived, ...]


@dataclass(frozen=True)
class TableSpec:
    """Every per-client feature of one secondary table (and its rolled-up children)."""

    table: str
    prefix: str
    terms: Mapping[str, Term]
    subsets: tuple[Subset, ...]
    derived: tuple[Derived, ...] = ()
    rollups: tuple[Rollup, ...] = ()
    post: tuple[Post, ...] = ()
    key: str = "SK_ID_CURR"


@dataclass(frozen=True)
class Output:
    """One feature of a table spec and the SQL that computes it (aggregate, or post expression)."""

    feature: FeatureDefinition
    sql: str
    post: bool = False


def _feature_name(spec: TableSpec, subset: Subset, *parts: str) -> str:
    return "_".join(p for p in (spec.prefix, subset.name, *parts) if p)


def _aggregate(template: str, value: str, subset: Subset) -> str:
    """SQL of one aggregate over the subset's rows, e.g. `AVG(CASE WHEN <where> THEN x END)`."""
    if subset.where is not None:
        value = f"CASE WHEN {subset.where} THEN {'1' if value == '*' else value} END"
    return template.replace("{}", value)


def _lookup(spec: TableSpec, column: str) -> tuple[Term, str, str]:
    """Term, source table and description of a raw, derived or rolled-up column."""
    for derived in spec.derived:
        if derived.name == column:
            return derived.term, spec.table, f"{column} = {derived.sql}"
    for rollup in spec.rollups:
        for derived in rollup.columns:
            if derived.name == column:
                return derived.term, rollup.table, f"{column} = {derived.sql} per {rollup.key}"
    if column in spec.terms:
        return spec.terms[column], spec.table, official_description(spec.table, column)
    raise KeyError(f"{spec.table} spec: no term for column {column}")


def _agg_label(term: Term, func: str, rows: str) -> str:
    if func in term.labels:
        return term.labels[func].format(rows=rows)
    phrase = _DATE_PHRASES[func] if term.date and func in _DATE_PHRASES else FUNCS[func][1]
    noun = term.noun.format(rows=rows)
    shown = term.unit in _UNITS_IN_LABEL and term.unit not in noun and func != "distinct"
    return f"{phrase} {noun}" + (f" ({term.unit})" if shown else "")


def _agg_label_fr(term: Term, func: str, rows: str) -> str:
    """The French label: the value, then the function and unit in brackets ("Annuité des ... (moyenne)")."""
    if func in term.labels_fr:
        return term.labels_fr[func].format(rows=rows)
    phrase = _DATE_PHRASES_FR[func] if term.date and func in _DATE_PHRASES_FR else FUNCS_FR[func]
    noun = term.fr.format(rows=rows)
    unit = UNITS_FR.get(term.unit)
    shown = unit is not None and unit not in noun and func != "distinct"
    return _capitalise(noun) + f" ({phrase}" + (f", {unit})" if shown else ")")


def _capitalise(text: str) -> str:
    """The text with its first letter upper-cased, the rest kept ("cartes de X" -> "Cartes de X")."""
    return text[:1].upper() + text[1:]


def _of_fr(noun: str) -> str:
    """French "de" before a noun without article, elided before a vowel or a mute h ("d'échéances")."""
    return f"d'{noun}" if noun[:1].lower() in "aeéèêiîoôuh" else f"de {noun}"


def _agg_unit(term: Term, func: str) -> str:
    if func == "distinct":
        return "count"
    return _FLAG_UNITS.get(func, term.unit) if term.unit == "flag" else term.unit


def _count_output(spec: TableSpec, subset: Subset) -> Output:
    feature = FeatureDefinition(
        name=_feature_name(spec, subset, "COUNT"),
        source=spec.table,
        aggregation=f"count of rows{_where_text(subset)}",
        unit="count",
        kind=FeatureKind.COUNT,
        label=f"Number of {subset.rows}",
        label_fr=f"Nombre {_of_fr(subset.rows_fr)}",
        default=0.0,
    )
    return Output(feature, _aggregate("COUNT({})", "*", subset))


def _where_text(subset: Subset) -> str:
    return "" if subset.where is None else f" where {subset.where}"


def _agg_output(spec: TableSpec, subset: Subset, column: str, func: str) -> Output:
    term, source, description = _lookup(spec, column)
    sql = _aggregate(FUNCS[func][0], quote_ident(column), subset)
    feature = FeatureDefinition(
        name=_feature_name(spec, subset, column, func.upper()),
        source=source,
        aggregation=f"{func}({column}){_where_text(subset)}",
        unit=_agg_unit(term, func),
        kind=FeatureKind.COUNT if func == "distinct" else FeatureKind.NUMERIC,
        label=_agg_label(term, func, subset.rows),
        label_fr=_agg_label_fr(term, func, subset.rows_fr),
        description=description,
        default=0.0 if func == "distinct" else None,
    )
    return Output(feature, sql)


def _share_outputs(spec: TableSpec, subset: Subset, column: str) -> list[Output]:
    term, source, description = _lookup(spec, column)
    outputs = []
    for level in TABLES[spec.table].column(column).levels:
        hit = f"CASE WHEN {quote_ident(column)} = {quote_str(level)} THEN 1.0 ELSE 0.0 END"
        feature = FeatureDefinition(
            name=_feature_name(spec, subset, column, level_token(level), "SHARE"),
            source=source,
            aggregation=f"share of rows with {column} = '{level}'{_where_text(subset)}",
            unit="share",
            kind=FeatureKind.NUMERIC,
            label=f"Share of {subset.rows} with {term.noun} '{level_en(level)}'",
            label_fr=f"Part des {subset.rows_fr} avec {term.fr} « {level_fr(level)} »",
            description=description,
        )
        outputs.append(Output(feature, _aggregate("AVG({})", hit, subset)))
    return outputs


def _post_output(spec: TableSpec, post: Post) -> Output:
    feature = FeatureDefinition(
        name=post.name,
        source=spec.table,
        aggregation=post.sql.replace("{", "").replace("}", ""),
        unit=post.unit,
        kind=FeatureKind.NUMERIC,
        label=post.label,
        label_fr=post.label_fr,
    )
    sql = post.sql.format(**{name: quote_ident(name) for name in _names_in(post.sql)})
    return Output(feature, sql, post=True)


def _names_in(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def outputs(spec: TableSpec) -> tuple[Output, ...]:
    """Every feature of a table spec, in output order, with its SQL; checks names are unique and known."""
    result: list[Output] = []
    for subset in spec.subsets:
        result.append(_count_output(spec, subset))
        for agg in subset.aggs:
            result.extend(_agg_output(spec, subset, agg.column, func) for func in agg.funcs)
        for column in subset.shares:
            result.extend(_share_outputs(spec, subset, column))
    aggregates = {o.feature.name for o in result}
    for post in spec.post:
        unknown = [name for name in _names_in(post.sql) if name not in aggregates]
        if unknown:
            raise KeyError(f"{spec.table} spec: post feature {post.name} uses unknown aggregates {unknown}")
        result.append(_post_output(spec, post))
    names = [o.feature.name for o in result]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise KeyError(f"{spec.table} spec: duplicate feature names {duplicates}")
    return tuple(result)
