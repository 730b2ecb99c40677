"""Protected attributes: raw application fields no model may use, read from protected.json.

Each entry names a raw application field, the attribute it records and the legal source that keeps it out
of the score. The features a model may not use are resolved from the feature catalogue: every application
feature whose expression reads a protected field (its raw copy, its code, any ratio or sum over it). The
secondary tables' aggregates read only their own table's columns, so none is computed from an application
field. Protected features stay in features.parquet, for fairness monitoring only.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scoring.data.schema import APPLICATION_TEST
from scoring.errors import ScoringError
from scoring.features.application import application_features
from scoring.features.expr import Code, Col, Expr

POLICY_FILE = Path(__file__).with_name("protected.json")


class ProtectedPolicyError(ScoringError, ValueError):
    """The protected-attributes file is malformed or names an unknown field."""


@dataclass(frozen=True)
class Attribute:
    """One protected raw field: the attribute it records and why no model may use it."""

    column: str
    attribute: str
    source: str


def source_columns(expr: Expr) -> Iterator[str]:
    """The raw columns an expression reads."""
    if isinstance(expr, Col | Code):
        yield expr.name
        return
    for item in dataclasses.fields(expr):
        value = getattr(expr, item.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, Expr):
                yield from source_columns(child)


@cache
def derived_features() -> dict[str, frozenset[str]]:
    """Application feature name -> the raw application columns its expression reads."""
    return {a.feature.name: frozenset(source_columns(a.expr)) for a in application_features()}


@dataclass(frozen=True)
class ProtectedPolicy:
    attributes: tuple[Attribute, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(a.column for a in self.attributes)

    def features(self) -> dict[str, list[str]]:
        """Protected feature name -> the protected columns it is computed from, in catalogue order."""
        protected = set(self.columns)
        return {
            name: sorted(sources & protected)
            for name, sources in derived_features().items()
            if sources & protected
        }

    def excluded(self, name: str) -> bool:
        return name in self.features()

    def allowed(self, names: list[str] | tuple[str, ...]) -> list[str]:
        """The names a model may use (protected features removed), in their order."""
        features = self.features()
        return [n for n in names if n not in features]

    def to_dict(self) -> dict:
        """What a bundle records: each attribute with its source, and the features excluded for it."""
        return {
            "attributes": [dataclasses.asdict(a) for a in self.attributes],
            "features": self.features(),
        }


def _entry(entry: object, where: str) -> Attribute:
    if not isinstance(entry, dict):
        raise ProtectedPolicyError(f"{where}: an entry must be an object with column, attribute and source")
    missing = [k for k in ("column", "attribute", "source") if not str(entry.get(k) or "").strip()]
    if missing:
        raise ProtectedPolicyError(f"{where}: missing {', '.join(missing)}")
    return Attribute(str(entry["column"]), str(entry["attribute"]), str(entry["source"]))


def parse_protected(data: object, source: str = "protected policy") -> ProtectedPolicy:
    """A policy from its JSON document; errors name the entry or the unknown field."""
    entries = data.get("protected") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ProtectedPolicyError(f"{source}: 'protected' must be a list of entries")
    attributes = tuple(_entry(e, f"{source}: protected[{i}]") for i, e in enumerate(entries))
    known = {c.name for c in APPLICATION_TEST.columns}
    for i, a in enumerate(attributes):
        if a.column not in known:
            raise ProtectedPolicyError(f"{source}: protected[{i}]: unknown application field {a.column!r}")
    columns = [a.column for a in attributes]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise ProtectedPolicyError(f"{source}: field(s) listed twice: {', '.join(repeated)}")
    return ProtectedPolicy(attributes)


def read_protected(path: Path) -> ProtectedPolicy:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ProtectedPolicyError(f"{path}: cannot be read as JSON ({exc})") from None
    return parse_protected(data, str(path))


@cache
def protected_policy() -> ProtectedPolicy:
    """The packaged policy (scoring/features/protected.json)."""
    return read_protected(POLICY_FILE)
