"""A tiny reader of a Dockerfile's final stage: what a container of the image runs, and with which env.

It understands what the project's Dockerfiles use: FROM (a stage may start from an earlier one), ENV in
`KEY=value` form (several per line, quotes, `$VAR` / `${VAR}` / `${VAR:-default}` expanded against the
environment so far), CMD and HEALTHCHECK in exec (JSON) or shell form, USER, WORKDIR and EXPOSE.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

# The environment of the python:3.11-slim base image that the project's ENV lines build on.
BASE_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
}

_VARIABLE = re.compile(r"\$(?:\{(?P<braced>\w+)(?::-(?P<default>[^}]*))?\}|(?P<plain>\w+))")


@dataclass(frozen=True)
class Healthcheck:
    """HEALTHCHECK: its options (interval, timeout, ...) and the command as the container runtime runs it."""

    options: dict[str, str]
    command: list[str]


@dataclass
class Stage:
    """What one build stage leaves to a container: environment, command, health check, user, ports."""

    base: str
    env: dict[str, str] = field(default_factory=dict)
    cmd: list[str] = field(default_factory=list)
    healthcheck: Healthcheck | None = None
    user: str | None = None
    workdir: str | None = None
    expose: list[str] = field(default_factory=list)


def expand(text: str, env: dict[str, str]) -> str:
    """Substitute `$VAR`, `${VAR}` and `${VAR:-default}` as Docker does in ENV, WORKDIR and USER."""

    def value(match: re.Match[str]) -> str:
        name = match["braced"] or match["plain"]
        found = env.get(name, "")
        if match["default"] is not None and not found:
            return match["default"]
        return found

    return _VARIABLE.sub(value, text)


def command(text: str) -> list[str]:
    """A CMD / HEALTHCHECK CMD argument: exec (JSON array) form as is, shell form through /bin/sh -c."""
    text = text.strip()
    if text.startswith("["):
        return [str(part) for part in json.loads(text)]
    return ["/bin/sh", "-c", text]


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs: comments dropped, continuation lines joined."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        result.append((keyword.upper(), arguments.strip()))
        pending = ""
    return result


def _env_pairs(arguments: str, env: dict[str, str]) -> dict[str, str]:
    """The variables of one ENV line (`KEY=value ...`, or the legacy `KEY value`)."""
    tokens = shlex.split(arguments)
    if tokens and "=" not in tokens[0]:
        return {tokens[0]: expand(" ".join(tokens[1:]), env)}
    pairs: dict[str, str] = {}
    for token in tokens:
        key, _, value = token.partition("=")
        pairs[key] = expand(value, {**env, **pairs})
    return pairs


def _healthcheck(arguments: str) -> Healthcheck | None:
    options: dict[str, str] = {}
    rest = arguments
    while rest.startswith("--"):
        option, _, rest = rest.partition(" ")
        key, _, value = option[2:].partition("=")
        options[key] = value
        rest = rest.strip()
    keyword, _, text = rest.partition(" ")
    if keyword.upper() == "NONE":
        return None
    return Healthcheck(options, command(text))


def _apply(stage: Stage, keyword: str, arguments: str) -> None:
    if keyword == "ENV":
        stage.env.update(_env_pairs(arguments, stage.env))
    elif keyword == "CMD":
        stage.cmd = command(arguments)
    elif keyword == "HEALTHCHECK":
        stage.healthcheck = _healthcheck(arguments)
    elif keyword == "USER":
        stage.user = expand(arguments, stage.env)
    elif keyword == "WORKDIR":
        stage.workdir = expand(arguments, stage.env)
    elif keyword == "EXPOSE":
        stage.expose.extend(arguments.split())


def _start(arguments: str, stages: dict[str, Stage]) -> tuple[str | None, Stage]:
    """A new stage for `FROM image [AS name]`, inheriting an earlier stage's settings when built on it."""
    words = arguments.split()
    words = [w for w in words if not w.startswith("--")]
    base = words[0]
    name = words[2].lower() if len(words) >= 3 and words[1].upper() == "AS" else None
    parent = stages.get(base.lower())
    if parent is None:
        return name, Stage(base, env=dict(BASE_ENV))
    return name, Stage(
        parent.base,
        dict(parent.env),
        list(parent.cmd),
        parent.healthcheck,
        parent.user,
        parent.workdir,
        list(parent.expose),
    )


def final_stage(path: Path) -> Stage:
    """The last stage of the Dockerfile at `path`: what containers of the built image run."""
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for keyword, arguments in instructions(path.read_text()):
        if keyword == "FROM":
            name, current = _start(arguments, stages)
            if name:
                stages[name] = current
        elif current is not None:
            _apply(current, keyword, arguments)
    if current is None:
        raise ValueError(f"{path}: no FROM instruction")
    return current
