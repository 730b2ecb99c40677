"""The evidence behind a reason: whether a client's values of a code's features are known, and which way
they point, so that no customer is told a fact their own values do not show.

A code is judged on the client's values of its member features in the model:

- A value is *missing* when it is NaN (None) or, for a categorical feature, a code outside its levels.
- A count of rows of a history table (kind `count`, name under one of the catalogue's `history_prefixes`:
  bureau, previous applications, instalments, POS and card balances) is 0 for a client with no row in that
  table, the same as for a client whose rows hold none of what it counts. Such a 0 is evidence only when the
  client has a record in that table, that is when some model feature of the same table has a known value
  that is not a count of 0; otherwise it counts as missing.
- MISSING: every member feature of the code is missing. The code's `missing` statement is told ("We have
  no repayment history for you with us."), never its adverse or favourable sentence.
- Partially missing: the missing members are left out and the code is judged on the present ones.
  - PRESENT: the code has no headline rules (its sentences assert no level, only which way it counted).
  - Otherwise each present headline feature (`scoring.explain.headline`) lies at the adverse end, at the
    favourable end or in between (a rule with one bound says nothing of values short of it: they are
    left out like missing ones). ADVERSE: every present headline value is at the adverse end (for
    `adverse_if: any`, at least one is). FAVOURABLE: every present headline value is at the favourable
    end. NEUTRAL: neither (no headline feature present, values in between or pointing different ways).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from scoring.explain.by_code import CodeGrouping
from scoring.explain.reason_codes import ReasonCatalogue, catalogue
from scoring.features.feature import ModelFeature
from scoring.vocabulary import FeatureKind

_PLANS_KEPT = 8


class Evidence(StrEnum):
    """What one client's values of a code's features support."""

    MISSING = "missing"  # no member feature known: only the code's missing statement may be told
    ADVERSE = "adverse"  # the headline values show what the adverse sentence says
    FAVOURABLE = "favourable"  # the headline values show what the favourable sentence says
    NEUTRAL = "neutral"  # headline values known but supporting neither sentence: the factor, no direction
    PRESENT = "present"  # known values; the code's sentences assert no level


@dataclass(frozen=True)
class EvidencePlan:
    """Per feature and per code, the arrays that judge one client's values in a few vector operations."""

    code_index: np.ndarray  # per feature: position of its code
    levels: np.ndarray  # per feature: number of levels of a categorical feature, -1 otherwise
    history_count: np.ndarray  # per feature: a count of rows of a history table
    table: np.ndarray  # per feature: position of its history table in the prefixes, -1 for none
    tables: int
    has_headline: np.ndarray  # per code
    adverse_if_any: np.ndarray  # per code
    headline_position: np.ndarray  # per headline feature: its position among the features
    headline_code: np.ndarray  # per headline feature: position of its code
    low: np.ndarray  # per headline feature: at most this is low (NaN: never)
    high: np.ndarray  # per headline feature: above this is high (NaN: never)
    adverse_high: np.ndarray  # per headline feature: the adverse sentence claims high values

    @classmethod
    def of(
        cls, codes: ReasonCatalogue, grouping: CodeGrouping, features: Sequence[ModelFeature]
    ) -> EvidencePlan:
        """The plan of a model's features (model order, as the grouping was built)."""
        prefixes = codes.history_prefixes
        table = np.array(
            [next((i for i, p in enumerate(prefixes) if f.name.startswith(p)), -1) for f in features],
            dtype=np.int64,
        )
        headline: list[tuple[int, int, float, float, bool]] = []
        for position, (feature, code_position) in enumerate(zip(features, grouping.index, strict=True)):
            rules = codes[grouping.codes[code_position]].headline
            rule = rules.rule_of(feature.name) if rules is not None else None
            if rule is not None:
                headline.append((position, int(code_position), rule.low, rule.high, rule.adverse_high))
        heads = [codes[c].headline for c in grouping.codes]
        counts = np.array([f.kind == FeatureKind.COUNT for f in features], dtype=bool)
        columns = list(zip(*headline, strict=True)) if headline else [(), (), (), (), ()]
        return cls(
            code_index=np.asarray(grouping.index, dtype=np.int64),
            levels=np.array([len(f.levels) if f.categorical else -1 for f in features], dtype=np.int64),
            history_count=counts & (table >= 0),
            table=table,
            tables=len(prefixes),
            has_headline=np.array([h is not None for h in heads], dtype=bool),
            adverse_if_any=np.array([h is not None and h.adverse_if_any for h in heads], dtype=bool),
            headline_position=np.array(columns[0], dtype=np.int64),
            headline_code=np.array(columns[1], dtype=np.int64),
            low=np.array(columns[2], dtype=np.float64),
            high=np.array(columns[3], dtype=np.float64),
            adverse_high=np.array(columns[4], dtype=bool),
        )

    def carries(self, values: np.ndarray) -> np.ndarray:
        """Per feature: whether the client's value is evidence (known, and not the 0 of a table the client
        has no record in)."""
        v = np.asarray(values, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            known = ~np.isnan(v) & ((self.levels < 0) | ((v >= 0) & (v < self.levels)))
        empty = self.history_count & known & (v == 0)
        substantive = known & ~empty
        in_table = substantive & (self.table >= 0)
        record = np.append(np.bincount(self.table[in_table], minlength=self.tables) > 0, False)
        return substantive | (empty & record[self.table])

    def judge(self, values: np.ndarray) -> list[Evidence]:
        """Per code (grouping order): the evidence the client's values give (see the module's rule)."""
        n = len(self.has_headline)
        carries = self.carries(values)
        known = np.bincount(self.code_index, weights=carries, minlength=n) > 0
        v = np.asarray(values, dtype=np.float64)[self.headline_position]
        present = carries[self.headline_position]
        with np.errstate(invalid="ignore"):
            low, high = v <= self.low, v > self.high
        one_sided = (np.isnan(self.low) & ~high) | (np.isnan(self.high) & ~low)
        present &= ~one_sided  # a one-sided rule says nothing of values short of its one zone
        adverse = present & np.where(self.adverse_high, high, low)
        favourable = present & np.where(self.adverse_high, low, high)
        shown = np.bincount(self.headline_code, weights=present, minlength=n)
        adverse_count = np.bincount(self.headline_code, weights=adverse, minlength=n)
        favourable_count = np.bincount(self.headline_code, weights=favourable, minlength=n)
        every_adverse = (shown > 0) & (adverse_count == shown)
        adverse_ok = np.where(self.adverse_if_any, adverse_count > 0, every_adverse)
        favourable_ok = (shown > 0) & (favourable_count == shown)
        verdict = np.select([~known, ~self.has_headline, adverse_ok, favourable_ok], [0, 1, 2, 3], default=4)
        return [_VERDICTS[k] for k in verdict.tolist()]


_VERDICTS = (Evidence.MISSING, Evidence.PRESENT, Evidence.ADVERSE, Evidence.FAVOURABLE, Evidence.NEUTRAL)
_plans: list[tuple[CodeGrouping, Sequence[ModelFeature], EvidencePlan]] = []


def plan_for(grouping: CodeGrouping, features: Sequence[ModelFeature]) -> EvidencePlan:
    """The plan of a grouping and its features, built once per pair of objects (a served model keeps both)."""
    for known_grouping, known_features, plan in _plans:
        if known_grouping is grouping and known_features is features:
            return plan
    plan = EvidencePlan.of(catalogue(), grouping, features)
    _plans.insert(0, (grouping, features, plan))
    del _plans[_PLANS_KEPT:]
    return plan


def code_evidence(
    values: np.ndarray, features: Sequence[ModelFeature], grouping: CodeGrouping
) -> list[Evidence]:
    """Per code (grouping order): what one client's values (model order) support."""
    return plan_for(grouping, features).judge(values)
