"""The dashboard's callbacks, declared beside the code they run and registered on each app it is given.

Pages and components declare their callbacks as with Dash Pages' `dash.callback` and
`dash.clientside_callback`, with the same arguments, but through this module: a declaration is only recorded,
and `register(app)` hands every one, in the order they were declared, to Dash's public `app.callback` and
`app.clientside_callback`. Each app of a process thus gets all of them (the tests build several apps in one
process), and the dashboard never touches Dash's global callback registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import dash

Function = TypeVar("Function", bound=Callable[..., Any])
# A clientside callback's script passing its input on once the browser has painted the frame its change
# brought (the next animation frame, then a task): what a first paint does not need is asked for then.
AFTER_PAINT = (
    "function(value) { return new Promise(function(done) { requestAnimationFrame(function() {"
    " setTimeout(function() { done(value); }, 0); }); }); }"
)


@dataclass(frozen=True)
class Declared:
    """One callback's arguments to Dash; `function` is None for a clientside one (its script is `args[0]`)."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    function: Callable[..., Any] | None = None


DECLARED: list[Declared] = []


def callback(*args: Any, **kwargs: Any) -> Callable[[Function], Function]:
    """`dash.callback`'s decorator, recorded for `register`; the function is returned unchanged."""

    def declare(function: Function) -> Function:
        DECLARED.append(Declared(args, kwargs, function))
        return function

    return declare


def clientside_callback(script: str, *args: Any, **kwargs: Any) -> None:
    """`dash.clientside_callback`, recorded for `register`."""
    DECLARED.append(Declared((script, *args), kwargs))


def register(app: dash.Dash) -> None:
    """Every declared callback on `app` (once per app), through Dash's public API."""
    for declared in DECLARED:
        if declared.function is None:
            app.clientside_callback(*declared.args, **declared.kwargs)
        else:
            app.callback(*declared.args, **declared.kwargs)(declared.function)
