"""The build stamp: a no-op `make report` decided without importing the analysis stack.

After a complete build, `data/processed/.build-stamp` holds one hash of everything the build
reads (the project's inputs and the package's code, by content) and of everything it wrote (the
outputs, by size and modification time). When the next build computes the same hash, nothing is
stale: it stops before loading pandas, the ledger or papermill. Any difference (an edited input,
a deleted or touched output, another PDF setting) falls back to the full build, which decides
per notebook. Standard library only: this module runs before anything else is imported.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from .paths import PACKAGE_DIR, PROCESSED_DIR, PROJECT_ROOT, REPORTS_DIR

STAMP_NAME = ".build-stamp"
#: Project files and folders whose content a build reads (a superset of the per-run fingerprints).
INPUTS = (
    "params.yaml",
    "claims.yaml",
    "CITATION.cff",
    "requirements.lock",
    "pyproject.toml",
    "ledger",
    "notebooks",
    "data/raw",
    "data/curated",
)
#: Output files the stamp does not cover: the build lock and the stamp itself.
IGNORED = {".build.lock", STAMP_NAME}


def _files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not {"__pycache__", ".ipynb_checkpoints"} & set(path.parts)
    )


def _output_files(folder: Path) -> list[Path]:
    """Output files, without notebooks kept after a failure (they never make a run stale)."""
    return [
        path
        for path in _files(folder)
        if path.name not in IGNORED and "_failed" not in path.relative_to(folder).parts
    ]


def chromium_present() -> bool:
    """Whether the report can print its PDF (browser.chromium_binary, without importing it)."""
    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))


def build_stamp(pdf: bool) -> str | None:
    """Hash of the build's inputs (content) and outputs (size, mtime); None when a build left
    staging directories or no output exists yet."""
    digest = hashlib.sha256(f"pdf={pdf and chromium_present()}\n{sys.executable}\n".encode())
    for path in [*(_files(PROJECT_ROOT / name) for name in INPUTS), _files(PACKAGE_DIR)]:
        for item in path:
            digest.update(str(item).encode() + b"\0")
            digest.update(hashlib.sha256(item.read_bytes()).digest())
    outputs = _output_files(PROCESSED_DIR) + _output_files(REPORTS_DIR)
    if not outputs or any(".staging-" in str(path) for path in outputs):
        return None
    for item in outputs:
        stat = item.stat()
        digest.update(f"{item}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def stamp_path() -> Path:
    return PROCESSED_DIR / STAMP_NAME


def nothing_stale(pdf: bool) -> bool:
    """True when the stamp of the last complete build matches the project as it is now."""
    path = stamp_path()
    try:
        recorded = path.read_text().strip()
    except OSError:
        return False
    return bool(recorded) and recorded == build_stamp(pdf)


def write_stamp(pdf: bool) -> None:
    """Record the stamp after a complete build (called under the build lock)."""
    value = build_stamp(pdf)
    path = stamp_path()
    if value is None:
        path.unlink(missing_ok=True)
        return
    try:
        if path.read_text().strip() == value:
            return
    except OSError:
        pass
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(value + "\n")
    tmp.replace(path)


def clear_stamp() -> None:
    """Forget the stamp (a build that is about to change outputs)."""
    stamp_path().unlink(missing_ok=True)
