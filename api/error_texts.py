"""Error messages in the request's language: the API's English texts and pydantic's validation messages,
translated from `error_messages.json` (a message it does not list stays in English)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources

VALUE_ERROR_PREFIX = "Value error, "


@cache
def _catalogue() -> dict[str, dict]:
    text = resources.files("api").joinpath("error_messages.json").read_text("utf-8")
    catalogue = json.loads(text)
    for entry in catalogue.values():
        for kind in ("messages", "prefixes"):
            entry[kind] = [(re.compile(pattern), template) for pattern, template in entry.get(kind, [])]
    return catalogue


def translate(message: str, language: str) -> str:
    """An API message in `language`: the first pattern matching the whole message; else, for a message
    that starts with where it applies ("line 9: ", "rules[0].action: "), that place in `language` and the
    rest translated the same way; else the message as it is."""
    entry = _catalogue().get(str(language))
    if entry is None:
        return message
    for pattern, template in entry["messages"]:
        found = pattern.fullmatch(message)
        if found:
            return template.format(**found.groupdict())
    for pattern, template in entry["prefixes"]:
        found = pattern.match(message)
        if found and found.end() < len(message):
            return template.format(**found.groupdict()) + translate(message[found.end() :], language)
    return message


def translate_problem(kind: str, message: str, context: Mapping | None, language: str) -> str:
    """A validation problem in `language`: its text when listed, else by its pydantic type (with the rule's
    values), else as it is."""
    entry = _catalogue().get(str(language))
    if entry is None:
        return message
    text = message.removeprefix(VALUE_ERROR_PREFIX)
    translated = translate(text, language)
    template = entry["validation"].get(kind)
    if translated != text or template is None:
        return translated
    try:
        return template.format(**_shown(context or {}, language))
    except KeyError:  # a problem without the rule's values
        return text


def _shown(context: Mapping, language: str) -> dict[str, str]:
    """The rule's values as written in `language` (1.0 -> 1, 0.5 -> 0,5 in French)."""
    comma = str(language) == "fr"
    return {key: _number(value, comma) if _is_number(value) else str(value) for key, value in context.items()}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: float, comma: bool) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if comma else text
