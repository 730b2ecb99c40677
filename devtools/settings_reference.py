"""The configuration reference (docs/configuration.md) from the product's settings classes.

Every pydantic-settings class of `scoring/`, `api/`, `dashboard/`, `benchmarks/` and `devtools/` (found in
the source, then imported): its environment variables, types, defaults and descriptions, and which app reads
it (the packages, the tests included, whose code creates the class or one of its subclasses). Secret defaults
are never printed. A field whose description starts with "Deprecated" is an old name still read for a release:
listed in its class, left out of the variables several classes declare.
`python -m devtools.settings_reference [--check]`.
"""

from __future__ import annotations

import ast
import enum
import importlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import AliasChoices, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from devtools.generated_page import REPO, code, markdown_text, run, splice

PAGE = REPO / "docs" / "configuration.md"
TOOL = "devtools.settings_reference"
PRODUCT = ("scoring", "api", "dashboard")
PACKAGES = (*PRODUCT, "benchmarks", "devtools")
CALLERS = (*PACKAGES, "tests")
APPS = {
    "api": "API",
    "dashboard": "dashboard",
    "scoring": "`scoring` CLI",
    "benchmarks": "the benchmarks",
    "devtools": "the test tooling",
    "tests": "the tests",
}
DEPRECATED = "Deprecated"
BOUNDS = {Gt: ">", Ge: "≥", Lt: "<", Le: "≤"}
MODULE_PREFIX = re.compile(r"\b(?:[a-z_][\w]*\.)+([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Source:
    """A settings class as the source states it: where, its bases, and where it is created."""

    module: str
    name: str
    bases: tuple[str, ...]


def python_files() -> list[Path]:
    return sorted(path for package in CALLERS for path in (REPO / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def base_name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def scan() -> tuple[list[Source], dict[str, set[str]]]:
    """The settings classes (a base chain to BaseSettings) and the packages that call each class name."""
    classes: list[Source] = []
    calls: dict[str, set[str]] = defaultdict(set)
    for path in python_files():
        tree = ast.parse(path.read_text(), str(path))
        module = module_name(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and module.split(".")[0] in PACKAGES:
                classes.append(Source(module, node.name, tuple(base_name(b) for b in node.bases)))
            elif isinstance(node, ast.Call):
                calls[base_name(node.func)].add(module.split(".")[0])
    settings, found = {"BaseSettings"}, True
    while found:
        found = False
        for source in classes:
            if source.name not in settings and settings & set(source.bases):
                settings.add(source.name)
                found = True
    return [source for source in classes if source.name in settings], calls


def load(sources: list[Source]) -> list[type[BaseSettings]]:
    loaded = [getattr(importlib.import_module(s.module), s.name) for s in sources]
    return sorted(
        (cls for cls in loaded if issubclass(cls, BaseSettings)),
        key=lambda c: (len(c.__mro__), c.__module__, c.__name__),
    )


def readers(cls: type[BaseSettings], classes: list[type[BaseSettings]], calls: dict[str, set[str]]) -> str:
    """The apps whose code creates this class or a subclass of it (the tooling, for the tooling's classes)."""
    packages = {p for sub in classes if issubclass(sub, cls) for p in calls.get(sub.__name__, ())}
    product = [APPS[p] for p in PRODUCT if p in packages]
    tooling = [APPS[p] for p in CALLERS if p in packages and p not in PRODUCT]
    return ", ".join(product or tooling) or "no app creates it directly"


def env_names(cls: type[BaseSettings], name: str, field: FieldInfo) -> list[str]:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [choice.upper() for choice in alias.choices if isinstance(choice, str)]
    if isinstance(alias, str):
        return [alias.upper()]
    return [f"{cls.model_config.get('env_prefix', '')}{field.alias or name}".upper()]


def type_text(field: FieldInfo) -> str:
    annotation = field.annotation
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        text = " \\| ".join(code(str(member.value)) for member in annotation)
    elif isinstance(annotation, type):
        text = annotation.__name__
    else:
        text = MODULE_PREFIX.sub(r"\1", repr(annotation)).replace("|", "\\|")
    bounds = [
        f"{symbol} {getattr(item, kind.__name__.lower())}"
        for item in field.metadata
        for kind, symbol in BOUNDS.items()
        if isinstance(item, kind)
    ]
    return f"{text} ({', '.join(bounds)})" if bounds else text


def mentions_secret(annotation: Any) -> bool:
    return "SecretStr" in repr(annotation) or annotation is SecretStr


def default_text(field: FieldInfo) -> str:
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if value == [] or value == ():
        return "none"
    if mentions_secret(field.annotation):
        return "(secret)"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return code(str(value).lower())
    if isinstance(value, Path) and value.is_relative_to(REPO):
        relative = value.relative_to(REPO).as_posix()
        return "the project root" if relative == "." else f"the project root's {code(relative)}"
    if isinstance(value, Path) and value.is_relative_to(REPO.parent):
        return f"{code('../' + value.relative_to(REPO.parent).as_posix())} beside the project root"
    if isinstance(value, list):
        return ", ".join(code(str(item)) for item in value)
    return code(str(value))


def own_fields(cls: type[BaseSettings]) -> list[tuple[str, FieldInfo]]:
    """The fields this class declares (inherited ones are in their own class's table)."""
    declared = cls.__dict__.get("__annotations__", {})
    return [(name, field) for name, field in cls.model_fields.items() if name in declared]


def class_section(
    cls: type[BaseSettings], classes: list[type[BaseSettings]], calls: dict[str, set[str]]
) -> str:
    parents = [
        base.__name__ for base in cls.__bases__ if issubclass(base, BaseSettings) and base is not BaseSettings
    ]
    path = Path(*cls.__module__.split(".")).with_suffix(".py").as_posix()
    doc = (cls.__doc__ or "").strip().split("\n\n")[0]
    lines = [
        f"## `{cls.__name__}`",
        "",
        f"`{path}`: {markdown_text(doc)}",
        "",
        f"Read by: {readers(cls, classes, calls)}."
        + (f" Inherits the variables of {', '.join(f'`{p}`' for p in parents)}." if parents else ""),
        "",
        "| variable | type | default | description |",
        "| --- | --- | --- | --- |",
    ]
    for name, field in own_fields(cls):
        names = ", ".join(code(env) for env in env_names(cls, name, field))
        description = markdown_text(field.description or "—")
        lines.append(f"| {names} | {type_text(field)} | {default_text(field)} | {description} |")
    return "\n".join(lines)


def shared_names(classes: list[type[BaseSettings]], calls: dict[str, set[str]]) -> str:
    """The variables that more than one class reads, with the apps that read each."""
    by_name: dict[str, list[type[BaseSettings]]] = defaultdict(list)
    for cls in classes:
        for name, field in own_fields(cls):
            if (field.description or "").startswith(DEPRECATED):
                continue
            for env in env_names(cls, name, field):
                by_name[env].append(cls)
    rows = [
        f"| {code(env)} | {', '.join(f'`{c.__name__}`' for c in owners)} | "
        f"{'; '.join(sorted({readers(c, classes, calls) for c in owners}))} |"
        for env, owners in sorted(by_name.items())
        if len(owners) > 1
    ]
    header = ["## Variables declared by more than one class", "", "| variable | classes | read by |"]
    return "\n".join([*header, "| --- | --- | --- |", *rows]) if rows else ""


def render(current: str) -> str:
    sources, calls = scan()
    classes = load(sources)
    total = sum(len(own_fields(cls)) for cls in classes)
    summary = f"{total} settings in {len(classes)} classes, generated from the code by `python -m {TOOL}`."
    sections = [
        summary,
        *(class_section(cls, classes, calls) for cls in classes),
        shared_names(classes, calls),
    ]
    return splice(current, "\n\n".join(s for s in sections if s), TOOL)


def main(argv: list[str] | None = None) -> int:
    return run(PAGE, render, TOOL, argv)


if __name__ == "__main__":
    raise SystemExit(main())
