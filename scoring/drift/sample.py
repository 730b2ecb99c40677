"""One side of a drift comparison: client rows with their feature values, scores and, maybe, labels."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from scoring.drift.errors import DriftError

PROBABILITY = "probability"
REFUSED = "refused"
TARGET = "TARGET"


@dataclass(frozen=True)
class Sample:
    """Rows to compare: feature columns, `probability` of default, `refused` (bool) and maybe TARGET (0/1).

    `source` is a short tag (train, test, log, batch), `description` a sentence for the report index,
    `details` facts for the summary (row counts, time window, model versions).
    """

    frame: pl.DataFrame
    source: str
    description: str
    details: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.frame.height

    @property
    def labelled(self) -> bool:
        """True when every row has a 0/1 label."""
        return TARGET in self.frame.columns and self.rows > 0 and self.frame[TARGET].null_count() == 0

    def check_columns(self, features: list[str]) -> None:
        """Raise DriftError naming the features (or score columns) missing or not numeric."""
        missing = [c for c in (*features, PROBABILITY, REFUSED) if c not in self.frame.columns]
        if missing:
            raise DriftError(
                f"{self.description}: {len(missing)} column(s) the comparison needs are missing, "
                f"e.g. {', '.join(missing[:5])}"
            )
        wrong = [c for c in (*features, PROBABILITY) if not self.frame.schema[c].is_numeric()]
        if wrong:
            raise DriftError(
                f"{self.description}: column(s) not numeric: "
                + ", ".join(f"{c} ({self.frame.schema[c]})" for c in wrong[:5])
            )


def scored_frame(frame: pl.DataFrame, probability: np.ndarray, refused: np.ndarray) -> pl.DataFrame:
    """`frame` with each row's probability of default and decision (True = refused)."""
    return frame.with_columns(
        pl.Series(PROBABILITY, probability, dtype=pl.Float64),
        pl.Series(REFUSED, refused, dtype=pl.Boolean),
    )
