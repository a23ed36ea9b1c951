"""CPU seconds of evaluating each notebook's full multiverse grid serially (medians of 3).

Run ``python benchmarks/bench_evaluate.py [STEM ...]``. Each run is a fresh process that loads
the notebook's inputs (not timed), then calls ``evaluate(inputs, **parameters)`` for every
specification of ``multiverse.notebook_specifications`` in order, the default first, as the
multiverse does; it prints the CPU seconds (user + sys of the process) and a sha256 of every
specification's metrics, so two versions of the code can be compared for identical results.
``--profile STEM`` runs one grid under cProfile and prints the 40 costliest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import importlib
import json
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPEATS = 3


def grid(stem: str) -> list[dict]:
    """The notebook's specifications, as `pipeline.run_multiverse` builds them."""
    from euclaims.multiverse import notebook_specifications
    from euclaims.params import load_params_file
    from euclaims.pipeline import cached_ledger

    spec = load_params_file()[stem]
    claims = [c for c in cached_ledger().values() if c.testable and c.notebook == stem]
    return notebook_specifications(spec, claims)[0]


def run_grid(stem: str) -> tuple[float, str]:
    """(CPU seconds, sha256 of the metrics) of evaluating the grid once in this process."""
    from euclaims.analyses import ANALYSES

    module = importlib.import_module(ANALYSES[stem])
    specifications = grid(stem)
    inputs = module.load_inputs()
    start = time.process_time()
    outcomes = [module.evaluate(inputs, **parameters) for parameters in specifications]
    seconds = time.process_time() - start
    digest = hashlib.sha256(json.dumps(outcomes, default=repr).encode())
    return seconds, digest.hexdigest()


def profile(stem: str) -> None:
    """Print the 40 functions with the largest cumulative time over one grid."""
    profiler = cProfile.Profile()
    profiler.enable()
    run_grid(stem)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def main() -> None:
    from euclaims.analyses import ANALYSES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*", default=list(ANALYSES))
    parser.add_argument("--once", action="store_true", help="one run in this process")
    parser.add_argument("--profile", action="store_true", help="cProfile one run of each stem")
    args = parser.parse_args()
    for stem in args.stems:
        if args.profile:
            profile(stem)
        elif args.once:
            seconds, digest = run_grid(stem)
            print(json.dumps({"seconds": seconds, "digest": digest}))
        else:
            runs = [
                json.loads(
                    subprocess.run(
                        [sys.executable, str(Path(__file__)), "--once", stem],
                        check=True,
                        capture_output=True,
                        text=True,
                    ).stdout
                )
                for _ in range(REPEATS)
            ]
            seconds = statistics.median(run["seconds"] for run in runs)
            digests = {run["digest"] for run in runs}
            print(f"{stem:28s} {len(grid(stem)):4d} specs  {seconds:6.2f} s CPU  {digests}")


if __name__ == "__main__":
    main()
