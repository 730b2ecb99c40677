"""CSV output in the raw Kaggle format, appended chunk by chunk, renamed into place only when complete."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import IO

import numpy as np
import polars as pl

from scoring.data.schema import CAT, FLOAT, Table
from scoring.data.synth.sampling import Values
from scoring.io import temporary_path


def _series(name: str, kind: str, values: Values) -> pl.Series:
    if kind == CAT:
        codes = pl.Series(name, values.codes.astype(np.int64))
        index = pl.select(pl.when(codes >= 0).then(codes)).to_series().cast(pl.UInt32)
        return pl.Series(name, values.levels, dtype=pl.String).gather(index).alias(name)
    series = pl.Series(name, np.asarray(values, dtype=float), nan_to_null=True)
    return series if kind == FLOAT else series.cast(pl.Int64)


def to_frame(table: Table, columns: dict[str, Values]) -> pl.DataFrame:
    """The table's columns in schema order: floats as floats (180000.0), integers as integers, null cells."""
    return pl.DataFrame([_series(c.name, c.kind, columns[c.name]) for c in table.columns])


class CsvTables:
    """Temporary CSV files in the output directory, appended to, then all renamed into place by commit()."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._files: dict[str, tuple[IO[bytes], Path]] = {}
        self.rows: dict[str, int] = {}

    def append(self, table: Table, columns: dict[str, Values]) -> None:
        frame = to_frame(table, columns)
        if table.name not in self._files:
            tmp = temporary_path(self.out_dir / f"{table.name}.csv")
            self._files[table.name] = (tmp.open("wb"), tmp)
            self.rows[table.name] = 0
            frame.write_csv(self._files[table.name][0], include_header=True)
        else:
            frame.write_csv(self._files[table.name][0], include_header=False)
        self.rows[table.name] += frame.height

    def commit(self) -> None:
        for name, (handle, tmp) in self._files.items():
            handle.close()
            os.replace(tmp, self.out_dir / f"{name}.csv")
        self._files.clear()

    def abort(self) -> None:
        for handle, tmp in self._files.values():
            handle.close()
            tmp.unlink(missing_ok=True)
        self._files.clear()

    def __enter__(self) -> CsvTables:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.abort()


class NullTables(CsvTables):
    """Counts rows without writing: used to simulate the undrifted twin of a drifted batch."""

    def __init__(self) -> None:
        super().__init__(Path())

    def append(self, table: Table, columns: dict[str, Values]) -> None:
        self.rows[table.name] = self.rows.get(table.name, 0) + len(columns[table.columns[0].name])
