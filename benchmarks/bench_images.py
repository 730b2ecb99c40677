"""Estimated size of each Docker image, without a Docker engine: what its build stage puts in /opt/venv.

Usage: python -m benchmarks.bench_images [--base-mb 125]
For each service, a fresh venv gets requirements/<service>.txt and the project's packages that image copies
(pip --no-cache-dir, as in docker/<service>.Dockerfile); its installed size plus the Debian packages the
runtime stage adds (apt-cache's Installed-Size) plus the python:3.11-slim base gives the image estimate.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.figures import Figure, record

REPO = Path(__file__).resolve().parents[1]
# python:3.11-slim (linux/amd64) as `docker images` shows it, about 45 MB compressed on Docker Hub.
BASE_IMAGE_MB = 125.0
SERVICES = {
    "api": (("scoring", "api"), ("libgomp1",)),
    "dashboard": (("scoring", "dashboard"), ("libjs-bootstrap5", "libjs-popper.js")),
    "pipeline": (("scoring",), ("libgomp1",)),
}


def tree_mb(path: Path) -> float:
    """Apparent size of the regular files under `path`, in MB (symlinks not followed)."""
    files = (p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def apt_mb(packages: tuple[str, ...]) -> float:
    """Installed-Size of Debian packages from apt-cache, in MB (0 where apt-cache does not know them)."""
    total_kb = 0
    for package in packages:
        shown = subprocess.run(["apt-cache", "show", package], capture_output=True, text=True, check=False)
        sizes = [line.split()[1] for line in shown.stdout.splitlines() if line.startswith("Installed-Size:")]
        total_kb += int(sizes[0]) if sizes else 0
    return total_kb * 1024 / 1e6


def install(service: str, packages: tuple[str, ...], work: Path) -> Path:
    """A venv with the service's requirements and the project's packages of its image, as the builder does."""
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-cache-dir"]
    subprocess.run([*pip, "-r", str(REPO / "requirements" / f"{service}.txt")], check=True)
    source = work / "src"
    source.mkdir()
    shutil.copy(REPO / "pyproject.toml", source)
    for package in packages:
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([*pip, "--no-deps", str(source)], check=True)
    return venv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-mb", type=float, default=BASE_IMAGE_MB, help="python:3.11-slim size")
    args, _ = parser.parse_known_args()
    print(f"base python:3.11-slim: {args.base_mb:.0f} MB (published figure, not measured here)")
    sizes = []
    for service, (packages, debian) in SERVICES.items():
        with tempfile.TemporaryDirectory(prefix=f"bench-image-{service}-") as work:
            venv_mb = tree_mb(install(service, packages, Path(work)))
        extra_mb = apt_mb(debian)
        total = args.base_mb + venv_mb + extra_mb
        print(
            f"{service}: /opt/venv {venv_mb:.0f} MB + Debian {' '.join(debian)} {extra_mb:.1f} MB "
            f"-> image about {total:.0f} MB"
        )
        sizes.append(f"{service} ≈ {total:,.0f} MB")
    step = "Docker images (estimated: python:3.11-slim + the service's /opt/venv + its Debian packages)"
    record("bench_images", [Figure("images.size", step, ", ".join(sizes), "—")])


if __name__ == "__main__":
    main()
