"""The expression language: SQL and compiled Python agree, and follow the documented semantics."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.features.expr import (
    Code,
    Col,
    Expr,
    Log,
    RowCount,
    RowExtreme,
    RowSum,
    StepAbove,
    row_mean,
    row_product,
    row_std,
)
from tests.features.sql_python import CON, agree

A, B, C = Col("A"), Col("B"), Col("C")
CASES: dict[str, Expr] = {
    "sum": A + B,
    "difference": A - B,
    "ratio": A / B,
    "negated scaled": -A / 365.25,
    "row sum": RowSum((A, B, C)),
    "row count": RowCount((A, B, C)),
    "row min": RowExtreme((A, B, C), largest=False),
    "row max": RowExtreme((A, B, C), largest=True),
    "row mean": row_mean((A, B, C)),
    "row std": row_std((A, B, C)),
    "row product": row_product((A, B, C)),
    "step above": StepAbove(A / B, (0.5, 1.0, 3.0)),
    "log": Log(A - B),
}
ROWS = [
    {"A": 1.0, "B": 2.0, "C": 4.0},
    {"A": 3.0, "B": 0.0, "C": None},
    {"A": None, "B": None, "C": None},
    {"A": -0.5, "B": None, "C": 7.25},
    {"A": 1e9, "B": 3.0, "C": -2.0},
]


@pytest.mark.parametrize("name", CASES)
def test_sql_and_python_agree(name: str) -> None:
    assert agree(CASES[name], ROWS), name


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {k: st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)) for k in ("A", "B", "C")}
        ),
        min_size=1,
        max_size=5,
    )
)
def test_sql_and_python_agree_on_random_rows(rows: list[dict[str, float | None]]) -> None:
    for expr in (
        row_std((A, B, C)),
        row_mean((A, B, C)),
        A / B,
        RowSum((A, B, C)),
        StepAbove(A, (-1.0, 0.0, 2.5)),
        Log(A),
    ):
        assert agree(expr, rows)


def test_hand_computed_values() -> None:
    row = {"A": 1.0, "B": 2.0, "C": 4.0}
    assert row_mean((A, B, C)).compile()(row) == pytest.approx(7 / 3)
    assert row_std((A, B, C)).compile()(row) == pytest.approx(
        math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 2)
    )
    assert row_product((A, B, C)).compile()(row) == 8.0
    partial = {"A": 0.2, "B": None, "C": 0.6}
    assert row_mean((A, B, C)).compile()(partial) == pytest.approx(0.4)
    assert row_std((A, B, C)).compile()(partial) == pytest.approx(math.sqrt(0.08))
    assert row_product((A, B, C)).compile()(partial) is None
    assert row_std((A, B, C)).compile()({"A": 0.3}) is None


def test_missing_inputs_and_division_by_zero_are_missing() -> None:
    ratio = (A / B).compile()
    assert ratio({"A": 1.0, "B": 0.0}) is None
    assert ratio({"A": 1.0}) is None
    assert ratio({"A": float("nan"), "B": 2.0}) is None
    assert ratio({"A": "3", "B": 2}) == 1.5
    assert RowSum((A, B)).compile()({}) is None
    assert RowCount((A, B)).compile()({"A": 0.0}) == 1.0


def test_step_above_takes_the_next_step_strictly_above() -> None:
    step = StepAbove(A, (6.0, 12.0, 24.0)).compile()
    assert [step({"A": a}) for a in (0.5, 6.0, 11.9, 12.0, 23.99, 24.0, None)] == [
        6.0,
        12.0,
        12.0,
        24.0,
        24.0,
        None,
        None,
    ]


def test_log_of_a_value_that_is_not_positive_is_missing() -> None:
    log = Log(A).compile()
    assert [log({"A": a}) for a in (math.e, 0.0, -1.0, None)] == [pytest.approx(1.0), None, None, None]


def test_codes_map_missing_and_unseen_levels_to_one_code() -> None:
    code = Code("G", ("F", "M"), -1)
    frame = pl.DataFrame({"G": ["F", "M", None, "XNA", "m"]})
    CON.register("t", frame)
    sql = [r[0] for r in CON.execute(f"SELECT {code.sql()} FROM t").fetchall()]
    python = [code.compile()({"G": g}) for g in frame["G"]]
    assert sql == python == [0.0, 1.0, -1.0, -1.0, -1.0]
