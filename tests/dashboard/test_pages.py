"""The app and its pages without a browser: layouts, callbacks against a fake API, page helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import dash
import httpx
import pytest
from dash import html

from dashboard.api_client import EXTENSION, ApiClient
from dashboard.app import client_in_path, create_app
from dashboard.settings import DashboardSettings

SCORE = {
    "client_id": 100002,
    "probability": 0.3,
    "decision": "refuse",
    "threshold": 0.1,
    "distance_to_threshold": 0.2,
    "model_version": "v1",
    "explanation": {
        "scale": "raw log-odds",
        "base_value": -2.0,
        "raw_score": -0.85,
        "base_probability": 0.08,
        "probability": 0.3,
        "contributions": None,
        "raising": [{"feature": "A", "label": "Late payments", "contribution": 1.0, "value": 3}],
        "lowering": [{"feature": "B", "label": "External score", "contribution": -0.1, "value": 0.6}],
    },
}
FACTS = {
    "client_id": 100002,
    "split": "train",
    "known_outcome": 1,
    "facts": [{"name": "AMT_CREDIT", "label": "Credit amount", "value": 100000.0}],
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> dash.Dash:
    css = tmp_path_factory.mktemp("css") / "bootstrap.min.css"
    css.write_text("body{margin:0}")
    return create_app(DashboardSettings(_env_file=None, api_url="http://api.test", bootstrap_css=css))


@pytest.fixture
def answer(app: dash.Dash) -> Iterator[Callable[[Callable[[httpx.Request], httpx.Response]], None]]:
    """Install a fake API answering with `handler`, inside the Flask app context."""
    original = app.server.extensions[EXTENSION]

    def install(handler: Callable[[httpx.Request], httpx.Response]) -> None:
        app.server.extensions[EXTENSION] = ApiClient(
            "http://api.test", transport=httpx.MockTransport(handler)
        )

    with app.server.app_context():
        yield install
    app.server.extensions[EXTENSION] = original


def components(node: object) -> Iterator[object]:
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from components(child)


def texts(node: object) -> str:
    """Every text of a component tree, in order."""
    found = []
    for c in components(node):
        children = getattr(c, "children", None)
        found += [
            t for t in (children if isinstance(children, list | tuple) else [children]) if isinstance(t, str)
        ]
    return " ".join(found)


def test_client_in_path() -> None:
    assert client_in_path("/client/100002") == "100002"
    assert client_in_path("/what-if/5/") == "5"
    assert client_in_path("/model") is None
    assert client_in_path("/client/abc") is None


def test_app_serves_bootstrap_locally_and_declares_its_language(app: dash.Dash) -> None:
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert 'href="/vendor/bootstrap.min.css"' in page
    assert "https://" not in page.split("<body>")[0]
    assert client.get("/vendor/bootstrap.min.css").get_data(as_text=True) == "body{margin:0}"


def test_every_page_has_one_title_heading(app: dash.Dash) -> None:
    for page in dash.page_registry.values():
        layout = page["layout"]()
        headings = [c for c in components(layout) if isinstance(c, html.H1)]
        assert len(headings) == 1, page["module"]
        assert page["title"] if isinstance(page["title"], str) else page["title"]()


def test_client_page_shows_decision_facts_and_reasons(answer: Callable) -> None:
    from dashboard.pages import client

    answer(lambda r: httpx.Response(200, json=SCORE if r.url.path.endswith("/score") else FACTS))
    content, hidden, message = client.show_client("100002", None)
    words = texts(html.Div(content))
    assert hidden and message == ""
    assert "Credit refused" in words
    assert "Main reasons for the refusal:" in words
    assert "Late payments: 3 \u2014 raised the estimated risk." in words
    assert "Defaulted" in words


def test_client_page_friendly_messages(answer: Callable) -> None:
    from dashboard.pages import client

    answer(lambda r: httpx.Response(404, json={"detail": "client 5 not found"}))
    content, hidden, _ = client.show_client("5", None)
    assert hidden and "No client with ID 5" in texts(content)
    content, hidden, _ = client.show_client("12ab", None)
    assert hidden and "is not a client ID" in texts(content)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    answer(down)
    content, hidden, message = client.show_client("5", None)
    assert content is None and not hidden and "cannot be reached" in message


def test_similar_feature_choices_follow_importance() -> None:
    from dashboard.pages.similar import feature_choices

    model = {
        "features": [
            {"name": "C", "label": "c", "kind": "categorical"},
            {"name": "N1", "label": "n1", "kind": "numeric"},
            {"name": "N2", "label": "n2", "kind": "numeric"},
        ]
    }
    importance = [{"feature": "C"}, {"feature": "N2"}, {"feature": "N1"}]
    options, first, numeric, x, y = feature_choices(model, importance, ["N1"])
    assert [o["value"] for o in options] == ["C", "N2", "N1"]
    assert first == "N1"
    assert [o["value"] for o in numeric] == ["N2", "N1"] and (x, y) == ("N2", "N1")


def test_operations_window_and_totals() -> None:
    from dashboard.pages.operations import totals, window

    since, until, bucket = window("1h", datetime(2026, 1, 1, 12, tzinfo=UTC))
    assert (since, until, bucket) == ("2026-01-01T11:00:00+00:00", "2026-01-01T12:00:00+00:00", "5m")
    rows = dict(
        totals(
            [
                {
                    "requests": 10,
                    "errors": {"500": 1},
                    "scores": 4,
                    "refusal_rate": 0.25,
                    "latency_ms_p95": 12.0,
                },
                {"requests": 10, "errors": {}, "scores": 0, "refusal_rate": None, "latency_ms_p95": None},
            ]
        )
    )
    assert rows == {
        "Requests": "20",
        "Errors": "1 (5.0 %)",
        "Scores given": "4",
        "Refusal rate": "25.0 %",
        "Slowest 95th percentile": "12 ms",
    }


def test_drift_summary_view() -> None:
    from dashboard.pages.drift import report_label, summary_view

    summary = {
        "reference": {"description": "training"},
        "current": {"description": "test"},
        "features_checked": 20,
        "drifted_count": 1,
        "share_drifted": 0.05,
        "dataset_drift": False,
        "drifted_features": [
            {"feature": "F", "label": "Feature F", "method": "psi", "score": 0.3, "threshold": 0.1}
        ],
        "prediction_drift": {
            "drifted": True,
            "probability": {"reference_mean": 0.08, "current_mean": 0.12},
            "decision": {"reference_refusal_rate": 0.2, "current_refusal_rate": 0.3},
        },
        "alerts": ["prediction drift"],
    }
    words = texts(summary_view(summary))
    assert "1 of 20 (5 %)" in words
    assert "\u26a0 detected \u2014 mean risk 8.0 % \u2192 12.0 %" in words
    assert "Feature F" in words
    entry = {"name": "20260101T000000Z_train_vs_test", "created_at": "2026-01-01T00:00:00"}
    assert report_label(entry) == "2026-01-01 00:00 \u2014 train vs test"


def test_fairness_table_flags_groups_in_words() -> None:
    from dashboard.pages.model import fairness_table

    rows = [
        {
            "attribute": "age band",
            "group": "< 30",
            "n": 10,
            "approval_rate": 0.5,
            "approval_ratio": 0.6,
            "flagged": True,
        },
        {
            "attribute": "age band",
            "group": "30-39",
            "n": 10,
            "approval_rate": 0.8,
            "approval_ratio": 1.0,
            "flagged": False,
        },
    ]
    words = texts(fairness_table(rows))
    assert "1 group(s) have an approval rate below 0.8" in words
    assert "\u26a0 below 0.8: review" in words and "\u2714 ok" in words


def test_bootstrap_is_optional(tmp_path: Path) -> None:
    settings = DashboardSettings(_env_file=None, bootstrap_css=tmp_path / "absent.css")
    assert settings.bootstrap_path() is None
