"""Small states in institutions: voting-power inputs, dominance, representation, Council votes.

Small synthetic tables only; no real figures.
"""

from __future__ import annotations

import itertools
import random

import pandas as pd
import pytest

from euclaims import institutions as inst
from euclaims import sizes
from euclaims.extracts.institutions import procedure_code
from euclaims.power import nice_game, rule_game

MEMBERSHIP = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC", "DD", "EE"],
        "name": ["A", "B", "C", "D", "E"],
        "accession_date": ["1958-01-01", "1958-01-01", "1973-01-01", "2004-05-01", "2013-07-01"],
        "exit_date": [None, None, "2020-01-31", None, None],
    }
)


def size_table(populations: dict[str, int], threshold: float = 10) -> pd.DataFrame:
    return sizes.classify_sizes(pd.Series(populations, name="population"), threshold)


# --- sizes -------------------------------------------------------------------------------------


def test_below_mean_definition_uses_the_average_member():
    population = pd.Series({"AA": 30_000_000, "BB": 6_000_000, "CC": 4_000_000})
    assert sizes.threshold_for(population, "below_mean", 99) == pytest.approx(40 / 3)
    assert sizes.threshold_for(population, "absolute", 5) == 5.0
    with pytest.raises(ValueError, match="size_definition 'median'"):
        sizes.threshold_for(population, "median", 5)


def test_size_table_below_mean_on_a_year():
    population = pd.DataFrame(
        {"country": ["AA", "BB", "CC"], "year": [2017] * 3,
         "population": [30_000_000, 6_000_000, 4_000_000]}
    )  # fmt: skip
    table = sizes.size_table_on(MEMBERSHIP.iloc[:3], population, 2017, 1.0, "below_mean")
    assert table["size_class"].to_dict() == {"AA": "large", "BB": "small", "CC": "small"}


def test_population_table_rejects_unknown_source():
    frame = pd.DataFrame({"country": ["AA"], "year": [2017], "population": [1]})
    assert sizes.population_table(frame, frame.iloc[:0], "eurostat").equals(frame)
    with pytest.raises(ValueError, match="population_source 'un'"):
        sizes.population_table(frame, frame, "un")


def test_class_share_and_missing_values():
    table = size_table({"AA": 20_000_000, "BB": 5_000_000, "CC": 1_000_000})
    gdp = pd.Series({"AA": 60.0, "BB": 30.0, "CC": 10.0}, name="gdp")
    assert sizes.class_share(gdp, table) == pytest.approx(0.4)
    assert sizes.class_share(gdp, table, "large") == pytest.approx(0.6)
    with pytest.raises(ValueError, match="no value for CC"):
        sizes.class_share(gdp.drop("CC"), table)


# --- voting power and dominance ----------------------------------------------------------------


def test_power_under_unanimity_is_equal_and_summary_shares():
    table = size_table({"AA": 50_000_000, "BB": 20_000_000, "CC": 5_000_000, "DD": 1_000_000})
    powers = inst.power_table(table, "unanimity")
    assert powers["banzhaf_normalized"].tolist() == pytest.approx([0.25] * 4)
    assert powers["population_share"].sum() == pytest.approx(1)
    summary = inst.power_summary({"unanimity": powers}, pd.Series(table["population"] * 2.0))
    row = summary.loc["unanimity"]
    assert row["small_banzhaf_share"] == pytest.approx(0.5)
    assert row["small_population_share"] == pytest.approx(6 / 76)
    assert row["small_gdp_share"] == pytest.approx(6 / 76)


def test_nice_votes_names_missing_member():
    weights = pd.DataFrame({"country": ["AA", "BB"], "votes": [29, 3]})
    assert inst.nice_votes(weights, ["BB", "AA"]) == {"BB": 3, "AA": 29}
    with pytest.raises(ValueError, match="no Nice weight for CC"):
        inst.nice_votes(weights, ["AA", "CC"])


def brute_force_min_block(game) -> int:
    members = range(game.n)
    for c in range(1, game.n + 1):
        for blockers in itertools.combinations(members, c):
            if not game.wins([i for i in members if i not in blockers]):
                return c
    raise AssertionError("no blocking coalition")


def test_min_blocking_size_matches_brute_force_on_random_vote_games():
    rng = random.Random(7)
    for _ in range(40):
        n = rng.randint(3, 9)
        pops = [rng.randint(1, 1000) for _ in range(n)]
        votes = [rng.randint(1, 30) for _ in range(n)]
        quota = rng.randint(sum(votes) // 2 + 1, sum(votes))
        game = nice_game(pops, votes, quota)
        assert inst.min_blocking_size(game) == brute_force_min_block(game)


def test_lisbon_equal_populations_blocking_and_passing():
    # 28 equal members: blocking by population needs > 35% (10 states), by count 13 states.
    game = rule_game({f"M{i:02d}": 1000 for i in range(28)}, "lisbon")
    assert inst.min_blocking_size(game) == 10
    assert inst.largest_needed_to_pass(game) == 19  # 65% of population = 18.2 -> 19 members
    assert not inst.largest_can_pass(game, 4)
    assert not inst.largest_can_block(game, 4)


def test_largest_can_block_by_population_but_not_pass():
    pops = {f"M{i:02d}": 1 for i in range(24)} | {"BIG1": 20, "BIG2": 20}
    game = rule_game(pops, "lisbon")
    # The two big ones hold 40/64 = 62.5% of the population: they can block with 2 more
    # states (blocking minority needs four) but cannot pass anything alone.
    assert not inst.largest_can_block(game, 2)
    assert inst.largest_can_block(game, 4)
    assert not inst.largest_can_pass(game, 2)
    assert inst.min_blocking_size(game) == 4


def test_dominance_table_and_metrics_names():
    table = size_table({f"M{i:02d}": 1_000_000 * (i + 1) for i in range(28)})
    dominance = inst.dominance_table(table, ["unanimity", "lisbon"])
    assert dominance.loc["unanimity", "min_states_to_block"] == 1
    assert dominance.loc["unanimity", "largest_needed_to_pass"] == 28
    assert bool(dominance.loc["unanimity", "largest_1_can_block"])
    metrics = inst.dominance_metrics(dominance, "eu28")
    assert metrics["min_states_to_block_unanimity_eu28"] == 1
    assert metrics["big4_can_pass_alone_lisbon_eu28"] is False
    assert set(metrics) >= {
        "big4_can_block_lisbon_eu28",
        "largest_states_needed_to_pass_lisbon_eu28",
    }


# --- representation ----------------------------------------------------------------------------

SEATS = pd.DataFrame(
    {
        "country": ["AA", "BB", "AA", "BB", "AA"],
        "term": [2009, 2009, 2014, 2014, 2020],
        "seats": [90, 6, 96, 6, 96],
    }
)


def test_ep_seats_in_force_takes_latest_term_started():
    assert inst.ep_seats_in_force(SEATS, 2019).to_dict() == {"AA": 96, "BB": 6}
    assert inst.ep_seats_in_force(SEATS, 2013).to_dict() == {"AA": 90, "BB": 6}
    with pytest.raises(ValueError, match="no EP term starts in or before 2000"):
        inst.ep_seats_in_force(SEATS, 2000)


def test_seats_per_million_and_ratio():
    seats = pd.Series({"AA": 96, "BB": 6})
    per_million = inst.seats_per_million(seats, pd.Series({"AA": 80_000_000, "BB": 500_000}))
    assert per_million["AA"] == pytest.approx(1.2)
    assert per_million["BB"] == pytest.approx(12.0)
    assert inst.representation_ratio(per_million, "BB", "AA") == pytest.approx(10.0)
    with pytest.raises(ValueError, match="no population for BB"):
        inst.seats_per_million(seats, pd.Series({"AA": 1}))


def test_ep_degressivity_joins_population_of_term_year():
    population = pd.DataFrame(
        {"country": ["AA", "BB"], "year": [2014, 2014], "population": [80_000_000, 500_000]}
    )
    table = inst.ep_degressivity(SEATS, population, [2014])
    assert table.set_index("country")["seats_per_million"].round(3).to_dict() == {
        "AA": 1.2,
        "BB": 12.0,
    }


COLLEGE = pd.DataFrame(
    {
        "college": ["X"],
        "start_date": ["2014-11-01"],
        "end_date": ["2019-11-30"],
        "members": [3],
        "one_per_member_state": [True],
    }
)


def test_commissioner_share_requires_one_per_state():
    table = size_table({"AA": 50_000_000, "BB": 2_000_000, "CC": 1_000_000})
    assert inst.commissioner_share(COLLEGE, "2017-11-30", table) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="0 Colleges in office on 2020-01-01"):
        inst.commissioner_share(COLLEGE, "2020-01-01", table)
    with pytest.raises(ValueError, match="not one for each of the 2 member states"):
        inst.commissioner_share(COLLEGE, "2017-11-30", table.iloc[:2])


def test_presidency_on_and_small_share():
    presidencies = pd.DataFrame(
        {
            "start": ["2017-01-01", "2017-07-01"],
            "end": ["2017-06-30", "2017-12-31"],
            "country": ["BB", "AA"],
        }
    )
    assert inst.presidency_on(presidencies, "2017-11-30") == "AA"
    assert inst.presidency_on(presidencies, "2017-06-30") == "BB"
    assert inst.presidency_on(presidencies, "2018-01-01") is None
    table = size_table({"AA": 50_000_000, "BB": 2_000_000})
    assert inst.presidency_small_share(presidencies, table, "2017-01-01", "2017-12-31") == 0.5


def test_presidents_by_size_uses_first_year_and_skips_acting():
    presidents = pd.DataFrame(
        {
            "president": ["P1", "P2", "P3"],
            "country": ["AA", "BB", "AA"],
            "term_start": ["1958-01-01", "1973-07", "1999-03"],
            "acting": [False, False, True],
        }
    )
    population = pd.DataFrame(
        {
            "country": ["AA", "BB", "AA", "BB", "CC"],
            "year": [1960, 1960, 1973, 1973, 1973],
            "population": [50_000_000, 8_000_000, 55_000_000, 9_000_000, 1_000_000],
        }
    )
    table = inst.presidents_by_size(presidents, population, MEMBERSHIP, 10)
    assert table["president"].tolist() == ["P1", "P2"]
    assert table["population_year"].tolist() == [1960, 1973]
    assert table["size_class"].tolist() == ["large", "small"]
    relative = inst.presidents_by_size(presidents, population, MEMBERSHIP, 10, "below_mean")
    # members on 1973-07-01: AA, BB, CC -> mean 65/3 million; BB is below it
    assert relative["threshold_millions"].iloc[1] == pytest.approx(65 / 3)
    assert relative["size_class"].tolist() == ["large", "small"]


# --- Council votes -----------------------------------------------------------------------------

VOTES = pd.DataFrame(
    {
        "vote_procedure_id": [1, 2, 3],
        "decision_date": ["2012-01-10", "2015-05-05", "2021-03-03"],
        "voting_rule": ["qualified majority", "qualified majority", "unanimity"],
        "procedure": ["COD", None, "CNS"],
        "AA": ["N", "N", "Y"],
        "BB": ["Y", "N", "A"],
        "CC": ["A", "Y", "Y"],  # CC left in 2020: its 2021 record must be dropped
        "DD": ["Y", "X", None],
        "EE": ["Y", "Y", "Y"],  # EE joined in 2013: its 2012 record must be dropped
    }
)


def test_member_positions_keeps_members_and_recorded_cells():
    positions = inst.member_positions(VOTES, MEMBERSHIP)
    assert len(positions) == 4 + 5 + 3
    assert not ((positions["country"] == "EE") & (positions["vote_procedure_id"] == 1)).any()
    assert not ((positions["country"] == "CC") & (positions["vote_procedure_id"] == 3)).any()
    assert set(positions["position"]) == {"in_favor", "against", "abstained", "not_participating"}


def test_rates_support_and_outvoted():
    table = size_table(
        {"AA": 50_000_000, "BB": 40_000_000, "CC": 2_000_000, "DD": 1_000_000, "EE": 500_000}
    )
    positions = inst.member_positions(VOTES, MEMBERSHIP)
    rates = inst.position_rates(positions, table)
    assert rates.loc["AA", "against_pct"] == pytest.approx(200 / 3)
    assert rates.loc["DD", "votes_cast"] == 1
    classes = inst.class_position_rates(positions, table, inst.COMMISSION_PROCEDURES)
    # Commission procedures: vote 1 (COD) and vote 3 (CNS). Large: AA N, Y; BB Y, A.
    assert classes.loc["large", "in_favor_pct"] == pytest.approx(50.0)
    assert classes.loc["small", "in_favor_pct"] == pytest.approx(200 / 3)  # CC A, DD Y, EE Y
    outvoted = inst.outvoted_summary(positions, table, ["AA", "BB"])
    assert outvoted == {
        "qmv_votes_count": 2,
        "large_state_outvoted_votes_count": 2,
        "max_large_states_against_in_one_vote": 2,
        "big4_two_or_more_against_votes_count": 1,
    }


def test_procedure_code_variants():
    assert procedure_code("2014/0167 (COD)") == "COD"
    assert procedure_code("2016/0357B COD") == "COD"
    assert procedure_code("2021/0215  (COD)") == "COD"
    assert procedure_code("2018/0225(CNS)") == "CNS"
    assert procedure_code("") is None


# --- tables ------------------------------------------------------------------------------------


def test_size_definitions_table_and_count_metrics():
    population = pd.DataFrame(
        {"country": ["AA", "BB", "CC"], "year": [2017] * 3,
         "population": [30_000_000, 12_000_000, 3_000_000]}
    )  # fmt: skip
    gdp = pd.Series({"AA": 70.0, "BB": 20.0, "CC": 10.0})
    table = inst.size_definitions_table(MEMBERSHIP.iloc[:3], population, gdp, 2017)
    assert table["small_count"].to_dict() == {"5m": 1, "10m": 1, "15m": 2, "below_mean": 2}
    assert table.loc["15m", "small_gdp_share"] == pytest.approx(0.3)
    assert table.loc["below_mean", "threshold_millions"] == pytest.approx(15.0)
    metrics = inst.definition_count_metrics(table, "eu28_2017")
    assert metrics["small_states_count_eu28_2017_below_5m"] == 1
    assert metrics["small_states_count_eu28_2017_below_mean"] == 2


def test_resources_table_ratios():
    table = inst.resources_table({"seats": 0.3}, 0.1)
    assert table.loc["seats", "ratio_to_gdp_share"] == pytest.approx(3.0)
    assert table.loc["GDP (economic potential)", "ratio_to_gdp_share"] == pytest.approx(1.0)
