"""Ingestion: validate the raw Kaggle tables of a directory and write them as typed Parquet, all or nothing.

Tables are read one at a time in schema order (parents before children). Errors (missing file or column,
unparsable number, empty file, duplicate primary key, TARGET not 0/1) stop the run before anything is
replaced in the output directory; orphan foreign keys, unknown categorical levels and ignored columns are
warnings. Each error line names the file, the column and the count of bad rows; rows are numbered as lines
of a CSV file (header = line 1, first data row = row 2) and from 1 in a Parquet file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from scoring.data.normalise import normalise
from scoring.data.schema import FLOAT, KEY, REQUIRED_TABLES, TABLES, Column, Table
from scoring.data.sources import find_source, read_source
from scoring.data.validate import TableError, duplicate_keys, orphan_count, unknown_levels
from scoring.errors import ScoringError
from scoring.io import StagedWrites

GROUND_TRUTH = Table(
    "ground_truth",
    (Column("SK_ID_CURR", KEY), Column("TRUE_PROBABILITY", FLOAT)),
    ("SK_ID_CURR",),
)
MANIFEST = "manifest.json"
APPLICATION_PARENT = "application"
PARENT_KEYS = {
    "application_train": ("SK_ID_CURR", APPLICATION_PARENT),
    "application_test": ("SK_ID_CURR", APPLICATION_PARENT),
    "bureau": ("SK_ID_BUREAU", "bureau"),
    "previous_application": ("SK_ID_PREV", "previous_application"),
}


class IngestError(ScoringError):
    """A raw table that cannot be ingested; the message names the file, the column and the bad rows."""


@dataclass(frozen=True)
class TableReport:
    """One ingested table: its name, source file, output file and shape."""

    name: str
    source: Path
    output: Path
    rows: int
    columns: int


@dataclass
class IngestReport:
    """What a run read, wrote and warned about."""

    raw_dir: Path
    out_dir: Path
    tables: list[TableReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ground_truth: TableReport | None = None
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def describe(self) -> str:
        """Tables with rows and columns, then the warnings, as printed by `scoring ingest`."""
        lines = [f"Ingested {len(self.tables)} tables from {self.raw_dir} into {self.out_dir}:"]
        width = max(len(t.name) for t in self.tables)
        lines += [
            f"  {t.name:<{width}}  {t.rows:>11,} rows  {t.columns:>4} columns  ({t.source.name})"
            for t in self.tables
        ]
        if self.ground_truth is not None:
            lines.append(f"  with the true probabilities of {self.ground_truth.rows:,} clients")
        lines.append(f"Warnings: {len(self.warnings)}")
        lines += [f"  - {w}" for w in self.warnings]
        return "\n".join(lines)

    def manifest(self) -> dict[str, object]:
        """The content of manifest.json."""
        return {
            "source_dir": str(self.raw_dir),
            "created": self.created,
            "tables": {
                t.name: {"file": t.output.name, "source": t.source.name, "rows": t.rows, "columns": t.columns}
                for t in self.tables
            },
            "ground_truth": None if self.ground_truth is None else self.ground_truth.output.name,
            "warnings": self.warnings,
        }


def _orphan_warnings(table: Table, frame: pl.DataFrame, parents: dict[str, pl.Series]) -> list[str]:
    warnings = []
    for column, parent in table.foreign_keys.items():
        count = orphan_count(frame, column, parents[parent]) if parent in parents else 0
        if count:
            of = "application_train/application_test" if parent == APPLICATION_PARENT else parent
            warnings.append(f"column {column}: {count:,} of {frame.height:,} rows without a parent in {of}")
    return warnings


def _load(table: Table, path: Path, parents: dict[str, pl.Series]) -> tuple[pl.DataFrame, list[str]]:
    """Read, check and normalise one table; its warnings; TableError on the first failing check."""
    raw = read_source(table, path)
    ignored = ", ".join(raw.extra_columns)
    extra = [f"ignored column(s) not in the schema: {ignored}"] if ignored else []
    frame = normalise(table, raw.frame, first_row=raw.first_row)
    del raw  # frees the untyped copy before the checks that need memory
    duplicate = duplicate_keys(table, frame)
    if duplicate:
        raise TableError([duplicate])
    return frame, unknown_levels(table, frame) + _orphan_warnings(table, frame, parents) + extra


@dataclass
class _Run:
    """One ingestion run: staged outputs, the report, and the keys of the parent tables read so far."""

    out_dir: Path
    staged: StagedWrites
    report: IngestReport
    parents: dict[str, pl.Series] = field(default_factory=dict)

    def add(self, table: Table, path: Path) -> None:
        """Load one table, stage its Parquet file and report it; IngestError naming the file if it fails."""
        try:
            frame, warnings = _load(table, path, self.parents)
        except TableError as error:
            raise IngestError("\n".join(f"{path.name}: {p}" for p in error.problems)) from None
        output = self.out_dir / f"{table.name}.parquet"
        self.staged.parquet(output, frame)
        self.report.warnings += [f"{path.name}: {w}" for w in warnings]
        if table.name in PARENT_KEYS:
            column, parent = PARENT_KEYS[table.name]
            keys = [self.parents[parent]] if parent in self.parents else []
            self.parents[parent] = pl.concat([*keys, frame.get_column(column)]).unique()
        written = TableReport(table.name, path, output, frame.height, frame.width)
        if table is GROUND_TRUTH:
            self.report.ground_truth = written
        else:
            self.report.tables.append(written)


def _sources(raw_dir: Path) -> tuple[list[tuple[Table, Path]], list[str]]:
    """The tables found in `raw_dir` in schema order, then the ground truth; warnings about the choices."""
    if not raw_dir.is_dir():
        raise IngestError(f"raw directory {raw_dir} not found")
    found, warnings = [], []
    for table in (*TABLES.values(), GROUND_TRUTH):
        path, notes = find_source(raw_dir, table.name)
        warnings += notes
        if path is not None:
            found.append((table, path))
        elif table.name in REQUIRED_TABLES:
            raise IngestError(f"{table.name}.csv not found in {raw_dir}")
    return found, warnings


def _stale_files(out_dir: Path, report: IngestReport) -> list[Path]:
    """Outputs of a previous run for tables that this run does not have."""
    written = {t.output for t in (*report.tables, report.ground_truth) if t is not None}
    candidates = [out_dir / f"{name}.parquet" for name in (*TABLES, GROUND_TRUTH.name)]
    return [path for path in candidates if path not in written and path.exists()]


def ingest_tables(raw_dir: Path, out_dir: Path) -> IngestReport:
    """Validate the raw tables of `raw_dir` and write `out_dir/<table>.parquet` and manifest.json atomically.

    Nothing in `out_dir` changes unless every table passes; outputs of tables absent from `raw_dir` are
    then removed so that the directory holds one consistent extract. Raises IngestError.
    """
    raw_dir, out_dir = Path(raw_dir).resolve(), Path(out_dir).resolve()
    found, notes = _sources(raw_dir)
    report = IngestReport(raw_dir, out_dir, warnings=notes)
    with StagedWrites() as staged:
        run = _Run(out_dir, staged, report)
        for table, path in found:
            run.add(table, path)
        stale = _stale_files(out_dir, report)
        report.warnings += [
            f"{path.name}: removed, a previous run's table absent from the source" for path in stale
        ]
        staged.json(out_dir / MANIFEST, report.manifest())
        staged.commit()
    for path in stale:
        path.unlink()
    return report
