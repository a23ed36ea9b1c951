"""Where things live in the compendium (all paths derive from the project root)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("EUCLAIMS_ROOT", Path(__file__).resolve().parents[2]))
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
RAW_DIR = PROJECT_ROOT / "data" / "raw"
PROCESSED_DIR = PROJECT_ROOT / "data" / "processed"
#: The multiverse runner's outputs: one CSV, JSON and fingerprint per notebook.
MULTIVERSE_DIR = PROCESSED_DIR / "_multiverse"
CURATED_DIR = PROJECT_ROOT / "data" / "curated"
REPORTS_DIR = PROJECT_ROOT / "reports"
CLAIMS_FILE = PROJECT_ROOT / "claims.yaml"
PARAMS_FILE = PROJECT_ROOT / "params.yaml"
MANIFEST_FILE = RAW_DIR / "datapackage.json"
PACKAGE_DIR = Path(__file__).resolve().parent

UPSTREAM_ENV = "EUCLAIMS_UPSTREAM"


def upstream_dir() -> Path:
    """The directory of upstream snapshots, from $EUCLAIMS_UPSTREAM (default ../shared/data)."""
    return Path(os.environ.get(UPSTREAM_ENV, PROJECT_ROOT.parent / "shared" / "data"))
