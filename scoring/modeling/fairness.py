"""Fairness of the decisions by gender and age band: approval rates, error rates and their ratios.

Per group: approval rate, true positive rate (share of defaulters refused), false positive rate (share of
good clients refused), and the ratio of the group's approval rate to the highest approval rate of its
attribute; a ratio below 0.8 (the "four-fifths rule") is flagged. Groups of fewer than 30 clients are
shown but marked too few to judge (``judged`` false): they neither serve as the reference nor get flagged,
their rates are noise. The settings are data: ``fairness.json`` beside this module.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

POLICY_FILE = Path(__file__).with_name("fairness.json")
_POLICY = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
FOUR_FIFTHS: float = float(_POLICY["four_fifths"])
MIN_GROUP: int = int(_POLICY["min_group"])
AGE_BANDS = tuple((float(b["low"]), float(b["high"]), str(b["label"])) for b in _POLICY["age_bands"])
GENDER_FEATURE = "APP_CODE_GENDER"
BIRTH_FEATURE = "APP_DAYS_BIRTH"


def gender_groups(codes: np.ndarray, levels: tuple[str, ...]) -> np.ndarray:
    """Level names of integer codes; missing or unknown codes become "missing"."""
    names = np.full(len(codes), "missing", dtype=object)
    for code, level in enumerate(levels):
        names[codes == code] = level
    return names


def age_groups(days_birth: np.ndarray) -> np.ndarray:
    """Age band of each client from DAYS_BIRTH (negative days before the application)."""
    years = -np.asarray(days_birth, dtype=np.float64) / 365.25
    names = np.full(len(years), "missing", dtype=object)
    for low, high, label in AGE_BANDS:
        names[(years >= low) & (years < high)] = label
    return names


def _rate(mask: np.ndarray, of: np.ndarray) -> float:
    return float(mask[of].mean()) if of.any() else float("nan")


def group_rows(
    attribute: str, groups: np.ndarray, order: list[str], y: np.ndarray, refused: np.ndarray
) -> list[dict]:
    """One row per group of an attribute present in ``groups``, in the order of ``order``."""
    y = np.asarray(y).astype(bool)
    refused = np.asarray(refused).astype(bool)
    rows = []
    for group in (g for g in order if (groups == g).any()):
        members = groups == group
        rows.append(
            {
                "attribute": attribute,
                "group": str(group),
                "n": int(members.sum()),
                "default_rate": float(y[members].mean()),
                "approval_rate": 1.0 - float(refused[members].mean()),
                "tpr": _rate(refused, members & y),
                "fpr": _rate(refused, members & ~y),
            }
        )
    sized = [r for r in rows if r["n"] >= MIN_GROUP] or rows
    top = max(r["approval_rate"] for r in sized)
    for r in rows:
        r["approval_ratio"] = r["approval_rate"] / top if top > 0 else float("nan")
        r["judged"] = r["n"] >= MIN_GROUP
        r["flagged"] = bool(r["judged"] and r["approval_ratio"] < FOUR_FIFTHS)
    return rows


def fairness_table(
    y: np.ndarray,
    refused: np.ndarray,
    gender_codes: np.ndarray | None,
    gender_levels: tuple[str, ...],
    days_birth: np.ndarray | None,
) -> list[dict]:
    """Rows for CODE_GENDER and age band (each attribute only when its feature is present)."""
    rows: list[dict] = []
    if gender_codes is not None:
        levels = gender_levels or ("F", "M")
        rows += group_rows(
            "CODE_GENDER", gender_groups(gender_codes, levels), [*levels, "missing"], y, refused
        )
    if days_birth is not None:
        bands = [b[2] for b in AGE_BANDS] + ["missing"]
        rows += group_rows("age band", age_groups(days_birth), bands, y, refused)
    return rows
