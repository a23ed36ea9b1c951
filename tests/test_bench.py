"""benchmarks/bench_build.py: memory sampling of a process tree and the README's table."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time

import psutil
import pytest

from euclaims.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "bench_build", PROJECT_ROOT / "benchmarks" / "bench_build.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tree_memory_counts_children_and_pss_shares_pages(bench):
    """A child holding 200 MB of its own is counted; PSS never exceeds RSS."""
    code = "import time; block = bytearray(200 * 10**6); print('ready', flush=True); time.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        me = psutil.Process()
        members = bench.tree_members(me)
        assert child.pid in {member.pid for member in members}
        rss, pss = bench.tree_rss(members), bench.tree_pss(members)
        alone = bench.tree_rss([me])
        assert rss - alone > 190 * 10**6
        assert 0 < pss <= rss
    finally:
        child.kill()
        child.wait()


def test_timed_reports_seconds_and_peak_memory(bench):
    started = time.perf_counter()
    code = "import time; block = bytearray(100 * 10**6); time.sleep(1.5)"
    run = bench.timed([sys.executable, "-c", code])
    assert 1.5 <= run.seconds <= time.perf_counter() - started
    assert run.rss_mb > 100 and 0 < run.pss_mb <= run.rss_mb + 1  # PSS sampled once a second
    assert run.cpu_s < 1.0  # it slept


def test_timed_counts_the_cpu_of_grandchildren(bench):
    """A child that starts a grandchild burning 1 s of CPU: its CPU is counted."""
    burn = "import time; end = time.process_time() + 1.0\nwhile time.process_time() < end: pass"
    code = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}], check=True)"
    run = bench.timed([sys.executable, "-c", code])
    assert run.cpu_s >= 1.0
    assert run.cpu_by_role.get("other", 0) >= 0.8  # sampled: the last fraction of a second lost


def test_markdown_table_marks_missed_targets(bench):
    case = {
        "label": "make test", "median_s": 40.0, "runs_s": [40.0], "multiple_of_floor": 40.0 / 8,
        "floor_s": 8.0, "target_multiple": 4.0, "meets_target": False,
        "peak_memory_mb": 2000, "peak_memory_pss_mb": 1200, "cpu_s": 70.0, "cores_busy": 1.75,
    }  # fmt: skip
    table = bench.markdown_table({"cases": {"test": case}})
    assert (
        "| make test | 40.00 | 8.0 | 5.00 | ≤ 4× | **no** | 70.0 (1.75) | 1200 (2000) | 40.00 |"
        in table
    )
    clean = {**case, "cpu_by_role_s": {"Chromium": 4.0, "kernels": 10.0}}  # as results.json sorts
    assert "by role (medians, sampled): kernels 10.0 s, Chromium 4.0 s." in bench.markdown_table(
        {"cases": {"clean": clean}}
    )
    older = {key: value for key, value in case.items() if key not in {"cpu_s", "cores_busy"}}
    assert "| **no** | – | 1200 (2000) |" in bench.markdown_table({"cases": {"test": older}})


def test_case_record_takes_medians_of_seconds_and_cpu(bench):
    runs = [
        bench.Run(10.0, 100, 90, 18.0, {"kernels": 8.0}),
        bench.Run(12.0, 110, 95, 22.0, {"kernels": 10.0, "Chromium": 4.0}),
        bench.Run(30.0, 120, 99, 40.0, {"kernels": 20.0, "Chromium": 6.0}),
    ]
    record = bench.case_record("clean", runs, floor=3.0)
    assert record["median_s"] == 12.0 and record["multiple_of_floor"] == 4.0
    assert record["cpu_s"] == 22.0 and record["cores_busy"] == round(22.0 / 12.0, 2)
    assert record["meets_target"] is True and record["peak_memory_pss_mb"] == 99
    # medians per role, a role that a run lacks counted as 0 s there
    assert record["cpu_by_role_s"] == {"kernels": 10.0, "Chromium": 4.0}


def test_cpu_by_role_tells_a_builds_processes_apart(bench):
    build = "/p/.venv/bin/python -m euclaims build"
    processes = [
        {"pid": 1, "ppid": 0, "command": "make report", "cpu": 0.1},
        {"pid": 2, "ppid": 1, "command": build, "cpu": 4.0},
        {"pid": 3, "ppid": 2, "command": build, "cpu": 2.0},  # the multiverse process
        {"pid": 4, "ppid": 3, "command": build, "cpu": 3.0},  # its pool's worker
        {"pid": 5, "ppid": 2, "command": build, "cpu": 1.5},  # a notebook worker
        {"pid": 6, "ppid": 2, "command": "/p/.venv/bin/python -m euclaims.kernels s", "cpu": 1.0},
        {"pid": 7, "ppid": 6, "command": "/p/.venv/bin/python -m euclaims.kernels s", "cpu": 2.5},
        {"pid": 8, "ppid": 2, "command": "/p/playwright/driver/node cli.js", "cpu": 0.5},
        {"pid": 9, "ppid": 8, "command": "/usr/lib/chromium/chromium --headless", "cpu": 4.5},
    ]
    assert bench.cpu_by_role(processes) == {
        "kernels": 2.5, "kernel server": 1.0, "multiverse": 5.0, "notebook workers": 1.5,
        "build process": 4.0, "Chromium": 5.0, "other": 0.1,
    }  # fmt: skip
