"""Checksums of every build output that must be byte-identical across rebuilds."""

from __future__ import annotations

from pathlib import Path

from .fileio import sha256_file
from .paths import PROJECT_ROOT

PATTERNS = (
    "data/raw/*",
    "data/processed/*/results.json",
    "data/processed/*/figures/*",
    "data/processed/_multiverse/*.csv",
    "data/processed/_multiverse/*.json",
    "reports/report.html",
    "reports/notebooks/*.html",
    "reports/claims.jsonld",
)


def output_checksums(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """sha256 per output file, keyed by path relative to `root`, in sorted order."""
    files = {path for pattern in PATTERNS for path in Path(root).glob(pattern) if path.is_file()}
    return {str(path.relative_to(root)): sha256_file(path) for path in sorted(files)}
