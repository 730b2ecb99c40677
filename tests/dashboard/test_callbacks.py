"""The dashboard's callbacks go through Dash's public API: every app of a process gets all of them, and no
module of the dashboard reaches into a framework's private names."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import dash
import pytest

from dashboard import callbacks
from dashboard.app import create_app
from dashboard.settings import DashboardSettings
from tests.conftest import REPO

FRAMEWORKS = ("dash", "dash_bootstrap_components", "flask", "plotly", "waitress", "werkzeug")
GLOBAL_REGISTRY = ("callback", "clientside_callback")  # dash's: the first app to serve takes them all
PAGES_IDS = "_pages_"  # the ids of Dash Pages' router and title callbacks
OWN_PRIVATE = {("dashboard/api_client.py", "clone._fixed")}  # a copy of the module's own class


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _framework(module: str | None) -> bool:
    return module is not None and module.split(".")[0] in FRAMEWORKS


def framework_misuse(source: str, path: str) -> list[str]:
    """The uses of a framework's private names or of Dash's global callback registry in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"{path}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{where} import {a.name}" for a in node.names if _framework(a.name) and "._" in a.name]
        elif isinstance(node, ast.ImportFrom) and _framework(node.module):
            private = any(_private(part) for part in node.module.split("."))
            names = [a.name for a in node.names if private or _private(a.name) or a.name in GLOBAL_REGISTRY]
            found += [f"{where} from {node.module} import {name}" for name in names]
        elif isinstance(node, ast.Attribute):
            text = ast.unparse(node)
            base = ast.unparse(node.value)
            own = base in ("self", "cls") or (path, text) in OWN_PRIVATE
            if (_private(node.attr) and not own) or (base == "dash" and node.attr in GLOBAL_REGISTRY):
                found.append(f"{where} {text}")
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in ("getattr", "setattr", "vars"):
            names = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            if ast.unparse(node.func) == "vars" or any(_private(str(name)) for name in names):
                found.append(f"{where} {ast.unparse(node)}")
    return found


def test_the_dashboard_uses_no_private_framework_name() -> None:
    found = []
    for file in sorted((REPO / "dashboard").rglob("*.py")):
        path = file.relative_to(REPO).as_posix()
        found += framework_misuse(file.read_text(encoding="utf-8"), path)
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "from dash import _callback",
        "from dash._callback import GLOBAL_CALLBACK_MAP",
        "import dash._callback",
        "from dash import Input, callback",
        "from dash import clientside_callback",
        "app._callback_list.extend([])",
        "dash._callback.GLOBAL_CALLBACK_LIST.clear()",
        "flask._app_ctx_stack",
        "dash.callback(Output('a', 'b'))",
        "getattr(dash, '_callback').GLOBAL_CALLBACK_MAP",
        "vars(app)['callback_map']",
    ],
)
def test_the_check_sees_each_kind_of_misuse(source: str) -> None:
    assert framework_misuse(source, "dashboard/example.py") != []


def test_the_check_lets_public_names_and_own_attributes_pass() -> None:
    source = "import dash\nfrom dash import Input, html\nself._http.close()\napp.callback_map.get('x')\n"
    assert framework_misuse(source, "dashboard/example.py") == []


def _dependencies(app: dash.Dash) -> list[dict]:
    response = app.server.test_client().get("/_dash-dependencies")
    assert response.status_code == 200
    return response.get_json()


def test_every_app_of_the_process_gets_every_declared_callback(app: dash.Dash, tmp_path: Path) -> None:
    css = tmp_path / "bootstrap.min.css"
    css.write_text("body{margin:0}")
    settings = DashboardSettings(_env_file=None, api_url="http://other.test", bootstrap_css=css, auth=False)
    other = create_app(settings)
    first, second = _dependencies(app), _dependencies(other)
    assert first == second  # the app built first (and served) took nothing from the second
    ours = [entry for entry in second if PAGES_IDS not in entry["output"]]  # beside Dash Pages' own
    assert len(ours) == len(callbacks.DECLARED) > 40
    clientside = [d for d in callbacks.DECLARED if d.function is None]
    assert sum(1 for entry in ours if entry.get("clientside_function")) == len(clientside) > 0
    functions = {inspect.unwrap(e["callback"]) for e in other.callback_map.values() if "callback" in e}
    assert {d.function for d in callbacks.DECLARED if d.function is not None} <= functions
