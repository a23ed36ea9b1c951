"""Cite, reuse, launch: licence, citation metadata, Binder files, machine-readable verdicts."""

from __future__ import annotations

from euclaims.paths import PROJECT_ROOT


def test_licence_and_binder_files_exist():
    assert "MIT License" in (PROJECT_ROOT / "LICENSE").read_text()
    post_build = PROJECT_ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111
    text = post_build.read_text()
    assert "pip install --no-deps -e ." in text and "ipykernel install" in text
    assert "--name euclaims" in text
    assert (PROJECT_ROOT / "environment.yml").exists()
