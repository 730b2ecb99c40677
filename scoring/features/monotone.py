"""The monotone policy: directions the risk of default may take with each feature, read from monotone.json.

A direction is +1 (the risk never falls as the feature rises), -1 (never rises) or 0 (free). Features are
matched by shell-style name patterns, first match first; excluded features are kept away from every model;
levers are raw application fields moved together, along which the probability of default must follow the
lever's direction.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scoring.errors import ScoringError

POLICY_FILE = Path(__file__).with_name("monotone.json")
DIRECTIONS = (-1, 0, 1)


class PolicyError(ScoringError, ValueError):
    """The policy file is malformed."""


@dataclass(frozen=True)
class Rule:
    pattern: str
    direction: int
    reason: str

    def matches(self, name: str) -> bool:
        return fnmatch.fnmatchcase(name, self.pattern)


@dataclass(frozen=True)
class Lever:
    """Raw application fields moved together (by the same factor) and the direction the risk must follow."""

    name: str
    fields: tuple[str, ...]
    direction: int


@dataclass(frozen=True)
class MonotonePolicy:
    rules: tuple[Rule, ...]
    excluded_rules: tuple[Rule, ...]
    levers: tuple[Lever, ...]

    def direction(self, name: str) -> int:
        """Declared direction of a feature (0 when no rule matches)."""
        return next((r.direction for r in self.rules if r.matches(name)), 0)

    def directions(self, names: list[str] | tuple[str, ...]) -> list[int]:
        return [self.direction(n) for n in names]

    def excluded(self, name: str) -> bool:
        return any(r.matches(name) for r in self.excluded_rules)

    def allowed(self, names: list[str] | tuple[str, ...]) -> list[str]:
        """The names a model may use (excluded ones removed), in their order."""
        return [n for n in names if not self.excluded(n)]

    def constrained(self, names: list[str] | tuple[str, ...]) -> dict[str, int]:
        """Name -> direction of the constrained features among ``names``."""
        return {n: d for n, d in zip(names, self.directions(names), strict=True) if d}

    def to_dict(self) -> dict:
        return {
            "features": [vars(r) for r in self.rules],
            "excluded": [{"pattern": r.pattern, "reason": r.reason} for r in self.excluded_rules],
            "levers": [
                {"name": lv.name, "fields": list(lv.fields), "direction": lv.direction} for lv in self.levers
            ],
        }


def _direction(value: object, where: str) -> int:
    if value not in DIRECTIONS or isinstance(value, bool):
        raise PolicyError(f"{where}: direction must be -1, 0 or 1, got {value!r}")
    return int(value)


def parse_policy(data: dict, source: str = "policy") -> MonotonePolicy:
    """A policy from its JSON document; errors name the entry."""
    try:
        rules = tuple(
            Rule(
                str(e["pattern"]), _direction(e["direction"], f"{source}: features[{i}]"), e.get("reason", "")
            )
            for i, e in enumerate(data.get("features", []))
        )
        excluded = tuple(Rule(str(e["pattern"]), 0, e.get("reason", "")) for e in data.get("excluded", []))
        levers = tuple(
            Lever(str(e["name"]), tuple(e["fields"]), _direction(e["direction"], f"{source}: levers[{i}]"))
            for i, e in enumerate(data.get("levers", []))
        )
    except (KeyError, TypeError) as exc:
        raise PolicyError(f"{source}: malformed entry ({exc})") from None
    empty = [lv.name for lv in levers if not lv.fields or not lv.direction]
    if empty:
        raise PolicyError(f"{source}: lever(s) without fields or direction: {', '.join(empty)}")
    return MonotonePolicy(rules, excluded, levers)


def read_policy(path: Path) -> MonotonePolicy:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise PolicyError(f"{path}: cannot be read as JSON ({exc})") from None
    return parse_policy(data, str(path))


@cache
def monotone_policy() -> MonotonePolicy:
    """The packaged policy (scoring/features/monotone.json)."""
    return read_policy(POLICY_FILE)
