"""What the feature dictionary says about one feature."""

from __future__ import annotations

from dataclasses import dataclass

NUMERIC = "numeric"
CATEGORICAL = "categorical"
FLAG = "flag"
COUNT = "count"


@dataclass(frozen=True)
class Feature:
    """One output column: name, source table, aggregation, unit, kind, plain-language label.

    `default` is the value of a client with no row in the source table (0 for counts, None = missing).
    """

    name: str
    source: str
    aggregation: str
    unit: str
    kind: str
    label: str
    levels: tuple[str, ...] = ()
    description: str = ""
    default: float | None = None
