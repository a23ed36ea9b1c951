"""Small states in institutions: voting-power inputs, dominance, representation, Council votes,
and the notebook's contract (evaluate on the real data, every verdict of its claims' rules).

The unit tests use small synthetic tables; the contract tests load data/raw.
"""

from __future__ import annotations

import itertools
import math
import random
import statistics
import time
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from euclaims import institutions as inst
from euclaims import sizes
from euclaims.claims import evaluate_claim, load_ledger
from euclaims.multiverse import claim_specifications, notebook_specifications, spec_id
from euclaims.params import load_params_file
from euclaims.power import nice_game, rule_game
from euclaims.results import plain_value

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
        # CC left in 2020: its 2021 record must be dropped; EE joined in 2013: its 2012 record
        # must be dropped; DD has no record on vote 3.
        "in_favor": ["BB;DD;EE", "CC;EE", "AA;CC;EE"],
        "against": ["AA", "AA;BB", None],
        "abstained": ["CC", None, "BB"],
        "not_participating": [None, "DD", None],
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


# --- new step functions on hand-made data ------------------------------------------------------


def test_pooled_rate_difference_by_hand():
    hits_a, cast_a = np.array([1, 0, 2]), np.array([4, 4, 4])  # rate 3/12
    hits_b, cast_b = np.array([0, 1, 0]), np.array([5, 5, 5])  # rate 1/15
    diff, low, high = inst.pooled_rate_difference(hits_a, cast_a, hits_b, cast_b, 0.95)
    assert diff == pytest.approx(100 * (3 / 12 - 1 / 15))
    # linearised residuals per vote: 4/180, -23/180, 19/180; variance n/(n-1) * sum of squares
    se = 100 * math.sqrt(1.5 * (4**2 + 23**2 + 19**2)) / 180
    z = NormalDist().inv_cdf(0.975)
    assert (low, high) == pytest.approx((diff - z * se, diff + z * se))
    swapped = inst.pooled_rate_difference(hits_b, cast_b, hits_a, cast_a, 0.95)
    assert swapped == pytest.approx((-diff, -high, -low))
    narrower = inst.pooled_rate_difference(hits_a, cast_a, hits_b, cast_b, 0.5)
    assert low < narrower[1] < diff < narrower[2] < high
    assert inst.pooled_rate_difference(hits_a, cast_a * 0, hits_b, cast_b) == (None, None, None)
    assert inst.pooled_rate_difference(hits_a[:1], cast_a[:1], hits_b[:1], cast_b[:1])[1:] == (
        None,
        None,
    )


def test_group_counts_and_no_codes():
    codes = np.array([[1, 2, 3, 0], [4, 2, 2, 1]], dtype="int8")
    columns = np.array([True, True, True, False])
    hits, cast = inst.group_counts(codes, columns, inst.no_codes("against"))
    assert hits.tolist() == [1, 2] and cast.tolist() == [3, 2]
    hits, _ = inst.group_counts(codes, columns, inst.no_codes("against_or_abstained"))
    assert hits.tolist() == [2, 2]
    with pytest.raises(ValueError, match="dissent_measure 'silence'"):
        inst.no_codes("silence")


def test_vote_metrics_equal_the_pandas_tables_on_hand_made_votes():
    table = size_table(
        {"AA": 50_000_000, "BB": 40_000_000, "CC": 2_000_000, "DD": 1_000_000, "EE": 500_000}
    )
    positions = inst.member_positions(VOTES, MEMBERSHIP)
    matrix = inst.vote_matrix(positions)
    assert matrix.codes.shape == (3, 5)
    small = tuple(table.index[table["size_class"] == "small"])
    metrics = inst.council_vote_metrics(
        matrix, small, ("AA", "BB"), False, None, inst.COMMISSION_PROCEDURES,
        "against_or_abstained", 0.95,
    )  # fmt: skip
    classes = inst.class_position_rates(positions, table, inst.COMMISSION_PROCEDURES)
    everything = inst.class_position_rates(positions, table)
    for size_class in ("small", "large"):
        assert metrics[f"{size_class}_state_support_rate_council_votes_pct"] == pytest.approx(
            classes.loc[size_class, "in_favor_pct"]
        )
        assert metrics[f"{size_class}_state_against_rate_council_votes_pct"] == pytest.approx(
            everything.loc[size_class, "against_pct"]
        )
    outvoted = inst.outvoted_summary(positions, table, ["AA", "BB"])
    assert {name: metrics[name] for name in outvoted} == outvoted
    # QMV votes 1 and 2: large AA N, BB Y | AA N, BB N -> 3 of 4; small CC A, DD Y, CC Y, EE Y
    assert metrics["large_state_outvoted_rate_pct"] == pytest.approx(75.0)
    assert metrics["small_state_outvoted_rate_pct"] == pytest.approx(100 / 4)
    assert metrics["large_minus_small_outvoted_rate_pct"] == pytest.approx(50.0)
    only_against = inst.council_vote_metrics(
        matrix, small, ("AA", "BB"), True, "2013-01-01", ("COD",), "against", 0.95
    )
    assert only_against["qmv_votes_count"] == 1  # the 2012 vote only
    assert only_against["small_state_outvoted_rate_pct"] == 0.0  # CC abstained: not a 'no'


def test_filtered_positions_drops_gb_and_later_votes():
    positions = pd.DataFrame(
        {"country": ["GB", "DE", "DE"], "decision_date": ["2015-01-01", "2015-01-01", "2019-01-01"]}
    )
    assert len(inst.filtered_positions(positions, True, None)) == 2
    assert len(inst.filtered_positions(positions, False, "2016-01-01")) == 2
    assert len(inst.filtered_positions(positions, True, "2016-01-01")) == 1


def test_blocking_largest_against_smallest():
    pops = {f"M{i:02d}": 1_000_000 for i in range(24)} | {"BIG1": 20_000_000, "BIG2": 20_000_000}
    table = size_table(pops)
    blocking = inst.blocking_table(table, ["unanimity", "lisbon"])
    assert blocking.loc["unanimity"].tolist()[:2] == [1, 1]
    # Lisbon, 26 members: a blocking minority needs four states; the smallest must leave fewer
    # than 15 members (55% of 26), so 12 of them block.
    assert blocking.loc["lisbon", "largest_states_needed_to_block"] == 4
    assert blocking.loc["lisbon", "smallest_states_needed_to_block"] == 12
    assert not blocking.loc["lisbon", "large_states_can_pass_alone"]
    mostly_large = size_table(pops, threshold=0.5)  # every state large
    assert inst.blocking_table(mostly_large, ["lisbon"]).loc[
        "lisbon", "large_states_can_pass_alone"
    ]
    metrics = inst.blocking_metrics(blocking, "eu28")
    assert metrics["smallest_states_needed_to_block_lisbon_eu28"] == 12
    assert metrics["large_states_can_pass_alone_lisbon_eu28"] is False


def test_resource_metrics_take_the_smallest_ratio():
    metrics = inst.resource_metrics(0.35, 0.25, 0.57, 0.14)
    assert metrics["small_states_power_to_gdp_ratio"] == pytest.approx(2.5)
    assert metrics["small_states_min_resource_to_gdp_ratio"] == pytest.approx(0.25 / 0.14)


def test_ratio_tested_follows_the_membership_scope():
    assert inst._ratio_tested(1.33, 1.25, "essay_and_latest") == 1.25
    assert inst._ratio_tested(1.33, 1.25, "essay_only") == 1.33
    assert inst._ratio_tested(1.33, None, "essay_and_latest") is None
    with pytest.raises(ValueError, match="membership_scope 'eu15'"):
        inst._ratio_tested(1.0, 1.0, "eu15")


def test_definition_labels_say_what_small_meant():
    table = size_table({"AA": 60_000_000, "BB": 50_000_000, "CC": 5_000_000, "DD": 1_000_000})
    votes = {"AA": 29, "BB": 27, "CC": 7, "DD": 3}
    assert inst.definition_label("absolute", 10, table, votes, 2017) == (
        "fewer than 10 million inhabitants"
    )
    assert "29.0 million in 2017" in inst.definition_label("below_mean", 10, table, votes, 2017)
    assert "(16.5)" in inst.definition_label("below_mean_votes", 10, table, votes, 2017)
    assert "(AA, BB:" in inst.definition_label("major_powers", 10, table, votes, 2017)


def test_size_definitions_table_with_every_definition():
    population = pd.DataFrame(
        {"country": ["AA", "BB", "CC"], "year": [2017] * 3,
         "population": [30_000_000, 12_000_000, 3_000_000]}
    )  # fmt: skip
    gdp = pd.Series({"AA": 70.0, "BB": 20.0, "CC": 10.0})
    table = inst.size_definitions_table(
        MEMBERSHIP.iloc[:3], population, gdp, 2017, (10.0,),
        ("below_mean", "below_mean_votes", "major_powers"), {"AA": 29, "BB": 12, "CC": 4},
    )  # fmt: skip
    assert table["small_count"].to_dict() == {
        "10m": 1, "below_mean": 2, "below_mean_votes": 2, "major_powers": 2,
    }  # fmt: skip
    assert table.loc["below_mean_votes", "threshold_votes"] == pytest.approx(15.0)
    assert table.loc["major_powers", "threshold_millions"] == pytest.approx(30.0)
    metrics = inst.definition_count_metrics(table, "eu28_2017")
    assert metrics["small_states_count_eu28_2017_not_major_powers"] == 2
    assert metrics["small_states_count_eu28_2017_below_mean_votes"] == 2


def test_presidents_by_size_under_the_major_powers_reading():
    presidents = pd.DataFrame(
        {"president": ["P1"], "country": ["BB"], "term_start": ["1973-07"], "acting": [False]}
    )
    population = pd.DataFrame(
        {"country": ["AA", "BB", "CC"], "year": [1973] * 3,
         "population": [55_000_000, 30_000_000, 1_000_000]}
    )  # fmt: skip
    # gaps 25 and 29 million: the largest is below BB, so AA and BB are the major powers
    table = inst.presidents_by_size(presidents, population, MEMBERSHIP, 10, "major_powers")
    assert table["size_class"].tolist() == ["large"]
    assert table["threshold_millions"].iloc[0] == pytest.approx(30.0)
    votes = {"AA": 29, "BB": 10, "CC": 4}
    by_votes = inst.presidents_by_size(
        presidents, population, MEMBERSHIP, 10, "below_mean_votes", votes
    )
    assert by_votes["size_class"].tolist() == ["small"]  # 10 votes < mean 14.3
    assert by_votes["threshold_millions"].iloc[0] is None


def test_ep_figure_terms():
    assert inst.ep_figure_terms(SEATS, 2017) == [2014, 2020]
    assert inst.ep_figure_terms(SEATS, 2021) == [2020]


# --- evaluate on the real data: the notebook's contract --------------------------------------

STEM = "small_states_institutions"
CLAIM_IDS = (
    "small-states-outnumber-large",
    "large-states-cannot-dominate",
    "small-states-pillar-of-commission",
    "small-states-institutional-resources-exceed-economic",
    "estonia-presides-council",
)
#: Every metric the notebook recorded before evaluate existed (its results.json of main).
METRICS_RECORDED_BEFORE = (
    "big4_can_block_lisbon_72_eu27_latest",
    "big4_can_block_lisbon_72_eu28",
    "big4_can_block_lisbon_eu27_latest",
    "big4_can_block_lisbon_eu28",
    "big4_can_block_nice_eu28",
    "big4_can_block_unanimity_eu27_latest",
    "big4_can_block_unanimity_eu28",
    "big4_can_pass_alone_lisbon_72_eu27_latest",
    "big4_can_pass_alone_lisbon_72_eu28",
    "big4_can_pass_alone_lisbon_eu27_latest",
    "big4_can_pass_alone_lisbon_eu28",
    "big4_can_pass_alone_nice_eu28",
    "big4_can_pass_alone_unanimity_eu27_latest",
    "big4_can_pass_alone_unanimity_eu28",
    "big4_eu28_2017",
    "big4_two_or_more_against_votes_count",
    "commission_presidents_count",
    "commission_presidents_from_small_states_count",
    "council_presidency_at_essay_date_iso2",
    "ep_seats_per_million_ratio_mt_de_2019",
    "estonia_population_millions_2017",
    "eu27_member_count_latest",
    "eu28_member_count_2017",
    "gdp_latest_year",
    "large_state_abstain_rate_council_votes_pct",
    "large_state_against_rate_council_votes_pct",
    "large_state_outvoted_votes_count",
    "large_state_support_rate_council_votes_pct",
    "large_states_count_eu27_latest",
    "large_states_count_eu28_2017",
    "largest_states_needed_to_pass_lisbon_72_eu27_latest",
    "largest_states_needed_to_pass_lisbon_72_eu28",
    "largest_states_needed_to_pass_lisbon_eu27_latest",
    "largest_states_needed_to_pass_lisbon_eu28",
    "largest_states_needed_to_pass_nice_eu28",
    "largest_states_needed_to_pass_unanimity_eu27_latest",
    "largest_states_needed_to_pass_unanimity_eu28",
    "latest_population_year",
    "max_large_states_against_in_one_vote",
    "min_states_to_block_lisbon_72_eu27_latest",
    "min_states_to_block_lisbon_72_eu28",
    "min_states_to_block_lisbon_eu27_latest",
    "min_states_to_block_lisbon_eu28",
    "min_states_to_block_nice_eu28",
    "min_states_to_block_unanimity_eu27_latest",
    "min_states_to_block_unanimity_eu28",
    "qmv_votes_count",
    "small_state_abstain_rate_council_votes_pct",
    "small_state_against_rate_council_votes_pct",
    "small_state_support_rate_council_votes_pct",
    "small_state_threshold_used_millions_eu28_2017",
    "small_states_banzhaf_share_eu27_latest_lisbon",
    "small_states_banzhaf_share_eu27_latest_lisbon_72",
    "small_states_banzhaf_share_eu27_latest_unanimity",
    "small_states_banzhaf_share_eu28_lisbon",
    "small_states_banzhaf_share_eu28_lisbon_72",
    "small_states_banzhaf_share_eu28_nice",
    "small_states_banzhaf_share_eu28_unanimity",
    "small_states_commissioner_share_eu28_2017",
    "small_states_count_eu27_latest",
    "small_states_count_eu27_latest_below_10m",
    "small_states_count_eu27_latest_below_15m",
    "small_states_count_eu27_latest_below_5m",
    "small_states_count_eu27_latest_below_mean",
    "small_states_count_eu28_2017",
    "small_states_count_eu28_2017_below_10m",
    "small_states_count_eu28_2017_below_15m",
    "small_states_count_eu28_2017_below_5m",
    "small_states_count_eu28_2017_below_mean",
    "small_states_ep_seat_share_2014_term",
    "small_states_gdp_share_eu27_latest",
    "small_states_gdp_share_eu28_2017",
    "small_states_population_share_eu28",
    "small_states_population_share_pct_eu27_latest",
    "small_states_population_share_pct_eu28_2017",
    "small_states_presidency_share_2004_2017",
    "small_states_shapley_share_eu27_latest_lisbon",
    "small_states_shapley_share_eu27_latest_lisbon_72",
    "small_states_shapley_share_eu27_latest_unanimity",
    "small_states_shapley_share_eu28_lisbon",
    "small_states_shapley_share_eu28_lisbon_72",
    "small_states_shapley_share_eu28_nice",
    "small_states_shapley_share_eu28_unanimity",
    "small_states_share_eu27_latest",
    "small_states_share_eu28_2017",
    "small_to_large_ratio_eu27_latest",
    "small_to_large_ratio_eu28_2017",
)


@pytest.fixture(scope="module")
def inputs():
    return inst.load_inputs()


@pytest.fixture(scope="module")
def defaults():
    return load_params_file()[STEM].defaults


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


def test_evaluate_returns_every_ledger_metric_for_the_defaults(inputs, defaults, ledger):
    metrics = inst.evaluate(inputs, **defaults)
    wanted = set(METRICS_RECORDED_BEFORE)
    for claim in ledger.values():
        if claim.notebook == STEM and claim.testable:
            wanted |= set(claim.metrics)
    assert sorted(wanted - set(metrics)) == []
    plain = {name: plain_value(name, value) for name, value in metrics.items()}  # no NaN
    assert plain["eu28_member_count_2017"] == 28
    assert plain["small_states_count_eu28_2017"] == 16
    assert plain["small_to_large_ratio_tested"] == pytest.approx(15 / 12)  # EU27 of 2021
    assert plain["council_presidency_at_essay_date_iso2"] == "EE"
    assert plain["major_powers_eu28_2017"] == "DE,ES,FR,GB,IT,PL"
    assert plain["major_powers_population_and_votes_agree"] is True
    assert plain["small_state_definition_label"] == "fewer than 10 million inhabitants"
    assert plain["qmv_votes_count"] == 1326


def test_evaluate_is_pure(inputs, defaults):
    frames = {
        name: value.copy()
        for name, value in vars(inputs).items()
        if isinstance(value, pd.DataFrame)
    }
    codes = inputs.votes.codes.copy()
    first = inst.evaluate(inputs, **defaults)
    other = {**defaults, "size_definition": "major_powers", "without_gb": True,
             "power_index": "shapley_shubik", "vote_period": "until_essay"}  # fmt: skip
    changed = inst.evaluate(inputs, **other)
    second = inst.evaluate(inputs, **defaults)
    assert first == second
    assert changed["small_states_count_eu28_2017"] == 22
    assert changed["small_state_definition_label"].startswith("not one of the major powers")
    assert changed["qmv_votes_count"] < first["qmv_votes_count"]
    first["small_to_large_ratio_tested"] = -1.0  # mutating a result must not touch the cache
    assert inst.evaluate(inputs, **defaults)["small_to_large_ratio_tested"] > 0
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(getattr(inputs, name), frame)
    assert np.array_equal(inputs.votes.codes, codes)


@pytest.mark.parametrize(
    ("name", "value"),
    [("size_definition", "median"), ("population_source", "un"), ("membership_scope", "eu15"),
     ("dissent_measure", "silence"), ("vote_period", "decade"), ("commission_procedures", "all"),
     ("power_index", "penrose"), ("council_rule", "qmv")],
)  # fmt: skip
def test_evaluate_names_a_bad_parameter(inputs, defaults, name, value):
    with pytest.raises(ValueError, match=f"{name} '{value}'"):
        inst.evaluate(inputs, **{**defaults, name: value})


def test_evaluate_refuses_bad_numbers_and_missing_parameters(inputs, defaults):
    with pytest.raises(ValueError, match="confidence_level"):
        inst.evaluate(inputs, **{**defaults, "confidence_level": 1.5})
    with pytest.raises(ValueError, match="far_bigger_ratio"):
        inst.evaluate(inputs, **{**defaults, "far_bigger_ratio": 1.0})
    with pytest.raises(TypeError, match="vote_period"):
        inst.evaluate(inputs, **{k: v for k, v in defaults.items() if k != "vote_period"})


def test_summaries_state_the_definition_actually_used(inputs, defaults, ledger):
    for definition in ("below_mean", "below_mean_votes", "major_powers"):
        parameters = {**defaults, "size_definition": definition}
        metrics = inst.evaluate(inputs, **parameters)
        for claim_id in CLAIM_IDS:
            summary = evaluate_claim(ledger[claim_id], metrics, parameters)["summary"]
            assert "10 million" not in summary, (definition, claim_id)
            assert metrics["small_state_definition_label"] in summary, (definition, claim_id)


def test_the_fast_vote_metrics_equal_the_pandas_tables_on_the_real_votes(inputs, defaults):
    classes = inst.size_classes(inputs, "eurostat", "absolute", 10.0, 2017)
    big = tuple(classes.eu28.index[:4])
    for without_gb, until in ((False, None), (True, defaults["essay_date"])):
        positions = inst.filtered_positions(inputs.positions, without_gb, until)
        fast = inst.council_vote_metrics(
            inputs.votes, classes.small_eu28, big, without_gb, until,
            inst.COMMISSION_PROCEDURES, "against_or_abstained", 0.95,
        )  # fmt: skip
        proposals = inst.class_position_rates(positions, classes.eu28, inst.COMMISSION_PROCEDURES)
        everything = inst.class_position_rates(positions, classes.eu28)
        for size_class in ("small", "large"):
            assert fast[f"{size_class}_state_support_rate_council_votes_pct"] == pytest.approx(
                proposals.loc[size_class, "in_favor_pct"]
            )
            assert fast[f"{size_class}_state_abstain_rate_council_votes_pct"] == pytest.approx(
                everything.loc[size_class, "abstained_pct"]
            )
        outvoted = inst.outvoted_summary(positions, classes.eu28, list(big))
        assert {name: fast[name] for name in outvoted} == outvoted


def test_below_mean_votes_reproduces_panke_19_of_the_eu27(inputs):
    # Panke (2008), UCD Dublin European Institute WP 08-03: "Of the EU-27, 19 countries have
    # fewer votes in the Council of Ministers than the EU average." (EU-27 = the Union of 2010)
    table = sizes.size_table_on(
        inputs.membership, inputs.population("eurostat"), 2010, 10.0, "below_mean_votes",
        inputs.all_nice_votes,
    )  # fmt: skip
    assert len(table) == 27 and int((table["size_class"] == "small").sum()) == 19


def test_compared_thresholds_are_the_values_of_the_threshold_choice():
    values = load_params_file()[STEM].parameters["small_state_threshold_millions"].values
    assert tuple(sorted(values)) == inst.COMPARED_THRESHOLDS


def test_every_specification_of_the_multiverse_evaluates_fast(inputs, ledger):
    spec = load_params_file()[STEM]
    claims = [ledger[claim_id] for claim_id in CLAIM_IDS]
    specifications, total = notebook_specifications(spec, claims)
    assert total == len(specifications) < 400
    counts = {claim.id: len(claim_specifications(spec, claim)) for claim in claims}
    assert min(counts.values()) >= 12 and sum(counts.values()) / len(counts) >= 24
    times, results = [], {}
    for parameters in specifications:
        started = time.process_time()
        results[spec_id(parameters, spec.defaults)] = inst.evaluate(inputs, **parameters)
        times.append(time.process_time() - started)
    assert statistics.median(times) < 0.3
    seen = {}
    for claim in claims:
        seen[claim.id] = {
            evaluate_claim(claim, results[spec_id(p, spec.defaults)], p)["verdict"]
            for p in claim_specifications(spec, claim)
        }
    # the size definition decides "greatly outnumber": every verdict occurs on the real data
    assert seen["small-states-outnumber-large"] == {
        "supported",
        "partly_supported",
        "not_supported",
    }
    assert "not_testable" not in set().union(*seen.values())


# --- every verdict of each rule is reachable ------------------------------------------------


def verdict(ledger, claim_id: str, metrics: dict, parameters: dict) -> str:
    return evaluate_claim(ledger[claim_id], metrics, parameters)["verdict"]


LABEL = {"small_state_definition_label": "fewer than 10 million inhabitants"}


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [(3.67, "supported"), (2.0, "supported"), (1.25, "partly_supported"), (1.0, "not_supported"),
     (0.47, "not_supported")],
)  # fmt: skip
def test_outnumber_every_verdict(ledger, ratio, expected):
    metrics = {
        "small_states_count_eu28_2017": 16, "eu28_member_count_2017": 28,
        "large_states_count_eu28_2017": 12, "small_to_large_ratio_eu28_2017": 1.33,
        "small_to_large_ratio_eu27_latest": 1.25, "small_to_large_ratio_tested": ratio,
        "latest_population_year": 2021, **LABEL,
    }  # fmt: skip
    parameters = {
        "size_definition": "absolute", "small_state_threshold_millions": 10.0,
        "population_source": "eurostat", "membership_scope": "essay_and_latest",
    }  # fmt: skip
    assert verdict(ledger, "small-states-outnumber-large", metrics, parameters) == expected


@pytest.mark.parametrize(
    ("ci_high", "can_pass", "expected"),
    [(1.4, False, "supported"), (0.0, False, "supported"), (0.5, True, "partly_supported"),
     (-0.1, False, "not_supported"), (-0.1, True, "not_supported")],
)  # fmt: skip
def test_dominate_every_verdict(ledger, ci_high, can_pass, expected):
    metrics = {
        "large_minus_small_outvoted_rate_pct": ci_high - 0.3,
        "large_minus_small_outvoted_rate_pct_ci_low": ci_high - 0.6,
        "large_minus_small_outvoted_rate_pct_ci_high": ci_high,
        "large_state_outvoted_rate_pct": 3.0, "small_state_outvoted_rate_pct": 2.5,
        "large_states_can_pass_alone_lisbon_eu28": can_pass,
        "big4_can_pass_alone_lisbon_eu28": False, "big4_can_block_lisbon_eu28": True,
        "largest_states_needed_to_block_lisbon_eu28": 4,
        "smallest_states_needed_to_block_lisbon_eu28": 13, "qmv_votes_count": 1326, **LABEL,
    }  # fmt: skip
    assert verdict(ledger, "large-states-cannot-dominate", metrics, {}) == expected


@pytest.mark.parametrize(
    ("ci_low", "ci_high", "expected"),
    [(0.6, 1.2, "supported"), (0.0, 0.5, "partly_supported"), (-0.1, 0.5, "partly_supported"),
     (-0.6, 0.0, "partly_supported"), (-0.9, -0.1, "not_supported")],
)  # fmt: skip
def test_pillar_every_verdict(ledger, ci_low, ci_high, expected):
    metrics = {
        "small_minus_large_support_rate_pct": (ci_low + ci_high) / 2,
        "small_minus_large_support_rate_pct_ci_low": ci_low,
        "small_minus_large_support_rate_pct_ci_high": ci_high,
        "small_state_support_rate_council_votes_pct": 97.9,
        "large_state_support_rate_council_votes_pct": 97.0,
        "commission_proposal_votes_count": 1301, "small_states_commissioner_share_eu28_2017": 0.57,
        "commission_presidents_from_small_states_count": 4, "commission_presidents_count": 13,
        **LABEL,
    }  # fmt: skip
    assert verdict(ledger, "small-states-pillar-of-commission", metrics, {}) == expected


@pytest.mark.parametrize(
    ("smallest", "bar", "expected"),
    [(2.47, 2.0, "supported"), (2.0, 2.0, "supported"), (1.75, 2.0, "partly_supported"),
     (1.75, 1.5, "supported"), (1.75, 3.0, "partly_supported"), (1.0, 2.0, "not_supported"),
     (0.8, 1.5, "not_supported")],
)  # fmt: skip
def test_resources_every_verdict(ledger, smallest, bar, expected):
    metrics = {
        "small_states_min_resource_to_gdp_ratio": smallest,
        "small_states_power_to_gdp_ratio": 2.47, "small_states_ep_seats_to_gdp_ratio": 1.75,
        "small_states_commissioners_to_gdp_ratio": 4.0, "small_states_power_share_tested": 0.35,
        "small_states_ep_seat_share_2014_term": 0.25,
        "small_states_commissioner_share_eu28_2017": 0.57,
        "small_states_gdp_share_eu28_2017": 0.14, "ep_seats_per_million_ratio_mt_de_2019": 10.5,
        **LABEL,
    }  # fmt: skip
    parameters = {"far_bigger_ratio": bar, "power_index": "banzhaf", "council_rule": "lisbon"}
    claim_id = "small-states-institutional-resources-exceed-economic"
    assert verdict(ledger, claim_id, metrics, parameters) == expected


@pytest.mark.parametrize(
    ("holder", "small", "expected"),
    [("EE", True, "supported"), ("EE", False, "partly_supported"), ("BG", True, "not_supported"),
     ("BG", False, "not_supported")],
)  # fmt: skip
def test_estonia_every_verdict(ledger, holder, small, expected):
    metrics = {
        "council_presidency_at_essay_date_iso2": holder, "estonia_is_small": small,
        "estonia_size_to_cutoff_ratio": 0.13 if small else 1.2,
        "estonia_population_millions_2017": 1.32, **LABEL,
    }  # fmt: skip
    assert verdict(ledger, "estonia-presides-council", metrics, {}) == expected


def test_top_verdicts_and_failures_on_the_real_data(inputs, defaults, ledger):
    """Each rule's top verdict occurs on plausible (real) data, and so does a failure."""
    cases = [
        ("small-states-outnumber-large", {"size_definition": "major_powers"}, "supported"),
        ("small-states-outnumber-large", {"small_state_threshold_millions": 5.0}, "not_supported"),
        ("large-states-cannot-dominate", {}, "supported"),
        ("large-states-cannot-dominate", {"small_state_threshold_millions": 5.0},
         "partly_supported"),
        ("small-states-pillar-of-commission", {}, "supported"),
        ("small-states-pillar-of-commission", {"without_gb": True}, "partly_supported"),
        ("small-states-institutional-resources-exceed-economic", {"far_bigger_ratio": 1.5},
         "supported"),
        ("small-states-institutional-resources-exceed-economic", {}, "partly_supported"),
        ("estonia-presides-council", {}, "supported"),
        ("estonia-presides-council", {"essay_date": "2018-02-01"}, "not_supported"),  # BG
    ]  # fmt: skip
    for claim_id, changes, expected in cases:
        parameters = {**defaults, **changes}
        metrics = inst.evaluate(inputs, **parameters)
        assert verdict(ledger, claim_id, metrics, parameters) == expected, (claim_id, changes)
