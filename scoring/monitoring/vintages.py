"""Vintage curves: the realised default rate of labelled clients by month of origination and risk grade,
against the mean probability of default the model gave them (SR 11-7 outcomes analysis).

The labelled clients are those of `scoring.monitoring.outcomes.join_outcomes` (each client once, with the
score the decision rested on). The vintage is the calendar month (UTC) of that score; the grade is the
offer's grade of its calibrated PD (`scoring.offer.pricing.Pricer`, the bands of pricing.json). Each cell
gives its clients, defaults, the realised rate with its Wilson interval and the mean PD.
"""

from __future__ import annotations

import polars as pl

from scoring.monitoring.binomial import wilson
from scoring.offer.pricing import Pricer

ALPHA = 0.05
METHOD = (
    "labelled clients (each once, with the score the decision rested on) by calendar month of that score "
    "(UTC) and by the offer's risk grade of its calibrated PD (pricing.json); realised default rate with its "
    "95 % Wilson interval, against the mean PD given"
)


def graded(labelled: pl.DataFrame, pricer: Pricer | None = None) -> pl.DataFrame:
    """The labelled clients with `vintage` (YYYY-MM of the score), `grade` and `grade_index`."""
    pricer = pricer or Pricer()
    index = pricer.grade_index(labelled["probability"].to_numpy())
    return labelled.with_columns(
        pl.col("created_at").dt.strftime("%Y-%m").alias("vintage"),
        pl.Series("grade_index", index, dtype=pl.Int64),
        pl.Series("grade", pricer.names[index].tolist(), dtype=pl.String),
    )


def vintage_table(labelled: pl.DataFrame, pricer: Pricer | None = None, alpha: float = ALPHA) -> list[dict]:
    """One row per vintage and grade present (oldest vintage first, best grade first)."""
    if labelled.height == 0:
        return []
    cells = (
        graded(labelled, pricer)
        .group_by("vintage", "grade_index", "grade")
        .agg(
            pl.len().alias("n"),
            pl.col("outcome").cast(pl.Int64).sum().alias("defaults"),
            pl.col("probability").mean().alias("mean_probability"),
        )
        .sort("vintage", "grade_index")
    )
    rows = []
    for vintage, _index, grade, n, defaults, mean_pd in cells.iter_rows():
        low, high = wilson(defaults, n, alpha)
        rows.append(
            {
                "vintage": vintage,
                "grade": grade,
                "n": n,
                "defaults": defaults,
                "default_rate": defaults / n,
                "ci_low": low,
                "ci_high": high,
                "mean_probability": float(mean_pd),
            }
        )
    return rows


def vintages(labelled: pl.DataFrame, pricer: Pricer | None = None) -> dict:
    """The vintage table with its grades (in order), vintages and method."""
    pricer = pricer or Pricer()
    rows = vintage_table(labelled, pricer)
    present = {r["grade"] for r in rows}
    return {
        "method": METHOD,
        "confidence": 1 - ALPHA,
        "labelled": labelled.height,
        "grades": [g.name for g in pricer.grades if g.name in present],
        "vintages": sorted({r["vintage"] for r in rows}),
        "rows": rows,
    }
