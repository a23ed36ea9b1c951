"""Reading data/raw/datapackage.json (kept free of heavy imports: the no-op build uses it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import DataError
from .paths import MANIFEST_FILE

RESTORE_HINT = "restore it with `git checkout -- data/raw` or rebuild it with `make extract`"


def read_manifest(path: Path = MANIFEST_FILE) -> dict[str, dict[str, Any]]:
    """Resources of data/raw/datapackage.json keyed by file name."""
    try:
        package = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(f"{path}: the data manifest is missing; {RESTORE_HINT}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(
            f"{path}: the data manifest is not valid JSON ({exc}); {RESTORE_HINT}"
        ) from exc
    return {resource["path"]: resource for resource in package["resources"]}


def verify_file(raw_dir: Path, name: str, manifest: Path = MANIFEST_FILE) -> str:
    """Check data/raw/<name> exists and matches the manifest's sha256; returns the sha256."""
    from .fileio import sha256_file

    path = Path(raw_dir) / name
    resources = read_manifest(manifest)
    if name not in resources:
        raise DataError(f"{path}: not listed in {manifest}; declare it in euclaims.extracts")
    if not path.exists():
        raise DataError(f"{path}: file is missing; {RESTORE_HINT}")
    expected = resources[name]["hash"].removeprefix("sha256:")
    actual = sha256_file(path)
    if actual != expected:
        raise DataError(
            f"{path}: sha256 {actual} does not match the manifest ({expected}); the file was "
            f"changed or truncated. Refusing to go on: {RESTORE_HINT}"
        )
    return actual
