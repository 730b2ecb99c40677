"""`python -m api.example_letters`: example decision letters of the served model, read with the API's
settings (lender, recourse terms, fonts, model keys): a client it refuses and one it accepts, with and without
the officer's decision, in English and French, HTML and PDF (reports/letters/ by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.settings import Settings
from scoring.command_errors import fail
from scoring.modeling.bundle import BundleError
from scoring.modeling.signing import SigningError
from scoring.notice.examples import NoExampleClient, write_examples
from scoring.notice.pdf import LetterDoesNotFit
from scoring.serving.service import load_service

app = typer.Typer(add_completion=False, help=__doc__)


@app.command()
def letters(
    out: Annotated[Path | None, typer.Option(help="Folder to write (default reports/letters).")] = None,
) -> None:
    """Write the example letters of the served model."""
    settings = Settings().resolved()
    folder = out or settings.reports_dir / "letters"
    try:
        service = load_service(
            settings.models_dir,
            settings.features_path,
            settings.interim_dir,
            settings.model_version,
            settings.points_scale,
            settings.model_keys(),
        )
        written = write_examples(service, settings.lender, settings.letter_font_dir, folder)
    except (BundleError, FileNotFoundError, LetterDoesNotFit, NoExampleClient, SigningError) as exc:
        fail(str(exc))
    typer.echo(f"{len(written)} example letters of model {service.scorer.version} written to {folder}")


if __name__ == "__main__":
    app()
