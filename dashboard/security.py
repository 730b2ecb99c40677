"""Security headers of every dashboard response, and the sandbox of the embedded drift reports.

The dashboard's own pages may run only scripts from this origin and Dash's inline scripts (listed by hash),
be framed only by this origin, and send no referrer elsewhere. A drift report (Evidently HTML with inline
scripts) runs sandboxed: `allow-scripts` without `allow-same-origin` gives it an opaque origin, so whatever it
contains cannot reach the dashboard's cookies, storage or callbacks; the Drift page's iframe carries the same
sandbox.
"""

from __future__ import annotations

from collections.abc import Callable

import flask

REPORT_SANDBOX = "allow-scripts"
REPORT_POLICY = (
    f"sandbox {REPORT_SANDBOX}; default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'"
)
LAYOUT = "/_dash-layout"  # the frame of a page load, drawn for the person signed in
FAVICON = "/_favicon.ico"  # Dash's icon, its URL versioned (?v=<Dash's version>)
FAVICON_CACHE = "public, max-age=604800"  # a week: Chromium asks for it again at each page change otherwise
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


def page_policy(script_hashes: list[str]) -> str:
    """The CSP of the dashboard: this origin only; inline scripts only those Dash writes (by hash)."""
    return (
        f"default-src 'self'; script-src 'self' {' '.join(script_hashes)}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )


def install_headers(server: flask.Flask, script_hashes: Callable[[], list[str]]) -> None:
    """Add the headers to every response (a response that set its own CSP keeps it). The hashes are taken
    per response: Dash Pages adds an inline script (the page title) at the first request."""

    @server.after_request
    def secure(response: flask.Response) -> flask.Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = page_policy(script_hashes())
        if flask.request.path == LAYOUT:
            response.headers["Cache-Control"] = "no-store"  # it names the person, with their CSRF token
        elif flask.request.path == FAVICON and response.status_code == 200:
            response.headers["Cache-Control"] = FAVICON_CACHE
        return response
