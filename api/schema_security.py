"""The OpenAPI schema's security as the API enforces it.

FastAPI lists each security dependency of an operation as an alternative ("any one of them"). The API
enforces: the API key (X-API-Key) on every route behind it when a key is configured, and no key at all when
none is; the admin key on the admin routes; the session token (Authorization: Bearer) where the route acts for
a signed-in person, while the other routes take it or leave it. So an operation's security becomes one
requirement of its mandatory schemes, and, when it takes a session token, a second one with the token too.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

API_KEY_SCHEME = "APIKeyHeader"
SESSION_SCHEME = "SessionToken"


def requirements(listed: list[dict], keyed: bool) -> list[dict]:
    """An operation's security requirements (alternatives) from the schemes FastAPI listed for it."""
    schemes = {name for requirement in listed for name in requirement}
    mandatory = {name: [] for name in sorted(schemes - {SESSION_SCHEME}) if keyed or name != API_KEY_SCHEME}
    if SESSION_SCHEME not in schemes:
        return [mandatory] if mandatory else []
    return [{**mandatory, SESSION_SCHEME: []}, mandatory]  # the token, or none ({} when nothing else)


def enforced_schema(schema: dict, keyed: bool) -> dict:
    """`schema` with each operation's security as enforced; no API key scheme when no key is configured."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "security" not in operation:
                continue
            found = requirements(operation["security"], keyed)
            if found:
                operation["security"] = found
            else:
                del operation["security"]
    schemes = schema.get("components", {}).get("securitySchemes", {})
    if not keyed:
        schemes.pop(API_KEY_SCHEME, None)
    return schema


def install_enforced_schema(app: FastAPI, keyed: bool) -> Callable[[], dict]:
    """Make `app.openapi()` answer the enforced schema (built once, as FastAPI caches its own)."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = enforced_schema(build(), keyed)
        return app.openapi_schema

    app.openapi = openapi
    return openapi
