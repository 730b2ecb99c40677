"""A small expression language for per-application features, compiled to SQL and to Python.

One definition, two back-ends: the SQL text runs in the batch engine (DuckDB, portable to Spark SQL),
the compiled Python function scores one posted application in microseconds. Semantics shared by both:
a missing input gives a missing result, a division by zero gives a missing result, row-wise statistics
skip missing items.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Value = float | None
Row = Mapping[str, object]
RowFn = Callable[[Row], Value]


class Expr:
    """Base of every expression node: `sql()` gives SQL text, `compile()` a function of one row."""

    def sql(self) -> str:
        raise NotImplementedError

    def compile(self) -> RowFn:
        raise NotImplementedError

    def __add__(self, other: Expr | float) -> Expr:
        return BinOp("+", self, lit(other))

    def __sub__(self, other: Expr | float) -> Expr:
        return BinOp("-", self, lit(other))

    def __mul__(self, other: Expr | float) -> Expr:
        return BinOp("*", self, lit(other))

    def __truediv__(self, other: Expr | float) -> Expr:
        return BinOp("/", self, lit(other))

    def __neg__(self) -> Expr:
        return BinOp("*", Lit(-1.0), self)


def lit(value: Expr | float) -> Expr:
    """An expression as is, a number as a literal."""
    return value if isinstance(value, Expr) else Lit(float(value))


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def as_number(value: object) -> Value:
    """A raw input value as a float; None, NaN and empty strings are missing."""
    if value is None or value == "":
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


@dataclass(frozen=True, eq=False)
class Col(Expr):
    """A numeric input column."""

    name: str

    def sql(self) -> str:
        return f"CAST({quote_ident(self.name)} AS DOUBLE)"

    def compile(self) -> RowFn:
        name = self.name
        return lambda row: as_number(row.get(name))


@dataclass(frozen=True, eq=False)
class Lit(Expr):
    value: float

    def sql(self) -> str:
        return f"CAST({self.value!r} AS DOUBLE)"

    def compile(self) -> RowFn:
        value = self.value
        return lambda row: value


def _divide(a: float, b: float) -> Value:
    return None if b == 0 else a / b


_PY_OPS: dict[str, Callable[[float, float], Value]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _divide,
}


@dataclass(frozen=True, eq=False)
class BinOp(Expr):
    """Arithmetic on two expressions; a division by zero is missing."""

    op: str
    left: Expr
    right: Expr

    def sql(self) -> str:
        right = f"NULLIF({self.right.sql()}, 0)" if self.op == "/" else self.right.sql()
        return f"({self.left.sql()} {self.op} {right})"

    def compile(self) -> RowFn:
        left, right, op = self.left.compile(), self.right.compile(), _PY_OPS[self.op]

        def run(row: Row) -> Value:
            a, b = left(row), right(row)
            return None if a is None or b is None else op(a, b)

        return run


@dataclass(frozen=True, eq=False)
class RowSum(Expr):
    """Sum of the present items; missing when every item is missing."""

    items: tuple[Expr, ...]

    def sql(self) -> str:
        total = " + ".join(f"COALESCE({e.sql()}, 0)" for e in self.items)
        all_missing = " AND ".join(f"{e.sql()} IS NULL" for e in self.items)
        return f"(CASE WHEN {all_missing} THEN NULL ELSE {total} END)"

    def compile(self) -> RowFn:
        fns = [e.compile() for e in self.items]

        def run(row: Row) -> Value:
            values = [v for v in (f(row) for f in fns) if v is not None]
            return None if not values else sum(values)

        return run


@dataclass(frozen=True, eq=False)
class RowCount(Expr):
    """Number of present items (0 to len(items))."""

    items: tuple[Expr, ...]

    def sql(self) -> str:
        return "(" + " + ".join(f"(CASE WHEN {e.sql()} IS NULL THEN 0 ELSE 1 END)" for e in self.items) + ")"

    def compile(self) -> RowFn:
        fns = [e.compile() for e in self.items]
        return lambda row: float(sum(f(row) is not None for f in fns))


@dataclass(frozen=True, eq=False)
class RowExtreme(Expr):
    """Smallest (`largest=False`) or largest present item; missing when every item is missing."""

    items: tuple[Expr, ...]
    largest: bool

    def sql(self) -> str:
        name = "GREATEST" if self.largest else "LEAST"
        return f"{name}({', '.join(e.sql() for e in self.items)})"

    def compile(self) -> RowFn:
        fns, pick = [e.compile() for e in self.items], max if self.largest else min

        def run(row: Row) -> Value:
            values = [v for v in (f(row) for f in fns) if v is not None]
            return pick(values) if values else None

        return run


@dataclass(frozen=True, eq=False)
class Sqrt(Expr):
    arg: Expr

    def sql(self) -> str:
        return f"SQRT({self.arg.sql()})"

    def compile(self) -> RowFn:
        arg = self.arg.compile()

        def run(row: Row) -> Value:
            value = arg(row)
            return None if value is None else math.sqrt(value)

        return run


@dataclass(frozen=True, eq=False)
class Log(Expr):
    """Natural logarithm; missing for a value that is not positive."""

    arg: Expr

    def sql(self) -> str:
        value = self.arg.sql()
        return f"LN(CASE WHEN {value} > 0 THEN {value} END)"

    def compile(self) -> RowFn:
        arg = self.arg.compile()

        def run(row: Row) -> Value:
            value = arg(row)
            return None if value is None or value <= 0 else math.log(value)

        return run


@dataclass(frozen=True, eq=False)
class StepAbove(Expr):
    """The smallest of the increasing ``steps`` strictly above the value; missing beyond the last step."""

    arg: Expr
    steps: tuple[float, ...]

    def sql(self) -> str:
        value = self.arg.sql()
        whens = " ".join(f"WHEN {value} < {step!r} THEN CAST({step!r} AS DOUBLE)" for step in self.steps)
        return f"(CASE {whens} ELSE NULL END)"

    def compile(self) -> RowFn:
        arg, steps = self.arg.compile(), self.steps

        def run(row: Row) -> Value:
            value = arg(row)
            if value is None:
                return None
            i = bisect.bisect_right(steps, value)
            return steps[i] if i < len(steps) else None

        return run


@dataclass(frozen=True, eq=False)
class Code(Expr):
    """Categorical code: index of the value in `levels`, `missing_code` for missing or unseen values."""

    name: str
    levels: tuple[str, ...]
    missing_code: int

    def sql(self) -> str:
        whens = " ".join(f"WHEN {quote_str(level)} THEN {i}" for i, level in enumerate(self.levels))
        return f"CAST(CASE {quote_ident(self.name)} {whens} ELSE {self.missing_code} END AS DOUBLE)"

    def compile(self) -> RowFn:
        name, missing = self.name, float(self.missing_code)
        codes = {level: float(i) for i, level in enumerate(self.levels)}
        return lambda row: codes.get(row.get(name), missing)  # type: ignore[arg-type]


def row_mean(items: Sequence[Expr]) -> Expr:
    """Mean of the present items."""
    return RowSum(tuple(items)) / RowCount(tuple(items))


def row_std(items: Sequence[Expr]) -> Expr:
    """Sample standard deviation of the present items (missing with fewer than two)."""
    mean = row_mean(items)
    squares = RowSum(tuple((x - mean) * (x - mean) for x in items))
    return Sqrt(squares / (RowCount(tuple(items)) - 1.0))


def row_product(items: Sequence[Expr]) -> Expr:
    """Product of the items (missing when any item is missing)."""
    product = items[0]
    for item in items[1:]:
        product = product * item
    return product
