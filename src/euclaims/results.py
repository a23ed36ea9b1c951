"""The results contract: one results.json per notebook run, written by `record_results`."""

from __future__ import annotations

import math
import subprocess
from numbers import Number
from pathlib import Path
from typing import Any

from . import __version__
from .claims import evaluate_notebook_claims, load_ledger
from .data import INPUTS_READ
from .errors import LedgerError
from .fileio import atomic_write_json
from .paths import PROJECT_ROOT

RESULTS_NAME = "results.json"


def git_commit(root: Path = PROJECT_ROOT) -> str:
    """The commit the code was run at, or 'unknown' outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def plain_value(name: str, value: Any) -> Any:
    """Convert numpy scalars to Python values; reject NaN (a missing value must be None)."""
    if isinstance(value, dict):
        if set(value) - {"value", "unit"} or "value" not in value:
            raise LedgerError(
                f"metric '{name}': a dict metric must be {{'value': ..., 'unit': ...}}"
            )
        return {"value": plain_value(name, value["value"]), "unit": str(value.get("unit", ""))}
    if value is None or isinstance(value, bool | str):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Number):
        value = float(value)
        if not math.isfinite(value):
            raise LedgerError(f"metric '{name}' is {value}; record a missing value as None")
        return value
    raise LedgerError(f"metric '{name}' has unsupported type {type(value).__name__}")


def record_results(
    notebook: str,
    parameters: dict[str, Any],
    metrics: dict[str, Any],
    output_dir: str | Path | None = None,
    figures: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Build the results record (with verdicts from the ledger) and write it if `output_dir`."""
    clean_metrics = {name: plain_value(name, value) for name, value in sorted(metrics.items())}
    clean_parameters = {
        name: plain_value(name, value) for name, value in parameters.items() if name != "output_dir"
    }
    ledger = load_ledger()
    record = {
        "notebook": notebook,
        "parameters": clean_parameters,
        "inputs": dict(sorted(INPUTS_READ.items())),
        "metrics": clean_metrics,
        "claims": evaluate_notebook_claims(ledger, notebook, clean_metrics, clean_parameters),
        "figures": figures or {},
        "package_version": __version__,
        "git_commit": git_commit(),
    }
    if output_dir:
        atomic_write_json(Path(output_dir) / RESULTS_NAME, record)
    return record


def verdict_table(record: dict[str, Any]):
    """The claims of a results record as a small DataFrame for display in a notebook."""
    import pandas as pd

    rows = [
        {"claim": claim_id, "verdict": verdict["label"], "evidence": verdict["summary"]}
        for claim_id, verdict in sorted(record["claims"].items())
    ]
    return pd.DataFrame(rows, columns=["claim", "verdict", "evidence"]).set_index("claim")
