"""Exact a-priori voting power (Banzhaf, Shapley–Shubik) under EU Council decision rules.

Every supported rule is a *count-threshold game*: for each coalition size ``c`` either no
coalition of that size wins, or one wins exactly when its vote total and its population total
reach a :class:`Quota`.  Quotas never rise with ``c``, so the game is monotone and the number
of k-coalitions S of the others of ``i`` for which ``i`` swings (S loses, ``S ∪ {i}`` wins) is
``#{S: S ∪ {i} reaches quota[k+1]} - #{S: S reaches quota[k]}``.

Both counts are obtained exactly by meet-in-the-middle, for all members at once:

1. Members are split into a block ``B`` (about ``n/2`` members) and its complement ``C``.
   The ``2**|B|`` subsets of ``B`` are sorted by population and turned into a suffix-count
   table: for a sorted position, a vote level and a size, how many block subsets at or after
   that position have that size and at least that many votes (no vote axis when no quota
   involves votes).
2. For every subset ``s`` of ``C`` one :func:`numpy.searchsorted` finds, per block-subset
   size, how many ``b`` make ``s ∪ b`` reach the quota; these counts are placed at the total
   size ``|s| + |b|`` (only the sizes that quota governs are kept).
3. A bit-marginal pass over the ``2**|C|`` subsets sums them over the subsets containing each
   member ``t`` of ``C`` — giving the ``S ∪ {t}`` counts — and, by difference from the total,
   over those without ``t`` — giving the ``S`` counts.

Members of ``B`` are served the same way by a second, disjoint block (the first ``|B|``
members).  Work and memory grow like ``n * 2**(n/2)`` per distinct quota.  All counting is
integer; indices are :class:`fractions.Fraction` and the floats of :func:`power_indices` are
their correctly rounded values.

Rules (``n`` members, ``P`` total population, ``c`` coalition size, integer tests only):

* ``"unanimity"``: only the coalition of all members wins.
* ``"nice"`` (needs ``votes``): ``2c > n``, ``100·pop >= 62·P`` and ``votes >= 260`` of 352
  (``n == 28``) or ``>= 255`` of 345 (``n == 27``).  Other ``n`` raise :class:`ValueError`;
  build the game with :func:`nice_game` and an explicit ``vote_quota`` instead.
* ``"lisbon"``: ``(100c >= 55n and c >= 15 and 100·pop >= 65·P) or c >= n - 3``.
* ``"lisbon_72"``: ``100c >= 72n and 100·pop >= 65·P`` (Art. 238(2) TFEU).

:func:`swing_counts_enumeration` is a slow reference that tests every coalition.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import pandas as pd

RULES: tuple[str, ...] = ("unanimity", "nice", "lisbon", "lisbon_72")
INDEX_COLUMNS: tuple[str, ...] = ("banzhaf_normalized", "banzhaf_absolute", "shapley_shubik")
NICE_QUOTAS: dict[int, tuple[int, int]] = {28: (260, 352), 27: (255, 345)}
"""Member count -> (vote quota, total votes) of the Nice weighting."""
MAX_MEMBERS = 36
"""Largest game accepted; work and memory grow like ``n * 2**(n/2)`` (<= ~0.25 GB at 36)."""


class Quota(NamedTuple):
    """Minimum vote total and population total for a coalition of a given size to win."""

    votes: int
    population: int


@dataclass(frozen=True)
class Game:
    """A monotone count-threshold game.

    ``quotas[c]`` is the :class:`Quota` a coalition of ``c`` members must reach, or ``None``
    if no coalition of that size wins; ``len(quotas) == n + 1``.
    """

    populations: tuple[int, ...]
    votes: tuple[int, ...]
    quotas: tuple[Quota | None, ...]

    def __post_init__(self) -> None:
        _check_game(self)

    @property
    def n(self) -> int:
        """Number of members."""
        return len(self.populations)

    def wins(self, members: Sequence[int]) -> bool:
        """Whether the coalition of the given member positions wins (reference check)."""
        quota = self.quotas[len(members)]
        if quota is None:
            return False
        votes = sum(self.votes[i] for i in members)
        pop = sum(self.populations[i] for i in members)
        return votes >= quota.votes and pop >= quota.population


def _check_game(game: Game) -> None:
    """Raise ValueError unless ``game`` is a proper monotone count-threshold game."""
    n = game.n
    if n == 0:
        raise ValueError("populations must not be empty")
    if n > MAX_MEMBERS:
        raise ValueError(f"at most {MAX_MEMBERS} members are supported, got {n}")
    if len(game.votes) != n or len(game.quotas) != n + 1:
        raise ValueError("votes must have one entry per member and quotas n + 1 entries")
    numbers = [*game.populations, *game.votes, *(x for q in game.quotas if q for x in q)]
    if not all(isinstance(x, int | np.integer) and not isinstance(x, bool) for x in numbers):
        raise ValueError("populations, votes and quotas must be integers")
    if any(p <= 0 for p in game.populations) or any(v < 0 for v in game.votes):
        raise ValueError("populations must be positive and votes non-negative")
    if sum(game.populations) >= 2**62 or sum(game.votes) >= 2**62:
        raise ValueError("population and vote totals must stay below 2**62 (int64 arithmetic)")
    for c in range(n):
        low, high = game.quotas[c], game.quotas[c + 1]
        if low is not None and (
            high is None or high.votes > low.votes or high.population > low.population
        ):
            raise ValueError(f"quotas must not rise with coalition size (size {c} -> {c + 1})")
    if game.wins(()):
        raise ValueError("the empty coalition wins under this rule; the game is degenerate")
    if not game.wins(range(n)):
        raise ValueError("the coalition of all members loses under this rule")


# --------------------------------------------------------------------------- rules


def _ceil_share(percent: int, total: int) -> int:
    """Smallest integer x with 100 * x >= percent * total."""
    return -(-percent * total // 100)


def _quota_table(n: int, quota_of_size: dict[int, Quota]) -> tuple[Quota | None, ...]:
    """Quota tuple of length n + 1 from a mapping of winning sizes to quotas."""
    return tuple(quota_of_size.get(c) for c in range(n + 1))


def unanimity_game(populations: Sequence[int]) -> Game:
    """Only the coalition of all members wins."""
    n = len(populations)
    return Game(tuple(populations), (0,) * n, _quota_table(n, {n: Quota(0, 0)}))


def lisbon_game(populations: Sequence[int]) -> Game:
    """Lisbon double majority (55 % and 15 members, 65 % population) or n - 3 members."""
    n, total = len(populations), sum(populations)
    pop_quota = Quota(0, _ceil_share(65, total))
    quotas = {c: pop_quota for c in range(n + 1) if 100 * c >= 55 * n and c >= 15}
    quotas.update({c: Quota(0, 0) for c in range(max(n - 3, 0), n + 1)})
    return Game(tuple(populations), (0,) * n, _quota_table(n, quotas))


def lisbon_72_game(populations: Sequence[int]) -> Game:
    """Reinforced majority: 72 % of members and 65 % of population."""
    n, total = len(populations), sum(populations)
    pop_quota = Quota(0, _ceil_share(65, total))
    return Game(
        tuple(populations),
        (0,) * n,
        _quota_table(n, {c: pop_quota for c in range(n + 1) if 100 * c >= 72 * n}),
    )


def nice_game(populations: Sequence[int], votes: Sequence[int], vote_quota: int) -> Game:
    """Nice triple majority with an explicit vote quota (majority of members, 62 % pop)."""
    n, total = len(populations), sum(populations)
    quota = Quota(vote_quota, _ceil_share(62, total))
    return Game(
        tuple(populations),
        tuple(votes),
        _quota_table(n, {c: quota for c in range(n + 1) if 2 * c > n}),
    )


def _nice_quota(n: int, votes: Mapping[str, int]) -> int:
    """Vote quota of the Nice rule for n members, checking the vote total."""
    if n not in NICE_QUOTAS:
        raise ValueError(
            f"rule 'nice' is defined for 27 or 28 members, got n={n}; "
            "use nice_game(populations, votes, vote_quota) for other sizes"
        )
    quota, expected = NICE_QUOTAS[n]
    total = sum(votes.values())
    if total != expected:
        raise ValueError(
            f"votes sum to {total}, but the Nice rule for {n} members "
            f"needs a total of {expected} (sum(votes) mismatch)"
        )
    return quota


# --------------------------------------------------------------------------- validation


def _as_int(value: object, what: str, member: str) -> int:
    """``value`` as an int, or ValueError naming the member."""
    if isinstance(value, bool | float | str):
        raise ValueError(f"{what} of member {member!r} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{what} of member {member!r} must be an integer, got {value!r}") from None


def _validated_populations(populations: Mapping[str, int]) -> dict[str, int]:
    """Populations as positive ints, in the given order."""
    if len(populations) == 0:
        raise ValueError("populations must not be empty")
    out = {code: _as_int(value, "population", code) for code, value in populations.items()}
    for code, value in out.items():
        if value <= 0:
            raise ValueError(f"population of member {code!r} must be positive, got {value}")
    return out


def _validated_votes(votes: Mapping[str, int], codes: Sequence[str]) -> dict[str, int]:
    """Votes as non-negative ints keyed exactly like the populations."""
    known = set(codes)
    missing = [c for c in codes if c not in votes]
    extra = [c for c in votes if c not in known]
    if missing or extra:
        raise ValueError(
            f"votes keys do not match populations keys: "
            f"missing votes for {missing}, votes for unknown members {extra}"
        )
    out = {code: _as_int(votes[code], "votes", code) for code in codes}
    for code, value in out.items():
        if value < 0:
            raise ValueError(f"votes of member {code!r} must be non-negative, got {value}")
    return out


def rule_game(
    populations: Mapping[str, int], rule: str, votes: Mapping[str, int] | None = None
) -> Game:
    """Validate inputs and build the :class:`Game` of a named rule (members in given order)."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    pops = _validated_populations(populations)
    codes = list(pops)
    checked_votes = None if votes is None else _validated_votes(votes, codes)
    n, pop_list = len(codes), list(pops.values())
    if n > MAX_MEMBERS:
        raise ValueError(f"populations: at most {MAX_MEMBERS} members supported, got {n}")
    if rule == "nice":
        if checked_votes is None:
            raise ValueError("rule 'nice' needs the 'votes' mapping (Nice vote weights)")
        quota = _nice_quota(n, checked_votes)
        return nice_game(pop_list, list(checked_votes.values()), quota)
    builder = {"unanimity": unanimity_game, "lisbon": lisbon_game, "lisbon_72": lisbon_72_game}
    try:
        return builder[rule](pop_list)
    except ValueError as err:
        raise ValueError(f"rule {rule!r} with n={n} members: {err}") from None


# --------------------------------------------------------------------------- enumeration


def _subset_sums(pops: Sequence[int], votes: Sequence[int]) -> tuple[np.ndarray, ...]:
    """(size, population, votes) of all subsets; subset index s has bit j iff member j in s."""
    size = np.zeros(1, np.int64)
    pop = np.zeros(1, np.int64)
    vote = np.zeros(1, np.int64)
    for p, v in zip(pops, votes, strict=True):
        size = np.concatenate([size, size + 1])
        pop = np.concatenate([pop, pop + p])
        vote = np.concatenate([vote, vote + v])
    return size, pop, vote


@dataclass(frozen=True)
class _Block:
    """Subsets of a block, sorted by population, with suffix counts.

    ``table[j * width + w, kb]`` = number of subsets at sorted positions ``>= j`` with
    ``kb`` members and vote total ``>= levels[w]``.  With a vote axis, ``w = width - 1``
    stands for "more votes than any subset has" and counts nothing; without, ``width == 1``.
    """

    size: int
    pops: np.ndarray
    levels: np.ndarray
    width: int
    table: np.ndarray


def _block(pops: Sequence[int], votes: Sequence[int] | None) -> _Block:
    """Build the suffix-count table of one block (``votes=None``: no vote axis)."""
    size, pop, vote = _subset_sums(pops, [0] * len(pops) if votes is None else votes)
    order = np.argsort(pop, kind="stable")
    size, pop, vote = size[order], pop[order], vote[order]
    if votes is None:
        levels, level_of, width = np.zeros(1, np.int64), np.zeros(len(pop), np.int64), 1
    else:
        levels, level_of = np.unique(vote, return_inverse=True)
        width = len(levels) + 1
    sizes, positions = len(pops) + 1, len(pop) + 1
    # Built as (level, size, position) so both cumulative sums run over contiguous memory.
    counts = np.zeros((width, sizes, positions), np.int32)
    counts.reshape(-1)[(level_of * sizes + size) * positions + np.arange(1, positions)] = 1
    np.cumsum(counts, axis=2, out=counts)  # subsets at sorted positions < j
    np.subtract(counts[:, :, -1:], counts, out=counts)  # subsets at sorted positions >= j
    for w in range(width - 2, -1, -1):
        counts[w] += counts[w + 1]  # ... with vote total >= levels[w]
    table = np.ascontiguousarray(counts.transpose(2, 0, 1)).reshape(-1, sizes)
    return _Block(len(pops), pop, levels, width, table)


@dataclass(frozen=True)
class _Pairing:
    """A block ``B`` and all subsets of its complement ``C`` (subset index s: bit t = rest[t]).

    Every member of ``C`` finds all its other members in ``(C minus itself) ∪ B``.
    """

    rest: tuple[int, ...]
    block: _Block
    sizes: np.ndarray
    pops: np.ndarray
    votes: np.ndarray


def _pairing(game: Game, block_members: Sequence[int]) -> _Pairing:
    """Enumerate the complement of ``block_members`` and build the block's table."""
    members = set(block_members)
    rest = tuple(j for j in range(game.n) if j not in members)
    uses_votes = any(q is not None and q.votes > 0 for q in game.quotas)
    block = _block(
        [game.populations[j] for j in block_members],
        [game.votes[j] for j in block_members] if uses_votes else None,
    )
    sizes, pops, votes = _subset_sums(
        [game.populations[j] for j in rest], [game.votes[j] for j in rest]
    )
    return _Pairing(rest, block, sizes, pops, votes)


def _bit_marginals(rows: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """``(out, total)``: ``out[t]`` sums ``rows[s]`` over subset indices s with bit t set.

    Overwrites ``rows``, whose dtype must hold the sum of all its entries.
    """
    out = np.empty((bits, rows.shape[1]), np.int64)
    for t in range(bits - 1, -1, -1):
        low, high = rows.reshape(2, -1, rows.shape[1])
        out[t] = high.sum(axis=0, dtype=np.int64)
        rows = np.add(low, high, out=low)  # bit t summed out, in place
    return out, rows.sum(axis=0, dtype=np.int64)


def _reach_by_member(
    pairing: _Pairing, quota: Quota, first: int, last: int
) -> tuple[np.ndarray, np.ndarray]:
    """Coalitions of ``first..last`` members reaching ``quota``, split by member of ``rest``.

    Returns ``(with_member, total)``: ``with_member[t, j - first]`` counts the j-coalitions
    reaching the quota that contain ``rest[t]``; ``total[j - first]`` counts all of them.
    """
    block, c = pairing.block, len(pairing.rest)
    rows = np.searchsorted(block.pops, quota.population - pairing.pops, side="left")
    rows *= block.width
    if quota.votes > 0:
        rows += np.searchsorted(block.levels, quota.votes - pairing.votes, side="left")
    # spread[s, j - first]: subsets b of the block with s ∪ b reaching the quota, |s ∪ b| = j.
    block_size = np.arange(first, last + 1)[None, :] - pairing.sizes[:, None]
    inside = (block_size >= 0) & (block_size <= block.size)
    np.clip(block_size, 0, block.size, out=block_size)
    block_size += rows[:, None] * (block.size + 1)
    spread = block.table.reshape(-1)[block_size]
    spread *= inside
    n = c + block.size
    if math.comb(n, n // 2) >= 2**31:  # a column sums to at most comb(n, j) coalitions
        spread = spread.astype(np.int64)
    return _bit_marginals(spread, c)


def _size_runs(quotas: Sequence[Quota | None]) -> dict[Quota, tuple[int, int]]:
    """First and last coalition size of each quota (equal quotas are contiguous)."""
    runs: dict[Quota, tuple[int, int]] = {}
    for size, quota in enumerate(quotas):
        if quota is not None:
            runs[quota] = (runs.get(quota, (size, size))[0], size)
    return runs


def _pairing_swings(game: Game, pairing: _Pairing) -> dict[int, list[int]]:
    """Swings by coalition size for every member of ``pairing.rest``.

    A k-subset S of the others of i is a swing iff ``S ∪ {i}`` reaches ``quotas[k + 1]``
    (counted in ``joined``) and S does not reach ``quotas[k]`` (``alone`` counts those that
    do; winning S implies winning ``S ∪ {i}``, so the swings are the difference).  A
    coalition of j members containing ``rest[t]`` is ``S ∪ {rest[t]}`` for a (j-1)-subset S.
    """
    n = game.n
    joined = np.zeros((len(pairing.rest), n + 1), np.int64)  # column k + 1 for size k
    alone = np.zeros((len(pairing.rest), n + 1), np.int64)
    for quota, (first, last) in _size_runs(game.quotas).items():
        if quota.votes <= 0 and quota.population <= 0:
            joined[:, first : last + 1] = [
                math.comb(n - 1, j - 1) if j else 0 for j in range(first, last + 1)
            ]
            alone[:, first : last + 1] = [math.comb(n - 1, j) for j in range(first, last + 1)]
        else:
            with_member, total = _reach_by_member(pairing, quota, first, last)
            joined[:, first : last + 1] = with_member
            alone[:, first : last + 1] = total - with_member
    swings = joined[:, 1:] - alone[:, :-1]
    return {i: [int(x) for x in swings[t]] for t, i in enumerate(pairing.rest)}


def _split(game: Game) -> int:
    """Block size b minimising table plus spread entries (both blocks: first and last b)."""
    n = game.n

    def cost(b: int) -> int:
        votes = max(sum(game.votes[:b]), sum(game.votes[n - b :]))
        levels = min(votes + 1, 2**b) + 1
        return 2**b * levels * (b + 1) + 2 ** (n - b) * (n + 1)

    return min(range(n // 2 + 1), key=cost)


def swing_counts(game: Game) -> list[list[int]]:
    """Exact swings: ``result[i][k]`` = #coalitions S of k others with S losing, S+i winning.

    Two disjoint blocks (the last and the first ``b`` members) serve all members: members
    outside the last block pair with it, members of the last block with the first one.
    """
    n = game.n
    b = _split(game)
    swings = _pairing_swings(game, _pairing(game, range(n - b, n)))
    if b > 0:
        inner = _pairing_swings(game, _pairing(game, range(b)))
        swings.update({i: inner[i] for i in range(n - b, n)})
    return [swings[i] for i in range(n)]


def _quota_arrays(game: Game) -> tuple[np.ndarray, np.ndarray]:
    """Vote and population quota per coalition size, clipped to ``[0, total + 1]`` (the same
    test for every coalition, whose totals lie in ``[0, total]``); impossible sizes get
    ``total + 1``, which no coalition reaches."""
    never_votes, never_pops = sum(game.votes) + 1, sum(game.populations) + 1
    votes = [never_votes if q is None else min(max(q.votes, 0), never_votes) for q in game.quotas]
    pops = [never_pops if q is None else min(max(q.population, 0), never_pops) for q in game.quotas]
    return np.array(votes, np.int64), np.array(pops, np.int64)


def _enumerated_member_swings(game: Game, i: int, chunk: int) -> list[int]:
    """Swings of member i by testing every coalition of the others (reference method)."""
    others = [j for j in range(game.n) if j != i]
    n_low = min(len(others), 16)
    groups = [
        _subset_sums([game.populations[j] for j in part], [game.votes[j] for j in part])
        for part in (others[:n_low], others[n_low:])
    ]
    (low_size, low_pop, low_vote), (high_size, high_pop, high_vote) = groups
    order = np.argsort(low_size, kind="stable")
    low_pop, low_vote = low_pop[order], low_vote[order]
    bounds = np.searchsorted(low_size[order], np.arange(n_low + 2))
    quota_votes, quota_pops = _quota_arrays(game)
    # Totals and quotas lie in [0, total + 1]: int32 halves the memory traffic when they fit.
    if max(sum(game.populations), sum(game.votes)) < 2**31 - 1:
        narrow = [a.astype(np.int32) for a in (low_pop, low_vote, high_pop, high_vote)]
        low_pop, low_vote, high_pop, high_vote = narrow
        quota_votes, quota_pops = quota_votes.astype(np.int32), quota_pops.astype(np.int32)
    use_votes = any(q is not None and q.votes > 0 for q in game.quotas)
    counts = np.zeros(game.n, np.int64)
    for size_low in range(n_low + 1):
        cols = slice(bounds[size_low], bounds[size_low + 1])
        step = max(1, chunk // (bounds[size_low + 1] - bounds[size_low]))
        for start in range(0, len(high_pop), step):
            rows = slice(start, start + step)
            size = high_size[rows] + size_low
            pop = high_pop[rows, None] + low_pop[None, cols]
            alone = pop >= quota_pops[size, None]
            joined = pop + game.populations[i] >= quota_pops[size + 1, None]
            if use_votes:
                vote = high_vote[rows, None] + low_vote[None, cols]
                alone &= vote >= quota_votes[size, None]
                joined &= vote + game.votes[i] >= quota_votes[size + 1, None]
            np.add.at(counts, size, np.count_nonzero(joined & ~alone, axis=1))
    return [int(c) for c in counts]


def swing_counts_enumeration(
    game: Game, members: Sequence[int] | None = None, chunk: int = 2**16
) -> list[list[int]]:
    """Reference: swings by testing all 2**(n-1) coalitions of the others of each member.

    Slow (seconds at n = 27) but simple; memory is bounded by ``chunk`` coalitions.
    ``members`` restricts the computation to those positions (default: all).
    """
    chosen = range(game.n) if members is None else members
    return [_enumerated_member_swings(game, i, chunk) for i in chosen]


# --------------------------------------------------------------------------- indices


def indices_from_swings(swings: Sequence[Sequence[int]]) -> dict[str, list[Fraction]]:
    """Banzhaf (normalized, absolute) and Shapley–Shubik as Fractions from swings by size."""
    n = len(swings)
    totals = [sum(row) for row in swings]
    grand = sum(totals)
    weights = [math.factorial(k) * math.factorial(n - k - 1) for k in range(n)]
    shapley = [
        Fraction(sum(c * w for c, w in zip(row, weights, strict=True)), math.factorial(n))
        for row in swings
    ]
    return {
        "banzhaf_normalized": [Fraction(t, grand) for t in totals],
        "banzhaf_absolute": [Fraction(t, 2 ** (n - 1)) for t in totals],
        "shapley_shubik": shapley,
    }


def game_indices_exact(game: Game) -> dict[str, list[Fraction]]:
    """Exact indices of a :class:`Game`, by member position."""
    return indices_from_swings(swing_counts(game))


def power_indices_exact(
    populations: Mapping[str, int], rule: str, votes: Mapping[str, int] | None = None
) -> dict[str, dict[str, Fraction]]:
    """Exact indices: ``{column: {member: Fraction}}`` with columns :data:`INDEX_COLUMNS`."""
    game = rule_game(populations, rule, votes)
    codes = list(populations)
    exact = game_indices_exact(game)
    return {col: dict(zip(codes, exact[col], strict=True)) for col in INDEX_COLUMNS}


def power_indices(
    populations: Mapping[str, int], rule: str, votes: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Float voting power indices, indexed by member in the given order.

    Columns: ``banzhaf_normalized``, ``banzhaf_absolute``, ``shapley_shubik``; each value is
    the correctly rounded float of the exact rational from :func:`power_indices_exact`.
    ``votes`` is required by ``"nice"``; for other rules it is validated and ignored.
    """
    exact = power_indices_exact(populations, rule, votes)
    frame = pd.DataFrame(
        {col: [float(x) for x in exact[col].values()] for col in INDEX_COLUMNS},
        index=pd.Index(list(populations), name="member"),
    )
    return frame
