"""Times in queries: ISO 8601 dates or date-times only (no Unix timestamps), read as UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BeforeValidator

UNIX_TIME = re.compile(r"[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?")


def _iso_only(value: object) -> object:
    """Refuse Unix timestamps ("1700000000"): the schema promises ISO 8601 dates and date-times."""
    if isinstance(value, str) and UNIX_TIME.fullmatch(value.strip()):
        raise ValueError("must be an ISO 8601 date or date-time, e.g. 2024-01-31 or 2024-01-31T12:00:00Z")
    return value


IsoDateTime = Annotated[datetime | None, BeforeValidator(_iso_only)]


def utc_naive(moment: datetime) -> datetime:
    """A moment as naive UTC (naive input is taken as UTC), clamped to datetime's range."""
    try:
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    except OverflowError:
        return datetime.max if moment.year > 1 else datetime.min


def aware_utc(moment: datetime | None) -> datetime | None:
    """A moment as timezone-aware UTC (naive input is taken as UTC); None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
