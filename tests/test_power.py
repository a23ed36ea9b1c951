"""Tests of euclaims.power against independent brute force and a-priori power properties.

The reference implementations here work from the rule texts directly (member counts,
percentages of population, vote quotas) and never use the module's quota tables.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from euclaims import power
from euclaims.power import (
    Game,
    Quota,
    game_indices_exact,
    nice_game,
    power_indices,
    power_indices_exact,
    rule_game,
    swing_counts,
    swing_counts_enumeration,
)

WinTest = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
"""Vectorised rule: (member count, population, votes) of coalitions -> wins."""


# --------------------------------------------------------------------------- fixtures


def eu_like_populations(n: int, seed: int) -> dict[str, int]:
    """Seeded synthetic populations of EU-like magnitudes (0.4 to 84 million, log-uniform)."""
    rng = np.random.default_rng(seed)
    draws = np.exp(rng.uniform(np.log(4.0e5), np.log(8.4e7), n))
    return {f"M{i:02d}": int(x) for i, x in enumerate(np.round(draws))}


def nice_like_votes(populations: dict[str, int], total: int) -> dict[str, int]:
    """Degressive synthetic votes (about population ** 0.4, at least 3) summing to ``total``."""
    raw = np.array(list(populations.values()), float) ** 0.4
    votes = np.maximum(3, np.round(raw * total / raw.sum())).astype(int)
    votes[np.argmax(raw)] += total - votes.sum()
    return dict(zip(populations, (int(v) for v in votes), strict=True))


def rule_text_win(rule: str, n: int, total_pop: int, vote_quota: int = 0) -> WinTest:
    """The winning condition of ``rule`` written out from its definition."""

    def win(c: np.ndarray, p: np.ndarray, v: np.ndarray) -> np.ndarray:
        if rule == "unanimity":
            return c == n
        if rule == "lisbon":
            return ((100 * c >= 55 * n) & (c >= 15) & (100 * p >= 65 * total_pop)) | (c >= n - 3)
        if rule == "lisbon_72":
            return (100 * c >= 72 * n) & (100 * p >= 65 * total_pop)
        if rule == "nice":
            return (2 * c > n) & (v >= vote_quota) & (100 * p >= 62 * total_pop)
        raise AssertionError(rule)

    return win


# --------------------------------------------------------------------------- references


def coalition_sums(pops: list[int], votes: list[int]) -> tuple[np.ndarray, ...]:
    """(count, population, votes) of every coalition, coalition index = bitmask."""
    masks = np.arange(2 ** len(pops), dtype=np.int64)
    count = np.zeros(len(masks), np.int64)
    pop = np.zeros(len(masks), np.int64)
    vote = np.zeros(len(masks), np.int64)
    for j, (p, v) in enumerate(zip(pops, votes, strict=True)):
        member = (masks >> j) & 1
        count += member
        pop += member * p
        vote += member * v
    return count, pop, vote


def brute_force_swings(pops: list[int], votes: list[int], win: WinTest) -> list[list[int]]:
    """Swings by size from the winning status of all 2**n coalitions (small n only)."""
    n = len(pops)
    count, pop, vote = coalition_sums(pops, votes)
    wins = win(count, pop, vote)
    masks = np.arange(2**n, dtype=np.int64)
    result = []
    for i in range(n):
        without = masks[((masks >> i) & 1) == 0]
        swing = ~wins[without] & wins[without | (1 << i)]
        result.append([int(x) for x in np.bincount(count[without][swing], minlength=n)])
    return result


def brute_force_indices(swings: list[list[int]]) -> dict[str, list[Fraction]]:
    """Indices straight from the definitions, given swings by coalition size."""
    n = len(swings)
    totals = [sum(row) for row in swings]
    shapley = [
        sum(
            (
                Fraction(c * math.factorial(k) * math.factorial(n - k - 1), math.factorial(n))
                for k, c in enumerate(row)
            ),
            Fraction(0),
        )
        for row in swings
    ]
    return {
        "banzhaf_normalized": [Fraction(t, sum(totals)) for t in totals],
        "banzhaf_absolute": [Fraction(t, 2 ** (n - 1)) for t in totals],
        "shapley_shubik": shapley,
    }


def shapley_by_permutations(pops: list[int], votes: list[int], win: WinTest) -> list[Fraction]:
    """Shapley–Shubik as the share of orderings in which each member is pivotal."""
    n = len(pops)
    count, pop, vote = coalition_sums(pops, votes)
    wins = win(count, pop, vote)
    pivots = [0] * n
    for order in itertools.permutations(range(n)):
        mask = 0
        for member in order:
            mask |= 1 << member
            if wins[mask]:
                pivots[member] += 1
                break
    return [Fraction(p, math.factorial(n)) for p in pivots]


def enumerated_member_swings(
    pops: list[int], votes: list[int], i: int, win: WinTest, rows: int = 16
) -> list[int]:
    """Swings of member i over all 2**(n-1) coalitions of the others, in chunks."""
    n = len(pops)
    others = [j for j in range(n) if j != i]
    low, high = others[:14], others[14:]
    lc, lp, lv = coalition_sums([pops[j] for j in low], [votes[j] for j in low])
    hc, hp, hv = coalition_sums([pops[j] for j in high], [votes[j] for j in high])
    # Member counts as int16 and votes as int32 (the rule texts compute 100 * c and compare
    # votes): less memory to stream through, the same values.
    assert 100 * (n + 1) < 2**15 and sum(votes) < 2**31
    lc, hc = lc.astype(np.int16), hc.astype(np.int16)
    lv, hv = lv.astype(np.int32), hv.astype(np.int32)
    counts = np.zeros(n, np.int64)
    for start in range(0, len(hc), rows):
        part = slice(start, start + rows)
        c = (hc[part, None] + lc[None, :]).ravel()
        p = (hp[part, None] + lp[None, :]).ravel()
        v = (hv[part, None] + lv[None, :]).ravel()
        swing = win(c + 1, p + pops[i], v + votes[i]) & ~win(c, p, v)
        counts += np.bincount(c[swing], minlength=n)
    return [int(x) for x in counts]


# --------------------------------------------------------------------------- brute force


def random_small_case(seed: int, rule: str) -> tuple[list[int], list[int], int]:
    """Random populations, Nice-like votes and vote quota for a game of at most 12."""
    rng = np.random.default_rng(seed)
    low = 4 if rule == "lisbon" else 1
    n = int(rng.integers(low, 13))
    pops = [int(x) for x in rng.integers(1, 10**6, n)]
    if seed % 3 == 0:  # ties exercise equal sums at the thresholds
        pops = [int(x) for x in rng.integers(1, 4, n)]
    votes = [int(x) for x in rng.integers(0, 30, n)]
    quota = int(rng.integers(1, sum(votes) + 1)) if sum(votes) else 0
    return pops, votes, quota


def game_for(rule: str, pops: list[int], votes: list[int], quota: int) -> Game:
    """The module's game for a rule, with an explicit Nice quota for small n."""
    if rule == "nice":
        return nice_game(pops, votes, quota)
    return rule_game({f"M{i}": p for i, p in enumerate(pops)}, rule)


@pytest.mark.parametrize("rule", ["unanimity", "nice", "lisbon", "lisbon_72"])
@pytest.mark.parametrize("seed", range(25))
def test_matches_brute_force_on_small_random_games(rule: str, seed: int) -> None:
    pops, votes, quota = random_small_case(seed, rule)
    win = rule_text_win(rule, len(pops), sum(pops), quota)
    expected = brute_force_swings(pops, votes, win)
    if rule == "nice" and not win(*[np.array([x]) for x in (len(pops), sum(pops), sum(votes))]):
        pytest.skip("random quota makes the grand coalition lose")
    game = game_for(rule, pops, votes, quota)
    assert swing_counts(game) == expected
    assert game_indices_exact(game) == brute_force_indices(expected)


@pytest.mark.parametrize("n", [19, 20])
def test_lisbon_population_clause_matches_brute_force(n: int) -> None:
    """n = 19, 20 are the smallest sizes where '15 members and 65 %' is not implied."""
    pops = list(eu_like_populations(n, seed=n).values())
    win = rule_text_win("lisbon", n, sum(pops))
    game = rule_game({f"M{i}": p for i, p in enumerate(pops)}, "lisbon")
    assert swing_counts(game) == brute_force_swings(pops, [0] * n, win)


@pytest.mark.parametrize("seed", range(6))
def test_shapley_matches_permutation_definition(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(2, 7))
    pops = [int(x) for x in rng.integers(1, 100, n)]
    votes = [int(x) for x in rng.integers(1, 10, n)]
    quota = sum(votes) // 2 + 1
    win = rule_text_win("nice", n, sum(pops), quota)
    exact = game_indices_exact(nice_game(pops, votes, quota))
    assert exact["shapley_shubik"] == shapley_by_permutations(pops, votes, win)


@pytest.mark.parametrize("seed", range(20))
def test_generic_count_threshold_games_match_brute_force(seed: int) -> None:
    """Random non-increasing (votes, population) quotas per size, incl. impossible sizes."""
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(2, 11))
    pops = [int(x) for x in rng.integers(1, 50, n)]
    votes = [int(x) for x in rng.integers(0, 8, n)]
    first = int(rng.integers(1, n + 1))
    vq = np.sort(rng.integers(-3, sum(votes) + 1, n + 1))[::-1]
    pq = np.sort(rng.integers(-5, sum(pops) + 1, n + 1))[::-1]
    quotas = [None if c < first else Quota(int(vq[c]), int(pq[c])) for c in range(n + 1)]
    try:
        game = Game(tuple(pops), tuple(votes), tuple(quotas))
    except ValueError:
        pytest.skip("random quotas give a degenerate game")

    def win(c: np.ndarray, p: np.ndarray, v: np.ndarray) -> np.ndarray:
        vq_c = np.array([q.votes if q else 0 for q in quotas])[c]
        pq_c = np.array([q.population if q else 0 for q in quotas])[c]
        possible = np.array([q is not None for q in quotas])[c]
        return possible & (v >= vq_c) & (p >= pq_c)

    expected = brute_force_swings(pops, votes, win)
    assert swing_counts(game) == expected
    assert swing_counts_enumeration(game) == expected


# --------------------------------------------------------------------------- n = 27, 28


@pytest.mark.parametrize(
    ("rule", "n", "members"),
    [
        ("lisbon", 27, [0, 13, 26]),
        ("lisbon", 28, [0, 27]),
        ("lisbon_72", 28, [14]),
        ("nice", 27, [26]),
        ("nice", 28, [3]),
    ],
)
def test_eu_sizes_match_independent_enumeration(rule: str, n: int, members: list[int]) -> None:
    """Members are taken from both block pairings (first half and last half)."""
    populations = eu_like_populations(n, seed=n)
    total_votes, vote_quota = {27: (345, 255), 28: (352, 260)}[n]
    votes = nice_like_votes(populations, total_votes)
    pops, vote_list = list(populations.values()), list(votes.values())
    win = rule_text_win(rule, n, sum(pops), vote_quota)
    swings = swing_counts(rule_game(populations, rule, votes))
    for i in members:
        assert swings[i] == enumerated_member_swings(pops, vote_list, i, win), i
    exact = power_indices_exact(populations, rule, votes)
    expected = brute_force_indices(swings)
    for column, values in expected.items():
        assert list(exact[column].values()) == values


def test_eu27_lisbon_matches_module_enumeration_for_all_members() -> None:
    populations = eu_like_populations(27, seed=7)
    game = rule_game(populations, "lisbon")
    assert swing_counts(game) == swing_counts_enumeration(game)


def test_large_counts_do_not_overflow() -> None:
    """n = 34: comb(34, 17) > 2**31 coalitions of one size reach the quota."""
    n = 34
    game = Game((1,) * n, (0,) * n, (None, *[Quota(0, 2)] * n))
    swings = swing_counts(game)
    assert swings == [[0, n - 1] + [0] * (n - 2)] * n
    assert game_indices_exact(game)["shapley_shubik"] == [Fraction(1, n)] * n


# --------------------------------------------------------------------------- properties


@pytest.mark.parametrize(
    ("rule", "n"), [("lisbon", 27), ("lisbon", 28), ("lisbon_72", 27), ("nice", 28)]
)
def test_indices_sum_to_one_exactly(rule: str, n: int) -> None:
    populations = eu_like_populations(n, seed=3 * n)
    votes = nice_like_votes(populations, 352 if n == 28 else 345)
    exact = power_indices_exact(populations, rule, votes)
    assert sum(exact["shapley_shubik"].values()) == 1
    assert sum(exact["banzhaf_normalized"].values()) == 1
    assert all(x > 0 for x in exact["banzhaf_absolute"].values())


@pytest.mark.parametrize("n", [1, 2, 5, 27, 28])
def test_unanimity_gives_equal_power(n: int) -> None:
    exact = power_indices_exact(eu_like_populations(n, seed=n), "unanimity")
    assert set(exact["shapley_shubik"].values()) == {Fraction(1, n)}
    assert set(exact["banzhaf_absolute"].values()) == {Fraction(1, 2 ** (n - 1))}
    assert set(exact["banzhaf_normalized"].values()) == {Fraction(1, n)}


@pytest.mark.parametrize("rule", ["lisbon", "lisbon_72", "nice"])
def test_symmetric_members_get_equal_power(rule: str) -> None:
    populations = eu_like_populations(27, seed=11)
    populations["M03"] = populations["M20"]  # M03 is in the first half, M20 in the last
    votes = nice_like_votes(populations, 345)
    votes["M03"], votes["M20"] = 10, 10
    votes["M00"] += 345 - sum(votes.values())
    exact = power_indices_exact(populations, rule, votes)
    for column in power.INDEX_COLUMNS:
        assert exact[column]["M03"] == exact[column]["M20"]


def test_dummy_member_gets_zero_power() -> None:
    # Weighted majority [6; 3, 3, 3, 1]: the weight-1 member never turns a loss into a win.
    game = Game((5, 5, 5, 5), (3, 3, 3, 1), (Quota(6, 0),) * 5)
    exact = game_indices_exact(game)
    for column in power.INDEX_COLUMNS:
        assert exact[column][3] == 0
    assert exact["shapley_shubik"][:3] == [Fraction(1, 3)] * 3


def test_population_dummy_under_blocking_rule() -> None:
    # lisbon with n = 10: only member counts matter (c >= 7), so power is equal.
    exact = power_indices_exact(eu_like_populations(10, seed=5), "lisbon")
    assert set(exact["shapley_shubik"].values()) == {Fraction(1, 10)}


def test_bigger_population_never_has_less_power() -> None:
    populations = eu_like_populations(27, seed=21)
    frame = power_indices(populations, "lisbon")
    ordered = frame.loc[sorted(populations, key=populations.__getitem__)]
    assert ordered["shapley_shubik"].is_monotonic_increasing
    assert ordered["banzhaf_absolute"].is_monotonic_increasing


# --------------------------------------------------------------------------- DataFrame


def test_dataframe_is_float_view_of_exact_values() -> None:
    populations = dict(reversed(list(eu_like_populations(27, seed=2).items())))
    frame = power_indices(populations, "lisbon")
    exact = power_indices_exact(populations, "lisbon")
    assert list(frame.index) == list(populations)
    assert list(frame.columns) == ["banzhaf_normalized", "banzhaf_absolute", "shapley_shubik"]
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    expected = pd.DataFrame(
        {col: [float(x) for x in exact[col].values()] for col in exact}, index=frame.index
    )
    pd.testing.assert_frame_equal(frame, expected, check_exact=True, check_names=False)


def test_votes_are_ignored_outside_nice() -> None:
    populations = eu_like_populations(27, seed=4)
    votes = {code: 1 for code in populations}
    pd.testing.assert_frame_equal(
        power_indices(populations, "lisbon", votes), power_indices(populations, "lisbon")
    )


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("populations", "rule", "votes", "message"),
    [
        ({}, "lisbon", None, "populations must not be empty"),
        ({"AA": 5, "BB": 0}, "lisbon", None, "'BB'"),
        ({"AA": 5, "BB": -3}, "unanimity", None, "'BB' must be positive"),
        ({"AA": 5, "BB": 2.5}, "unanimity", None, "'BB' must be an integer"),
        ({"AA": 5, "BB": True}, "unanimity", None, "'BB' must be an integer"),
        ({"AA": 5, "BB": 6}, "qmv", None, "unknown rule 'qmv'"),
        ({"AA": 5, "BB": 6}, "nice", None, "'votes'"),
        ({"AA": 5, "BB": 6}, "nice", {"AA": 1}, "missing votes for ['BB']"),
        ({"AA": 5, "BB": 6}, "lisbon", {"AA": 1, "BB": 1, "CC": 2}, "unknown members ['CC']"),
        ({"AA": 5, "BB": 6}, "nice", {"AA": 1, "BB": -1}, "votes of member 'BB'"),
        ({"AA": 5, "BB": 6}, "nice", {"AA": 1, "BB": 1}, "n=2"),
        ({"AA": 5, "BB": 6, "CC": 7}, "lisbon", None, "empty coalition wins"),
    ],
)
def test_invalid_input_is_named(populations, rule, votes, message) -> None:
    with pytest.raises(ValueError) as info:
        power_indices(populations, rule, votes)
    assert message in str(info.value)


@pytest.mark.parametrize(("n", "bad_total"), [(27, 344), (28, 353)])
def test_nice_vote_total_mismatch_is_named(n: int, bad_total: int) -> None:
    populations = eu_like_populations(n, seed=1)
    votes = nice_like_votes(populations, bad_total)
    with pytest.raises(ValueError, match=rf"votes sum to {bad_total}.*{352 if n == 28 else 345}"):
        power_indices(populations, "nice", votes)


def test_game_rejects_rising_quotas() -> None:
    with pytest.raises(ValueError, match="must not rise"):
        Game((1, 1), (0, 0), (None, Quota(0, 1), Quota(0, 2)))


def test_game_rejects_non_integer_weights() -> None:
    with pytest.raises(ValueError, match="must be integers"):
        Game((1.5, 1), (0, 0), (None, None, Quota(0, 1)))


def test_game_rejects_losing_grand_coalition() -> None:
    with pytest.raises(ValueError, match="all members loses"):
        nice_game([1, 1, 1], [1, 1, 1], vote_quota=4)
