"""Write the table of docs/benchmarks.md from the figures the benchmarks recorded (benchmarks/figures/), or
check (`--check`) that the committed page is current.

`make bench` runs it after the benchmarks; the prose around the table is kept by hand and holds no figure.
"""

from __future__ import annotations

import sys

from benchmarks.figures import BUSY, Figure, load
from devtools.generated_page import REPO, markdown_text, run, splice

PAGE = REPO / "docs" / "benchmarks.md"
TOOL = "benchmarks.page"
ORDER = (
    "bench_generate",
    "bench_ingest",
    "bench_features",
    "bench_train",
    "bench_offer",
    "bench_reject_inference",
    "bench_drift",
    "bench_cbpe",
    "bench_dashboard",
    "bench_model_page",
    "bench_api",
    "bench_reasons",
    "bench_images",
    "bench_spark",
)


def when(figure: Figure) -> str:
    """The date, and the load average when known, a † when other jobs shared the cores."""
    load = f" (load {figure.load:g} on {figure.cores} cores)" if figure.load is not None else ""
    return f"{figure.on}{load}{' †' if figure.shared else ''}"


def table() -> str:
    """Every recorded row, benchmark by benchmark in the page's order."""
    lines = [
        "| benchmark | step | measured | target | measured on |",
        "| --- | --- | --- | --- | --- |",
    ]
    for bench in ORDER:
        for figure in load(bench):
            cells = (
                f"`{bench}`",
                markdown_text(figure.step),
                markdown_text(figure.measured),
                markdown_text(figure.target),
                when(figure),
            )
            lines.append("| " + " | ".join(cells) + " |")
    note = (
        f"† other jobs shared the cores (load average above {BUSY:g} per core): the row's wall times are "
        "upper bounds; CPU times and quality figures are not affected."
    )
    return "\n".join(lines) + "\n\n" + note


def main(argv: list[str] | None = None) -> int:
    return run(PAGE, lambda page: splice(page, table(), TOOL), TOOL, argv)


if __name__ == "__main__":
    sys.exit(main())
