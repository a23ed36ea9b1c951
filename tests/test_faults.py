"""Fault injection on a private copy of the built one-notebook project (`built_copy`): every
fault stops `build` with a message naming the file, column, row or parameter, and leaves
data/processed and reports untouched."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FAST_NOTEBOOK, run_cli, tree_state

pytestmark = pytest.mark.slow
MILEX = "data/raw/sipri_milex_eu.csv"
MEMBERSHIP = "data/raw/member_states.csv"


def set_bytes(root: Path, relative: str, payload: bytes, record_checksum: bool) -> None:
    (root / relative).write_bytes(payload)
    if record_checksum:
        manifest_path = root / "data/raw/datapackage.json"
        manifest = json.loads(manifest_path.read_text())
        for resource in manifest["resources"]:
            if resource["path"] == Path(relative).name:
                resource["hash"] = "sha256:" + hashlib.sha256(payload).hexdigest()
        manifest_path.write_text(json.dumps(manifest))


def edit_lines(root: Path, relative: str, edit: Callable[[list[str]], list[str]]) -> None:
    lines = (root / relative).read_text().splitlines(keepends=True)
    set_bytes(root, relative, "".join(edit(lines)).encode(), record_checksum=True)


def replace_in_line(index: int, old: str, new: str) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        assert old in lines[index], lines[index]
        lines[index] = lines[index].replace(old, new)
        return lines

    return edit


FAULTS = {
    "missing raw file": (
        lambda root: (root / MILEX).unlink(),
        r"sipri_milex_eu.csv: file is missing; restore it with `git checkout -- data/raw`",
    ),
    "checksum mismatch": (
        lambda root: set_bytes(
            root,
            MILEX,
            (root / MILEX).read_bytes().replace(b"3677.1248234997597", b"3677.1248234997598"),
            False,
        ),
        r"sipri_milex_eu.csv: sha256 [0-9a-f]{64} does not match the manifest",
    ),
    "truncated file": (
        lambda root: set_bytes(root, MEMBERSHIP, (root / MEMBERSHIP).read_bytes()[:150], False),
        r"member_states.csv: sha256 .* changed or truncated",
    ),
    "empty file": (
        lambda root: set_bytes(root, MEMBERSHIP, b"", True),
        r"member_states.csv: file is empty",
    ),
    "wrong column type": (
        lambda root: edit_lines(root, MILEX, replace_in_line(3, ",2007,", ",many,")),
        r"sipri_milex_eu.csv: schema violation\n  column 'year', row 4: "
        r"check dtype\('int64'\) failed \(value 'many'\)\n  Fix the file",
    ),
    "missing column": (
        lambda root: edit_lines(
            root, MEMBERSHIP, lambda lines: [line.rsplit(",", 1)[0] + "\n" for line in lines]
        ),
        r"member_states.csv: schema violation\n  column 'other_names' is missing",
    ),
    "unexpected extra column": (
        lambda root: edit_lines(
            root,
            MEMBERSHIP,
            lambda lines: [
                line.rstrip("\n") + (",extra\n" if i == 0 else ",1\n")
                for i, line in enumerate(lines)
            ],
        ),
        r"member_states.csv: schema violation\n  column 'extra' is not in the schema "
        r"\(unexpected extra column",
    ),
    "duplicate keys": (
        lambda root: edit_lines(root, MILEX, lambda lines: lines + [lines[1]]),
        r"sipri_milex_eu.csv: schema violation\n.*row 562",
    ),
    "negative share of GDP": (
        lambda root: edit_lines(root, MILEX, replace_in_line(5, ",0.838532", ",-0.838532")),
        r"sipri_milex_eu.csv: schema violation\n  column 'milex_share_of_gdp_pct', row 6: "
        r"check in_range\(0, 20\) failed \(value -0.838532\)",
    ),
    "non-UTF-8 bytes": (
        lambda root: set_bytes(
            root,
            MEMBERSHIP,
            (root / MEMBERSHIP).read_bytes().replace(b"Austria", b"\xffstria"),
            True,
        ),
        r"member_states.csv: line 2 is not valid UTF-8",
    ),
    "parameter of the wrong type": (
        lambda root: (root / "params.yaml").write_text(
            (root / "params.yaml").read_text().replace("default: 12\n", "default: twelve\n")
        ),
        r"params.yaml: notebook 'defence_integration': parameter "
        r"'window_months': expected an integer, got 'twelve'",
    ),
    "parameter out of range": (
        lambda root: (root / "params.yaml").write_text(
            (root / "params.yaml")
            .read_text()
            .replace("        24: '\"the past", "        48: '\"the past")
        ),
        r"params.yaml: notebook 'defence_integration': alternatives: "
        r"parameter 'window_months': 48 is above the maximum 36",
    ),
    "unknown key in params.yaml": (
        lambda root: (root / "params.yaml").write_text(
            (root / "params.yaml")
            .read_text()
            .replace("defence_integration:\n", "defence_integration:\n  sweeps: {}\n", 1)
        ),
        r"params.yaml: notebook 'defence_integration': unknown key\(s\) \['sweeps'\]",
    ),
    "malformed params.yaml": (
        lambda root: (root / "params.yaml").write_text("defence_integration: [\n"),
        r"params.yaml: not valid YAML",
    ),
    "malformed claims.yaml": (
        lambda root: (root / "claims.yaml").write_text(
            (root / "claims.yaml").read_text() + "  - id: [broken\n"
        ),
        r"claims.yaml: not valid YAML",
    ),
    "rule naming an unknown metric": (
        lambda root: (root / "claims.yaml").write_text(
            (root / "claims.yaml")
            .read_text()
            .replace(
                'when: "defence_initiatives_window_to_decade_ratio > 1"',
                'when: "defence_initiatives_window_ratio > 1"',
            )
        ),
        r"claim 'defence-progress-past-year-vs-decade': rule names "
        r"\['defence_initiatives_window_ratio'\]",
    ),
}


def outputs(root: Path) -> dict:
    state = tree_state(root / "data" / "processed", root / "reports")
    return {path: stamp for path, stamp in state.items() if "/_failed/" not in path}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_stops_build_with_a_precise_message(built_copy: Path, fault: str):
    inject, message = FAULTS[fault]
    before = outputs(built_copy)
    inject(built_copy)
    result = run_cli(built_copy, "build", "--no-pdf")
    assert result.returncode == 1, result.stderr
    assert re.search(message, result.stderr, re.S), result.stderr
    assert "Traceback" not in result.stderr
    assert "(multiverse" not in result.stderr  # stopped before the multiverse process started
    assert outputs(built_copy) == before
    assert not list((built_copy / "data/processed").glob("**/.staging-*"))


def test_interrupted_build_is_redone_and_matches(built_copy: Path):
    """Kill a build while a notebook runs; the next build re-runs it and gives the same bytes."""
    import os
    import signal
    import subprocess
    import sys
    import time

    reference = {
        path: (built_copy / path).read_bytes()
        for path in (f"data/processed/{FAST_NOTEBOOK}/results.json", "reports/report.html")
    }
    notebook = built_copy / f"notebooks/{FAST_NOTEBOOK}.ipynb"
    # a harmless edit makes the notebook stale without changing its results
    data = json.loads(notebook.read_text())
    data["cells"][0]["source"].append("\n")
    notebook.write_text(json.dumps(data))
    env = {**os.environ, "EUCLAIMS_ROOT": str(built_copy)}
    process = subprocess.Popen(
        [sys.executable, "-m", "euclaims", "build", "--no-pdf"],
        cwd=built_copy, env=env, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not list((built_copy / "data/processed").glob("**/.staging-*/executed.ipynb")):
        assert time.monotonic() < deadline, "the build never started a notebook"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    result = run_cli(built_copy, "build", "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert f"[run] {FAST_NOTEBOOK} (default)" in result.stderr
    for path, payload in reference.items():
        assert (built_copy / path).read_bytes() == payload, path
    assert not list((built_copy / "data/processed").glob("**/.staging-*"))


def test_concurrent_builds_do_not_corrupt_outputs(built_copy: Path):
    import os
    import subprocess
    import sys

    reference = (built_copy / f"data/processed/{FAST_NOTEBOOK}/results.json").read_bytes()
    notebook = built_copy / f"notebooks/{FAST_NOTEBOOK}.ipynb"
    data = json.loads(notebook.read_text())
    data["cells"][0]["source"].append("\n\n")
    notebook.write_text(json.dumps(data))
    env = {**os.environ, "EUCLAIMS_ROOT": str(built_copy)}
    command = [sys.executable, "-m", "euclaims", "build", "--no-pdf"]
    runs = [
        subprocess.Popen(command, cwd=built_copy, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errors = [run.communicate()[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    # the lock serialises them: exactly one of the two executed the notebook
    assert sum(f"[run] {FAST_NOTEBOOK} (default)" in e for e in errors) == 1
    results = built_copy / f"data/processed/{FAST_NOTEBOOK}/results.json"
    assert results.read_bytes() == reference


def test_two_clean_builds_are_byte_identical(built_full: Path, built_from_full: Path, built: Path):
    """Every kind of output (a notebook's results and figures, its multiverse table and summary,
    the report with its specification curves and its notebook page): the session's clean build
    of the whole project (its outputs for the fastest notebook, and the report rendered from
    them) against the clean build of that notebook alone in a separate copy (`built`; both
    start in the background with the first test, see conftest.background_builds)."""
    from euclaims.reproducible import PATTERNS, output_checksums

    first_sums = output_checksums(built_full)
    for stem in ("sanctions_consensus", "small_states_behaviour"):
        assert f"data/processed/{stem}/results.json" in first_sums
    assert any("/_multiverse/" in path and path.endswith(".csv") for path in first_sums)
    html = (built_full / "reports" / "report.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/svg+xml;base64,') > 20  # the curves' static images
    assert sum(path.endswith(".png") for path in first_sums) > 20
    assert "reports/report.html" in first_sums
    first, second = output_checksums(built_from_full), output_checksums(built)
    for pattern in PATTERNS:  # every kind of output is compared
        assert any(Path(path).match(pattern) for path in first), pattern
    differing = sorted(p for p in first.keys() | second.keys()
                       if first.get(p) != second.get(p))  # fmt: skip
    assert not differing, differing
