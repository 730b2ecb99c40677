"""A strategy's decision: accept, refer or refuse, with the rules that fired, the same on every path.

Rules first: any refuse rule that fires refuses, else any refer rule that fires refers; then the calibrated
PD: accept below `accept_below`, refuse from `refuse_from`, refer between. The reasons of a decision are the
codes of the rules that fired, refuse rules first, each in file order. `decide` works on any matrix of
fired rules, so one pandas frame (a stored client, a posted application), a DuckDB batch (`decision_sql`)
and a Spark batch (`spark_decision`) reach the same decisions. Rules reading the offer's figures of the
requested loan (OFFER_*) get them as columns computed beside the PD by one function (`offer_columns`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from scoring.offer.candidate_loans import ProbabilityOf
from scoring.offer.requested_loan import requested_figures
from scoring.strategy.backends import DUCKDB, SPARK, fires_pandas, fires_sql, number_sql
from scoring.strategy.definition import REFER, REFUSE, Strategy
from scoring.vocabulary import Decision

if TYPE_CHECKING:  # pyspark is optional
    from pyspark.sql import Column


OUTCOMES = tuple(Decision)


@dataclass(frozen=True)
class Decisions:
    """The decision of each row, which rule fired on which row (rows x rules) and the rules' codes."""

    outcome: np.ndarray
    fired: np.ndarray
    codes: tuple[str, ...]
    actions: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.outcome)

    def reasons(self, row: int) -> list[str]:
        """The codes of the rules that fired on `row`: refuse rules first, then refer rules."""
        fired = [j for j in range(len(self.codes)) if self.fired[row, j]]
        return [self.codes[j] for j in sorted(fired, key=lambda j: self.actions[j] != REFUSE)]

    def share(self, outcome: Decision) -> float:
        return float(np.mean(self.outcome == outcome)) if len(self) else 0.0


def decide(strategy: Strategy, probability: np.ndarray, fired: np.ndarray) -> Decisions:
    """The decisions from the calibrated PDs and the fired-rule matrix (rows x the strategy's rules)."""
    probability = np.asarray(probability, dtype=float)
    fired = np.asarray(fired, dtype=bool).reshape(len(probability), len(strategy.rules))
    refuse_rule = np.array([r.action == REFUSE for r in strategy.rules], dtype=bool)
    refer_rule = np.array([r.action == REFER for r in strategy.rules], dtype=bool)
    band = np.where(
        probability < strategy.accept_below,
        Decision.ACCEPT.value,
        np.where(probability >= strategy.refuse_from, Decision.REFUSE.value, Decision.REFER.value),
    )
    outcome = np.where(
        (fired & refuse_rule).any(axis=1),
        Decision.REFUSE.value,
        np.where((fired & refer_rule).any(axis=1), Decision.REFER.value, band),
    ).astype(object)
    codes = tuple(r.code for r in strategy.rules)
    return Decisions(outcome, fired, codes, tuple(r.action for r in strategy.rules))


def offer_columns(
    strategy: Strategy,
    data: Mapping[str, object],
    probability: Sequence[float],
    probability_of: ProbabilityOf | None = None,
) -> dict:
    """The offer's figures of the requested loan the rules read (OFFER_*), by name, computed from `data`
    (columns by name holding `Strategy.columns`), the calibrated PDs and the PD of each row at another loan
    (`probability_of`): `requested_figures`, the one home of these figures on every path (pandas here,
    DuckDB and Spark batches before their SQL)."""
    figures = strategy.offer_figures
    if not figures:
        return {}
    found = requested_figures(data, np.asarray(probability, dtype=float), probability_of=probability_of)
    return {name: found[name] for name in figures}


def rule_frame(
    strategy: Strategy,
    frame: pd.DataFrame,
    probability: Sequence[float] | None,
    probability_of: ProbabilityOf | None = None,
) -> pd.DataFrame:
    """`frame` (the columns the rules need) with the offer's figures the rules read added."""
    if not strategy.offer_figures:
        return frame
    if probability is None:
        raise ValueError("the strategy's rules read the offer's figures: the calibrated PDs are needed")
    return frame.assign(**offer_columns(strategy, frame, probability, probability_of))


def fired_pandas(
    strategy: Strategy,
    frame: pd.DataFrame,
    probability: Sequence[float] | None = None,
    probability_of: ProbabilityOf | None = None,
) -> np.ndarray:
    """Which rule fires on which row of `frame` (raw application columns and features; with the rows'
    calibrated PDs, and their PDs at another loan, when the rules read the offer's figures), rows x rules."""
    frame = rule_frame(strategy, frame, probability, probability_of)
    columns = [fires_pandas(r.condition, frame) for r in strategy.rules]
    return np.column_stack(columns) if columns else np.zeros((len(frame), 0), dtype=bool)


def decide_frame(
    strategy: Strategy,
    frame: pd.DataFrame,
    probability: Sequence[float],
    probability_of: ProbabilityOf | None = None,
) -> Decisions:
    """The decisions of the rows of `frame` with their calibrated PDs (and their PDs at another loan)."""
    fired = fired_pandas(strategy, frame, probability, probability_of)
    return decide(strategy, np.asarray(probability, dtype=float), fired)


def decide_one(
    strategy: Strategy, values: Mapping[str, object], probability: float
) -> tuple[Decision, list[str]]:
    """One application's decision and the codes of the rules that fired (a stored or posted client)."""
    row = pd.DataFrame([{name: values.get(name) for name in sorted(strategy.columns)}])
    decisions = decide_frame(strategy, row, [probability])
    return Decision(decisions.outcome[0]), decisions.reasons(0)


def fired_sql(strategy: Strategy, dialect: str = DUCKDB) -> list[str]:
    """One SQL expression per rule, true where it fires."""
    return [fires_sql(r.condition, dialect) for r in strategy.rules]


def decision_sql(strategy: Strategy, probability: str = "probability", dialect: str = DUCKDB) -> str:
    """A SQL CASE giving the decision of each row from its rules and its probability column."""
    quoted = f"`{probability}`" if dialect == SPARK else f'"{probability}"'
    rules = fired_sql(strategy, dialect)
    refuse = [w for w, r in zip(rules, strategy.rules, strict=True) if r.action == REFUSE]
    refer = [w for w, r in zip(rules, strategy.rules, strict=True) if r.action == REFER]
    branches = [f"WHEN {' OR '.join(refuse)} THEN '{Decision.REFUSE}'"] if refuse else []
    branches += [f"WHEN {' OR '.join(refer)} THEN '{Decision.REFER}'"] if refer else []
    branches += [
        f"WHEN {quoted} < {number_sql(strategy.accept_below)} THEN '{Decision.ACCEPT}'",
        f"WHEN {quoted} >= {number_sql(strategy.refuse_from)} THEN '{Decision.REFUSE}'",
    ]
    return f"CASE {' '.join(branches)} ELSE '{Decision.REFER}' END"


def rules_fired_sql(strategy: Strategy, dialect: str = DUCKDB) -> str:
    """A SQL expression giving the codes of the rules that fired, comma-separated (refuse rules first, each
    in file order, as `Decisions.reasons`), NULL when none fired."""
    rules = fired_sql(strategy, dialect)
    order = sorted(range(len(rules)), key=lambda j: strategy.rules[j].action != REFUSE)
    codes = [f"CASE WHEN {rules[j]} THEN '{strategy.rules[j].code}' END" for j in order]
    return f"NULLIF(concat_ws(',', {', '.join(codes)}), '')" if codes else "CAST(NULL AS STRING)"


def spark_decision(strategy: Strategy, probability: str = "probability") -> Column:
    """The decision as a Spark Column, from the same generated SQL as DuckDB's."""
    from pyspark.sql import functions as F  # noqa: N812 - the usual alias

    return F.expr(decision_sql(strategy, probability, SPARK))


def spark_rules_fired(strategy: Strategy) -> Column:
    """The codes of the rules that fired as a Spark Column, from the same generated SQL as DuckDB's."""
    from pyspark.sql import functions as F  # noqa: N812 - the usual alias

    return F.expr(rules_fired_sql(strategy, SPARK))
