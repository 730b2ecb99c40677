"""Margins of a figure fixed from its labels, so that Plotly lays the figure out once.

With `automargin`, Plotly draws an axis, measures its labels, widens the margin and draws the figure again: on
the Model page that was four fifths of the time its eight figures took to draw. Figures built here turn it
off and reserve the room their labels need instead, estimated generously from the number of characters of
the longest line (the dashboard's sans-serif type at 13 px, `style.base_layout`): a label never clipped,
at the price of a few pixels of white.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

FONT_PX = 13
CHAR_PX = 0.62 * FONT_PX  # an average character of the sans-serif type, generous (capitals, digits)
LINE_PX = 1.35 * FONT_PX  # a line of text
GAP_PX = 10  # between the plot and its tick labels, between those and the axis title, and at the edge
NUMBER = "-0.00"  # the widest tick label of a numeric axis of the figures (a share, a SHAP value)
PERCENT = "100%"
FIXED = {"automargin": False}  # the axis keeps the margin it is given


def lines(label: str) -> list[str]:
    """A label's lines (Plotly breaks them at `<br>`)."""
    return label.split("<br>")


def width(label: str) -> float:
    """Pixels of a label's longest line."""
    return max(len(line) for line in lines(label)) * CHAR_PX


def side(ticks: Sequence[str], title: str | None = None) -> int:
    """Room beside the plot for a vertical axis: its widest tick label, then its title turned on its side."""
    room = GAP_PX + max((width(tick) for tick in ticks), default=0.0) + GAP_PX
    if title:
        room += len(lines(title)) * LINE_PX + GAP_PX
    return math.ceil(room)


def under(title: str | None = None, tick_lines: int = 1) -> int:
    """Room under the plot for a horizontal axis: its tick labels, then its title."""
    room = GAP_PX + tick_lines * LINE_PX + GAP_PX
    if title:
        room += len(lines(title)) * LINE_PX + GAP_PX
    return math.ceil(room)


def number_label(values: Sequence[float]) -> str:
    """The widest tick label of an axis over `values`: its largest magnitude written with separators."""
    largest = max((abs(v) for v in values), default=0.0)
    return f"-{largest:,.0f}" if largest >= 10 else NUMBER
