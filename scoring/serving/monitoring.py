"""Operations summary from the prediction log: per time bucket, traffic, errors, latency and decisions."""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl

from scoring.vocabulary import Decision

BUCKET = re.compile(r"^([1-9][0-9]{0,3})(s|m|h|d)$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

SCORE_PERCENTILES = (10, 50, 90)


def bucket_seconds(bucket: str) -> int:
    """Length of a bucket such as '30s', '5m', '1h', '1d'; ValueError otherwise."""
    match = BUCKET.match(bucket)
    if not match:
        raise ValueError(f"bucket {bucket!r} is not a duration like 30s, 5m, 1h or 1d")
    return int(match.group(1)) * _SECONDS[match.group(2)]


def _start(frame: pl.DataFrame, bucket: str) -> pl.DataFrame:
    """Each row's bucket start: its time truncated to a multiple of the bucket length (UTC epoch based)."""
    bucket_seconds(bucket)
    return frame.with_columns(pl.col("created_at").dt.truncate(bucket).alias("start"))


def summarise(requests: pl.DataFrame, predictions: pl.DataFrame, bucket: str) -> list[dict]:
    """One dict per non-empty bucket, in time order."""
    traffic = (
        _start(requests, bucket)
        .group_by("start")
        .agg(
            pl.len().alias("requests"),
            pl.col("latency_ms").quantile(0.50, "linear").alias("latency_ms_p50"),
            pl.col("latency_ms").quantile(0.95, "linear").alias("latency_ms_p95"),
            pl.col("latency_ms").quantile(0.99, "linear").alias("latency_ms_p99"),
        )
    )
    errors = (
        _start(requests.filter(pl.col("status_code") >= 400), bucket).group_by("start", "status_code").len()
    )
    scores = (
        _start(predictions, bucket)
        .group_by("start")
        .agg(
            pl.len().alias("scores"),
            (pl.col("decision") == Decision.REFUSE.value).mean().alias("refusal_rate"),
            pl.col("probability").mean().alias("mean_probability"),
            *(
                pl.col("probability").quantile(q / 100, "linear").alias(f"probability_p{q}")
                for q in SCORE_PERCENTILES
            ),
        )
    )
    starts = pl.concat([traffic.select("start"), scores.select("start")]).unique().sort("start")
    table = starts.join(traffic, on="start", how="left").join(scores, on="start", how="left")
    by_bucket: dict[datetime, dict[str, int]] = {}
    for start, code, count in errors.iter_rows():
        by_bucket.setdefault(start, {})[str(code)] = count
    rows = []
    for row in table.iter_rows(named=True):
        row["requests"] = row["requests"] or 0
        row["scores"] = row["scores"] or 0
        row["errors"] = by_bucket.get(row["start"], {})
        rows.append(row)
    return rows
