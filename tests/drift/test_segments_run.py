"""Drift by segment in a whole run: the labelled drifted batch of the generator against the trained home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring.drift.run import DriftRequest, run_drift
from scoring.drift.settings import DriftSettings
from scoring.home import Paths

pytestmark = pytest.mark.slow  # a trained home and Evidently reports

KEYS = {"name", "n", "n_reference", "score_psi", "drifted", "features_moved", "mean_pd", "realised_rate"}


def test_summary_lists_the_segments_with_outcomes_and_alerts(
    drift_home: Paths, drifted_batch: Path, tmp_path: Path
) -> None:
    request = DriftRequest(
        str(drifted_batch), settings=DriftSettings(top_features=10), paths=drift_home, drift_dir=tmp_path
    )
    result = run_drift(request)
    summary = json.loads((result.directory / "summary.json").read_text())
    segments = summary["segments"]
    assert segments and all(e.keys() >= {*KEYS, "p_value"} for e in segments)
    assert all(e["n"] >= 200 and e["n_reference"] >= 200 for e in segments)
    assert "NAME_CONTRACT_TYPE=Cash loans" in [e["name"] for e in segments]
    assert all(e["realised_rate"] is not None and 0 <= e["p_value"] <= 1 for e in segments)
    check = summary["segment_check"]
    assert check["min_clients"] == 200 and check["values_checked"] == len(segments)
    drifted = [e["name"] for e in segments if e["drifted"]]
    assert drifted == check["drifted"]
    assert ("segment_drift" in summary["alert_kinds"]) == bool(drifted)
    [entry] = json.loads((tmp_path / "index.json").read_text())
    assert entry["monitoring"]["segments_drifted"] == drifted
    assert f"segments: {len(segments)} values of at least 200 clients checked" in result.describe()
