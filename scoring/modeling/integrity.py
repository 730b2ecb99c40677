"""Integrity of a model bundle: checksums of its files, and a first load of the model in a child process.

The writer records the SHA-256 of every file it wrote (whatever they are: model, tables, calibrator...) in
`metadata.json` under `checksums` ({relative path: hex digest}; metadata.json itself and the serving cache
`serving/` excluded). Loading checks them before anything is parsed, then LightGBM reads `model.txt` once in
a child process: a damaged model file that makes LightGBM abort kills the child, not the server.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
from functools import cache
from pathlib import Path

from scoring.io import write_json_atomic

logger = logging.getLogger(__name__)

CHECKSUMS = "checksums"
METADATA_FILE = "metadata.json"
NOT_CHECKSUMMED = (METADATA_FILE, "serving")
CHILD_TIMEOUT_SECONDS = 120
CHILD_CHECK = (
    "import sys, numpy as np, lightgbm as lgb\n"
    "booster = lgb.Booster(model_file=sys.argv[1])\n"
    "booster.predict(np.zeros((1, booster.num_feature())), num_threads=1)\n"
)


def file_digest(path: Path) -> str:
    """SHA-256 of a file (hex)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def bundle_files(directory: Path) -> list[str]:
    """Every file of a bundle, as sorted relative paths (hidden files, metadata.json, serving/ excluded)."""
    found = []
    for path in directory.rglob("*"):
        relative = path.relative_to(directory)
        if path.is_file() and relative.parts[0] not in NOT_CHECKSUMMED and not relative.name.startswith("."):
            found.append(relative.as_posix())
    return sorted(found)


def write_checksums(directory: Path) -> dict[str, str]:
    """Record the SHA-256 of every bundle file in its metadata.json (rewritten atomically)."""
    metadata = json.loads((directory / METADATA_FILE).read_text())
    metadata[CHECKSUMS] = {name: file_digest(directory / name) for name in bundle_files(directory)}
    write_json_atomic(directory / METADATA_FILE, metadata)
    return metadata[CHECKSUMS]


def checksum_problems(directory: Path, metadata: dict) -> list[str]:
    """Files missing or differing from the checksums in `metadata` (none listed: nothing to check)."""
    problems = []
    for name, expected in (metadata.get(CHECKSUMS) or {}).items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif file_digest(path) != expected:
            problems.append(f"{name} differs from its checksum in {METADATA_FILE} (damaged or replaced)")
    return problems


def content_digest(directory: Path) -> str:
    """One digest of the bundle's content as it is on disk: metadata.json and every file (the serving cache's
    key: a changed model.txt, threshold or calibrator gives another key)."""
    parts = [f"{METADATA_FILE}:{file_digest(directory / METADATA_FILE)}"]
    parts += [f"{name}:{file_digest(directory / name)}" for name in bundle_files(directory)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _fatal_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    fatal = [line for line in lines if "[Fatal]" in line or "Error" in line]
    return ((fatal or lines or ["no message"])[-1])[:300]


@cache
def _child_load(path: str, digest: str) -> str | None:
    """Why LightGBM cannot load the model file (None when it can); once per file content and process."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD_CHECK, path],
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"loading it took over {CHILD_TIMEOUT_SECONDS} s"
    if done.returncode == 0:
        return None
    how = f"killed by signal {-done.returncode}" if done.returncode < 0 else f"exit code {done.returncode}"
    return f"LightGBM cannot load it ({how}): {_fatal_line(done.stderr)}"


def model_load_problem(path: Path) -> str | None:
    """Why `path` is not a loadable LightGBM model, found in a child process (None when it loads)."""
    return _child_load(str(path), file_digest(path))
