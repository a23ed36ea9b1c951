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


def test_major_powers_split_at_the_largest_gap():
    values = pd.Series({"AA": 100.0, "BB": 90.0, "CC": 30.0, "DD": 20.0})
    assert sizes.major_powers(values) == ["AA", "BB"]
    tie = pd.Series({"AA": 30.0, "BB": 20.0, "CC": 10.0})  # two equal gaps: the first wins
    assert sizes.major_powers(tie) == ["AA"]
    with pytest.raises(ValueError, match="at least two members"):
        sizes.major_powers(values.iloc[:1])


def test_threshold_for_major_powers_is_the_smallest_major_power():
    population = pd.Series({"AA": 80_000_000, "BB": 60_000_000, "CC": 9_000_000, "DD": 500_000})
    assert sizes.threshold_for(population, "major_powers", 99) == pytest.approx(60.0)
    with pytest.raises(ValueError, match="below_mean_votes' draws its line in Council votes"):
        sizes.threshold_for(population, "below_mean_votes", 10)
    with pytest.raises(ValueError, match="size_definition 'median' is not one of"):
        sizes.check_definition("median")


def test_classify_members_by_major_powers_and_by_votes():
    population = pd.Series({"AA": 80_000_000, "BB": 60_000_000, "CC": 9_000_000, "DD": 500_000})
    by_powers = sizes.classify_members(population, "major_powers", 10)
    assert by_powers["size_class"].to_dict() == {
        "AA": "large", "BB": "large", "CC": "small", "DD": "small",
    }  # fmt: skip
    votes = {"AA": 29, "BB": 27, "CC": 12, "DD": 3}  # mean 17.75
    by_votes = sizes.classify_members(population, "below_mean_votes", 10, votes)
    assert by_votes["size_class"].to_dict() == by_powers["size_class"].to_dict()
    assert sizes.vote_threshold(votes, ["CC", "DD"]) == pytest.approx(7.5)
    with pytest.raises(ValueError, match="needs the Nice vote weights"):
        sizes.classify_members(population, "below_mean_votes", 10)
    with pytest.raises(ValueError, match="no Nice weight for DD"):
        sizes.classify_members(population, "below_mean_votes", 10, {"AA": 1, "BB": 1, "CC": 1})


def test_size_table_on_accepts_votes_and_keeps_the_old_signature():
    table = sizes.size_table_on(MEMBERSHIP, POPULATION, 2017, 10)
    votes = {"AA": 29, "BB": 12, "CC": 12}
    by_votes = sizes.size_table_on(MEMBERSHIP, POPULATION, 2017, 10, "below_mean_votes", votes)
    assert list(by_votes.index) == list(table.index)
    assert by_votes["size_class"].to_dict() == {"AA": "large", "CC": "small", "BB": "small"}
