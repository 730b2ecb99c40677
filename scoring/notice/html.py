"""The decision letter as an HTML page (Jinja2 template, values escaped), printable on one A4 page."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from scoring.notice.content import Notice


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("scoring.notice", "templates"),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )


def render_html(notice: Notice) -> str:
    return _environment().get_template("notice.html").render(notice=notice)
