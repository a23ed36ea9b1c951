"""Size classes on small synthetic tables."""

from __future__ import annotations

import pandas as pd
import pytest

from euclaims import sizes

MEMBERSHIP = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC", "DD"],
        "name": ["A", "B", "C", "D"],
        "accession_date": ["1958-01-01", "1973-01-01", "2013-07-01", "2018-01-01"],
        "exit_date": [None, "2020-01-31", None, None],
    }
)
POPULATION = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC", "DD", "AA", "CC", "DD"],
        "year": [2017, 2017, 2017, 2017, 2021, 2021, 2021],
        "population": [80_000_000, 9_999_999, 10_000_000, 500_000, 81_000_000, 9_000_000, 400_000],
    }
)


def test_members_on_respects_accession_and_exit():
    assert sizes.members_on(MEMBERSHIP, "2017-01-01") == ["AA", "BB", "CC"]
    assert sizes.members_on(MEMBERSHIP, "2020-01-31") == ["AA", "CC", "DD"]
    assert sizes.members_on(MEMBERSHIP, "2020-01-30") == ["AA", "BB", "CC", "DD"]


def test_threshold_is_strict():
    table = sizes.size_table_on(MEMBERSHIP, POPULATION, 2017, 10)
    assert table["size_class"].to_dict() == {"AA": "large", "CC": "large", "BB": "small"}


def test_summary_counts_and_shares():
    summary = sizes.size_summary(sizes.size_table_on(MEMBERSHIP, POPULATION, 2021, 10))
    assert summary["member_count"] == 3
    assert summary["small_count"] == 2
    assert summary["large_count"] == 1
    assert summary["small_to_large_ratio"] == 2.0
    assert summary["small_population_share_pct"] == pytest.approx(100 * 9_400_000 / 90_400_000)


def test_missing_population_is_reported():
    with pytest.raises(ValueError, match="no population for DD in 2017"):
        sizes.population_of(POPULATION[POPULATION["country"] != "DD"], ["AA", "DD"], 2017)


def test_prefixed_names():
    assert sizes.prefixed({"small_count": 3}, "eu28_2017") == {"small_states_count_eu28_2017": 3}
