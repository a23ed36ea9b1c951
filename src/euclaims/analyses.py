"""Which module evaluates each notebook: the one function the notebook, the multiverse and the
tests share.

Every module named here exposes

- ``load_inputs() -> object``: reads and validates the notebook's data/raw tables once
  (through ``euclaims.data.load_raw``); the result must be picklable;
- ``evaluate(inputs, **parameters) -> dict``: every ledger metric of the notebook for one
  specification (the params.yaml parameters, as keywords); pure: no file writes, no plotting.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import EuclaimsError

ANALYSES = {
    "sanctions_consensus": "euclaims.sanctions",
    "defence_integration": "euclaims.defence",
    "small_states_institutions": "euclaims.institutions",
    "small_states_behaviour": "euclaims.behaviour",
    "hindsight": "euclaims.hindsight",
    "after_2022": "euclaims.after_2022",
}


def has_evaluate(stem: str) -> bool:
    """True when notebook `stem` has an analysis module with load_inputs and evaluate."""
    if stem not in ANALYSES:
        return False
    module = importlib.import_module(ANALYSES[stem])
    return all(callable(getattr(module, name, None)) for name in ("load_inputs", "evaluate"))


def analysis_module(stem: str) -> ModuleType:
    """The module with `load_inputs` and `evaluate` for notebook `stem`."""
    if stem not in ANALYSES:
        raise EuclaimsError(
            f"notebook '{stem}' has no analysis module; add it to euclaims.analyses.ANALYSES"
        )
    module = importlib.import_module(ANALYSES[stem])
    for name in ("load_inputs", "evaluate"):
        if not callable(getattr(module, name, None)):
            raise EuclaimsError(f"{module.__name__} must define {name}() (see euclaims.analyses)")
    return module
