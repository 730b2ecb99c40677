"""Write the table of docs/benchmarks.md, and the README's `make run` figure, from the figures the benchmarks
recorded (benchmarks/figures/), or check (`--check`) that both committed pages are current.

`make bench` runs it after the benchmarks; the prose around the generated blocks is kept by hand and holds no
figure.
"""

from __future__ import annotations

import re
import sys

from benchmarks.figures import BUSY, Figure, load
from devtools.generated_page import REPO, markdown_text, run, splice

PAGE = REPO / "docs" / "benchmarks.md"
README = REPO / "README.md"
TOOL = "benchmarks.page"
ORDER = (
    "bench_make_run",
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


def serve_time() -> str:
    """The README's sentence on how long `make run` takes on a fresh clone."""
    figure = next((f for f in load("bench_make_run") if f.key == "make_run.fresh"), None)
    if figure is None:
        return "Not measured yet: `python -m benchmarks.bench_make_run`."
    return (
        f"{figure.step}: **{figure.measured}**, target {figure.target}. Measured {when(figure)}; see "
        "[benchmarks](docs/benchmarks.md)."
    )


def _figure(measured: str, name: str) -> str:
    found = re.search(rf"{re.escape(name)} ([0-9.]+)", measured)
    return found.group(1) if found else "?"


def reject_inference() -> str:
    """The README's sentence on what reject inference buys on the synthetic twin, through the door."""
    rows = {f.key: f for f in load("bench_reject_inference")}
    none, fuzzy = (
        rows.get("reject_inference_through_the_door_none"),
        rows.get("reject_inference_through_the_door_fuzzy"),
    )
    if none is None or fuzzy is None:
        return "Reject inference: not measured yet (`python -m benchmarks.bench_reject_inference`)."
    return (
        "Reject inference (`scoring retrain --reject-inference`, default fuzzy augmentation): on the "
        "synthetic twin, measured on every applicant through the door against the true outcomes, the model "
        "trained on "
        f"the accepted only has an AUC of {_figure(none.measured, 'AUC')} and a cost of "
        f"{_figure(none.measured, 'cost / 1,000')} per 1,000 applicants; with fuzzy augmentation "
        f"{_figure(fuzzy.measured, 'AUC')} and {_figure(fuzzy.measured, 'cost / 1,000')} ({when(fuzzy)}; "
        "[model](docs/model.md#reject-inference), [benchmarks](docs/benchmarks.md))."
    )


def readme_block() -> str:
    return serve_time() + "\n\n" + reject_inference()


def main(argv: list[str] | None = None) -> int:
    codes = (
        run(PAGE, lambda page: splice(page, table(), TOOL), TOOL, argv),
        run(README, lambda page: splice(page, readme_block(), TOOL), TOOL, argv),
    )
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
