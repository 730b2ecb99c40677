"""Build the feature table from data/interim/ (batch) or from in-memory frames (serving, evaluation).

DuckDB runs one query for the application features and one per secondary table; the per-client blocks
are then aligned on the application rows with Polars (a client without rows gets the feature defaults:
counts 0, everything else missing).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from scoring.data.normalise import normalise
from scoring.data.schema import APPLICATION_TEST
from scoring.data.validate import TableError
from scoring.features.aggregation import Output
from scoring.features.catalog import feature_names, table_outputs
from scoring.features.dictionary import write_dictionary
from scoring.features.duckdb_runner import (
    APPLICATION,
    FeatureError,
    connect,
    register_frames,
    register_parquet,
)
from scoring.features.specs import TABLE_SPECS
from scoring.features.sql import KEY, application_query, table_query
from scoring.io import write_parquet_atomic

HEAD = (KEY, "TARGET", "SPLIT")


@dataclass(frozen=True)
class BuildSummary:
    """What `build_features` wrote."""

    features_path: Path
    dictionary_path: Path
    train_rows: int
    test_rows: int
    features: int
    missing_tables: tuple[str, ...]
    seconds: float

    @property
    def rows(self) -> int:
        return self.train_rows + self.test_rows

    def describe(self) -> str:
        lines = [
            f"features: {self.rows:,} rows ({self.train_rows:,} train, {self.test_rows:,} test) "
            f"x {self.features} features in {self.seconds:.1f} s -> {self.features_path}",
            f"dictionary: {self.dictionary_path}",
        ]
        if self.missing_tables:
            lines.append(
                f"tables absent (their features are counts of 0 and missing values): "
                f"{', '.join(self.missing_tables)}"
            )
        return "\n".join(lines)


def aligned(keys: pl.DataFrame, block: pl.DataFrame, outs: Sequence[Output]) -> pl.DataFrame:
    """A table's per-client block on the application rows, clients without rows set to the defaults."""
    joined = keys.join(block, on=KEY, how="left", maintain_order="left").drop(KEY)
    defaults = [
        pl.col(o.feature.name).fill_null(o.feature.default) for o in outs if o.feature.default is not None
    ]
    return joined.with_columns(defaults)


def _feature_frame(con: duckdb.DuckDBPyConnection, head: Sequence[str]) -> pl.DataFrame:
    application = con.sql(application_query(head)).pl()
    keys = application.select(KEY)
    blocks = [application]
    for spec, outs in zip(TABLE_SPECS, table_outputs(), strict=True):
        blocks.append(aligned(keys, con.sql(table_query(spec, outs)).pl(), outs))
    return pl.concat(blocks, how="horizontal")


def build_features(
    interim_dir: Path,
    out_path: Path,
    dictionary_path: Path,
    threads: int | None = None,
) -> BuildSummary:
    """Write features.parquet (SK_ID_CURR, TARGET, SPLIT, features) and the feature dictionary, atomically."""
    start = time.perf_counter()
    with connect(threads) as con:
        missing = register_parquet(con, Path(interim_dir))
        table = _feature_frame(con, HEAD)
    return finish_build(table, out_path, dictionary_path, missing, start)


def finish_build(
    table: pl.DataFrame, out_path: Path, dictionary_path: Path, missing: Sequence[str], start: float
) -> BuildSummary:
    """Write a built feature table and the feature dictionary atomically (any engine); its summary."""
    write_parquet_atomic(out_path, table, compression="zstd", compression_level=1)
    write_dictionary(dictionary_path)
    splits = table.get_column("SPLIT")
    return BuildSummary(
        features_path=out_path,
        dictionary_path=dictionary_path,
        train_rows=int((splits == "train").sum()),
        test_rows=int((splits == "test").sum()),
        features=len(feature_names()),
        missing_tables=tuple(missing),
        seconds=time.perf_counter() - start,
    )


def compute_features(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """SK_ID_CURR + every feature for in-memory normalised tables, same definitions as `build_features`.

    `tables["application"]` holds application rows (with or without TARGET, which is never read); the
    secondary tables, keyed by their Kaggle names, are optional. Rows come out in the input's order.
    """
    with connect() as con:
        register_frames(con, tables)
        return _feature_frame(con, (KEY,))


def compute_features_from_raw(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """`compute_features` on raw Kaggle rows (text or numbers), normalised exactly as ingestion does.

    Keys as in `compute_features`; the application rows are read with the application_test schema
    (TARGET, if present, is dropped).
    """
    normalised = {}
    for name, frame in tables.items():
        table = APPLICATION_TEST.name if name == APPLICATION else name
        try:
            normalised[name] = normalise(table, frame)
        except (TableError, KeyError) as exc:
            raise FeatureError(f"raw {name} rows: {exc}") from exc
    return compute_features(normalised)
