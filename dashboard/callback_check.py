"""Dash callback requests checked before anything reads them: a malformed body is a 400, not a stack trace.

Dash hands a callback its inputs and states by position, whatever their `id` and `property` say, and passes
their values unchecked. A request to `/_dash-update-component` is refused (400, a message naming the part of
the body at fault) unless it is a JSON object whose `output` is text, whose `outputs`, `inputs`, `state` and
`changedPropIds` have the shapes Dash's renderer sends, whose inputs and states of a registered callback are
the ones it declares, in its order, and whose values have the types of the callback's parameters (their
type hints; else the types of `callback_types.json`, by component and by property, for Dash Pages' own
router and the `*args` callbacks). `null` is always accepted: it is what the renderer sends for a property not
yet set. A request without the CSRF header is left to the sign-in guard, which refuses it (403).
"""

from __future__ import annotations

import inspect
import json
import logging
import typing
from functools import cache
from pathlib import Path
from typing import Any

import dash
import flask
from pydantic import ConfigDict, TypeAdapter, ValidationError

from dashboard.auth.guard import CSRF_HEADER
from dashboard.i18n import N_
from dashboard.i18n import current as current_translator

logger = logging.getLogger("dashboard")

CALLBACK = "/_dash-update-component"
FITS_NOT = N_("This request does not fit the page ({part}): reload the page.")
JSON_TYPES = {"string": str, "integer": int, "number": float, "object": dict, "array": list}
DECLARED_TYPES = json.loads((Path(__file__).with_name("callback_types.json")).read_text(encoding="utf-8"))
STRICT = ConfigDict(strict=True, arbitrary_types_allowed=True)


class Malformed(ValueError):
    """A callback request's body is not what Dash's renderer sends (the message names the part)."""


def _parameter_types(function: Any) -> list[Any]:
    """The types of the callback's positional parameters, in order (`Any` without a hint; `*args` ends)."""
    original = inspect.unwrap(function)
    try:
        hints = typing.get_type_hints(original)
    except (NameError, TypeError):
        hints = {}
    types = []
    for parameter in inspect.signature(original).parameters.values():
        if parameter.kind not in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            break
        types.append(hints.get(parameter.name, Any))
    return types


def _declared_type(spec: dict) -> Any:
    """The type `callback_types.json` gives the value of this input or state (`Any` when it gives none)."""
    name = DECLARED_TYPES["components"].get(f"{spec['id']}.{spec['property']}")
    name = name or DECLARED_TYPES["properties"].get(spec["property"])
    return JSON_TYPES[name] if name else Any


@cache
def _adapter(annotation: Any) -> TypeAdapter | None:
    try:
        return TypeAdapter(annotation, config=STRICT)
    except Exception:  # noqa: BLE001 - a hint pydantic cannot check is not checked
        return None


def _is_spec(item: object) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str | dict)
        and isinstance(item.get("property"), str)
    )


def _specs(body: dict, field: str) -> list:
    items = body.get(field, [])
    if not isinstance(items, list):
        raise Malformed(field)
    for item in items:
        group = item if isinstance(item, list) else [item]  # a list: the matches of a wildcard id
        if not all(_is_spec(spec) for spec in group):
            raise Malformed(field)
    return items


def _check_declared(given: list, declared: list[dict], field: str) -> None:
    if len(given) != len(declared):
        raise Malformed(field)
    for spec, expected in zip(given, declared, strict=True):
        named = isinstance(spec, dict) and isinstance(spec["id"], str)  # a wildcard id matches many
        if named and (spec["id"], spec["property"]) != (expected["id"], expected["property"]):
            raise Malformed(field)


def _check_values(specs: list, types: list[Any], fields: list[str]) -> None:
    for position, (spec, field) in enumerate(zip(specs, fields, strict=True)):
        if not isinstance(spec, dict) or spec.get("value") is None:
            continue
        annotation = types[position] if position < len(types) else Any
        if annotation is Any:
            annotation = _declared_type(spec)
        adapter = _adapter(annotation)
        try:
            if adapter is not None:
                adapter.validate_python(spec["value"])
        except ValidationError:
            raise Malformed(f"{field}: {spec['id']}.{spec['property']}") from None


def check_body(app: dash.Dash, body: object) -> None:
    """Raise `Malformed` unless `body` is a callback request Dash can run as its callback declares."""
    if not isinstance(body, dict):
        raise Malformed("body")
    output = body.get("output")
    if not isinstance(output, str):
        raise Malformed("output")
    outputs = body.get("outputs")
    if not (_is_spec(outputs) or isinstance(outputs, list) and all(_is_spec(o) for o in outputs)):
        raise Malformed("outputs")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise Malformed("changedPropIds")
    inputs, state = _specs(body, "inputs"), _specs(body, "state")
    entry = app.callback_map.get(output)
    if entry is None or "callback" not in entry:
        return  # not a server callback: the guard refuses it
    _check_declared(inputs, entry["inputs"], "inputs")
    _check_declared(state, entry["state"], "state")
    fields = ["inputs"] * len(inputs) + ["state"] * len(state)
    _check_values([*inputs, *state], _parameter_types(entry["callback"]), fields)


def install_callback_check(app: dash.Dash) -> None:
    """Check every callback request before the sign-in guard and Dash read it (install before the guard)."""

    @app.server.before_request
    def check() -> flask.Response | None:
        request = flask.request
        if request.path != CALLBACK or request.method != "POST" or CSRF_HEADER not in request.headers:
            return None  # without its CSRF header, a callback request is the guard's to refuse (403)
        try:
            check_body(app, request.get_json(silent=True))
        except Malformed as error:
            logger.warning("callback request refused: malformed %s", error)
            message = current_translator().gettext(
                "This request does not fit the page ({part}): reload the page."
            )
            return flask.make_response({"detail": message.format(part=str(error))}, 400)
        return None
