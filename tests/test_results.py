"""The results contract: content and deterministic bytes."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from euclaims.claims import load_ledger
from euclaims.errors import LedgerError
from euclaims.results import plain_value, record_results

#: Every metric the ledger asks of the notebook, missing (None) unless set below.
METRICS = {
    **{
        name: None
        for claim in load_ledger().values()
        if claim.notebook == "small_states_institutions"
        for name in claim.metrics
    },
    "small_states_count_eu28_2017": np.int64(16),
    "eu28_member_count_2017": 28,
    "large_states_count_eu28_2017": 12,
    "small_to_large_ratio_eu28_2017": np.float64(16 / 12),
    "small_to_large_ratio_eu27_latest": 1.25,
    "small_to_large_ratio_tested": 1.25,
    "small_state_definition_label": "fewer than 10 million inhabitants",
    "latest_population_year": 2021,
}


def test_record_is_written_with_sorted_keys_and_identical_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    params = {"small_state_threshold_millions": 10.0, "output_dir": "ignored"}
    record = record_results("small_states_institutions", params, METRICS, first)
    record_results("small_states_institutions", params, dict(reversed(METRICS.items())), second)
    payload = (first / "results.json").read_bytes()
    assert payload == (second / "results.json").read_bytes()
    loaded = json.loads(payload)
    assert list(loaded) == sorted(loaded)
    assert set(loaded) == {
        "notebook", "parameters", "inputs", "metrics", "claims", "figures",
        "package_version", "git_commit",
    }  # fmt: skip
    assert loaded["parameters"] == {"small_state_threshold_millions": 10.0}
    assert loaded["metrics"]["small_states_count_eu28_2017"] == 16
    assert record["claims"]["small-states-outnumber-large"]["verdict"] == "partly_supported"


def test_nan_metric_is_rejected():
    with pytest.raises(LedgerError, match="metric 'x' is nan"):
        plain_value("x", math.nan)


def test_units_are_kept():
    assert plain_value("gdp", {"value": np.float64(1.5), "unit": "%"}) == {
        "value": 1.5,
        "unit": "%",
    }
