"""Small readers shared by the pipeline and the report (so that neither imports the other):
a notebook's results record and the digest of the package's own sources."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from .errors import EuclaimsError
from .paths import PACKAGE_DIR


def _hash_files(digest: Any, paths: list[Path], base: Path) -> None:
    for path in paths:
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")


@functools.cache
def package_source_digest() -> str:
    """Hash of the package's code and templates (computed once per process: one build)."""
    digest = hashlib.sha256()
    sources = sorted(p for p in PACKAGE_DIR.rglob("*") if p.suffix in {".py", ".j2"})
    _hash_files(digest, sources, PACKAGE_DIR)
    return digest.hexdigest()


def read_record(output_dir: Path) -> dict:
    """A notebook run's results.json, or a clear error when the run is missing."""
    path = output_dir / "results.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EuclaimsError(f"{path} is missing; run `make report`") from exc
