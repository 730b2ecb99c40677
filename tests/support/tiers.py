"""The test tiers: the markers a test earns from what it runs, so `make test-fast` keeps only fast tests.

A test is put in a tier by what it reaches, not by a mark someone must remember: its own body, the fixtures
it requests (however indirectly) and the helpers of the test package they call, followed through the names
they use. Reaching one of the callables of `REACHED` below, or requesting one of the fixtures of
`FIXTURES`, gives the test that tier's marker (tests/conftest.py applies them at collection).
The shared small fixtures of tests/conftest.py (`SHARED`: the demo home, trained once per run) are not
followed: the API tests on them belong to the fast tier.
"""

from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Callable, Iterator
from functools import cache

TIERS = {  # marker -> what it means (the markers `make test-fast` leaves out, beside `slow`)
    "spark": "runs Apache Spark (local[2], one session per test session; needs Java 17+)",
    "postgres": "needs the throwaway PostgreSQL server of tests/delivery/conftest.py",
    "browser": "drives headless Chromium",
    "server": "starts the apps, nginx or a pipeline as processes of their own",
    "training": "trains a model of its own (beyond the shared demo home)",
}
REACHED = {  # qualified name of a callable -> the tier of a test that reaches it
    "scoring.spark.spark_session": "spark",
    "tests.delivery.conftest.postgres_bin": "postgres",
    "devtools.browser.chromium": "browser",
    "subprocess.Popen": "server",
    "devtools.servers.start_api": "server",
    "devtools.servers.start_dashboard": "server",
    "scoring.modeling.train.train_model": "training",
}
FIXTURES = {  # fixtures whose use puts a test in a tier even when reached dynamically
    "spark": "spark",
    "postgres_url": "postgres",
    "browser": "browser",
}
GROUPED = ("spark",)  # tiers whose tests share one worker: one Spark session per run, not one per worker
SLOW_TIMEOUT = 300  # s, a slow or tier test without a timeout mark of its own (the others: pyproject's 120)
SHARED = frozenset({"demo_home", "sample_rows", "real_sample"})  # tests/conftest.py's small shared fixtures
TEST_PACKAGE = "tests."


def qualified(obj: object) -> str:
    return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"


def _codes(code: types.CodeType) -> Iterator[types.CodeType]:
    """A code object and the code of the functions, lambdas and comprehensions nested in it."""
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _functions(obj: object) -> list[Callable]:
    """The plain functions behind a test-package function, class (its methods) or fixture."""
    obj = inspect.unwrap(obj)
    if inspect.isclass(obj):
        return [inspect.unwrap(f) for f in vars(obj).values() if inspect.isfunction(inspect.unwrap(f))]
    return [obj] if inspect.isfunction(obj) else []


def _plain(obj: object) -> bool:
    """A function, class or module (not a proxy or any object whose attributes run code)."""
    kind = type(obj)
    return kind in (types.FunctionType, types.BuiltinFunctionType, types.ModuleType) or issubclass(kind, type)


def _referenced(function: Callable) -> Iterator[object]:
    """The functions and classes a function names, and those it names in the modules it names (by qualified
    name when the module is not loaded)."""
    names = {name for code in _codes(function.__code__) for name in code.co_names}
    scope = function.__globals__
    for name in names:  # a dotted name is a module imported inside the function (maybe not loaded yet)
        if "." in name:
            yield from (f"{name}.{attr}" for attr in names if f"{name}.{attr}" in REACHED)
        target = sys.modules.get(name) if "." in name else scope.get(name)
        if not _plain(target):
            continue
        if type(target) is types.ModuleType:
            module = vars(target)
            yield from (module[attr] for attr in names if _plain(module.get(attr)))
        else:
            yield target


def reached_tiers(function: Callable) -> frozenset[str]:
    """The tiers of the heavy callables `function` reaches through the test package's helpers."""
    return _reached(function, frozenset())


@cache
def _reached(function: Callable, visiting: frozenset[Callable]) -> frozenset[str]:
    found: set[str] = set()
    visiting = visiting | {function}
    for target in _referenced(function):
        tier = REACHED.get(target if isinstance(target, str) else qualified(target))
        if tier:
            found.add(tier)
        elif getattr(target, "__module__", None) and target.__module__.startswith(TEST_PACKAGE):
            for inner in _functions(target):
                if inner not in visiting:
                    found |= _reached(inner, visiting)
    return frozenset(found)


def tiers_of(test: Callable, fixtures: dict[str, Callable]) -> frozenset[str]:
    """The tiers of a test function given the functions of the fixtures it requests (name -> function)."""
    found = set(reached_tiers(test))
    for name, fixture in fixtures.items():
        if name in FIXTURES:
            found.add(FIXTURES[name])
        if name not in SHARED:
            for function in _functions(fixture):
                found |= reached_tiers(function)
    return frozenset(found)


def item_tiers(item: object) -> frozenset[str]:
    """The tiers of a collected test: its function and the functions of every fixture it requests."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs if info is not None else {}
    fixtures = {name: definitions[name][-1].func for name in item.fixturenames if name in definitions}
    function = getattr(item, "function", None)
    if function is None:  # a test that is no Python function (none today): its fixtures only
        return frozenset(FIXTURES[name] for name in fixtures if name in FIXTURES)
    return tiers_of(function, fixtures)


def unmarked_tiers(fixtures: list[str], markers: set[str]) -> set[str]:
    """The tiers of the fixtures a test used that its markers lack."""
    return {FIXTURES[name] for name in fixtures if name in FIXTURES} - markers


def xdist_group(item: object) -> str:
    """The test's pytest-xdist group (`--dist loadgroup`): its grouped tier, else its file (as `loadfile`)."""
    markers = {mark.name for mark in item.iter_markers()}
    return next((tier for tier in GROUPED if tier in markers), item.nodeid.split("::", 1)[0])
