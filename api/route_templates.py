"""The route template of a request: the path with its parameters' names, never their values."""

from __future__ import annotations

from starlette.types import Scope

UNMATCHED = "<unmatched>"


def route_template(scope: Scope) -> str:
    """The matched route's template with its router prefixes (routes of an included router are relative)."""
    relative = getattr(scope.get("route"), "path", None)
    if not relative:
        return UNMATCHED
    parts = scope["path"].split("/")
    return "/".join(parts[: max(len(parts) - relative.count("/"), 0)]) + relative
