"""Raw tables with the exact Kaggle schema: the real sample rows when they are there, else a synthetic twin.

The real rows live beside the repository (`../shared/data/homecredit-sample`, or $HOMECREDIT_SAMPLE), as in
CI; a clone anywhere else runs the same checks on tables the generator writes with the same headers, kinds
and levels. Only the few checks that are about the real rows themselves need `real_sample`.
"""

from __future__ import annotations

from pathlib import Path

from devtools.settings import ToolSettings
from scoring.data.synth import generate_tables

REPO = Path(__file__).resolve().parents[2]
SYNTHETIC_CLIENTS = 2_000
SYNTHETIC_SEED = 5


def real_sample_dir() -> Path:
    """The real sample rows: $HOMECREDIT_SAMPLE, else ../shared/data/homecredit-sample beside the repo."""
    return ToolSettings().homecredit_sample


def has_real_rows(path: Path) -> bool:
    return (path / "application_train.csv").is_file()


def synthetic_sample(out: Path) -> Path:
    """The seven tables of a synthetic population (exact Kaggle headers and raw formats) in `out`."""
    generate_tables(SYNTHETIC_CLIENTS, SYNTHETIC_SEED, out, None)
    return out
