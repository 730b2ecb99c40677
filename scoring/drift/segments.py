"""The segments a drift run watches one by one: the one reader of `segments.json` (data), its checks, and
each client's segment value.

A segment splits the clients by a raw application field (its levels, or its values for a rating), by bands
of a number, or by the risk grade of the calibrated probability of default (field `PD`, bands "pricing":
the offer's grades, `scoring.offer.pricing`). Samples carry raw fields as their application features
(`APP_<field>`, categorical levels as codes); the prediction log keeps some fields only as a coarse band
(`log_column`), already in the banded unit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from scoring.data.schema import APPLICATION_TEST, CAT, Column
from scoring.drift.errors import DriftError
from scoring.drift.sample import PROBABILITY
from scoring.features.application_feature import PREFIX
from scoring.offer.pricing import Pricer

POLICY_FILE = Path(__file__).with_name("segments.json")
PD = "PD"
PRICING = "pricing"
TOP_KEYS = {"version", "description", "min_clients", "min_clients_source", "segments"}
SEGMENT_KEYS = {"name", "field", "bands", "scale", "log_column"}
FIELDS = {c.name: c for c in APPLICATION_TEST.columns[1:]}  # the raw application fields, without the ID


class SegmentsError(DriftError):
    """The segments file is unusable (the message names the field)."""


@dataclass(frozen=True)
class Band:
    """Values below `below` (None: no bound) and at or above the previous band's bound."""

    label: str
    below: float | None


@dataclass(frozen=True)
class Segment:
    """One segment definition: a name, a raw field (or PD) and, for numbers, bands."""

    name: str
    field: str
    bands: tuple[Band, ...] = ()
    pricing: bool = False
    scale: float = 1.0
    log_column: str | None = None

    @property
    def column(self) -> str:
        """The sample column holding the field: the probability for PD, else the application feature."""
        return PROBABILITY if self.field == PD else PREFIX + self.field

    @property
    def columns(self) -> tuple[str, ...]:
        """Every sample column the segment can be read from."""
        return (self.column, self.log_column) if self.log_column else (self.column,)

    @property
    def levels(self) -> tuple[str, ...]:
        """The schema's levels of a categorical field (code i is levels[i]); () for any other."""
        raw = FIELDS.get(self.field)
        return raw.levels if raw is not None and raw.kind == CAT else ()

    def order(self, present: set[str]) -> list[str]:
        """The values of `present` in their natural order: levels, bands or grades; ratings by value."""
        if self.pricing:
            ordered = [g.name for g in Pricer().grades]
        else:
            ordered = [b.label for b in self.bands] or list(self.levels)
        if not ordered:
            return sorted(present, key=float)
        return [v for v in ordered if v in present]

    def values(self, frame: pl.DataFrame) -> np.ndarray | None:
        """Each row's segment value (None where unknown), or None when the frame has no column for it."""
        column = next((c for c in self.columns if c in frame.columns), None)
        if column is None:
            return None
        x = frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy()
        scale = 1.0 if column == self.log_column else self.scale
        out = np.full(len(x), None, dtype=object)
        known = np.isfinite(x)
        if self.pricing:
            grades = Pricer()
            out[known] = grades.names[grades.grade_index(x[known])]
        elif self.bands:
            edges = np.array([b.below for b in self.bands[:-1]], dtype=np.float64)
            labels = np.array([b.label for b in self.bands], dtype=object)
            out[known] = labels[np.searchsorted(edges, x[known] * scale, side="right")]
        elif self.levels:
            codes = np.where(known, x, -1).astype(np.int64)
            valid = (codes >= 0) & (codes < len(self.levels))
            out[valid] = np.array(self.levels, dtype=object)[codes[valid]]
        else:
            out[known] = [_number(v) for v in x[known]]
        return out


@dataclass(frozen=True)
class SegmentPolicy:
    """The minimum of clients per segment value on each side, and the segment definitions."""

    min_clients: int
    segments: tuple[Segment, ...]

    def columns(self) -> list[str]:
        """Every sample column a segment may read (the probability aside)."""
        return sorted({c for s in self.segments for c in s.columns if c != PROBABILITY})


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _bands(raw: object, where: str) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise SegmentsError(f'{where}: a list of {{"label", "below"}} or "{PRICING}"')
    bands = []
    for i, band in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(band, Mapping) or set(band) != {"label", "below"}:
            raise SegmentsError(f'{at}: needs exactly "label" and "below"')
        label, below = band["label"], band["below"]
        if not isinstance(label, str) or not label:
            raise SegmentsError(f"{at}.label: a non-empty string")
        last = i == len(raw) - 1
        if last and below is not None:
            raise SegmentsError(f"{at}.below: the last band has no bound (null)")
        if not last and not (isinstance(below, int | float) and math.isfinite(below)):
            raise SegmentsError(f"{at}.below: a number (null only for the last band)")
        if not last and bands and bands[-1].below is not None and below <= bands[-1].below:
            raise SegmentsError(f"{at}.below: bounds must increase")
        bands.append(Band(label, None if below is None else float(below)))
    if len({b.label for b in bands}) < len(bands):
        raise SegmentsError(f"{where}: labels must differ")
    return tuple(bands)


def _field(raw: object, where: str) -> Column | None:
    if raw == PD:
        return None
    if not isinstance(raw, str) or raw not in FIELDS:
        raise SegmentsError(f"{where}: {raw!r} is not a raw application field (application_test) nor {PD}")
    return FIELDS[raw]


def _segment(raw: object, where: str) -> Segment:
    if not isinstance(raw, Mapping):
        raise SegmentsError(f"{where}: an object with name and field")
    unknown = sorted(set(raw) - SEGMENT_KEYS)
    if unknown:
        raise SegmentsError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {sorted(SEGMENT_KEYS)})")
    name = raw.get("name")
    if not isinstance(name, str) or not name or "=" in name:
        raise SegmentsError(f"{where}.name: a non-empty string without '='")
    column = _field(raw.get("field"), f"{where}.field")
    bands, pricing = raw.get("bands"), False
    if bands == PRICING:
        if column is not None:
            raise SegmentsError(f'{where}.bands: "{PRICING}" grades the field {PD} only')
        bands, pricing = (), True
    elif bands is not None:
        if column is not None and column.kind == CAT:
            raise SegmentsError(f"{where}.bands: {column.name} is categorical, its levels are the segments")
        bands = _bands(bands, f"{where}.bands")
    elif column is None:
        raise SegmentsError(f'{where}.bands: {PD} needs bands (a list, or "{PRICING}")')
    scale = raw.get("scale", 1.0)
    numeric = isinstance(scale, int | float) and not isinstance(scale, bool) and math.isfinite(scale)
    if "scale" in raw and (not numeric or scale == 0 or not bands or column is None):
        raise SegmentsError(f"{where}.scale: a non-zero number, only for a banded field")
    log_column = raw.get("log_column")
    if log_column is not None and (not isinstance(log_column, str) or not bands):
        raise SegmentsError(f"{where}.log_column: a column name, only for a banded field")
    return Segment(name, raw["field"], bands or (), pricing, float(scale), log_column)


def parse_policy(document: object, source: str = POLICY_FILE.name) -> SegmentPolicy:
    """The policy of a parsed segments file; SegmentsError naming the field that is wrong."""
    if not isinstance(document, Mapping):
        raise SegmentsError(f"{source}: a JSON object")
    unknown = sorted(set(document) - TOP_KEYS)
    if unknown:
        raise SegmentsError(f"{source}: unknown key(s) {', '.join(unknown)}")
    minimum = document.get("min_clients")
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise SegmentsError(f"{source}: min_clients must be a positive whole number")
    raw = document.get("segments")
    if not isinstance(raw, list):
        raise SegmentsError(f"{source}: segments must be a list")
    segments = tuple(_segment(s, f"{source}: segments[{i}]") for i, s in enumerate(raw))
    names = [s.name for s in segments]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SegmentsError(f"{source}: segment name(s) used twice: {', '.join(duplicated)}")
    return SegmentPolicy(minimum, segments)


def load_segments(path: Path) -> SegmentPolicy:
    """The segments file at `path`, checked."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SegmentsError(f"{path}: cannot be read as JSON ({exc})") from None
    return parse_policy(document, path.name)


@cache
def segment_policy() -> SegmentPolicy:
    """The packaged segments (read once)."""
    return load_segments(POLICY_FILE)
