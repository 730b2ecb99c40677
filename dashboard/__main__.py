"""`python -m dashboard`: serve the dashboard; it reads every number from the scoring API."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(add_completion=False, help=__doc__)


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="DASHBOARD_HOST", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="DASHBOARD_PORT", help="Port.")] = 8050,
    api_url: Annotated[
        str | None, typer.Option(help="Base URL of the scoring API (default: $SCORING_API_URL or :8000).")
    ] = None,
) -> None:
    """Serve the dashboard until interrupted (its key to the API: $SCORING_DASHBOARD_API_KEY)."""
    import logging

    from dashboard.app import main

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    main(host, port, api_url)


if __name__ == "__main__":
    app()
