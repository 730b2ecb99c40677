"""What the dashboard answers when a file it relays from the API (a letter, the audit export) is refused."""

from __future__ import annotations

import html

import flask

from dashboard.api_client import ApiError
from dashboard.i18n import Translator, current


def refusal_page(
    error: ApiError, title: str, back: str, back_label: str, t: Translator | None = None
) -> flask.Response:
    """A small page with the API's message (a sentence: its first letter capitalised) and a link `back` to
    the page it came from, in the language `t` the API answered in (the person's by default), under the
    API's status (502 when the API did not answer)."""
    t = t or current()
    message = error.message[:1].upper() + error.message[1:]
    page = (
        f"<!DOCTYPE html><html lang='{t.language}'><title>{t.gettext(title)}</title>"
        f"<h1>{t.gettext(title)}</h1><p>{html.escape(message)}</p>"
        f"<p><a href='{html.escape(back, quote=True)}'>{t.gettext(back_label)}</a></p></html>"
    )
    status = 502 if error.status is None else error.status
    return flask.Response(page, status=status, mimetype="text/html")
