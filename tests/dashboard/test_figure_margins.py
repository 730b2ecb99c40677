"""The Model page's figures are laid out once: every axis keeps the margin it is given (no `automargin`, which
makes Plotly draw a figure, measure it and draw it again), and that margin holds the labels."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures import margins, reasons
from dashboard.figures import model as model_figures
from tests.dashboard.test_model_page import PERFORMANCE, SUMMARY, THRESHOLD


def model_page_figures() -> list[go.Figure]:
    return [
        model_figures.cost_curve(THRESHOLD),
        model_figures.importance(SUMMARY["importance"]),
        model_figures.beeswarm(SUMMARY),
        model_figures.dependence(SUMMARY["dependence"][0]),
        model_figures.confusion_matrix(PERFORMANCE["confusion"]),
        model_figures.roc(PERFORMANCE["roc"]),
        model_figures.calibration(PERFORMANCE["calibration"]),
        reasons.code_importance([{"title": "Arrears", "importance_share": 0.4}]),
    ]


def test_every_axis_of_the_model_page_keeps_the_margin_it_is_given() -> None:
    for fig in model_page_figures():
        layout = fig.layout.to_plotly_json()
        axes = [axis for name, axis in layout.items() if name.startswith(("xaxis", "yaxis"))]
        assert axes and all(axis.get("automargin") is False for axis in axes), layout.get("height")


def test_room_grows_with_the_longest_line_of_the_labels_and_with_the_title() -> None:
    assert margins.side(["Age"]) < margins.side(["Share of instalment payments paid late"])
    assert margins.side(["x" * 20 + "<br>" + "y" * 5]) == margins.side(["x" * 20])
    assert margins.side(["0.5"], "Title") > margins.side(["0.5"])
    assert margins.side(["0.5"], "Two<br>lines") > margins.side(["0.5"], "One line")
    assert margins.under("Two<br>lines") > margins.under("One line") > margins.under()


def test_a_figure_reserves_the_width_of_its_longest_label() -> None:
    long = {"label": "Share of previous applications refused", "mean_abs_shap": 0.2}
    short = {"label": "Age", "mean_abs_shap": 0.1}
    wide = model_figures.importance([long, short]).layout.margin.l
    narrow = model_figures.importance([short]).layout.margin.l
    assert wide >= len(long["label"]) * margins.CHAR_PX > narrow


def test_card_titles_are_wrapped_to_a_third_of_the_page() -> None:
    roc = model_figures.roc(PERFORMANCE["roc"]).layout
    lines = [*roc.xaxis.title.text.split("<br>"), *roc.yaxis.title.text.split("<br>")]
    assert len(lines) > 2 and all(len(line) <= model_figures.CARD_TITLE for line in lines)
