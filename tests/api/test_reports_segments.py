"""A drift summary's segments reach the dashboard with the labels of the features that moved in the request's
language, as the whole's feature rows do."""

from __future__ import annotations

from api.routes.reports import _labelled


def test_segment_features_are_labelled_in_the_request_language() -> None:
    moved = {"feature": "APP_AGE_YEARS", "label": "Age (years)", "psi": 0.3}
    unknown = {"feature": "GONE", "label": "A feature since removed", "psi": 0.2}
    summary = {"segments": [{"name": "AGE_BAND=60+", "features_moved": [moved, unknown]}], "psi": {}}
    labelled = _labelled(summary, "fr")
    rows = labelled["segments"][0]["features_moved"]
    assert [r["label"] for r in rows] == ["Âge (ans)", "A feature since removed"]
    assert _labelled({"segments": None}, "fr") == {"segments": None}
