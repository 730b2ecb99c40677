"""Charts drawn in HTML (`dashboard.figures.html_charts`): round ticks, positions on the axis, and every
bar's label and value as text in reading order."""

from __future__ import annotations

import pytest

from dashboard.figures import html_charts
from dashboard.i18n import ENGLISH, translator
from tests.support.components import components, texts


@pytest.mark.parametrize(
    ("low", "high", "count", "expected"),
    [
        (0.0, 0.8625, 10, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]),
        (250.0, 760.0, 6, [300.0, 400.0, 500.0, 600.0, 700.0]),
        (-210.0, 60.0, 6, [-200.0, -150.0, -100.0, -50.0, 0.0, 50.0]),
        (0.0, 0.2, 8, [0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2]),
        (3.0, 3.0, 6, [3.0]),
    ],
)
def test_nice_ticks_are_round_and_within_the_axis(
    low: float, high: float, count: int, expected: list[float]
) -> None:
    assert html_charts.nice_ticks(low, high, count) == pytest.approx(expected)


def test_tick_texts_have_the_decimals_they_need_in_the_page_language() -> None:
    assert html_charts.tick_decimals([0.0, 2.5, 5.0]) == 1 and html_charts.tick_decimals([300.0, 400.0]) == 0
    assert html_charts.percent_ticks(0.8625)[:2] == [(0.0, "0%"), (0.1, "10%")]
    assert [text for _x, text in html_charts.percent_ticks(0.2075)] == ["0%", "5%", "10%", "15%", "20%"]
    assert html_charts.number_ticks(-1500.0, 1500.0, translator("fr"))[0] == (-1500.0, "-1\u202f500")


def test_place_keeps_positions_on_the_axis() -> None:
    assert html_charts.place(5.0, 0.0, 10.0) == 50.0
    assert html_charts.place(-1.0, 0.0, 10.0) == 0.0 and html_charts.place(11.0, 0.0, 10.0) == 100.0


def test_waterfall_steps_are_labelled_bars_from_where_the_previous_one_ended() -> None:
    data = {
        "rows": [
            {"label": "Gains", "start": 0.0, "value": 40.0, "text": "+40 points"},
            {"label": "Losses", "start": 40.0, "value": -60.0, "text": "-60 points"},
        ],
        "range": [-40.0, 60.0],
        "ticks": html_charts.number_ticks(-40.0, 60.0, ENGLISH),
        "title": "Points",
        "marks": [{"x": 0.0, "kind": "average", "label": "Start"}, {"x": -20.0, "kind": "client"}],
    }
    chart = html_charts.waterfall("w", data)
    assert chart.id == "w"
    rows = [c for c in components(chart) if getattr(c, "className", None) == "hbars-row"]
    assert [texts(r).split() for r in rows] == [["Gains", "+40", "points"], ["Losses", "-60", "points"]]
    bars = [c for c in components(chart) if "hbars-bar" in (getattr(c, "className", "") or "")]
    assert bars[0].style == {"left": "40.00%", "width": "40.00%"} and bars[0].className.endswith("plus")
    assert bars[1].style == {"left": "20.00%", "width": "60.00%"}  # from -20 to 40 on an axis -40..60
    assert bars[1].className.endswith("minus")  # its value written left of it, the bar hatched
    assert "Start" in texts(chart) and "Points" in texts(chart)
    ticks = next(c for c in components(chart) if "chart-ticks" in (getattr(c, "className", "") or ""))
    assert ticks.to_plotly_json()["props"]["aria-hidden"] == "true"  # the ticks: not read out
    assert [c.children for c in ticks.children if c.className == "chart-tick"][:2] == ["-40", "-20"]


def test_a_risk_near_the_end_of_the_axis_has_its_value_inside_its_bar() -> None:
    """A bar ending past 85 % of the axis gets its value written inside it (on white), not past the plot."""
    scale = {
        "top": 1.0,
        "zones": [{"low": 0.0, "high": 1.0, "fill": "#fff", "name": "Zone", "inside": True}],
        "cuts": [],
        "bar": {"value": 0.95, "text": "95.0%", "colour": "#000", "label": "Risk: "},
        "ticks": html_charts.percent_ticks(1.0),
        "title": "Probability of default",
    }
    values = [c for c in components(html_charts.bullet("g", scale)) if "bullet-value" in (c.className or "")]
    assert [v.className for v in values] == ["bullet-value inside"]
    low = html_charts.bullet("g", {**scale, "bar": {**scale["bar"], "value": 0.5}})
    assert [c.className for c in components(low) if "bullet-value" in (c.className or "")] == ["bullet-value"]
