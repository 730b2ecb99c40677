"""`scoring labels --file CSV`: load known outcomes into the labels table, keyed by the log's client hash.

The file has a header and three columns: SK_ID_CURR (the client ID, an integer), TARGET (1 = defaulted,
0 = repaid) and DATE_KNOWN (ISO date or date-time, UTC: when the outcome became known, not in the future).
Every row is checked before anything is written; an error names the file, the column and the row (row 1 is
the first line after the header). IDs are hashed with the prediction log's salt, so the table joins the log
without holding an ID; a client already in the table gets the new outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, delete, func, inspect, select

from scoring.db.tables import labels
from scoring.errors import ScoringError
from scoring.serving.prediction_log import client_hash, predictions

ID, OUTCOME, KNOWN = "SK_ID_CURR", "TARGET", "DATE_KNOWN"
COLUMNS = (ID, OUTCOME, KNOWN)
SHOWN = 5


class LabelsError(ScoringError, ValueError):
    """The labels file cannot be loaded (message names file, column and rows)."""


@dataclass(frozen=True)
class LoadReport:
    """What a load did."""

    path: Path
    rows: int
    replaced: int
    defaults: int
    matched: int

    def describe(self) -> str:
        return (
            f"{self.path}: {self.rows:,} outcome(s) loaded ({self.defaults:,} defaults, {self.replaced:,} "
            f"replacing an earlier outcome); {self.matched:,} of these clients have a score in the "
            "prediction log"
        )


def _rows_text(rows: Sequence[int]) -> str:
    listed = ", ".join(str(r) for r in rows[:SHOWN])
    return f"row {listed}" if len(rows) == 1 else f"rows {listed}" + (" ..." if len(rows) > SHOWN else "")


def _bad(path: Path, column: str, frame: pl.DataFrame, mask: pl.Series, what: str) -> LabelsError:
    rows = (pl.int_range(1, frame.height + 1, eager=True).filter(mask)).to_list()
    values = frame[column].filter(mask).head(SHOWN).to_list()
    shown = ", ".join(repr(v) for v in values)
    return LabelsError(
        f"{path}: column {column}: {len(rows):,} value(s) {what} ({_rows_text(rows)}: {shown})"
    )


def _read(path: Path) -> pl.DataFrame:
    if not path.is_file():
        raise LabelsError(f"{path}: file not found")
    try:
        frame = pl.read_csv(path, infer_schema_length=0)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise LabelsError(f"{path}: not a readable CSV file ({str(exc).splitlines()[0]})") from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise LabelsError(
            f"{path}: column(s) missing: {', '.join(missing)} (expected {', '.join(COLUMNS)}; found "
            f"{', '.join(frame.columns) or 'none'})"
        )
    if frame.height == 0:
        raise LabelsError(f"{path}: no rows after the header")
    return frame.select(COLUMNS).with_columns(pl.col(c).str.strip_chars() for c in COLUMNS)


def _moment(text: str | None) -> datetime | None:
    """An ISO date or date-time as naive UTC (naive input is UTC); None when unreadable."""
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _known_at(frame: pl.DataFrame, path: Path, now: datetime) -> pl.Series:
    parsed = pl.Series(KNOWN, [_moment(t) for t in frame[KNOWN].to_list()], dtype=pl.Datetime("us"))
    if parsed.null_count():
        raise _bad(path, KNOWN, frame, parsed.is_null(), "not an ISO date (e.g. 2026-01-31)")
    limit = now.astimezone(UTC).replace(tzinfo=None)
    future = parsed > limit
    if future.any():
        raise _bad(path, KNOWN, frame, future, f"in the future (after {limit:%Y-%m-%d %H:%M} UTC)")
    return parsed


def parse_labels(path: Path, now: datetime | None = None) -> pl.DataFrame:
    """The checked rows: SK_ID_CURR (Int64), TARGET (Int8), DATE_KNOWN (naive UTC datetime)."""
    frame = _read(path)
    now = now or datetime.now(UTC)
    ids = frame[ID].cast(pl.Int64, strict=False)
    if ids.null_count():
        raise _bad(path, ID, frame, ids.is_null(), "not an integer client ID")
    outcome = frame[OUTCOME]
    wrong = ~outcome.is_in(["0", "1"])
    if wrong.any():
        raise _bad(path, OUTCOME, frame, wrong, "not 0 or 1")
    repeated = ids.is_duplicated()
    if repeated.any():
        raise _bad(path, ID, frame, repeated, "repeated (one outcome per client)")
    known = _known_at(frame, path, now)
    return pl.DataFrame({ID: ids, OUTCOME: outcome.cast(pl.Int8), KNOWN: known})


def load_labels(path: Path, engine: Engine, salt: bytes, now: datetime | None = None) -> LoadReport:
    """Check the whole file, then replace the outcomes of its clients in one transaction."""
    parsed = parse_labels(path, now)
    loaded_at = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    rows = [
        {
            "client_hash": client_hash(client_id, salt),
            "outcome": int(outcome),
            "known_at": known,
            "loaded_at": loaded_at,
            "source": path.name[:255],
        }
        for client_id, outcome, known in parsed.iter_rows()
    ]
    hashes = [r["client_hash"] for r in rows]
    with engine.begin() as conn:
        replaced = 0
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            replaced += conn.execute(delete(labels).where(labels.c.client_hash.in_(chunk))).rowcount
        conn.execute(labels.insert(), rows)
    return LoadReport(path, len(rows), replaced, int(parsed[OUTCOME].sum()), _matched(engine, hashes))


def _matched(engine: Engine, hashes: list[str]) -> int:
    """How many of these clients have at least one score in the prediction log."""
    if not inspect(engine).has_table(predictions.name):
        return 0
    found = 0
    with engine.connect() as conn:
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            query = select(func.count(func.distinct(predictions.c.client_hash))).where(
                predictions.c.client_hash.in_(chunk)
            )
            found += conn.execute(query).scalar_one()
    return found


def read_labels(engine: Engine) -> pl.DataFrame:
    """Every known outcome: client_hash, outcome, known_at (empty when the table does not exist yet)."""
    schema = {"client_hash": pl.String, "outcome": pl.Int8, "known_at": pl.Datetime("us")}
    if not inspect(engine).has_table(labels.name):
        return pl.DataFrame(schema=schema)
    with engine.connect() as conn:
        rows = conn.execute(select(labels.c.client_hash, labels.c.outcome, labels.c.known_at)).all()
    return pl.DataFrame(rows, schema=schema, orient="row")
