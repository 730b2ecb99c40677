"""The compose file and its `.env.example` as docker compose reads them: YAML plus `${VAR}` interpolation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO

COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"

# `$$` (a literal dollar), `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`.
_REFERENCE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
_PLAIN = re.compile(r"(?<!\$)\$(?P<name>[A-Za-z_]\w*)")


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    """The compose file as YAML (not interpolated)."""
    return yaml.safe_load(path.read_text())


def read_env_file(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """`KEY=value` lines of a .env file (comments and blank lines skipped, surrounding quotes removed)."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if not sep:
            raise ValueError(f"{path}: not KEY=value: {line!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def strings(node: Any) -> list[str]:
    """Every string value (not key) of a YAML tree: where compose interpolates."""
    if isinstance(node, dict):
        return [text for value in node.values() for text in strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in strings(value)]
    return [node] if isinstance(node, str) else []


def references(compose: dict[str, Any]) -> set[str]:
    """Names of the variables the compose file interpolates as `${VAR...}`."""
    return {m["name"] for text in strings(compose) for m in _REFERENCE.finditer(text) if m["name"]}


def plain_references(compose: dict[str, Any]) -> set[str]:
    """Names of the variables written `$VAR` (without braces) in the compose file."""
    return {m["name"] for text in strings(compose) for m in _PLAIN.finditer(text.replace("$$", ""))}


def interpolate(text: str, env: dict[str, str]) -> str:
    """`text` with every `${VAR...}` replaced as docker compose does (`$$` becomes `$`)."""

    def value(match: re.Match[str]) -> str:
        name = match["name"]
        if name is None:
            return "$"
        op, arg = match["op"], match["arg"]
        found = env.get(name)
        missing = found is None or (op is not None and op.startswith(":") and found == "")
        if op in ("-", ":-") and missing:
            return arg
        if op in ("?", ":?") and missing:
            raise KeyError(f"{name}: {arg}")
        return found or ""

    return _REFERENCE.sub(value, text)


def _substitute(node: Any, env: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: _substitute(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [_substitute(value, env) for value in node]
    return interpolate(node, env) if isinstance(node, str) else node


def interpolated_compose(env: dict[str, str] | None = None) -> dict[str, Any]:
    """The compose file with the variables of `env` (default: those of .env.example) substituted."""
    return _substitute(load_compose(), read_env_file() if env is None else env)


def service_environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's `environment:` as a dict (list or mapping form), values as strings."""
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.partition("=")[::2] for item in environment)
    return {key: "" if value is None else str(value) for key, value in environment.items()}
