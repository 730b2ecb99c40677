"""A client's main application facts, as a credit officer reads them, from the ingested application tables."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from scoring.data.interim import read_interim

FACT_LABELS = {
    "NAME_CONTRACT_TYPE": "Contract type",
    "AMT_CREDIT": "Credit amount",
    "AMT_ANNUITY": "Loan annuity",
    "AMT_GOODS_PRICE": "Price of the goods financed",
    "AMT_INCOME_TOTAL": "Total income",
    "CODE_GENDER": "Gender",
    "AGE_YEARS": "Age (years)",
    "YEARS_EMPLOYED": "Years employed",
    "NAME_INCOME_TYPE": "Income type",
    "OCCUPATION_TYPE": "Occupation",
    "ORGANIZATION_TYPE": "Employer's organisation type",
    "NAME_EDUCATION_TYPE": "Education",
    "NAME_FAMILY_STATUS": "Family status",
    "CNT_CHILDREN": "Number of children",
    "CNT_FAM_MEMBERS": "Family members",
    "NAME_HOUSING_TYPE": "Housing",
    "FLAG_OWN_CAR": "Owns a car",
    "FLAG_OWN_REALTY": "Owns real estate",
    "REGION_RATING_CLIENT": "Region rating (1 best, 3 worst)",
    "EXT_SOURCE_1": "External score 1",
    "EXT_SOURCE_2": "External score 2",
    "EXT_SOURCE_3": "External score 3",
}
_DERIVED = {
    "AGE_YEARS": -pl.col("DAYS_BIRTH") / 365.25,
    "YEARS_EMPLOYED": -pl.col("DAYS_EMPLOYED") / 365.25,
}
_RAW = [name for name in FACT_LABELS if name not in _DERIVED]
APPLICATION_TABLES = ("application_train", "application_test")


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    value: float | int | str | None


class FactStore:
    """Fact columns aligned with the client store's rows: numbers as float64, text as codes into levels."""

    def __init__(self, columns: dict[str, np.ndarray], levels: dict[str, list[str]]) -> None:
        self.columns = columns
        self.levels = levels

    def facts(self, row: int) -> list[Fact]:
        """The facts of one client (None where unknown)."""
        return [Fact(name, FACT_LABELS[name], self._value(name, row)) for name in self.columns]

    def _value(self, name: str, row: int) -> float | int | str | None:
        value = self.columns[name][row]
        if name in self.levels:
            return None if value < 0 else self.levels[name][value]
        if math.isnan(value):
            return None
        number = float(value)
        return int(number) if number.is_integer() else round(number, 4)


def _applications(interim_dir: Path) -> pl.DataFrame | None:
    frames = [read_interim(interim_dir, t) for t in APPLICATION_TABLES]
    present = [
        f.select(["SK_ID_CURR", *[c for c in _RAW if c in f.columns], "DAYS_BIRTH", "DAYS_EMPLOYED"])
        for f in frames
        if f is not None
    ]
    return pl.concat(present, how="diagonal_relaxed").unique("SK_ID_CURR", keep="first") if present else None


def load_facts(interim_dir: Path, ids: np.ndarray) -> FactStore:
    """Facts of the clients `ids` (store order); clients absent from the tables get None everywhere."""
    order = pl.DataFrame({"SK_ID_CURR": ids})
    frame = _applications(interim_dir)
    if frame is None:
        frame = pl.DataFrame({"SK_ID_CURR": ids})
    frame = frame.with_columns(v.alias(k) for k, v in _DERIVED.items() if "DAYS_BIRTH" in frame.columns)
    joined = order.join(frame, on="SK_ID_CURR", how="left", maintain_order="left")
    columns: dict[str, np.ndarray] = {}
    levels: dict[str, list[str]] = {}
    for name in FACT_LABELS:
        if name not in joined.columns:
            continue
        series = joined[name]
        if series.dtype == pl.String:
            levels[name] = sorted(v for v in series.unique().to_list() if v is not None)
            codes = series.replace_strict(levels[name], list(range(len(levels[name]))), default=-1)
            columns[name] = codes.cast(pl.Int32).to_numpy()
        else:
            columns[name] = series.cast(pl.Float64).fill_null(np.nan).to_numpy()
    return FactStore(columns, levels)
