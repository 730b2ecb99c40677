"""The API's documentation: /openapi.json and /docs (Swagger UI served from this machine, no CDN).

Both need the API key when one is set, unless SCORING_DOCS_REQUIRE_KEY=false: the schema lists every route
and field, which is no business of an anonymous caller. The page's Content-Security-Policy allows its own
scripts only (its one inline script by hash). The schema's security is what the API enforces
(`schema_security.py`): no API key declared when none is configured.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from api.schema_security import install_enforced_schema
from api.security import require_api_key
from api.settings import Settings

DOCS, OPENAPI, STATIC = "/docs", "/openapi.json", "/docs/static"
SWAGGER_ASSETS = files("fastapi_offline") / "static"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def docs_policy(page: str) -> str:
    """The CSP of the docs page: this origin only, plus its inline scripts by hash."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in INLINE_SCRIPT.findall(page)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    )


def install_docs(app: FastAPI, settings: Settings) -> None:
    """Add /openapi.json, /docs and the Swagger UI assets (the app is created without FastAPI's own)."""
    guard = [Depends(require_api_key)] if settings.docs_require_key else []
    install_enforced_schema(app, keyed=bool(settings.accepted_keys()))
    page = get_swagger_ui_html(
        openapi_url=OPENAPI,
        title=f"{app.title} - Swagger UI",
        swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{STATIC}/favicon.png",
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from a third-party validator
    ).body.decode()
    policy = docs_policy(page)

    @app.get(OPENAPI, include_in_schema=False, dependencies=guard)
    async def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get(DOCS, include_in_schema=False, dependencies=guard)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": policy})

    app.mount(STATIC, StaticFiles(directory=str(SWAGGER_ASSETS)), name="docs-static")
