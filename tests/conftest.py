"""Shared fixtures: a throw-away copy of the project for tests that break things on purpose."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from euclaims.paths import PROJECT_ROOT

COPIED = (
    "claims.yaml",
    "params.yaml",
    "requirements.lock",
    "pyproject.toml",
    "notebooks",
    "data/raw",
    "ledger",
)


#: The fastest notebook: destructive pipeline tests run on a copy holding only it.
FAST_NOTEBOOK = "small_states_institutions"


def copy_project(root: Path, only: str | None = None) -> Path:
    """Copy the project's inputs (not .venv, not outputs) to `root`; the package is shared.

    With `only`, keep just that notebook, its params.yaml section and its testable claims.
    """
    for name in COPIED:
        source = PROJECT_ROOT / name
        target = root / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    if only:
        for notebook in (root / "notebooks").glob("*.ipynb"):
            if notebook.stem != only:
                notebook.unlink()
        params = (root / "params.yaml").read_text()
        (root / "params.yaml").write_text(keep_sections(params, only))
        claims = (root / "claims.yaml").read_text()
        (root / "claims.yaml").write_text(keep_claims(claims, only))
    (root / "data" / "processed").mkdir(parents=True)
    (root / "reports").mkdir()
    return root


def keep_sections(text: str, stem: str) -> str:
    """params.yaml text with only the top-level section `stem` (comments kept)."""
    parts = re.split(r"(?m)^(?=[A-Za-z_])", text)
    return "".join(part for part in parts if not part[:1].isalpha() or part.startswith(f"{stem}:"))


def keep_claims(text: str, stem: str) -> str:
    """claims.yaml text without the testable claims of other notebooks."""
    head, *blocks = re.split(r"(?m)^(?=  - id: )", text)
    kept = [
        block
        for block in blocks
        if f"\n    notebook: {stem}\n" in block or "\n    testable: false\n" in block
    ]
    return head + "".join(kept)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A fresh copy of the project's inputs for one test."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory, built_full: Path) -> Path:
    """A copy holding only the fastest notebook, with its outputs taken from the one full build
    (so it executes nothing new); tests restore what they touch."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project", only=FAST_NOTEBOOK)
    processed = built_full / "data" / "processed"
    shutil.copytree(processed / FAST_NOTEBOOK, root / "data" / "processed" / FAST_NOTEBOOK)
    multiverse = root / "data" / "processed" / "_multiverse"
    (multiverse / "figures").mkdir(parents=True)
    for path in (processed / "_multiverse").glob(f"{FAST_NOTEBOOK}.*"):
        shutil.copy2(path, multiverse / path.name)
    record = json.loads((processed / FAST_NOTEBOOK / "results.json").read_text())
    for claim in record["claims"].values():
        curve = claim.get("specification_curve")
        if curve:
            shutil.copy2(processed / curve["file"], root / "data" / "processed" / curve["file"])
    result = run_cli(root, "build", "--no-pdf", timeout=1800)
    assert result.returncode == 0, result.stderr
    assert "[run]" not in result.stderr, result.stderr
    return root


REPRODUCIBILITY_TEST = "test_two_clean_builds_are_byte_identical"
_SECOND_BUILD: dict[str, object] = {}


def start_second_build(tmp_path_factory) -> None:
    """Start the reproducibility test's second clean build of the whole project in the
    background (once per session), so that it shares the cores with the first build and with
    the tests that run meanwhile instead of running alone at the end."""
    if _SECOND_BUILD:
        return
    root = copy_project(tmp_path_factory.mktemp("second") / "project")
    log = root.parent / "build.log"
    handle = log.open("w")
    env = {**os.environ, "EUCLAIMS_ROOT": str(root)}
    process = subprocess.Popen(
        [sys.executable, "-m", "euclaims", "build", "--no-pdf"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=handle,
    )  # fmt: skip
    _SECOND_BUILD.update(root=root, log=log, process=process, handle=handle)


@pytest.fixture(scope="session")
def second_build(tmp_path_factory) -> Path:
    """A second clean build of the whole project, independent of `built_full` (same inputs,
    its own copy and processes), finished."""
    start_second_build(tmp_path_factory)
    process = _SECOND_BUILD["process"]
    returncode = process.wait(timeout=3600)
    _SECOND_BUILD["handle"].close()
    assert returncode == 0, _SECOND_BUILD["log"].read_text()
    return _SECOND_BUILD["root"]


@pytest.fixture(scope="session")
def built_full(tmp_path_factory, request) -> Path:
    """The whole project built once (HTML only), for tests of the complete report."""
    if any(item.name == REPRODUCIBILITY_TEST for item in request.session.items):
        start_second_build(tmp_path_factory)
    root = copy_project(tmp_path_factory.mktemp("full") / "project")
    result = run_cli(root, "build", "--no-pdf", timeout=3600)
    assert result.returncode == 0, result.stderr
    return root


def run_cli(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """`python -m euclaims ARGS` with the project root pointed at `root`."""
    env = {**os.environ, "EUCLAIMS_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "euclaims", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def tree_state(*folders: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of every file under the folders, to show nothing was touched."""
    state = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != ".build.lock":
                stat = path.stat()
                state[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return state
