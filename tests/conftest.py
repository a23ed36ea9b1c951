"""Shared fixtures: a throw-away copy of the project for tests that break things on purpose."""

from __future__ import annotations

import os
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
)


def copy_project(root: Path) -> Path:
    """Copy the project's inputs (not .venv, not outputs) to `root`; the package is shared."""
    for name in COPIED:
        source = PROJECT_ROOT / name
        target = root / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (root / "data" / "processed").mkdir(parents=True)
    (root / "reports").mkdir()
    return root


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A fresh copy of the project's inputs for one test."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A project copy built once (HTML only); tests that change it restore what they touch."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_cli(root, "build", "--no-pdf", timeout=1800)
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
