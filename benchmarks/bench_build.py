"""`make bench`: build and test times as medians of 3 and as multiples of the floor, in one run.

The floor is papermill executing a notebook that holds only a parameters cell and the project's
imports (pandas, seaborn, matplotlib, euclaims) with the `euclaims` kernel, bytecode cached: no
build can be faster than executing its notebooks, so each figure is read against it.

Cases: floor, clean `make report` (outputs emptied, environment present), no-op `make report`,
the multiverse alone (its outputs emptied, notebooks' default runs present), `make test`. Peak
memory is the largest sum of resident memory over the build's process tree (sampled), as RSS
and as PSS.
A floor run precedes each run of every other case, and the floor is the median of all floor runs
of the run (15 with every case). `python benchmarks/bench_build.py floor noop` times only those
cases; results go to benchmarks/results.json, merged with earlier cases.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

import psutil

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
#: Runs per case; EUCLAIMS_BENCH_TEST_REPEATS sets the runs of `make test` alone (e.g. 1 when
#: three runs of the suite do not fit the time at hand).
REPEATS = int(os.environ.get("EUCLAIMS_BENCH_REPEATS", 3))
TEST_REPEATS = int(os.environ.get("EUCLAIMS_BENCH_TEST_REPEATS", REPEATS))
RESULTS = Path(__file__).with_name("results.json")
#: Targets as multiples of the floor (issue 17); peak memory in MB.
TARGETS = {"clean": 4.0, "noop": 0.05, "multiverse": 2.0, "test": 20.0}
MEMORY_TARGET_MB = 1536

FLOOR_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code", "execution_count": None, "id": "parameters",
            "metadata": {"tags": ["parameters"]}, "outputs": [], "source": ["output_dir = ''\n"],
        },
        {
            "cell_type": "code", "execution_count": None, "id": "imports", "metadata": {},
            "outputs": [],
            "source": ["import matplotlib\n", "import pandas\n", "import seaborn\n",
                       "import euclaims.data\n"],
        },
    ],
    "metadata": {
        "kernelspec": {"name": "euclaims", "display_name": "euclaims", "language": "python"}
    },
    "nbformat": 4, "nbformat_minor": 5,
}  # fmt: skip


def empty(*folders: Path) -> None:
    for folder in folders:
        if not folder.exists():
            continue
        for child in folder.iterdir():
            if child.name in {".gitkeep", ".build.lock"}:
                continue
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def clean_outputs() -> None:
    empty(ROOT / "data" / "processed", ROOT / "reports")


def clean_multiverse() -> None:
    shutil.rmtree(ROOT / "data" / "processed" / "_multiverse", ignore_errors=True)


def floor_command() -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="euclaims-floor-"))
    source = folder / "floor.ipynb"
    source.write_text(json.dumps(FLOOR_NOTEBOOK))
    code = (
        "import papermill; papermill.execute_notebook("
        f"{str(source)!r}, {str(folder / 'out.ipynb')!r}, kernel_name='euclaims', "
        "progress_bar=False)"
    )
    return [str(PYTHON), "-c", code]


def tree_members(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return [process]


def tree_rss(members: list[psutil.Process]) -> int:
    """Sum of RSS over the process tree (cheap: /proc/<pid>/statm)."""
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def tree_pss(members: list[psutil.Process]) -> int:
    """Sum of PSS over the process tree: RSS counts the pages that forked workers share with
    their parent once per process, PSS divides each shared page among its users. Reads
    /proc/<pid>/smaps_rollup, ~3 ms of CPU per process: sampled less often than RSS."""
    total = 0
    for member in members:
        try:
            info = member.memory_full_info()
        except psutil.Error:
            continue
        total += getattr(info, "pss", info.rss)
    return total


#: Seconds between samples of RSS, and of PSS. Sampling PSS five times a second over a build's
#: 20-odd processes took a tenth of a core away from the build it measured.
RSS_INTERVAL, PSS_INTERVAL = 0.2, 1.0


class Run(NamedTuple):
    """One timed run: wall seconds, peak MB of the process tree (RSS, PSS), CPU seconds, and
    that CPU by role (sampled: see `cpu_by_role`)."""

    seconds: float
    rss_mb: float
    pss_mb: float
    cpu_s: float
    cpu_by_role: dict[str, float]


def timed(command: list[str], before=None) -> Run:
    """Time one run of `command` and sample its process tree.

    CPU is user + system time of the command and every descendant reaped below it (kernels by
    the kernel server, workers by their pools, Chromium by its driver): with two cores, a run
    cannot take less than half its CPU seconds."""
    if before:
        before()
    peak = [0, 0]
    seen: dict[tuple[int, float], dict] = {}
    cpu_before = os.times()
    started = time.perf_counter()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    watched = psutil.Process(process.pid)

    def sample() -> None:
        next_pss = 0.0
        while process.poll() is None:
            members = tree_members(watched)
            peak[0] = max(peak[0], tree_rss(members))
            if time.monotonic() >= next_pss:
                peak[1] = max(peak[1], tree_pss(members))
                next_pss = time.monotonic() + PSS_INTERVAL
            record_cpu(members, seen)
            time.sleep(RSS_INTERVAL)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    elapsed = time.perf_counter() - started
    cpu_after = os.times()
    cpu = (cpu_after.children_user - cpu_before.children_user) + (
        cpu_after.children_system - cpu_before.children_system
    )
    sampler.join()
    if process.returncode != 0:
        log.seek(0)
        sys.exit(f"{' '.join(command)} failed:\n{log.read().decode(errors='replace')[-4000:]}")
    log.close()
    return Run(elapsed, peak[0] / 1e6, peak[1] / 1e6, cpu, cpu_by_role(list(seen.values())))


def record_cpu(members: list[psutil.Process], seen: dict[tuple[int, float], dict]) -> None:
    """Note each member's command line, parent and CPU seconds so far (by pid and start time)."""
    for member in members:
        try:
            key = (member.pid, member.create_time())
            times = member.cpu_times()
            if key not in seen:
                seen[key] = {"pid": member.pid, "ppid": member.ppid(),
                             "command": " ".join(member.cmdline())}  # fmt: skip
            seen[key]["cpu"] = times.user + times.system
        except psutil.Error:
            continue


#: The roles of a build's processes, in the order the README lists them.
ROLES = ("kernels", "kernel server", "multiverse", "notebook workers", "build process",
         "Chromium", "other")  # fmt: skip


def cpu_by_role(processes: list[dict]) -> dict[str, float]:
    """CPU seconds per role of a build's processes (`record_cpu`'s records): kernels (forked by
    the server, or started), the kernel server, the multiverse process with its pool, the
    notebook workers (the build's other forks), the build process, Chromium with its driver.
    Sampled every RSS_INTERVAL, so a process's last fraction of a second is not counted."""
    by_pid = {process["pid"]: process for process in processes}

    def role(process: dict) -> str:
        command = process["command"]
        parent = by_pid.get(process["ppid"])
        if "chrom" in command or "playwright" in command:
            return "Chromium"
        if "ipykernel" in command:
            return "kernels"
        if "euclaims.kernels" in command:
            forked = parent is not None and "euclaims.kernels" in parent["command"]
            return "kernels" if forked else "kernel server"
        if "-m euclaims" not in command:
            return "other"
        if parent is None or "-m euclaims" not in parent["command"]:
            return "build process"
        if role(parent) == "multiverse":
            return "multiverse"
        forks = any(
            child["ppid"] == process["pid"] and "-m euclaims" in child["command"]
            for child in processes
        )
        return "multiverse" if forks else "notebook workers"

    totals = dict.fromkeys(ROLES, 0.0)
    for process in processes:
        totals[role(process)] += process.get("cpu", 0.0)
    return {name: round(seconds, 1) for name, seconds in totals.items() if seconds}


CASES = {
    "floor": ("floor (one papermill execution)", floor_command, None),
    "clean": ("make report (clean outputs)", lambda: ["make", "report"], clean_outputs),
    "noop": ("make report (nothing changed)", lambda: ["make", "report"], None),
    "multiverse": (
        "multiverse of every notebook",
        lambda: [str(PYTHON), "-m", "euclaims", "multiverse"],
        clean_multiverse,
    ),
    "test": ("make test", lambda: ["make", "test"], None),
}


def case_record(key: str, runs: list[Run], floor: float | None) -> dict:
    """One case's entry of results.json: its median against the run's floor, and its median CPU
    seconds with the cores they kept busy on average (CPU / wall of the same runs)."""
    seconds = [run.seconds for run in runs]
    median = floor if key == "floor" else statistics.median(seconds)
    cpu = statistics.median(run.cpu_s for run in runs)
    ratio = median / floor if floor else None
    target = TARGETS.get(key)
    return {
        "label": CASES[key][0],
        "median_s": round(median, 2),
        "runs_s": [round(s, 2) for s in seconds],
        "multiple_of_floor": round(ratio, 3) if ratio is not None else None,
        "floor_s": round(floor, 2) if floor else None,
        "target_multiple": target,
        "meets_target": None if target is None or ratio is None else ratio <= target,
        "peak_memory_mb": round(max(run.rss_mb for run in runs)),
        "peak_memory_pss_mb": round(max(run.pss_mb for run in runs)),
        "cpu_s": round(cpu, 1),
        "cores_busy": round(cpu / statistics.median(seconds), 2),
        "cpu_by_role_s": {
            role: round(statistics.median(run.cpu_by_role.get(role, 0.0) for run in runs), 1)
            for role in ROLES
            if any(role in run.cpu_by_role for run in runs)
        },
    }


def main(selected: list[str]) -> int:
    """Time the selected cases (default: all), REPEATS runs each, in the order of CASES."""
    unknown = set(selected) - set(CASES)
    if unknown:
        sys.exit(f"unknown case(s) {sorted(unknown)}; choose from {sorted(CASES)}")
    chosen = [key for key in CASES if key in (selected or CASES)]
    previous = json.loads(RESULTS.read_text()).get("cases", {}) if RESULTS.exists() else {}
    if "floor" in chosen:  # earlier cases keep the ratio to their own run's floor
        previous = {key: case for key, case in previous.items() if key not in chosen}
    load_before = [round(x, 2) for x in os.getloadavg()]
    print(f"{'case':34} {'median s':>9} {'peak MB':>8}  runs")
    _, floor_command_of, _ = CASES["floor"]
    timings: dict[str, list[Run]] = {}
    floors: list[float] = []
    for key in chosen:
        label, command, before = CASES[key]
        runs = []
        for _ in range(TEST_REPEATS if key == "test" else REPEATS):
            # With the floor chosen, a floor run precedes each run of every other case: the
            # floor is the median of all of them, sampled across the whole run (these machines'
            # speed drifts: the same clean build took 41.6 to 60.8 s within one hour).
            if key != "floor" and "floor" in chosen:
                floors.append(timed(floor_command_of()).seconds)
            runs.append(timed(command(), before))
        if key == "floor":
            floors.extend(run.seconds for run in runs)
        timings[key] = runs
        seconds = [run.seconds for run in runs]
        peak = round(max(run.rss_mb for run in runs))
        print(
            f"{label:34} {statistics.median(seconds):9.2f} {peak:8d}  "
            f"{', '.join(f'{s:.2f}' for s in seconds)}"
        )
        sys.stdout.flush()
    floor = statistics.median(floors) if floors else previous.get("floor", {}).get("median_s")
    results = {key: case_record(key, runs, floor) for key, runs in timings.items()}
    if floors:
        results["floor"]["runs_s"] = [round(f, 2) for f in floors]
    cases = {**previous, **results}
    clean = cases.get("clean", {})
    payload = {
        "machine": {"cores": psutil.cpu_count(), "python": platform.python_version()},
        "repeats": {key: len(case["runs_s"]) for key, case in cases.items()},
        "memory_target_mb": MEMORY_TARGET_MB,
        # PSS: memory the build holds, a page shared by forked processes counted once (the sum
        # of RSS counts it once per process: the multiverse's workers share most of theirs).
        "memory_meets_target": (
            clean["peak_memory_pss_mb"] <= MEMORY_TARGET_MB
            if "peak_memory_pss_mb" in clean
            else None
        ),
        # 1-, 5- and 15-minute load averages: above the core count, other work shared the CPU.
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cases": cases,
    }
    RESULTS.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    print()
    print(markdown_table(payload))
    return 0


def markdown_table(payload: dict) -> str:
    """The README's table: seconds, multiple of the floor, target, met or not, CPU, peak memory;
    below it the clean build's CPU by role, in the order of ROLES (results.json sorts keys)."""
    lines = [
        "| case | median s | floor s (same run) | × floor | target | met | CPU s (cores busy) "
        "| peak MB PSS (RSS) | runs (s) |",
        "|---|---:|---:|---:|---:|:---:|---:|---:|---|",
    ]
    for key in CASES:
        case = payload["cases"].get(key)
        if not case:
            continue
        ratio = case["multiple_of_floor"]
        target = case["target_multiple"]
        met = {True: "yes", False: "**no**", None: "–"}[case["meets_target"]]
        lines.append(
            f"| {case['label']} | {case['median_s']:.2f} | {case.get('floor_s') or '–'} | "
            f"{ratio:.2f} | "
            f"{'≤ ' + format(target, 'g') + '×' if target else '–'} | {met} | "
            f"{_cpu_cell(case)} | "
            f"{case.get('peak_memory_pss_mb', '–')} ({case['peak_memory_mb']}) | "
            f"{', '.join(f'{s:.2f}' for s in case['runs_s'])} |"
        )
    memory = payload.get("memory_meets_target")
    if memory is not None:
        lines.append(
            f"\nPeak memory of a clean build: {payload['cases']['clean']['peak_memory_pss_mb']} MB "
            f"PSS, {payload['cases']['clean']['peak_memory_mb']} MB as a sum of RSS (target ≤ "
            f"{payload['memory_target_mb']} MB PSS: {'met' if memory else 'not met'}). "
            f"Load average before/after: {payload['load_average_before']} / "
            f"{payload['load_average_after']} on {payload['machine']['cores']} cores."
        )
    roles = payload["cases"].get("clean", {}).get("cpu_by_role_s")
    if roles:
        shares = ", ".join(f"{role} {roles[role]:.1f} s" for role in ROLES if role in roles)
        lines.append(f"\nCPU of a clean build by role (medians, sampled): {shares}.")
    return "\n".join(lines)


def _cpu_cell(case: dict) -> str:
    if "cpu_s" not in case:  # recorded before the bench measured CPU
        return "–"
    return f"{case['cpu_s']:.1f} ({case['cores_busy']:.2f})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
