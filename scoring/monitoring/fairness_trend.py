"""Fairness over time: per month of the score, the approval rate of each sex and age band and its ratio to the
best group's, from the prediction log (monitored, never model inputs). Attributes are named as in the model
card's fairness table: CODE_GENDER (sex) and "age band".

Approved = not refused (a referral is no refusal: the officer decides), as in the fairness table of the model
card (`scoring.modeling.fairness`: its age bands, its four-fifths rule, its minimum group size). Each
applicant counts once per month, with their latest score of the month; what-if simulations are left out.

Where the groups come from: the age band from the log's coarse age (AGE_BAND_YEARS, 5-year bands: the log
never stores the exact age; the fairness bands' edges are multiples of 10, so each logged band falls in one
group). The categorical protected attributes of `scoring/features/protected.json` (sex) are never logged:
they come from the client store (features.parquet, where they stay for fairness monitoring only) through the
log's salted client hash. An applicant scored from a posted application that is not in the store has no
known sex: they count in the age groups only, and `known` says how many applicants each attribute covers.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from scoring.data.schema import APPLICATION_TEST, CAT
from scoring.features.application_feature import PREFIX
from scoring.features.protected import protected_policy
from scoring.modeling.fairness import AGE_BANDS, FOUR_FIFTHS, MIN_GROUP
from scoring.serving.prediction_log import client_hash
from scoring.vocabulary import Decision, ScoreKind

AGE_COLUMN = "AGE_BAND_YEARS"
AGE = "age band"
HASH = "client_hash"
ID = "SK_ID_CURR"
METHOD = (
    "per month of the score (UTC), each applicant once with their latest score; approval rate = share not "
    f"refused; groups of fewer than {MIN_GROUP} applicants are shown but not judged (no ratio); ratio = the "
    "group's approval rate / the highest of its judged groups; flagged below "
    f"{FOUR_FIFTHS:g} (four-fifths rule)"
)


def _protected_columns() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Raw field (the attribute's name, as in the model card's fairness table) -> (store column, levels) of
    each categorical protected field."""
    fields = {c.name: c for c in APPLICATION_TEST.columns}
    return {
        a.column: (PREFIX + a.column, fields[a.column].levels)
        for a in protected_policy().attributes
        if a.column in fields and fields[a.column].kind == CAT
    }


@lru_cache(maxsize=2)
def _store_groups(path: str, modified: int, salt: bytes) -> pl.DataFrame:
    columns = _protected_columns()
    schema = pl.read_parquet_schema(path)
    present = {a: c for a, c in columns.items() if c[0] in schema}
    frame = pl.read_parquet(path, columns=[ID, *(c for c, _ in present.values())])
    out = {HASH: [client_hash(int(i), salt) for i in frame[ID].to_list()]}
    for attribute, (column, levels) in present.items():
        codes = frame[column].cast(pl.Float64).fill_null(-1).to_numpy().astype(np.int64)
        names = np.array(levels, dtype=object)
        out[attribute] = [names[c] if 0 <= c < len(levels) else None for c in codes]
    return pl.DataFrame(out, schema={HASH: pl.String, **dict.fromkeys(present, pl.String)})


def store_groups(features_path: Path, salt: bytes) -> pl.DataFrame | None:
    """client_hash and each categorical protected attribute of the client store (None without a store);
    read once per version of the file."""
    if not features_path.is_file():
        return None
    return _store_groups(str(features_path), features_path.stat().st_mtime_ns, salt)


def _age_band(years: pl.Expr) -> pl.Expr:
    band = pl.lit(None, dtype=pl.String)
    for low, high, label in reversed(AGE_BANDS):
        band = pl.when((years >= low) & (years < high)).then(pl.lit(label)).otherwise(band)
    return band


def applicants(predictions: pl.DataFrame, groups: pl.DataFrame | None) -> pl.DataFrame:
    """One row per applicant and month: period, approved, and one column per attribute (null: unknown)."""
    frame = predictions.filter(pl.col("kind") != ScoreKind.WHAT_IF.value).with_row_index("row")
    frame = frame.with_columns(
        pl.col("created_at").dt.strftime("%Y-%m").alias("period"),
        (pl.col("decision") != Decision.REFUSE.value).alias("approved"),
        pl.coalesce(pl.col(HASH), pl.col("row").cast(pl.String)).alias("applicant"),
    )
    latest = frame.sort("created_at").unique(subset=["applicant", "period"], keep="last", maintain_order=True)
    age = _age_band(pl.col(AGE_COLUMN)) if AGE_COLUMN in latest.columns else pl.lit(None, dtype=pl.String)
    latest = latest.with_columns(age.alias(AGE))
    protected = list(_protected_columns())
    stored = [a for a in protected if groups is not None and a in groups.columns]
    if stored:
        latest = latest.join(groups.select(HASH, *stored), on=HASH, how="left")
    latest = latest.with_columns(pl.lit(None, dtype=pl.String).alias(a) for a in protected if a not in stored)
    return latest.select("period", "approved", *protected, AGE)


def _group_rows(frame: pl.DataFrame, attribute: str, order: list[str]) -> list[dict]:
    counts = (
        frame.drop_nulls(attribute).group_by(attribute).agg(pl.len().alias("n"), pl.col("approved").mean())
    )
    found = {row[attribute]: row for row in counts.iter_rows(named=True)}
    rows = [
        {"attribute": attribute, "group": g, "n": found[g]["n"], "approval_rate": found[g]["approved"]}
        for g in [*order, *sorted(set(found) - set(order))]
        if g in found
    ]
    sized = [r["approval_rate"] for r in rows if r["n"] >= MIN_GROUP]
    top = max(sized) if sized else None
    for r in rows:
        r["judged"] = r["n"] >= MIN_GROUP
        r["approval_ratio"] = r["approval_rate"] / top if top and r["judged"] else None
        r["flagged"] = bool(r["approval_ratio"] is not None and r["approval_ratio"] < FOUR_FIFTHS)
    return rows


def fairness_trend(predictions: pl.DataFrame, groups: pl.DataFrame | None) -> dict:
    """Per month: applicants, how many have each attribute known, and each group's approval rate and ratio."""
    table = applicants(predictions, groups)
    orders = {a: list(levels) for a, (_, levels) in _protected_columns().items()}
    orders[AGE] = [label for _, _, label in AGE_BANDS]
    periods = []
    for (period,), frame in sorted(table.group_by("period"), key=lambda item: item[0]):
        periods.append(
            {
                "period": period,
                "applicants": frame.height,
                "approval_rate": float(frame["approved"].mean()),
                "known": {a: frame.height - frame[a].null_count() for a in orders},
                "groups": [row for a, order in orders.items() for row in _group_rows(frame, a, order)],
            }
        )
    return {"method": METHOD, "min_group": MIN_GROUP, "four_fifths": FOUR_FIFTHS, "periods": periods}
