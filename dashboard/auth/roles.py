"""Who may use what, on the server: the rights of each role, of each page and of each Dash callback.

Roles are the API's (`scoring.vocabulary.Role`; a test keeps the two equal). A callback's rights come from
`protected_callback(rights, ...)`, which declares it (`dashboard.callbacks`) and marks it, else from the
module that declares it (`MODULE_RIGHTS`: a page's callbacks have the page's rights). A callback with neither,
or from a module not listed, is refused to everyone: `rights_of_callback` returns None for it. Pages are
matched by path against Dash's page registry and get their module's rights.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import dash

from dashboard import callbacks

OFFICER, SENIOR, ANALYST, ADMIN = "officer", "senior", "analyst", "admin"
ROLES = frozenset({OFFICER, SENIOR, ANALYST, ADMIN})

EVERYONE = ROLES  # signed in, whatever the role
VIEW_CLIENTS = ROLES  # the officer's pages; read-only for analysts
DECIDE = frozenset({OFFICER, SENIOR, ADMIN})  # record a decision, issue a letter, the worklist
REVIEW = frozenset({SENIOR, ADMIN})  # approve or reject another's grant above the authority limits
ANALYSE = frozenset({ANALYST, ADMIN})  # model, drift, operations
ADMINISTER = frozenset({ADMIN})  # accounts, the audit trail
# who decides on what is known when the application is made: a stored client's realised outcome (repaid,
# defaulted) is hindsight no applicant's file has, and would bias the decision and its oversight
DECIDE_WITHOUT_HINDSIGHT = frozenset({OFFICER, SENIOR})

MODULE_RIGHTS = {
    "dashboard.app": EVERYONE,
    "dashboard.auth.menu": EVERYONE,
    "dashboard.components.picker": VIEW_CLIENTS,
    "dashboard.components.form": VIEW_CLIENTS,
    "dashboard.components.decision": VIEW_CLIENTS,
    "dashboard.components.code_importance": ANALYSE,
    "dashboard.pages.client": VIEW_CLIENTS,
    "dashboard.pages.similar": VIEW_CLIENTS,
    "dashboard.pages.what_if": VIEW_CLIENTS,
    "dashboard.pages.new_application": VIEW_CLIENTS,
    "dashboard.pages.model": ANALYSE,
    "dashboard.pages.drift": ANALYSE,
    "dashboard.pages.operations": ANALYSE,
    "dashboard.pages.worklist": DECIDE,
    "dashboard.pages.strategy": ANALYSE,
    "dashboard.pages.users": ADMINISTER,
    "dashboard.pages.audit": ADMINISTER,
    "dashboard.pages.not_found_404": EVERYONE,
    "dashboard.pages.account": EVERYONE,
}
SERVER_ROUTES = {
    "/drift-report/": ANALYSE,
    "/letters/": DECIDE,
    "/audit-export": ADMINISTER,
}  # Flask routes of the dashboard beside Dash's, by prefix
PAGES_ROUTER = "_pages_content.children"  # Dash Pages' own callback: the page of the path in its inputs
MARK = "__scoring_rights__"


def can_issue_letters(role: str) -> bool:
    """Whether `role` may issue a decision letter (the /letters/ route's rights)."""
    return role in SERVER_ROUTES["/letters/"]


def protected_callback(rights: frozenset[str], *args: Any, **kwargs: Any) -> Callable:
    """`callbacks.callback` for the users with one of `rights` (checked on the server for every call)."""

    def register(function: Callable) -> Callable:
        setattr(function, MARK, frozenset(rights))
        return callbacks.callback(*args, **kwargs)(function)

    return register


def rights_of_function(function: Callable) -> frozenset[str] | None:
    original = inspect.unwrap(function)
    marked = getattr(original, MARK, None)
    return marked if marked is not None else MODULE_RIGHTS.get(getattr(original, "__module__", ""))


def _template(path: str) -> re.Pattern[str]:
    parts = [
        "[^/]+" if part.startswith("<") and part.endswith(">") else re.escape(part)
        for part in path.strip("/").split("/")
    ]
    return re.compile("^/" + "/".join(parts) + "/?$")


def page_of(pathname: str | None) -> dict | None:
    """The Dash page a path shows (None when no page has it)."""
    path = "/" + (pathname or "/").lstrip("/")
    for page in dash.page_registry.values():
        for pattern in (page.get("path"), page.get("path_template")):
            if pattern and _template(pattern).match(path):
                return page
    return None


def rights_of_page(pathname: str | None) -> frozenset[str] | None:
    """Who may open the page at `pathname` (None: no such page; Dash answers it with its 404 page)."""
    page = page_of(pathname)
    return None if page is None else MODULE_RIGHTS.get(page["module"], frozenset())


def rights_of_route(path: str) -> frozenset[str] | None:
    """Who may use one of the dashboard's own Flask routes (None: not one of them)."""
    return next((rights for prefix, rights in SERVER_ROUTES.items() if path.startswith(prefix)), None)


def rights_of_callback(app: dash.Dash, output: str, inputs: list | None = None) -> frozenset[str] | None:
    """Who may call the callback with this output key (None: nobody, it is not registered with rights)."""
    if PAGES_ROUTER in output:
        pathname = next(
            (i.get("value") for i in inputs or () if isinstance(i, dict) and i.get("property") == "pathname"),
            None,
        )
        rights = rights_of_page(pathname)
        return EVERYONE if rights is None else rights  # an unknown path gets Dash's "not found" page
    entry = app.callback_map.get(output)
    function = entry.get("callback") if entry else None
    return None if function is None else rights_of_function(function)
