"""The API reference (docs/api/reference.md) from the app's OpenAPI schema: every route with its method, path,
summary, parameters, request and response models and status codes, then every model's fields.

The schema is the one the API serves with a key configured (`api.schema_security`: without one no API-key
scheme is declared), built from a throwaway home and this process's environment cleared of SCORING_ settings.
`python -m devtools.api_reference [--check]`.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from typing import Any

from devtools.generated_page import REPO, code, markdown_text, run

PAGE = REPO / "docs" / "api" / "reference.md"
TOOL = "devtools.api_reference"
METHODS = ("get", "post", "put", "patch", "delete")
BOUNDS = {
    "minimum": "≥",
    "exclusiveMinimum": ">",
    "maximum": "≤",
    "exclusiveMaximum": "<",
    "minLength": "length ≥",
    "maxLength": "length ≤",
    "minItems": "items ≥",
    "maxItems": "items ≤",
}
PLACEHOLDER_KEY = "reference-only-key-" + "x" * 24


def openapi_schema() -> tuple[dict[str, Any], dict[tuple[str, str], list[str]]]:
    """The schema of an app built on an empty home, with an API key and an admin key configured, and the
    roles each operation requires of the signed-in person (read from its `require_roles` dependency)."""
    for name in [name for name in os.environ if name.startswith("SCORING_") or name == "DATABASE_URL"]:
        del os.environ[name]
    from api.main import create_app
    from api.settings import Settings

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(_env_file=None, home=home, api_key=PLACEHOLDER_KEY, admin_key=PLACEHOLDER_KEY)
        app = create_app(settings)
        return app.openapi(), roles_of(app)


def roles_of(app: Any) -> dict[tuple[str, str], list[str]]:
    """(method, path) → the roles its `require_roles(...)` dependency allows, for the routes that have one."""
    from fastapi.routing import iter_route_contexts

    roles: dict[tuple[str, str], list[str]] = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        allowed = {
            str(getattr(role, "value", role))
            for call in dependency_calls(getattr(route, "dependant", None))
            if getattr(call, "__qualname__", "").startswith("require_roles.")
            for cell in call.__closure__ or ()
            if isinstance(cell.cell_contents, frozenset)
            for role in cell.cell_contents
        }
        for method in getattr(route, "methods", ()) if allowed else ():
            roles[(method.lower(), context.path_format)] = sorted(allowed)
    return roles


def dependency_calls(dependant: Any) -> list[Any]:
    if dependant is None:
        return []
    return [call for sub in dependant.dependencies for call in [sub.call, *dependency_calls(sub)]]


def model_link(ref: str) -> str:
    name = ref.rsplit("/", 1)[-1]
    return f"[{name}](#{name.lower()})"


def type_of(schema: dict[str, Any]) -> str:
    """A JSON schema as a short type: models linked, unions joined, arrays and maps spelled out."""
    if "$ref" in schema:
        return model_link(schema["$ref"])
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            return " \\| ".join(type_of(part) for part in schema[union])
    if "enum" in schema:
        return " \\| ".join(code(str(value)) for value in schema["enum"])
    if "const" in schema:
        return code(str(schema["const"]))
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {type_of(schema['additionalProperties'])}"
    return f"{kind} ({schema['format']})" if "format" in schema else str(kind)


def bounds_of(schema: dict[str, Any]) -> str:
    parts = [f"{symbol} {schema[key]}" for key, symbol in BOUNDS.items() if key in schema]
    if "pattern" in schema:
        parts.append(f"pattern {code(schema['pattern'])}")
    return ", ".join(parts)


def default_of(schema: dict[str, Any]) -> str:
    return code(str(schema["default"])) if "default" in schema and schema["default"] is not None else ""


def paragraphs(text: str) -> list[str]:
    return [markdown_text(part) for part in text.strip().split("\n\n") if part.strip()]


def security_of(operation: dict[str, Any], schemes: dict[str, Any]) -> str:
    """The ways a route accepts a caller: each alternative's headers, "none" for an open route."""

    def header(name: str) -> str:
        scheme = schemes.get(name, {})
        return code(scheme["name"]) if scheme.get("in") == "header" else code("Authorization: Bearer")

    alternatives = operation.get("security", [])
    if not alternatives:
        return "none"
    return ", or ".join(" and ".join(header(name) for name in option) or "none" for option in alternatives)


def parameter_rows(operation: dict[str, Any]) -> list[str]:
    rows = []
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        detail = "; ".join(
            filter(None, [bounds_of(schema), f"default {default_of(schema)}" * bool(default_of(schema))])
        )
        description = markdown_text(parameter.get("description", ""))
        rows.append(
            f"| {code(parameter['name'])} | {parameter['in']} | {type_of(schema)} | "
            f"{'yes' if parameter.get('required') else 'no'} | {detail} | {description} |"
        )
    if not rows:
        return []
    return [
        "| parameter | in | type | required | bounds, default | description |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
    ]


def body_of(content: dict[str, Any]) -> str:
    return "; ".join(
        f"{type_of(media.get('schema', {}))} ({code(kind)})" if media.get("schema") else code(kind)
        for kind, media in content.items()
    )


def operation_section(
    method: str, path: str, operation: dict[str, Any], schemes: dict[str, Any], roles: list[str]
) -> str:
    lines = [f"### `{method.upper()} {path}`", ""]
    summary = operation.get("summary", "")
    lines += [
        f"**{markdown_text(summary)}.**" if summary else "",
        *paragraphs(operation.get("description", "")),
    ]
    lines += ["", f"Credentials: {security_of(operation, schemes)}."]
    if roles:
        lines.append(f"Signed-in roles allowed: {', '.join(code(role) for role in roles)}.")
    lines.append("")
    lines += parameter_rows(operation)
    body = operation.get("requestBody")
    if body:
        required = "required" if body.get("required") else "optional"
        lines += ["", f"Request body ({required}): {body_of(body.get('content', {}))}."]
    lines += ["", "| status | meaning | body |", "| --- | --- | --- |"]
    for status, response in operation.get("responses", {}).items():
        lines.append(
            f"| {status} | {markdown_text(response.get('description', ''))} | "
            f"{body_of(response.get('content', {}))} |"
        )
    return "\n".join(line for i, line in enumerate(lines) if line or (i and lines[i - 1]))


def model_section(name: str, schema: dict[str, Any]) -> str:
    lines = [f"### {name}", "", *paragraphs(schema.get("description", ""))]
    properties = schema.get("properties", {})
    if properties:
        required = set(schema.get("required", []))
        lines += [
            "",
            "| field | type | required | bounds, default | description |",
            "| --- | --- | --- | --- | --- |",
        ]
        for field, spec in properties.items():
            detail = "; ".join(
                filter(None, [bounds_of(spec), f"default {default_of(spec)}" * bool(default_of(spec))])
            )
            lines.append(
                f"| {code(field)} | {type_of(spec)} | {'yes' if field in required else 'no'} | {detail} | "
                f"{markdown_text(spec.get('description', ''))} |"
            )
    elif "enum" in schema:
        lines += ["", f"One of: {type_of(schema)}."]
    else:
        lines += ["", f"Type: {type_of(schema)}."]
    return "\n".join(lines)


def render(_current: str) -> str:
    schema, roles = openapi_schema()
    schemes = schema.get("components", {}).get("securitySchemes", {})
    by_tag: dict[str, list[str]] = defaultdict(list)
    count = 0
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                by_tag[(operation.get("tags") or ["other"])[0]].append(
                    operation_section(method, path, operation, schemes, roles.get((method, path), []))
                )
                count += 1
    info = schema["info"]
    header = [
        "# API reference",
        "",
        f"<!-- generated by `python -m {TOOL}` from the OpenAPI schema: do not edit by hand -->",
        "",
        f"{info['title']} {info['version']}: {markdown_text(info.get('description', ''))} "
        f"{count} operations, "
        "generated from the OpenAPI schema the API serves at `/openapi.json` (with an API key configured; "
        "without one no API-key scheme is declared). The prose is in [the API guide](index.md).",
        "",
        "## Credentials",
        "",
        "| scheme | how | description |",
        "| --- | --- | --- |",
        *(
            f"| {code(name)} | {code(spec.get('name', spec.get('scheme', '')))} "
            f"({spec.get('in', spec['type'])}) | {markdown_text(spec.get('description', ''))} |"
            for name, spec in schemes.items()
        ),
    ]
    sections = [f"## {tag}\n\n" + "\n\n".join(operations) for tag, operations in by_tag.items()]
    models = schema.get("components", {}).get("schemas", {})
    model_part = "## Models\n\n" + "\n\n".join(
        model_section(name, spec) for name, spec in sorted(models.items())
    )
    return "\n".join(header) + "\n\n" + "\n\n".join([*sections, model_part]) + "\n"


def main(argv: list[str] | None = None) -> int:
    return run(PAGE, render, TOOL, argv)


if __name__ == "__main__":
    raise SystemExit(main())
