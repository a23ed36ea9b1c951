"""Cite, reuse, launch: licence, citation metadata, Binder files, machine-readable verdicts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from euclaims.paths import PROJECT_ROOT


def test_licence_and_binder_files_exist():
    assert "MIT License" in (PROJECT_ROOT / "LICENSE").read_text()
    post_build = PROJECT_ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111
    text = post_build.read_text()
    assert "pip install --no-deps -e ." in text and "ipykernel install" in text
    assert "--name euclaims" in text
    assert (PROJECT_ROOT / "environment.yml").exists()


@pytest.mark.skipif(shutil.which("uv", path=str(Path(sys.executable).parent)) is None,
                    reason="uv is not in the environment")  # fmt: skip
def test_citation_cff_validates_with_cffconvert():
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [uv, "tool", "run", "--from", "cffconvert==2.0.0", "cffconvert", "--validate", "-i",
         str(PROJECT_ROOT / "CITATION.cff")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout + result.stderr
