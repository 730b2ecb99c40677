"""The fast path of the hottest route, `GET /api/v1/clients/{client_id}/score`, for plainly valid requests.

The route's answer is serialised once per model version (`scoring.serving.responses`), so FastAPI's routing
and dependency injection would cost more than the answer itself. A request that is plainly valid is
answered by the request-context middleware (`api.middleware`: request id, audit note, security headers,
metrics, access and request logs apply as to any route), with the bytes and prediction-log row the FastAPI
route gives (`AppState.stored_score`):

- GET on the path with a decimal ID (no leading zero) of a stored client, at most `MAX_ID`;
- no query string, or exactly `contributions=true` / `contributions=false` (a `lang` goes to the route);
- no `Authorization` nor `X-Scoring-User` (a session is checked, or the header refused, by the route);
- the API key accepted (`api.security.key_accepted`), the model loaded, the responses serialised.

The language of the reasons' texts is negotiated from `Accept-Language` as the route does
(`api.language.negotiate`); each language has its own serialised responses.

Every other request, errors included, goes on unchanged to the FastAPI route, the documented contract.
"""

from __future__ import annotations

import re
import time

from starlette.types import Scope

from api.applications import MAX_ID
from api.language import Language, negotiate
from api.security import key_accepted
from api.settings import Settings

QUERIES = {b"": True, b"contributions=true": True, b"contributions=false": False}
KEY, LANGUAGE = b"x-api-key", b"accept-language"
PERSONAL = (b"authorization", b"x-scoring-user")
LANGUAGES_KEPT = 256  # negotiated Accept-Language values remembered (browsers send a handful)


class StoredScoreFastPath:
    """The answer (JSON bytes) to a plainly valid stored-client score request, else None."""

    def __init__(self, prefix: str, route: object) -> None:
        self.path = re.compile(rf"^{re.escape(prefix)}/clients/([1-9][0-9]{{0,9}})/score$")
        self.route = route  # the FastAPI route, named in the scope for the logs, metrics and audit
        self._languages: dict[tuple[bytes | None, str], Language] = {}
        self._keys: tuple[object, list[bytes]] = (None, [])  # the settings' accepted keys, read once

    def _accepted(self, settings: Settings) -> list[bytes]:
        known, keys = self._keys
        if known is not settings:
            keys = settings.accepted_keys()
            self._keys = (settings, keys)
        return keys

    def answer(self, scope: Scope) -> bytes | None:
        return self._answer(scope) if scope["method"] == "GET" else None

    def _language(self, wanted: bytes | None, default: Language) -> Language:
        """`negotiate`, once per distinct header and default."""
        key = (wanted, default)
        language = self._languages.get(key)
        if language is None:
            language = negotiate(wanted.decode("latin-1") if wanted else None, default)
            if len(self._languages) < LANGUAGES_KEPT:
                self._languages[key] = language
        return language

    def _answer(self, scope: Scope) -> bytes | None:
        started = time.perf_counter()
        contributions = QUERIES.get(scope["query_string"])
        match = self.path.match(scope["path"])
        if contributions is None or match is None:
            return None
        app = scope["app"]
        headers = dict(scope["headers"])
        if any(name in headers for name in PERSONAL):
            return None
        key = headers[KEY].decode("latin-1") if KEY in headers else None
        state = getattr(app.state, "scoring", None)
        service = None if state is None else state.service
        client_id = int(match.group(1))
        settings = app.state.settings
        if service is None or client_id > MAX_ID or not key_accepted(self._accepted(settings), key):
            return None
        language = self._language(headers.get(LANGUAGE), settings.default_language)
        row = service.store.row(client_id)
        if row is None:
            return None
        scope["route"] = self.route
        scope["path_params"] = {"client_id": client_id}  # as the route's: the audit note names the client
        request_id = scope["state"]["request_id"]
        body = state.stored_score(service, row, contributions, language, request_id, started)
        if body is None:
            scope.pop("route")
            scope.pop("path_params")
        return body
