"""Walking a Dash component tree in tests: every component, every text."""

from __future__ import annotations

from collections.abc import Iterator


def components(node: object) -> Iterator[object]:
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from components(child)


def texts(node: object) -> str:
    """Every text of a component tree, in order."""
    found = []
    for c in components(node):
        children = getattr(c, "children", None)
        found += [
            t for t in (children if isinstance(children, list | tuple) else [children]) if isinstance(t, str)
        ]
    return " ".join(found)
