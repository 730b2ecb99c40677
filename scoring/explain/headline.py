"""Headline rules of a reason code (data): which member features carry the direction its sentences assert.

A code whose adverse and favourable sentences assert a level ("a large part of your limit", "paid late",
"your scores are low") names, in `headline.rules`, the member features that carry that level and where it
lies: a value at most `low` is low, a value above `high` is high (`low` <= `high`; between them a value is
neither). A null bound makes the rule one-sided: it speaks only of its one zone, and values short of it say
nothing (an approved share of 1 shows no refusal; a lower share does not show one). `adverse` says which
end the adverse sentence claims, the favourable sentence claiming the other. `adverse_if` is `all` when the
adverse sentence is a level that every headline value must show, `any` when it says that something happened
at least once ("some instalments were paid late"); the favourable sentence always needs every headline
value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

ENDS = ("high", "low")
MODES = ("all", "any")


@dataclass(frozen=True)
class HeadlineRule:
    """Features (whole-name patterns) read one way: the end the adverse sentence claims and the two bounds."""

    patterns: tuple[re.Pattern[str], ...]
    adverse_high: bool
    low: float  # NaN: no value is low
    high: float  # NaN: no value is high

    def matches(self, feature: str) -> bool:
        return any(p.fullmatch(feature) for p in self.patterns)


@dataclass(frozen=True)
class Headline:
    """A code's headline rules and whether its adverse sentence needs every headline value or one."""

    rules: tuple[HeadlineRule, ...]
    adverse_if_any: bool

    def rule_of(self, feature: str) -> HeadlineRule | None:
        """The first rule whose patterns match the feature (None: the feature carries no headline)."""
        return next((rule for rule in self.rules if rule.matches(feature)), None)


def _bound(rule: Mapping, key: str, code: str) -> float:
    value = rule.get(key)
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"reason code {code}: headline `{key}` must be a number or null")
    return float(value)


def _rule(rule: Mapping, code: str) -> HeadlineRule:
    if rule.get("adverse") not in ENDS:
        raise ValueError(f"reason code {code}: headline `adverse` must be one of {', '.join(ENDS)}")
    low, high = _bound(rule, "low", code), _bound(rule, "high", code)
    if math.isnan(low) and math.isnan(high):
        raise ValueError(f"reason code {code}: a headline rule needs a `low` or a `high` bound")
    if low > high:
        raise ValueError(f"reason code {code}: headline `low` {low:g} is above `high` {high:g}")
    patterns = rule.get("patterns") or []
    if not patterns:
        raise ValueError(f"reason code {code}: a headline rule needs `patterns`")
    try:
        compiled = tuple(re.compile(p) for p in patterns)
    except re.error as error:
        raise ValueError(f"reason code {code}: bad headline pattern ({error})") from None
    return HeadlineRule(compiled, rule["adverse"] == "high", low, high)


def parse_headline(entry: Mapping, code: str) -> Headline | None:
    """The `headline` of a catalogue entry (None when the code's sentences assert no level)."""
    headline = entry.get("headline")
    if headline is None:
        return None
    if headline.get("adverse_if", "all") not in MODES:
        raise ValueError(f"reason code {code}: headline `adverse_if` must be one of {', '.join(MODES)}")
    rules = headline.get("rules") or []
    if not rules:
        raise ValueError(f"reason code {code}: a headline needs `rules`")
    return Headline(tuple(_rule(r, code) for r in rules), headline.get("adverse_if") == "any")
