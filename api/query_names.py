"""Query parameters an operation does not declare are refused (422 naming each, as unknown body fields are),
in the request-context middleware's one pass (`api.middleware`) rather than as a FastAPI dependency of every
route, which cost each routed request about 12 µs of dependency resolution even without a query string.

The declared parameters of each operation are read once from the OpenAPI document (built at start); a request
without a query string costs nothing; one with a query string is matched against the documented path
templates in the document's order (the routers' order) and its method. A request no documented operation
matches (an unknown path, a method the path does not allow, the docs pages) goes on to the router unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.types import Scope

PARAMETER = re.compile(r"\{[^}/]+\}")
TEMPLATE = "scoring.route_template"  # the scope's key for the template of a request refused here


@dataclass(frozen=True)
class Operation:
    pattern: re.Pattern[str]
    template: str
    declared: dict[str, frozenset[str]]  # method -> query parameter names


def _pattern(template: str) -> re.Pattern[str]:
    """A documented path template as the router matches it (a path parameter is one path segment)."""
    parts = PARAMETER.split(template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


class DeclaredQueries:
    """The declared query parameters of each documented operation, from the OpenAPI document's paths."""

    def __init__(self, paths: dict[str, dict]) -> None:
        self._operations = [
            Operation(
                _pattern(template),
                template,
                {
                    method.upper(): frozenset(
                        p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"
                    )
                    for method, operation in operations.items()
                },
            )
            for template, operations in paths.items()
        ]

    def unknown(self, scope: Scope) -> list[str]:
        """The query parameter names of this request its operation does not declare, in order, each once
        (none when no documented operation matches); the operation's template is kept in the scope."""
        method, path = scope["method"], scope["path"]
        for operation in self._operations:
            declared = operation.declared.get(method)
            if declared is not None and operation.pattern.fullmatch(path):
                names = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
                unknown = list(dict.fromkeys(name for name, _ in names if name not in declared))
                if unknown:
                    scope[TEMPLATE] = operation.template
                return unknown
        return []
