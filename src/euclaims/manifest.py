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
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise DataError(
            f"{path}: expected a data package (a JSON object with a 'resources' list); "
            f"{RESTORE_HINT}"
        )
    resources = {}
    for position, resource in enumerate(package["resources"], start=1):
        where = f"{path}: resource #{position}"
        if not isinstance(resource, dict):
            raise DataError(f"{where} is not a JSON object; {RESTORE_HINT}")
        name = resource.get("path")
        if not isinstance(name, str) or not name:
            raise DataError(f"{where} has no 'path'; {RESTORE_HINT}")
        check_raw_name(name, where)
        if not str(resource.get("hash", "")).startswith("sha256:"):
            raise DataError(f"{where} ('{name}') has no 'hash' (sha256:...); {RESTORE_HINT}")
        resources[name] = resource
    return resources


def check_raw_name(name: str, where: str) -> None:
    """A data/raw file is named by a plain file name: no directory, no '..', no absolute path."""
    if name != Path(name).name or name in {".", ".."} or "\\" in name:
        raise DataError(
            f"{where}: '{name}' is not a file name inside data/raw (paths outside data/raw are "
            "refused); name the file only"
        )


def verify_file(raw_dir: Path, name: str, manifest: Path = MANIFEST_FILE) -> str:
    """Check data/raw/<name> exists and matches the manifest's sha256; returns the sha256."""
    from .fileio import sha256_file

    check_raw_name(name, "data/raw input")
    path = Path(raw_dir) / name
    resources = read_manifest(manifest)
    if name not in resources:
        raise DataError(f"{path}: not listed in {manifest}; declare it in euclaims.extracts")
    if path.is_symlink():
        raise DataError(
            f"{path}: is a symbolic link; data/raw holds regular files only. {RESTORE_HINT}"
        )
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
