"""Run every benchmarks/bench_*.py module's main() in turn and print its figures."""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path


def bench_modules() -> list[str]:
    """Module names of the benchmarks, in file-name order."""
    return [f"benchmarks.{path.stem}" for path in sorted(Path(__file__).parent.glob("bench_*.py"))]


def main() -> int:
    failed = []
    for name in bench_modules():
        print(f"=== {name}", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(name).main()
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"=== {name} done in {time.perf_counter() - started:.1f} s\n", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
