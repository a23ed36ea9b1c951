"""`make bench`: medians of 3 for a clean `make report`, a no-op `make report` and `make test`.

The environment (.venv) must exist; "clean" means data/processed and reports are emptied first.
`python benchmarks/bench_build.py clean noop` times only those cases.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 3


def clean_outputs() -> None:
    for folder in (ROOT / "data" / "processed", ROOT / "reports"):
        for child in folder.iterdir():
            if child.name == ".gitkeep":
                continue
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def timed(command: list[str], before=None) -> float:
    if before:
        before()
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


CASES = {
    "clean": ("make report (clean outputs)", ["make", "report"], clean_outputs),
    "noop": ("make report (nothing changed)", ["make", "report"], None),
    "test": ("make test", ["make", "test"], None),
}


def main(selected: list[str]) -> int:
    """Time the selected cases (default: all), REPEATS runs each."""
    unknown = set(selected) - set(CASES)
    if unknown:
        sys.exit(f"unknown case(s) {sorted(unknown)}; choose from {sorted(CASES)}")
    print(f"{'case':32} {'median s':>9}  runs")
    for key in selected or list(CASES):
        label, command, before = CASES[key]
        runs = [timed(command, before) for _ in range(REPEATS)]
        print(f"{label:32} {statistics.median(runs):9.2f}  {', '.join(f'{r:.2f}' for r in runs)}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
