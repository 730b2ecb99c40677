"""The vintage curves and the calibration watch on the Operations page: pure figure and view functions of
the API's payloads (made here by the library from fixed-seed labels, checked against the response models),
in English and French, and the callback that fetches them through a fake API."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import httpx
import numpy as np
import polars as pl
import pytest

from api.schemas.vintages import CalibrationOut, VintagesOut
from dashboard.components.vintages import calibration_view, vintage_cells, vintages_view
from dashboard.figures import vintages as vfig
from dashboard.i18n import translator
from scoring.monitoring.calibration_watch import calibration_watch
from scoring.monitoring.vintages import vintages
from tests.support.checked_api import Answer
from tests.support.payloads import checked

FRENCH = translator("fr")


def _labelled(factor: float, clients: int = 3_000, seed: int = 4) -> pl.DataFrame:
    """Four months of labelled clients, outcomes drawn at PD (x factor in the last two months)."""
    rng = np.random.default_rng(seed)
    p = np.clip(rng.beta(1.5, 15, clients), 1e-4, 0.9)
    created = [
        datetime(2025, 1, 1) + timedelta(seconds=float(s))
        for s in np.sort(rng.uniform(0, 120 * 86400, clients))
    ]
    late = np.array([c >= datetime(2025, 3, 1) for c in created])
    y = rng.random(clients) < np.minimum(p * np.where(late, factor, 1.0), 1.0)
    return pl.DataFrame({"created_at": created, "probability": p, "outcome": y.astype(np.int8)})


VINTAGES = checked(VintagesOut, vintages(_labelled(1.0)))
SHIFTED = checked(CalibrationOut, calibration_watch(_labelled(1.6)))
CALM = checked(CalibrationOut, calibration_watch(_labelled(1.0)))
NOTHING = checked(CalibrationOut, calibration_watch(_labelled(1.0).head(0)))


def _text(component: object) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)


def test_vintage_curves_one_line_per_grade_realised_solid_mean_pd_dashed() -> None:
    fig = vfig.vintage_curves(VINTAGES)
    grades = VINTAGES["grades"]
    assert len(fig.data) == 2 * len(grades)
    realised, given = fig.data[0], fig.data[1]
    assert realised.name == f"Grade {grades[0]}" and realised.line.dash is None and given.line.dash == "dash"
    rows = [r for r in VINTAGES["rows"] if r["grade"] == grades[0]]
    assert list(realised.x) == [r["vintage"] for r in rows]
    assert list(realised.error_y.array) == pytest.approx([r["ci_high"] - r["default_rate"] for r in rows])
    assert list(given.y) == pytest.approx([r["mean_probability"] for r in rows])
    assert realised.line.color == given.line.color and fig.data[2].line.color != realised.line.color
    assert vfig.vintage_curves(VINTAGES) == fig  # pure: the same payload, the same figure


def test_vintage_table_beside_and_summary_in_both_languages() -> None:
    cells = vintage_cells(VINTAGES)
    assert [row[0] for row in cells] == VINTAGES["vintages"]
    first = next(r for r in VINTAGES["rows"] if r["vintage"] == VINTAGES["vintages"][0])
    column = 1 + VINTAGES["grades"].index(first["grade"])
    assert cells[0][column].endswith(f"({first['n']})") and "%" in cells[0][column]
    view = _text(vintages_view(VINTAGES))
    assert "operations-vintages-graph" in view and "operations-vintages-table" in view
    summary = vfig.vintage_summary(VINTAGES)
    assert summary.startswith("3,000 labelled clients over 4 months of origination")
    french = vfig.vintage_summary(VINTAGES, FRENCH)
    assert french.startswith("3\u202f000 clients à issue connue sur 4 mois d'octroi")
    assert "Classe" in _text(vintages_view(VINTAGES, FRENCH))
    empty = {**VINTAGES, "rows": [], "grades": [], "vintages": [], "labelled": 0}
    assert "scoring labels" in _text(vintages_view(empty)) and "graph" not in _text(vintages_view(empty))


def test_calibration_view_flags_and_suggests_a_recalibration() -> None:
    assert SHIFTED["flagged"] and not CALM["flagged"]
    fig = vfig.calibration_periods(SHIFTED)
    assert [tr.name for tr in fig.data] == [
        "Realised default rate",
        "Mean probability of default given",
        "Beyond its interval",
    ]
    assert list(fig.data[2].x) == [p["period"] for p in SHIFTED["periods"] if p["flagged"]] != []
    shifted = _text(calibration_view(SHIFTED))
    assert "scoring retrain --recalibrate" in shifted and '"color": "warning"' in shifted
    assert "risk understated" in shifted and "operations-calibration-segments" in shifted
    calm = _text(calibration_view(CALM))
    assert "Calibration holds" in calm and '"color": "success"' in calm and "understated" not in calm
    assert "recalibration est suggérée" in _text(calibration_view(SHIFTED, FRENCH))
    assert "scoring labels" in _text(calibration_view(NOTHING))


@pytest.fixture
def fake_api(answer: Answer) -> None:
    routes = {"/api/v1/monitoring/vintages": VINTAGES, "/api/v1/monitoring/calibration": SHIFTED}
    answer(lambda request: httpx.Response(200, json=routes[request.url.path]))


def test_the_operations_callback_fetches_both(fake_api: None) -> None:
    from dashboard.pages.operations import show_outcomes

    content, hidden, _ = show_outcomes(None, None)
    text = _text(content)
    assert hidden is True and "operations-vintages-graph" in text and "operations-calibration-graph" in text
