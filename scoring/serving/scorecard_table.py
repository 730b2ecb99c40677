"""The scorecard's points table as people read it: each bin's bounds as numbers (not `[-inf, -23053.5)`),
in the readable unit of its quantity (years, not days), categories by their level names, and a quantity that
enters twice (age in years and in days, `shap_summary.twins`) shown once, its twins' bins merged and their
points added (a client gets the points of both twins' bins that hold its value)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from scoring.explain.twins import shown_as, twins

MISSING = "missing"
SAME_CUT = 1e-4  # relative gap under which two cuts are the same one written in two units
_INTERVAL = re.compile(r"^\[(?P<low>[^,]+),\s*(?P<high>[^)]+)\)$")
_CODES = re.compile(r"^codes (?P<codes>.+)$")


def interval(text: str) -> tuple[float, float] | None:
    """The bounds of a numeric bin `[low, high)` (None for another kind of bin)."""
    found = _INTERVAL.match(text.strip())
    return (float(found["low"]), float(found["high"])) if found else None


def _levels(text: str, levels: Sequence[str]) -> list[str] | None:
    found = _CODES.match(text.strip())
    if not found:
        return None
    codes = [int(float(c)) for c in found["codes"].split(",")]
    return [levels[c] if 0 <= c < len(levels) else str(c) for c in codes]


def _in_unit(row: Mapping, divide_by: float) -> dict:
    """A numeric row of a twin in its readable unit (dividing by a negative number turns the bounds over)."""
    low, high = interval(row["bin"]) or (-math.inf, math.inf)
    a, b = sorted((low / divide_by, high / divide_by))
    return {**row, "low": a, "high": b}


def _readable(row: Mapping, levels: Mapping[str, Sequence[str]]) -> dict:
    """A row with its bounds (numeric), level names (categorical) and whether it is the missing bin."""
    twin = twins().get(row["feature"])
    found = {**row, "low": None, "high": None, "levels": None, "missing": row["bin"] == MISSING}
    if found["missing"]:
        return found
    names = _levels(row["bin"], levels.get(row["feature"], ()))
    if names is not None:
        return {**found, "levels": names}
    if twin is not None:
        return _in_unit(found, twin.divide_by)
    low, high = interval(row["bin"]) or (None, None)
    return {**found, "low": low, "high": high}


def _finite(value: float | None) -> float | None:
    """A finite bound to 6 significant digits, as the scorecard writes its cuts (None for no bound)."""
    return float(f"{value:.6g}") if value is not None and math.isfinite(value) else None


def _slack(bound: float) -> float:
    return SAME_CUT * max(1.0, abs(bound)) if math.isfinite(bound) else 0.0


def _inside(low: float, high: float) -> float:
    """A value inside [low, high), either bound possibly infinite."""
    if math.isfinite(low) and math.isfinite(high):
        return (low + high) / 2
    if math.isfinite(high):
        return high - 1
    return low + 1 if math.isfinite(low) else 0.0


def _distinct(cuts: list[float]) -> list[float]:
    """Sorted cuts without near-duplicates (a twin's cut written to 6 digits in days and in years)."""
    kept: list[float] = []
    for cut in cuts:
        if not kept or cut - kept[-1] > SAME_CUT * max(1.0, abs(cut)):
            kept.append(cut)
    return kept


def _merged(feature: str, rows: list[dict]) -> list[dict]:
    """One quantity's bins from several twins: the cuts of all of them, each bin's points summed."""
    members = list(dict.fromkeys(r["feature"] for r in rows))
    numeric = [r for r in rows if not r["missing"]]
    cuts = _distinct(sorted({b for r in numeric for b in (r["low"], r["high"]) if math.isfinite(b)}))
    edges = [-math.inf, *cuts, math.inf]
    merged = []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = _inside(low, high)
        held = [r for r in numeric if r["low"] - _slack(r["low"]) <= inside < r["high"] - _slack(r["high"])]
        merged.append(_row(feature, members, held, low, high))
    missing = [r for r in rows if r["missing"]]
    if missing:
        merged.append({**_row(feature, members, missing, None, None), "missing": True, "bin": MISSING})
    return merged


def _row(feature: str, members: list[str], held: list[dict], low: float | None, high: float | None) -> dict:
    single = len({r.get("clients") for r in held}) == 1  # one bin, or twins' bins of the same clients
    return {
        "feature": feature,
        "members": members,
        "label": held[0]["label"] if held else feature,
        "bin": f"[{low:.6g}, {high:.6g})" if low is not None else MISSING,
        "low": low,
        "high": high,
        "levels": None,
        "missing": False,
        "clients": held[0].get("clients") if single else None,
        "default_rate": held[0].get("default_rate") if single else None,
        "points": round(sum(r["points"] for r in held), 1),
    }


def readable_points(rows: list[dict], levels: Mapping[str, Sequence[str]]) -> list[dict]:
    """The points table with readable bins, twins merged, in the order the characteristics first appear;
    infinite bounds are None."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(shown_as(row["feature"]), []).append(_readable(row, levels))
    table = []
    for feature, found in groups.items():
        members = list(dict.fromkeys(r["feature"] for r in found))
        if len(members) > 1:
            table += _merged(feature, found)
        else:
            ordered = sorted(found, key=lambda r: (r["missing"], r["low"] if r["low"] is not None else 0.0))
            twin = twins().get(members[0])
            table += [{**r, "feature": feature, "members": members} for r in (ordered if twin else found)]
    return [{**r, "low": _finite(r["low"]), "high": _finite(r["high"])} for r in table]
