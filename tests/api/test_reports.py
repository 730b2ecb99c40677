"""Drift reports: listed from the index, files served, nothing outside reports/ reachable."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from tests.api.conftest import API, make_settings


def _reports(root: Path) -> Path:
    drift = root / "drift"
    (drift / "run1").mkdir(parents=True)
    (drift / "run1" / "report.html").write_text("<html>drift</html>")
    (drift / "run1" / "summary.json").write_text(json.dumps({"drifted": 3}))
    (root.parent / "secret.txt").write_text("top secret")
    index = [
        {
            "name": "run1",
            "created_at": "2024-01-01T00:00:00Z",
            "reference": "train",
            "current": "log",
            "summary_path": "run1/summary.json",
            "html_path": "run1/report.html",
        },
        {"name": "sneaky", "summary_path": "../../secret.txt", "html_path": "/etc/passwd"},
    ]
    (drift / "index.json").write_text(json.dumps(index))
    return root


def test_reports_listed_and_served(demo_home: Path, tmp_path: Path) -> None:
    settings = make_settings(demo_home, tmp_path / "log.db", reports_dir=_reports(tmp_path / "reports"))
    with TestClient(create_app(settings)) as client:
        listed = {r["name"]: r for r in client.get(f"{API}/reports/drift").json()}
        assert listed["run1"]["html_url"] == f"{API}/reports/drift/run1/html"
        html = client.get(listed["run1"]["html_url"])
        assert html.status_code == 200 and html.text == "<html>drift</html>"
        assert html.headers["content-type"].startswith("text/html")
        assert client.get(listed["run1"]["summary_url"]).json() == {"drifted": 3}
        assert listed["sneaky"]["html_url"] is None and listed["sneaky"]["summary_url"] is None
        assert client.get(f"{API}/reports/drift/sneaky/summary").status_code == 404
        assert client.get(f"{API}/reports/drift/sneaky/html").status_code == 404
        assert client.get(f"{API}/reports/drift/..%2F..%2Fsecret.txt/html").status_code == 404
        assert client.get(f"{API}/reports/drift/nope/html").status_code == 404


def test_no_reports_yet(client: TestClient) -> None:
    assert client.get(f"{API}/reports/drift").json() == []
