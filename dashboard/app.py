"""The Dash app factory: Dash Pages with Bootstrap served from this machine, the API client, the frame.

Nothing is loaded from a CDN: Dash, Plotly and the Bootstrap components serve their own scripts, and
Bootstrap's CSS comes from an installed copy (Debian's libjs-bootstrap5, or SCORING_BOOTSTRAP_CSS). The pages
are Dash Pages (one registry per process); their callbacks are registered on each app the factory builds
(`dashboard.callbacks`), through Dash's public API.
"""

from __future__ import annotations

import html
import importlib
import logging
import re
import signal
from collections.abc import Callable
from functools import wraps
from urllib.parse import parse_qs

import dash
import flask
import plotly.io
from dash import Input, Output, State

from dashboard import auth, callbacks
from dashboard.api_client import EXTENSION, ApiClient, ApiError, api, install
from dashboard.audit_export import serve_audit_export
from dashboard.auth import roles
from dashboard.auth.menu import user_box
from dashboard.callback_check import install_callback_check
from dashboard.components.layout import NAV, nav_links, shell
from dashboard.i18n import current, current_language
from dashboard.letters import serve_letters
from dashboard.security import REPORT_POLICY, install_headers
from dashboard.settings import DashboardSettings

logger = logging.getLogger("dashboard")

PAGES = (
    "client",
    "similar",
    "what_if",
    "new_application",
    "worklist",
    "model",
    "drift",
    "operations",
    "strategy",
    "users",
    "audit",
    "account",
    "not_found_404",
)
BOOTSTRAP_ROUTE = "/vendor/bootstrap.min.css"
CLIENT_PATH = re.compile(r"^/(?:client|similar|what-if)/([0-9]{1,10})/?$")
CLIENT_ID = re.compile(r"^[0-9]{1,10}$")
INDEX = """<!DOCTYPE html>
<html lang="{%lang%}">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
{%app_entry%}
<footer>
{%config%}
{%scripts%}
{%renderer%}
</footer>
</body>
</html>"""


def client_in_path(pathname: str | None, search: str | None = None) -> str | None:
    """The client ID of a client page's path (/client/<id>, /similar/<id>, /what-if/<id>), else of the
    query's `client` (the navigation bar's links to the other pages carry it)."""
    match = CLIENT_PATH.match(pathname or "")
    if match:
        return match.group(1)
    query = parse_qs((search or "").lstrip("?")).get("client", [""])[0]
    return query if CLIENT_ID.match(query) else None


def _serve_bootstrap(server: flask.Flask, settings: DashboardSettings) -> list[str]:
    path = settings.bootstrap_path()
    if path is None:
        logger.warning(
            "Bootstrap CSS not found (pip install bootstrap-flask, a dependency of the project, or set "
            "SCORING_BOOTSTRAP_CSS to a bootstrap.min.css): the dashboard works without its styles"
        )
        return []
    server.add_url_rule(
        BOOTSTRAP_ROUTE, "bootstrap_css", lambda: flask.send_file(path, mimetype="text/css", max_age=3600)
    )
    server.config["SCORING_BOOTSTRAP_ROUTE"] = BOOTSTRAP_ROUTE
    return [BOOTSTRAP_ROUTE]


def _serve_drift_reports(server: flask.Flask) -> None:
    """Drift reports' HTML fetched from the API (with its key) for the Drift page's iframe, sandboxed; an
    error is a page whose only variable part, the message, is escaped."""

    def report(name: str) -> flask.Response:
        sandbox = {"Content-Security-Policy": REPORT_POLICY}
        try:
            return flask.Response(api().drift_html(name), mimetype="text/html", headers=sandbox)
        except ApiError as error:
            t = current()
            message = html.escape(error.message)
            title = t.gettext("Drift report")
            page = f"<!DOCTYPE html><html lang='{t.language}'><title>{title}</title><p>{message}</p></html>"
            status = 502 if error.status is None else error.status
            return flask.Response(page, status=status, mimetype="text/html", headers=sandbox)

    server.add_url_rule("/drift-report/<path:name>", "drift_report", report)


class Dashboard(dash.Dash):
    """Dash whose page says which language it is in (`<html lang>`), the request's language."""

    def interpolate_index(self, **kwargs: object) -> str:
        return super().interpolate_index(**kwargs).replace("{%lang%}", current_language(), 1)


def _guarded_layout(layout: Callable, rights: frozenset[str], path: str) -> Callable:
    """The page's layout, refused (403) to a user whose role may not open the page: the role is checked for
    the page Dash Pages renders, whatever path the request told the sign-in guard."""

    @wraps(layout)
    def guarded(*args: object, **kwargs: object) -> object:
        if flask.has_request_context() and not auth.allowed(rights):
            try:
                api().denied(path, "role")
            except ApiError as error:
                logger.warning("refusal of %s not recorded: %s", path, error.message)
            refusal = current().gettext("Your role does not allow this.")
            flask.abort(flask.make_response({"detail": refusal}, 403))
        return layout(*args, **kwargs)

    guarded.scoring_rights = rights
    return guarded


def _guard_pages() -> None:
    """Every registered page's layout checks its module's rights (once per process: Dash's registry)."""
    for page in dash.page_registry.values():
        layout = page.get("layout")
        if callable(layout) and not hasattr(layout, "scoring_rights"):
            rights = roles.MODULE_RIGHTS.get(page["module"], frozenset())
            page["layout"] = _guarded_layout(layout, rights, page["path"])


def frame() -> dash.html.Div:
    """The frame of this page load: in the request's language, with who is signed in and their pages."""
    return shell(user_box(auth.enabled(), current()), hidden_paths())


def create_app(settings: DashboardSettings | None = None) -> dash.Dash:
    """The dashboard, talking to the API named in `settings`."""
    settings = settings or DashboardSettings()
    # Dash writes every answer with plotly's JSON writer, whose default engine (orjson, installed) first
    # copies the answer through a walk in Python: the standard library's engine writes a page's component
    # tree 2-3x faster (a client's decision block: 1.8 ms instead of 4.3 ms), to the same JSON.
    plotly.io.json.config.default_engine = "json"
    server = flask.Flask(__name__)
    key = settings.api_key.get_secret_value() if settings.api_key else None
    install(server, ApiClient(settings.api_url, key, settings.api_timeout, context=auth.request_headers))
    app = Dashboard(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        external_stylesheets=_serve_bootstrap(server, settings),
        serve_locally=True,
        eager_loading=True,
        title="Credit scoring",
        update_title=None,
        suppress_callback_exceptions=True,
    )
    app.index_string = INDEX
    for page in PAGES:
        importlib.import_module(f"dashboard.pages.{page}")
    _guard_pages()
    callbacks.register(app)  # Dash's public app.callback: every app of the process has them all
    app.layout = frame  # a function: the frame is built per page load, in the request's language
    _serve_drift_reports(server)
    serve_letters(server)
    serve_audit_export(server)
    install_callback_check(app)  # before the guard: it reads the body too
    auth.install(app, settings)
    install_headers(server, app.csp_hashes)
    return app


def hidden_paths() -> frozenset[str]:
    """Navigation links the request's user may not open (the Users, Audit and Strategy pages too while sign-in
    is off: the API shows them to a signed-in user only)."""
    if not auth.enabled():
        return frozenset({"/users", "/audit", "/strategy", "/worklist"})
    return frozenset(
        path for _, path, _ in NAV if not auth.allowed(roles.rights_of_page(path) or roles.EVERYONE)
    )


# The navigation follows the page once it is painted: its round trip never delays a page's first paint.
callbacks.clientside_callback(
    callbacks.AFTER_PAINT, Output("app-painted", "data"), Input("_pages_store", "data")
)


@callbacks.callback(
    Output("app-nav", "children"),
    Output("app-client", "data"),
    Input("app-painted", "data"),
    State("_pages_location", "pathname"),
    State("_pages_location", "search"),
    State("app-client", "data"),
)
def follow_client(
    _page: dict | None, pathname: str | None, search: str | None, remembered: str | None
) -> tuple[list, str | None]:
    """Keep the last client seen in the navigation links (the page at `pathname` marked as current). Fired
    once the page has arrived (Dash Pages' store of its title) and been painted, so that it never competes
    with the page."""
    client_id = client_in_path(pathname, search) or remembered
    return nav_links(client_id, hidden_paths(), pathname=pathname), client_id


def stop_on_signals() -> None:
    """SIGINT and SIGTERM end waitress's loop, which then lets its threads finish their requests (5 s).

    Set explicitly: a process started in the background of a shell (`make run`) inherits SIGINT ignored.
    A second signal during the stop is ignored, so the stop is not cut short.
    """

    def stop(signum: int, _frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        logger.info("dashboard stopping (%s)", signal.Signals(signum).name)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def main(host: str = "127.0.0.1", port: int = 8050, api_url: str | None = None, threads: int = 8) -> None:
    """Serve the dashboard with waitress until SIGINT or SIGTERM; behind SCORING_TRUSTED_PROXY, waitress takes
    the client's address, scheme and host from that proxy's X-Forwarded-* headers (and no other peer's)."""
    import waitress

    settings = DashboardSettings() if api_url is None else DashboardSettings(api_url=api_url)
    auth.check_binding(settings, host)
    if problems := settings.placeholder_secrets():
        raise SystemExit("\n".join(f"error: {problem}" for problem in problems))
    app = create_app(settings)
    logger.info("dashboard on http://%s:%d, scoring API at %s", host, port, settings.api_url)
    stop_on_signals()
    waitress.serve(app.server, host=host, port=port, threads=threads, **settings.proxy_options())
    app.server.extensions[EXTENSION].close()  # the API client's connections
    logger.info("dashboard stopped")
