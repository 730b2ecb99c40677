"""What a drift check writes: a standalone offline HTML report, its JSON summary, the index of reports."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scoring.drift.index import INDEX_FILE, write_index
from scoring.drift.run import DriftRequest, DriftResult, run_drift
from scoring.drift.settings import DriftSettings
from scoring.home import Paths

pytestmark = pytest.mark.slow  # a trained home and Evidently reports

INDEX_KEYS = {"name", "created_at", "reference", "current", "summary_path", "html_path", "monitoring"}
REMOTE = ("http://", "https://", "//")


class _ExternalResources(HTMLParser):
    """Collect every src / href of tags that would load a resource (script, link, img, iframe...)."""

    LOADING = {"script", "link", "img", "iframe", "source", "embed", "object", "audio", "video"}

    def __init__(self) -> None:
        super().__init__()
        self.remote: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        if tag in self.LOADING:
            links = [v for k, v in attrs if k in ("src", "href", "data") and v]
            self.remote += [v for v in links if v.startswith(REMOTE)]


@pytest.fixture(scope="module")
def reports(drift_home: Paths, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DriftResult]]:
    """Two train-vs-application_test reports in a fresh drift directory."""
    drift_dir = tmp_path_factory.mktemp("drift-reports")
    settings = DriftSettings(top_features=5)
    request = DriftRequest("test", settings=settings, paths=drift_home, drift_dir=drift_dir)
    return drift_dir, [run_drift(request), run_drift(request)]


def test_html_report_works_offline(reports: tuple[Path, list[DriftResult]]) -> None:
    html = (reports[1][0].directory / "report.html").read_text()
    parser = _ExternalResources()
    parser.feed(html)
    assert parser.scripts >= 1 and "Plotly" in html
    assert parser.remote == []
    assert "url(http" not in html and "@import url(" not in html


def test_summary_is_compact_strict_json(reports: tuple[Path, list[DriftResult]]) -> None:
    result = reports[1][0]
    text = (result.directory / "summary.json").read_text()
    summary = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-finite number {c}"))
    assert summary == result.summary
    assert len(text) < 50_000
    keys = {"share_drifted", "drifted_features", "prediction_drift", "dataset_drift", "drift_detected"}
    assert keys <= summary.keys()
    assert summary["features_checked"] == 5 and len(summary["features"]) == 5
    assert summary["reference"]["scores"] == "out-of-fold raw scores (oof.parquet), calibrated as served"


def test_index_lists_every_report_newest_first(reports: tuple[Path, list[DriftResult]]) -> None:
    drift_dir, results = reports
    entries = json.loads((drift_dir / INDEX_FILE).read_text())
    assert [e["name"] for e in entries] == [r.directory.name for r in reversed(results)]
    assert results[0].directory.name != results[1].directory.name
    for entry in entries:
        assert set(entry) == INDEX_KEYS
        assert (drift_dir / entry["summary_path"]).is_file() and (drift_dir / entry["html_path"]).is_file()
        assert entry["current"].startswith("application_test clients")
        assert entry["reference"].startswith("training clients")


def test_index_skips_incomplete_directories(reports: tuple[Path, list[DriftResult]], tmp_path: Path) -> None:
    drift_dir, results = reports
    (drift_dir / "20990101T000000Z_broken").mkdir()
    (drift_dir / "20990101T000000Z_broken" / "summary.json").write_text("{not json")
    assert [e["name"] for e in write_index(drift_dir)] == [r.directory.name for r in reversed(results)]
