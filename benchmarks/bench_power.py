"""Benchmark exact voting power under the Lisbon rule for EU27 and EU28-sized councils.

Run ``python benchmarks/bench_power.py``.  Times the meet-in-the-middle method
(:func:`euclaims.power.power_indices`, exact Fractions then floats; median of 5 after one
warm-up call), measures its peak traced memory, runs the full enumeration of every coalition
once for EU27 and checks both agree.  Populations are seeded synthetic draws of EU-like
magnitudes, not real data.  Exits with status 1 if a fast run exceeds its time limit
(0.1 s for 27 members, 0.2 s for 28) or its memory limit (200 MB).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from euclaims.power import (
    indices_from_swings,
    power_indices,
    power_indices_exact,
    rule_game,
    swing_counts_enumeration,
)

TIME_LIMITS = {27: 0.1, 28: 0.2}
MEMORY_LIMIT_MB = 200.0
REPEATS = 5


def eu_like_populations(n: int, seed: int = 2017) -> dict[str, int]:
    """Seeded synthetic populations, log-uniform between 0.4 and 84 million."""
    rng = np.random.default_rng(seed)
    draws = np.exp(rng.uniform(np.log(4.0e5), np.log(8.4e7), n))
    return {f"M{i:02d}": int(x) for i, x in enumerate(np.round(draws))}


def median_seconds(run: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median wall time of ``repeats`` calls (after one warm-up call)."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_traced_mb(run: Callable[[], object]) -> float:
    """Peak memory allocated during one call, as seen by tracemalloc (numpy included)."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def max_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def enumeration_check(populations: dict[str, int]) -> tuple[float, bool]:
    """Seconds for the full enumeration (all members) and whether it matches the fast result."""
    game = rule_game(populations, "lisbon")
    start = time.perf_counter()
    slow = indices_from_swings(swing_counts_enumeration(game))
    seconds = time.perf_counter() - start
    fast = power_indices_exact(populations, "lisbon")
    same = all(list(fast[col].values()) == slow[col] for col in fast)
    return seconds, same


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print a table, return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-enumeration",
        action="store_true",
        help="do not run the (seconds-long) full enumeration",
    )
    args = parser.parse_args(argv)
    failures = []
    print(f"{'method':<28} {'n':>3} {'median s':>10} {'limit s':>8} {'peak MB':>8}")
    for n, limit in TIME_LIMITS.items():
        populations = eu_like_populations(n)
        seconds = median_seconds(lambda pops=populations: power_indices(pops, "lisbon"))
        peak = peak_traced_mb(lambda pops=populations: power_indices(pops, "lisbon"))
        print(
            f"{'meet-in-the-middle (fast)':<28} {n:>3} {seconds:>10.4f} {limit:>8.2f} {peak:>8.1f}"
        )
        if seconds > limit:
            failures.append(f"EU{n}: {seconds:.4f} s > {limit} s")
        if peak > MEMORY_LIMIT_MB:
            failures.append(f"EU{n}: {peak:.1f} MB > {MEMORY_LIMIT_MB} MB")
    print(f"process max RSS after fast runs: {max_rss_mb():.1f} MB")
    if not args.skip_enumeration:
        seconds, same = enumeration_check(eu_like_populations(27))
        print(f"{'full enumeration (once)':<28} {27:>3} {seconds:>10.4f} {'-':>8} {'-':>8}")
        print(f"full enumeration agrees with fast method: {same}")
        if not same:
            failures.append("full enumeration disagrees with the fast method")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
