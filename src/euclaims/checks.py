"""`python -m euclaims check`: validate the ledger, the parameters and every raw extract."""

from __future__ import annotations

from .claims import load_ledger
from .data import load_raw, read_manifest
from .errors import LedgerError
from .params import check_notebook_matches, load_params_file
from .registry import check_registry


def check_all() -> None:
    """Raise on the first problem; print what was checked."""
    specs = load_params_file()
    for spec in specs.values():
        check_notebook_matches(spec)
    ledger = load_ledger()
    for claim in ledger.values():
        if claim.testable and claim.notebook not in specs:
            raise LedgerError(
                f"claims.yaml: claim '{claim.id}' names notebook '{claim.notebook}', "
                "which params.yaml does not declare"
            )
        for name in claim.choices:
            if claim.testable and name not in specs[claim.notebook].parameters:
                raise LedgerError(
                    f"claims.yaml: claim '{claim.id}': multiverse names '{name}', which is not a "
                    f"parameter of notebook '{claim.notebook}' in params.yaml"
                )
    check_registry(ledger)
    names = sorted(read_manifest())
    for name in names:
        load_raw(name)
    print(f"ok: {len(specs)} notebooks, {len(ledger)} claims, {len(names)} raw files verified")
