"""Per claim: how many of its curated facts rest on an official source.

A claim's curated facts are the rows of the fact tables its notebook reads (the notebook's
`inputs` in params.yaml) that carry a `source_kind` (reference facts and data/curated tables;
`make extract` records their row counts in data/raw/datapackage.json). The pipeline writes the
shares to data/processed/source_shares.json; the report only prints them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .claims import Claim
from .errors import EuclaimsError
from .fileio import atomic_write_json
from .params import NotebookSpec
from .paths import PROCESSED_DIR

SHARES_FILE = PROCESSED_DIR / "source_shares.json"


def table_counts(names: tuple[str, ...], resources: dict[str, dict]) -> list[dict[str, Any]]:
    """Fact rows and official rows of each of `names` that the manifest records counts for."""
    found = []
    for name in names:
        resource = resources.get(name, {})
        if "curated_rows" not in resource or "official_rows" not in resource:
            continue
        found.append(
            {
                "path": name,
                "rows": int(resource["curated_rows"]),
                "official_rows": int(resource["official_rows"]),
                "share": float(resource["official_source_share"]),
            }
        )
    return found


def claim_share(tables: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Rows, official rows and the official share over a claim's fact tables (None if none)."""
    rows = sum(table["rows"] for table in tables)
    if not tables or rows == 0:
        return None
    official = sum(table["official_rows"] for table in tables)
    return {"rows": rows, "official_rows": official, "share": official / rows, "tables": tables}


def claim_source_shares(
    claims: dict[str, Claim], specs: dict[str, NotebookSpec], resources: dict[str, dict]
) -> dict[str, dict[str, Any]]:
    """claim id -> its official-source share, for every claim whose notebook reads fact tables."""
    shares = {}
    for claim_id, claim in sorted(claims.items()):
        spec = specs.get(claim.notebook or "")
        if spec is None:
            continue
        share = claim_share(table_counts(spec.inputs, resources))
        if share is not None:
            shares[claim_id] = share
    return shares


def write_source_shares(
    claims: dict[str, Claim],
    specs: dict[str, NotebookSpec],
    resources: dict[str, dict],
    path: Path = SHARES_FILE,
) -> dict[str, dict[str, Any]]:
    """Compute the shares and write them (deterministic JSON) to `path`; an unchanged file is
    not rewritten, so a no-op build touches nothing."""
    shares = claim_source_shares(claims, specs, resources)
    if not path.exists() or json.loads(path.read_text(encoding="utf-8")) != shares:
        atomic_write_json(path, shares)
    return shares


def read_source_shares(path: Path = SHARES_FILE) -> dict[str, dict[str, Any]]:
    """The shares the pipeline wrote; an error naming the command when the file is missing."""
    if not path.exists():
        raise EuclaimsError(f"{path} is missing; run `make report` (it computes the shares)")
    return json.loads(path.read_text(encoding="utf-8"))
