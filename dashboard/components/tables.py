"""The dashboard's one table style: small, striped, its caption above, column headers for screen readers."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html


def captioned_table(
    caption: str, headers: Sequence[object], rows: Sequence[html.Tr], table_id: str | None = None
) -> dbc.Table:
    """A table of `rows` (html.Tr) under `caption`, with one `scope="col"` header per column."""
    identity = {"id": table_id} if table_id else {}
    return dbc.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
            html.Tbody(list(rows)),
        ],
        size="sm",
        striped=True,
        className="caption-top",
        **identity,
    )


def cell_rows(rows: Sequence[Sequence[object]]) -> list[html.Tr]:
    """Rows of plain cells."""
    return [html.Tr([html.Td(cell) for cell in row]) for row in rows]
