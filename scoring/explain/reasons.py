"""Reasons: the reason codes and features that raise and lower one client's risk the most.

A feature reason is a feature with its SHAP contribution (log-odds): positive contributions raise the
probability of default, negative ones lower it. The client's value is shown as a person reads it: a
categorical code becomes its level, a missing value becomes None. A code reason is a reason code of the
catalogue with the sum of its features' contributions (exact: the codes add up to the raw score minus the
base value) and its share of the push in its direction, with the evidence the client's own values give for
it (`scoring.explain.evidence`: missing, or which of its sentences they support); the principal reasons of a
decision are the (at most four) codes pushing the most towards it, and the drill-down goes back to their
features.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from scoring.explain.by_code import CodeGrouping
from scoring.explain.evidence import Evidence, code_evidence
from scoring.features.feature import ModelFeature
from scoring.vocabulary import Decision


@dataclass(frozen=True)
class Reason:
    """One feature's push on the risk: contribution in log-odds and the client's value."""

    feature: str
    label: str
    contribution: float
    value: float | str | None


def _largest(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, largest first (ties: lower index first), in linear time."""
    k = min(k, len(scores))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.lexsort((top, -scores[top]))]


def top_reasons(
    contributions: np.ndarray,
    values: np.ndarray,
    features: Sequence[ModelFeature],
    k: int = 4,
) -> tuple[list[Reason], list[Reason]]:
    """Up to k features raising the risk (largest positive contributions first) and up to k lowering it."""
    contributions = np.asarray(contributions, dtype=np.float64)
    raising = [int(i) for i in _largest(contributions, k) if contributions[i] > 0]
    lowering = [int(i) for i in _largest(-contributions, k) if contributions[i] < 0]

    return (
        [_feature_reason(i, contributions, values, features) for i in raising],
        [_feature_reason(i, contributions, values, features) for i in lowering],
    )


@dataclass(frozen=True)
class CodeReason:
    """One reason code's push on the risk: the sum of its features' contributions (log-odds), its share of
    the total push in the same direction, its most important member features with the client's values, and
    what the client's values of all its features support (None: not judged)."""

    code: str
    contribution: float
    share: float
    features: list[Reason]
    evidence: Evidence | None = None


def code_breakdown(
    code_contributions: np.ndarray,
    contributions: np.ndarray,
    values: np.ndarray,
    features: Sequence[ModelFeature],
    grouping: CodeGrouping,
    members: int = 4,
) -> list[CodeReason]:
    """Every code that moves the score, strongest first, each with up to `members` features (largest
    |contribution| first, zero contributions left out). A code's share is of the total push in its own
    direction: raising codes share the sum of positive code contributions, lowering codes the sum of
    negative ones. Each carries the evidence of all its member features' values."""
    code_contributions = np.asarray(code_contributions, dtype=np.float64)
    contributions = np.asarray(contributions, dtype=np.float64)
    up = code_contributions[code_contributions > 0].sum()
    down = -code_contributions[code_contributions < 0].sum()
    strength = np.abs(contributions)
    order = np.lexsort((-strength, grouping.index))  # features grouped by code, strongest first
    starts = np.concatenate(([0], np.cumsum(np.bincount(grouping.index, minlength=len(grouping)))))
    evidence = code_evidence(values, features, grouping)
    breakdown = []
    for i in _largest(np.abs(code_contributions), len(code_contributions)):
        total = code_contributions[i]
        if total == 0:
            continue
        strongest = order[starts[i] : min(starts[i] + members, starts[i + 1])]
        listed = [_feature_reason(j, contributions, values, features) for j in strongest if strength[j] > 0]
        share = total / up if total > 0 else -total / down
        breakdown.append(CodeReason(grouping.codes[i], float(total), float(share), listed, evidence[i]))
    return breakdown


def principal_reasons(breakdown: Sequence[CodeReason], decision: Decision, k: int = 4) -> list[CodeReason]:
    """Up to k codes pushing towards the decision (towards refusal for a refusal, towards acceptance for an
    acceptance), strongest first, each with the member features that push the same way."""
    sign = -1.0 if decision == Decision.ACCEPT else 1.0  # a referral: what counts against
    chosen = [r for r in breakdown if sign * r.contribution > 0][:k]
    return [replace(r, features=[f for f in r.features if sign * f.contribution > 0][:3]) for r in chosen]


def push_covered(code_contributions: np.ndarray, towards_refusal: np.ndarray, k: int = 4) -> np.ndarray:
    """Per client (rows), the share of the total push towards its decision covered by its k strongest codes
    (NaN for a client with no push that way)."""
    signed = np.asarray(code_contributions, dtype=np.float64) * np.where(towards_refusal, 1.0, -1.0)[:, None]
    push = np.clip(signed, 0.0, None)
    total = push.sum(axis=1)
    top = -np.sort(-push, axis=1)[:, :k].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, top / total, np.nan)


def _feature_reason(
    i: int, contributions: np.ndarray, values: np.ndarray, features: Sequence[ModelFeature]
) -> Reason:
    info = features[i]
    return Reason(info.name, info.label, float(contributions[i]), info.display(float(values[i])))
