"""Why a drift check stops: inputs that cannot be compared, or too few current rows to judge."""

from __future__ import annotations

from scoring.errors import ScoringError


class DriftError(ScoringError, ValueError):
    """The reference or current data cannot be compared (missing file, no rows, mismatched columns)."""


class InsufficientData(ScoringError):
    """Too few current rows for a drift verdict: reported as such, never as drift."""

    def __init__(self, rows: int, required: int, description: str) -> None:
        self.rows = rows
        self.required = required
        super().__init__(
            f"insufficient data: {rows:,} row(s) in {description}, at least {required:,} needed "
            "for a drift verdict (--min-rows); no report written"
        )
