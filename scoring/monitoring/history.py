"""The history of retrain decisions: models/history.json, a list of decisions, oldest first.

Each decision: decided_at (UTC ISO), outcome ("promoted", "kept": the champion stays, "skipped": no
comparison possible), champion and challenger versions, reasons (sentences), the out-of-time window and
the training data described, both models' figures on the window, every check of the promotion rule with
both figures, the rule's margins, and the MLflow registry versions and aliases.
"""

from __future__ import annotations

import json
from pathlib import Path

from scoring.io import write_json_atomic

PROMOTED, KEPT, SKIPPED = "promoted", "kept", "skipped"


def read_history(path: Path) -> list[dict]:
    """Every decision, oldest first ([] when there is none or the file is unreadable)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def append_decision(path: Path, decision: dict) -> list[dict]:
    """Add a decision to the history (written atomically); returns the whole history."""
    history = [*read_history(path), decision]
    write_json_atomic(path, history)
    return history
