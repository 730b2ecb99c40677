"""`python -m api`: serve the scoring API (uvicorn); settings come from SCORING_* environment variables."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(add_completion=False, help=__doc__)


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="API_HOST", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="API_PORT", help="Port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(envvar="API_WORKERS", help="Worker processes (each loads the model; arrays shared)."),
    ] = 2,
    access_log: Annotated[
        bool, typer.Option(help="Log one line per request (route template, no values).")
    ] = True,
) -> None:
    """Serve the scoring API until interrupted (SIGINT or SIGTERM: in-flight requests finish, log flushed)."""
    from api.server import serve as run

    run(host, port, workers, access_log)


if __name__ == "__main__":
    app()
