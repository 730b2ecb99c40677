"""The import-circle contract of `make lint` (devtools/import_cycles.py): circles at any distance are found,
a graph without one passes; the product's own graph is checked by `lint-imports` in `make lint`."""

from __future__ import annotations

from devtools.import_cycles import cycles


def test_a_circle_at_any_distance_is_found_and_reported_once() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e2"}, "e2": {"e"}}
    assert cycles(graph) == [["a", "b", "c"], ["e", "e2"]]


def test_a_graph_that_only_goes_down_has_no_circle() -> None:
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set(), "d": {"a"}}) == []


def test_a_long_chain_needs_no_recursion() -> None:
    chain = {f"m{i}": {f"m{i + 1}"} for i in range(5000)} | {"m5000": {"m0"}}
    assert [len(c) for c in cycles(chain)] == [5001]
