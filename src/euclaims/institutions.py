"""Small states in EU institutions: voting power, dominance, representation, Council votes.

Pure functions over the tidy extracts in data/raw. Voting power comes from
:mod:`euclaims.power` (exact Banzhaf and Shapley-Shubik); this module only prepares its inputs
and reads its games. `load_inputs` and `evaluate` are the notebook's contract with the
multiverse (see :mod:`euclaims.analyses`): `evaluate` returns every metric the notebook records
for one specification; the pieces that depend on only some parameters are cached.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from . import data
from .power import Game, power_indices, rule_game
from .sizes import (
    POPULATION_SOURCES,
    SIZE_DEFINITIONS,
    check_definition,
    class_share,
    classify_members,
    major_powers,
    members_on,
    population_table,
    size_summary,
    size_table_on,
    threshold_for,
    vote_threshold,
)

#: Council rules modelled, in the order shown (power.RULES); 'nice' needs vote weights.
RULE_LABELS = {
    "unanimity": "Unanimity",
    "nice": "Nice (votes, members, 62% population)",
    "lisbon": "Lisbon QMV (55% / 65%)",
    "lisbon_72": "Lisbon reinforced (72% / 65%)",
}
#: Procedures of the Council's public votes that start from a Commission proposal.
COMMISSION_PROCEDURES: tuple[str, ...] = ("COD", "NLE", "CNS", "APP")
#: The position columns of council_votes.csv (';'-joined ISO alpha-2 codes).
POSITION_COLUMNS = ("in_favor", "against", "abstained", "not_participating")


# --- voting power --------------------------------------------------------------------------


def populations_dict(table: pd.DataFrame) -> dict[str, int]:
    """Populations of a size table as {country: int}, in the table's order."""
    return {str(code): int(value) for code, value in table["population"].items()}


def nice_votes(weights: pd.DataFrame, members: Sequence[str]) -> dict[str, int]:
    """Nice vote weights for `members` (raises naming any member without a weight)."""
    votes = weights.set_index("country")["votes"]
    missing = [code for code in members if code not in votes.index]
    if missing:
        raise ValueError(f"council_nice_weights.csv: no Nice weight for {', '.join(missing)}")
    return {code: int(votes[code]) for code in members}


def power_table(
    table: pd.DataFrame, rule: str, votes: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Exact power indices of every member under `rule`, with size class and population share.

    The indices depend only on the populations, the rule and the votes, and are cached on them.
    """
    key_votes = None if votes is None else tuple((str(c), int(v)) for c, v in votes.items())
    indices = _cached_indices(tuple(populations_dict(table).items()), rule, key_votes)
    out = table[["population", "size_class"]].join(indices)
    out["population_share"] = out["population"] / out["population"].sum()
    if votes is not None:
        out["votes"] = pd.Series(votes).reindex(out.index)
    return out


@functools.lru_cache(maxsize=64)
def _cached_indices(
    populations: tuple[tuple[str, int], ...], rule: str, votes: tuple[tuple[str, int], ...] | None
) -> pd.DataFrame:
    """power_indices on hashable arguments (read-only result: callers join, never mutate)."""
    return power_indices(dict(populations), rule, None if votes is None else dict(votes))


def class_power_share(powers: pd.DataFrame, column: str, size_class: str = "small") -> float:
    """Share of an index (normalised over members) held by one size class."""
    return class_share(powers[column], powers, size_class)


def power_summary(
    powers_by_rule: Mapping[str, pd.DataFrame], gdp: pd.Series | None = None
) -> pd.DataFrame:
    """Per rule: small states' Banzhaf and Shapley-Shubik shares, population and GDP shares."""
    rows = []
    for rule, powers in powers_by_rule.items():
        rows.append(
            {
                "rule": rule,
                "small_banzhaf_share": class_power_share(powers, "banzhaf_normalized"),
                "small_shapley_shubik_share": class_power_share(powers, "shapley_shubik"),
                "small_population_share": class_share(powers["population"], powers),
                "small_gdp_share": None if gdp is None else class_share(gdp, powers),
            }
        )
    return pd.DataFrame(rows).set_index("rule")


# --- dominance -----------------------------------------------------------------------------


def _positions_largest_first(game: Game, by: str) -> list[int]:
    """Member positions sorted by population or votes, largest first (stable)."""
    key = game.populations if by == "population" else game.votes
    return sorted(range(game.n), key=lambda i: -key[i])


def largest_can_pass(game: Game, k: int) -> bool:
    """Whether the k most populous members win alone."""
    return game.wins(_positions_largest_first(game, "population")[:k])


def largest_can_block(game: Game, k: int) -> bool:
    """Whether the k most populous members can block: all the others together lose."""
    others = _positions_largest_first(game, "population")[k:]
    return not game.wins(others)


def min_blocking_size(game: Game) -> int:
    """The fewest members whose joint 'no' stops any measure (exact for these games).

    The others (n - c members) lose when no coalition of that size wins, or when their votes
    or their population fall short of the quota. For a given c each shortfall is likeliest
    when the blockers are the c largest by that attribute, so checking both orders is exact.
    """
    for c in range(1, game.n + 1):
        quota = game.quotas[game.n - c]
        if quota is None:
            return c
        for by in ("population", "votes"):
            order = _positions_largest_first(game, by)
            if not game.wins(order[c:]):
                return c
    raise ValueError("no blocking coalition: the empty coalition wins")


def largest_needed_to_pass(game: Game) -> int | None:
    """Smallest k such that the k most populous members win alone (None if never)."""
    for k in range(1, game.n + 1):
        if largest_can_pass(game, k):
            return k
    return None


def dominance_table(
    table: pd.DataFrame, rules: Sequence[str], votes: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Per rule: can the k largest (k = 1..6) pass or block alone; fewest blockers; k to pass."""
    rows = []
    for rule in rules:
        game = rule_game(populations_dict(table), rule, votes if rule == "nice" else None)
        row: dict[str, object] = {"rule": rule}
        for k in range(1, 7):
            row[f"largest_{k}_can_pass"] = largest_can_pass(game, k)
            row[f"largest_{k}_can_block"] = largest_can_block(game, k)
        row["min_states_to_block"] = min_blocking_size(game)
        row["largest_needed_to_pass"] = largest_needed_to_pass(game)
        rows.append(row)
    return pd.DataFrame(rows).set_index("rule")


# --- representation ------------------------------------------------------------------------


def ep_seats_in_force(seats: pd.DataFrame, year: int) -> pd.Series:
    """EP seats per state under the allocation in force in `year` (latest term <= year)."""
    terms = sorted(t for t in seats["term"].unique() if t <= year)
    if not terms:
        raise ValueError(f"ep_seats.csv: no EP term starts in or before {year}")
    rows = seats[seats["term"] == terms[-1]]
    return rows.set_index("country")["seats"].rename(f"ep_seats_term_{terms[-1]}")


def seats_per_million(seats: pd.Series, population: pd.Series) -> pd.Series:
    """Seats per million inhabitants of the states in `seats` (a missing population raises)."""
    aligned = population.reindex(seats.index)
    missing = aligned[aligned.isna()].index.tolist()
    if missing:
        raise ValueError(f"no population for {', '.join(missing)} to divide EP seats by")
    return (seats / (aligned / 1e6)).rename("seats_per_million")


def representation_ratio(per_million: pd.Series, state: str, reference: str) -> float:
    """How many times as many seats per million `state` has as `reference`."""
    for code in (state, reference):
        if code not in per_million.index:
            raise ValueError(f"no seats per million for {code}")
    return float(per_million[state] / per_million[reference])


def ep_degressivity(
    seats: pd.DataFrame, population: pd.DataFrame, terms: Sequence[int]
) -> pd.DataFrame:
    """Seats, population in the term's first year and seats per million, per state and term."""
    frames = []
    for term in terms:
        in_term = seats[seats["term"] == term].set_index("country")["seats"]
        pop = population[population["year"] == term].set_index("country")["population"]
        frame = in_term.to_frame().join(pop, how="left")
        frame["seats_per_million"] = seats_per_million(in_term, pop)
        frames.append(frame.assign(term=term).reset_index())
    return pd.concat(frames, ignore_index=True)


def commissioner_share(college: pd.DataFrame, date: str, table: pd.DataFrame) -> float:
    """Share of Commission seats held by small states in the College in office on `date`.

    Needs a College with one member per member state and as many members as `table` has.
    """
    rows = college[(college["start_date"] <= date) & (college["end_date"] >= date)]
    if len(rows) != 1:
        raise ValueError(f"commission_college.csv: {len(rows)} Colleges in office on {date}")
    row = rows.iloc[0]
    if not row["one_per_member_state"] or int(row["members"]) != len(table):
        raise ValueError(
            f"commission_college.csv: {row['college']} has {row['members']} members, not one "
            f"for each of the {len(table)} member states"
        )
    return float((table["size_class"] == "small").sum()) / int(row["members"])


def presidency_on(presidencies: pd.DataFrame, date: str) -> str | None:
    """ISO code of the Council presidency on `date` (YYYY-MM-DD), None if no slot covers it."""
    rows = presidencies[(presidencies["start"] <= date) & (presidencies["end"] >= date)]
    if len(rows) > 1:
        raise ValueError(f"council_presidencies.csv: {len(rows)} presidencies cover {date}")
    return None if rows.empty else str(rows["country"].iloc[0])


def presidency_small_share(
    presidencies: pd.DataFrame, table: pd.DataFrame, start: str, end: str
) -> float:
    """Share of presidency slots starting between `start` and `end` held by small states."""
    slots = presidencies[(presidencies["start"] >= start) & (presidencies["start"] <= end)]
    small = set(table.index[table["size_class"] == "small"])
    return float(slots["country"].isin(small).mean())


def presidents_by_size(
    presidents: pd.DataFrame,
    population: pd.DataFrame,
    membership: pd.DataFrame,
    threshold_millions: float,
    definition: str = "absolute",
    votes: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Commission presidents (acting ones left out) with their state's population and size.

    Population in the first year of the term (the earliest year on record if the term began
    before it, e.g. 1960 for 1958). The size class is that of the definition applied to the
    members on the day the term began (e.g. under 'below_mean' the threshold is the mean
    population of those members; under 'below_mean_votes' their mean Nice weight, `votes`).
    `threshold_millions` is the population line of that day (None under 'below_mean_votes').
    """
    check_definition(definition)
    first_year = int(population["year"].min())
    rows = []
    for record in presidents[~presidents["acting"]].itertuples(index=False):
        start = record.term_start if len(record.term_start) == 10 else record.term_start + "-01"
        year = max(int(start[:4]), first_year)
        in_year = population[population["year"] == year].set_index("country")["population"]
        if record.country not in in_year.index:
            raise ValueError(f"no population for {record.country} in {year}")
        members = members_on(membership, start)
        of_members = in_year.reindex(members)
        classes = classify_members(of_members, definition, threshold_millions, votes)
        cutoff = (
            None
            if definition == "below_mean_votes"
            else threshold_for(of_members, definition, threshold_millions)
        )
        value = int(in_year[record.country])
        rows.append(
            {
                "president": record.president,
                "country": record.country,
                "term_start": record.term_start,
                "population_year": year,
                "population_millions": value / 1e6,
                "threshold_millions": cutoff,
                "size_class": str(classes.loc[record.country, "size_class"]),
            }
        )
    return pd.DataFrame(rows)


# --- Council votes -------------------------------------------------------------------------


def member_positions(votes: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Long table of recorded positions of states that were members on the vote's date.

    `votes` is council_votes.csv (one row per vote, positions as ';'-joined codes). Columns:
    vote_procedure_id, decision_date, voting_rule, procedure, country, position (in_favor,
    against, abstained, not_participating); rows by country, then in the order of `votes`.
    """
    keys = ["vote_procedure_id", "decision_date", "voting_rule", "procedure"]
    parts = [
        votes[keys].assign(
            country=votes[column].astype(object).fillna("").str.split(";"), position=column
        )
        for column in POSITION_COLUMNS
    ]
    long = pd.concat(parts).explode("country").query("country != ''")
    long = long.rename_axis("row").reset_index().sort_values(["country", "row"], kind="stable")
    joined = long.merge(membership[["country", "accession_date", "exit_date"]], on="country")
    is_member = (joined["accession_date"] <= joined["decision_date"]) & (
        joined["exit_date"].isna() | (joined["exit_date"] > joined["decision_date"])
    )
    return joined.loc[is_member, [*keys, "country", "position"]].reset_index(drop=True)


def position_rates(positions: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Per state: votes recorded, and % against and % abstained of the votes it took part in."""
    counts = pd.crosstab(positions["country"], positions["position"])
    counts = counts.reindex(columns=list(POSITION_COLUMNS), fill_value=0)
    cast = counts[["in_favor", "against", "abstained"]].sum(axis=1)
    out = pd.DataFrame(
        {
            "votes_recorded": counts.sum(axis=1),
            "votes_cast": cast,
            "against_pct": 100 * counts["against"] / cast,
            "abstained_pct": 100 * counts["abstained"] / cast,
        }
    )
    out["size_class"] = table["size_class"].reindex(out.index)
    return out.sort_values("against_pct", ascending=False, kind="stable")


def class_position_rates(
    positions: pd.DataFrame, table: pd.DataFrame, procedures: Sequence[str] | None = None
) -> pd.DataFrame:
    """Per size class, pooled over state-votes cast (not participating left out): % in favour,
    % against, % abstained; restricted to `procedures` if given."""
    rows = positions[positions["position"] != "not_participating"]
    if procedures is not None:
        rows = rows[rows["procedure"].isin(list(procedures))]
    classes = table["size_class"].reindex(rows["country"]).to_numpy()
    if pd.isna(classes).any():
        unknown = sorted(set(rows["country"][pd.isna(classes)]))
        raise ValueError(f"no size class for {', '.join(unknown)}")
    shares = pd.crosstab(classes, rows["position"].to_numpy(), normalize="index") * 100
    shares = shares.reindex(columns=["in_favor", "against", "abstained"], fill_value=0.0)
    shares.columns = [f"{c}_pct" for c in shares.columns]
    shares.index.name = "size_class"
    return shares.assign(state_votes=pd.Series(classes).value_counts())


def outvoted_summary(positions: pd.DataFrame, table: pd.DataFrame, big: Sequence[str]) -> dict:
    """Qualified-majority votes adopted over large states' votes against.

    Returns the number of QMV votes, those with at least one large state against, the most
    large states against in one vote, and votes with at least two of `big` against.
    """
    qmv = positions[positions["voting_rule"] == "qualified majority"]
    large = set(table.index[table["size_class"] == "large"])
    against = qmv[qmv["position"] == "against"]
    large_against = against[against["country"].isin(large)].groupby("vote_procedure_id").size()
    big_against = against[against["country"].isin(list(big))].groupby("vote_procedure_id").size()
    most = int(large_against.max()) if len(large_against) else 0
    return {
        "qmv_votes_count": int(qmv["vote_procedure_id"].nunique()),
        "large_state_outvoted_votes_count": int((large_against >= 1).sum()),
        "max_large_states_against_in_one_vote": most,
        "big4_two_or_more_against_votes_count": int((big_against >= 2).sum()),
    }


# --- tables and metrics for the notebook -----------------------------------------------------


def gdp_series(gdp: pd.DataFrame, year: int) -> pd.Series:
    """GDP (current US$) per country in `year` from one or more stacked GDP extracts."""
    rows = gdp[gdp["year"] == year]
    if rows["country"].duplicated().any():
        raise ValueError(f"GDP data: more than one value per country in {year}")
    return rows.set_index("country")["gdp_usd"].rename(f"gdp_usd_{year}")


def size_definitions_table(
    membership: pd.DataFrame,
    population: pd.DataFrame,
    gdp: pd.Series,
    year: int,
    thresholds: Sequence[float] = (5.0, 10.0, 15.0),
    relative: Sequence[str] = ("below_mean",),
    votes: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Small states under each absolute threshold and each `relative` definition in `year`:
    threshold (millions, or Nice votes for 'below_mean_votes'), counts, and their shares of
    members, population and GDP (0-1). 'below_mean_votes' needs `votes`."""
    specs = [("absolute", t) for t in thresholds] + [(d, 0.0) for d in relative]
    rows = []
    for definition, threshold in specs:
        table = size_table_on(membership, population, year, threshold, definition, votes)
        small = table["size_class"] == "small"
        by_votes = definition == "below_mean_votes"
        rows.append(
            {
                "definition": definition if definition != "absolute" else f"{threshold:g}m",
                "threshold_millions": (
                    math.nan
                    if by_votes
                    else threshold_for(table["population"], definition, threshold)
                ),
                "threshold_votes": (
                    vote_threshold(votes or {}, list(table.index)) if by_votes else math.nan
                ),
                "small_count": int(small.sum()),
                "large_count": int((~small).sum()),
                "small_member_share": float(small.mean()),
                "small_population_share": class_share(table["population"], table),
                "small_gdp_share": class_share(gdp, table),
            }
        )
    return pd.DataFrame(rows).set_index("definition")


#: Metric-name pieces of the definitions in `size_definitions_table` (absolute: below_<t>m).
DEFINITION_NAMES = {
    "below_mean": "below_mean",
    "below_mean_votes": "below_mean_votes",
    "major_powers": "not_major_powers",
}


def definition_count_metrics(table: pd.DataFrame, suffix: str) -> dict[str, int]:
    """Small-state counts per definition, e.g. small_states_count_eu28_2017_below_5m."""
    return {
        f"small_states_count_{suffix}_{DEFINITION_NAMES.get(d, 'below_' + d)}": int(n)
        for d, n in table["small_count"].items()
    }


def power_metrics(summary: pd.DataFrame, suffix: str) -> dict[str, float]:
    """Small states' Banzhaf and Shapley-Shubik shares per rule, e.g.
    small_states_banzhaf_share_eu28_lisbon."""
    out: dict[str, float] = {}
    for rule, row in summary.iterrows():
        out[f"small_states_banzhaf_share_{suffix}_{rule}"] = float(row["small_banzhaf_share"])
        out[f"small_states_shapley_share_{suffix}_{rule}"] = float(
            row["small_shapley_shubik_share"]
        )
    return out


def dominance_metrics(table: pd.DataFrame, suffix: str) -> dict[str, object]:
    """Per rule: can the four largest pass alone or block; fewest blockers; k largest to pass."""
    out: dict[str, object] = {}
    for rule, row in table.iterrows():
        out[f"big4_can_pass_alone_{rule}_{suffix}"] = bool(row["largest_4_can_pass"])
        out[f"big4_can_block_{rule}_{suffix}"] = bool(row["largest_4_can_block"])
        out[f"min_states_to_block_{rule}_{suffix}"] = int(row["min_states_to_block"])
        needed = row["largest_needed_to_pass"]
        out[f"largest_states_needed_to_pass_{rule}_{suffix}"] = (
            None if pd.isna(needed) else int(needed)
        )
    return out


def resources_table(shares: Mapping[str, float], gdp_share: float) -> pd.DataFrame:
    """Small states' institutional shares against their GDP share (ratio = share / GDP share)."""
    table = pd.DataFrame({"small_share": pd.Series(dict(shares), dtype=float)})
    table.loc["GDP (economic potential)", "small_share"] = gdp_share
    table["ratio_to_gdp_share"] = table["small_share"] / gdp_share
    return table


# --- blocking: the largest against the smallest ------------------------------------------------


def smallest_can_block(game: Game, k: int) -> bool:
    """Whether the k least populous members can block: all the others together lose."""
    others = _positions_largest_first(game, "population")[: game.n - k]
    return not game.wins(others)


def fewest_to_block(game: Game, from_largest: bool) -> int | None:
    """Fewest of the most (or least) populous members whose joint 'no' stops any measure."""
    test = largest_can_block if from_largest else smallest_can_block
    return next((k for k in range(1, game.n + 1) if test(game, k)), None)


def group_can_pass(game: Game, positions: Sequence[int]) -> bool:
    """Whether the members at `positions` win alone (e.g. all large states together)."""
    return game.wins(list(positions))


def blocking_table(
    table: pd.DataFrame, rules: Sequence[str], votes: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Per rule: fewest of the largest and of the smallest states that can block, and whether
    the large states of `table` (its size_class) can pass a measure without any small state."""
    large = [i for i, cls in enumerate(table["size_class"]) if cls == "large"]
    rows = []
    for rule in rules:
        game = rule_game(populations_dict(table), rule, votes if rule == "nice" else None)
        rows.append(
            {
                "rule": rule,
                "largest_states_needed_to_block": fewest_to_block(game, from_largest=True),
                "smallest_states_needed_to_block": fewest_to_block(game, from_largest=False),
                "large_states_count": len(large),
                "large_states_can_pass_alone": group_can_pass(game, large),
            }
        )
    return pd.DataFrame(rows).set_index("rule")


def blocking_metrics(table: pd.DataFrame, suffix: str) -> dict[str, object]:
    """Metric names of `blocking_table`, e.g. smallest_states_needed_to_block_lisbon_eu28."""
    out: dict[str, object] = {}
    for rule, row in table.iterrows():
        for name in ("largest_states_needed_to_block", "smallest_states_needed_to_block"):
            out[f"{name}_{rule}_{suffix}"] = None if pd.isna(row[name]) else int(row[name])
        out[f"large_states_can_pass_alone_{rule}_{suffix}"] = bool(
            row["large_states_can_pass_alone"]
        )
    return out


# --- Council votes as arrays, and a difference of pooled rates with its interval ----------------

#: Position codes of the vote matrix (0 = no record, or not a member on the day).
POSITION_CODES = {"in_favor": 1, "against": 2, "abstained": 3, "not_participating": 4}


@dataclass(frozen=True)
class VoteMatrix:
    """Positions of every member state in every public vote: codes[vote, country]."""

    codes: np.ndarray
    countries: tuple[str, ...]
    dates: np.ndarray
    rules: np.ndarray
    procedures: np.ndarray


def vote_matrix(positions: pd.DataFrame) -> VoteMatrix:
    """The long table of `member_positions` as a (votes x countries) array of position codes."""
    votes = (
        positions[["vote_procedure_id", "decision_date", "voting_rule", "procedure"]]
        .drop_duplicates("vote_procedure_id")
        .sort_values("vote_procedure_id", kind="stable")
    )
    wide = positions.assign(code=positions["position"].map(POSITION_CODES)).pivot(
        index="vote_procedure_id", columns="country", values="code"
    )
    wide = wide.reindex(votes["vote_procedure_id"]).fillna(0).astype("int8")
    return VoteMatrix(
        codes=wide.to_numpy(),
        countries=tuple(str(c) for c in wide.columns),
        dates=votes["decision_date"].astype(str).to_numpy(),
        rules=votes["voting_rule"].astype(str).to_numpy(),
        procedures=votes["procedure"].fillna("").astype(str).to_numpy(),
    )


def pooled_rate_difference(
    hits_a: np.ndarray,
    cast_a: np.ndarray,
    hits_b: np.ndarray,
    cast_b: np.ndarray,
    level: float = 0.95,
) -> tuple[float | None, float | None, float | None]:
    """Pooled rate of group a minus that of group b (percentage points), with a CI.

    Each entry of the arrays is one vote (a cluster): `hits` of the group's `cast` votes. The
    rates pool over votes (sum of hits / sum of cast); the interval is the cluster-robust
    (linearised ratio-estimator) normal interval, so state-votes in the same vote are not
    treated as independent. None where a group cast no vote; no interval below two votes.
    """
    total_a, total_b = float(cast_a.sum()), float(cast_b.sum())
    if total_a == 0 or total_b == 0:
        return None, None, None
    rate_a, rate_b = float(hits_a.sum()) / total_a, float(hits_b.sum()) / total_b
    difference = 100 * (rate_a - rate_b)
    n = len(hits_a)
    if n < 2:
        return difference, None, None
    residual = (hits_a - rate_a * cast_a) / total_a - (hits_b - rate_b * cast_b) / total_b
    se = 100 * math.sqrt(n / (n - 1) * float(np.sum(residual**2)))
    z = NormalDist().inv_cdf(0.5 + level / 2)
    return difference, difference - z * se, difference + z * se


def group_counts(
    codes: np.ndarray, columns: np.ndarray, wanted: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Per vote: how many states of the `columns` mask took a position in `wanted`, and how
    many cast a vote (in favour, against or abstained)."""
    block = codes[:, columns]
    hits = np.isin(block, list(wanted)).sum(axis=1)
    cast = ((block >= 1) & (block <= 3)).sum(axis=1)
    return hits, cast


def no_codes(dissent_measure: str) -> tuple[int, ...]:
    """Position codes that count as a 'no' under `dissent_measure`."""
    if dissent_measure not in DISSENT_MEASURES:
        raise ValueError(
            f"dissent_measure {dissent_measure!r} is not one of {', '.join(DISSENT_MEASURES)}"
        )
    against = POSITION_CODES["against"]
    if dissent_measure == "against":
        return (against,)
    return (against, POSITION_CODES["abstained"])


def council_vote_metrics(
    matrix: VoteMatrix,
    small: Sequence[str],
    big: Sequence[str],
    without_gb: bool,
    until: str | None,
    procedures: Sequence[str],
    dissent_measure: str,
    level: float,
) -> dict[str, Any]:
    """Every Council-vote metric for one size classification and one choice of filters.

    Rates pool state-votes cast (not participating left out): against and abstained over all
    public votes; support (votes cast that are not a 'no') on files under `procedures`;
    outvoted = a 'no' on a qualified-majority act (every act in the data was adopted).
    Differences: large minus small outvoted rate, small minus large support rate, with
    cluster-robust intervals at `level`. `until` (YYYY-MM-DD) drops later votes; `without_gb`
    drops the United Kingdom's positions; `big` are the states counted in the big-four count.
    """
    nos = no_codes(dissent_measure)
    countries = np.array(matrix.countries)
    included = countries != "GB" if without_gb else np.ones(len(countries), bool)
    is_small = np.isin(countries, list(small)) & included
    is_large = ~np.isin(countries, list(small)) & included
    rows = np.ones(len(matrix.dates), bool) if until is None else matrix.dates <= until
    codes = matrix.codes[rows]
    qmv = matrix.rules[rows] == "qualified majority"
    on_proposal = np.isin(matrix.procedures[rows], list(procedures))
    against, abstained = POSITION_CODES["against"], POSITION_CODES["abstained"]
    support = tuple(c for c in (1, 2, 3) if c not in nos)
    out: dict[str, Any] = {}
    groups = {"small": is_small, "large": is_large}
    counted = {}
    for name, columns in groups.items():
        hits, cast = group_counts(codes, columns, (against,))
        out[f"{name}_state_against_rate_council_votes_pct"] = _pct(hits, cast)
        hits, cast = group_counts(codes, columns, (abstained,))
        out[f"{name}_state_abstain_rate_council_votes_pct"] = _pct(hits, cast)
        counted[f"{name}_support"] = group_counts(codes[on_proposal], columns, support)
        counted[f"{name}_no"] = group_counts(codes[qmv], columns, nos)
        out[f"{name}_state_support_rate_council_votes_pct"] = _pct(*counted[f"{name}_support"])
        out[f"{name}_state_outvoted_rate_pct"] = _pct(*counted[f"{name}_no"])
    diff = pooled_rate_difference(*counted["large_no"], *counted["small_no"], level)
    out |= _with_interval("large_minus_small_outvoted_rate_pct", diff)
    diff = pooled_rate_difference(*counted["small_support"], *counted["large_support"], level)
    out |= _with_interval("small_minus_large_support_rate_pct", diff)
    qmv_codes = codes[qmv]
    recorded = (qmv_codes[:, included] > 0).any(axis=1)
    large_against = (qmv_codes[:, is_large] == against).sum(axis=1)
    big_columns = np.isin(countries, list(big)) & included
    big_against = (qmv_codes[:, big_columns] == against).sum(axis=1)
    out["qmv_votes_count"] = int(recorded.sum())
    out["large_state_outvoted_votes_count"] = int((large_against >= 1).sum())
    out["max_large_states_against_in_one_vote"] = int(large_against.max(initial=0))
    out["big4_two_or_more_against_votes_count"] = int((big_against >= 2).sum())
    out["commission_proposal_votes_count"] = int(on_proposal.sum())
    return out


def _pct(hits: np.ndarray, cast: np.ndarray) -> float | None:
    """100 * sum(hits) / sum(cast), None when nothing was cast."""
    total = float(cast.sum())
    return None if total == 0 else 100 * float(hits.sum()) / total


def _with_interval(name: str, values: tuple[float | None, ...]) -> dict[str, float | None]:
    """{name, name_ci_low, name_ci_high} from (estimate, low, high)."""
    return dict(zip((name, f"{name}_ci_low", f"{name}_ci_high"), values, strict=True))


# --- the notebook's contract: load_inputs and evaluate ----------------------------------------

FILES = {
    "membership": "member_states.csv",
    "population_eurostat": "population_eurostat.csv",
    "worldbank": "worldbank_wdi_eu.csv",
    "nice_weights": "council_nice_weights.csv",
    "ep_seats": "ep_seats.csv",
    "council_votes": "council_votes.csv",
    "presidencies": "council_presidencies.csv",
    "presidents": "commission_presidents.csv",
    "college": "commission_college.csv",
}
MEMBERSHIP_SCOPES: tuple[str, ...] = ("essay_and_latest", "essay_only")
DISSENT_MEASURES: tuple[str, ...] = ("against_or_abstained", "against")
VOTE_PERIODS: tuple[str, ...] = ("all", "until_essay")
#: Which procedures count as votes on a Commission proposal.
PROCEDURE_SETS: dict[str, tuple[str, ...]] = {
    "commission_proposals": COMMISSION_PROCEDURES,
    "ordinary_legislative": ("COD",),
}
#: Power index -> its column in `power_summary`.
POWER_INDICES: dict[str, str] = {
    "banzhaf": "small_banzhaf_share",
    "shapley_shubik": "small_shapley_shubik_share",
}
#: The absolute thresholds compared side by side (params.yaml: the default and alternatives).
COMPARED_THRESHOLDS: tuple[float, ...] = (5.0, 10.0, 15.0)
EU28_RULES: tuple[str, ...] = tuple(RULE_LABELS)
#: Rules in force after the Nice weights lapsed (the EU27 of the latest year).
LATEST_RULES: tuple[str, ...] = ("unanimity", "lisbon", "lisbon_72")


@dataclass(frozen=True, eq=False)
class Inputs:
    """The notebook's data/raw tables, plus what does not depend on any parameter.

    Hashable by identity (eq=False), so step results can be cached per inputs object.
    """

    membership: pd.DataFrame
    population_eurostat: pd.DataFrame
    population_worldbank: pd.DataFrame
    gdp: pd.DataFrame
    nice_weights: pd.DataFrame
    ep_seats: pd.DataFrame
    council_votes: pd.DataFrame
    presidencies: pd.DataFrame
    presidents: pd.DataFrame
    college: pd.DataFrame
    positions: pd.DataFrame
    votes: VoteMatrix

    @property
    def all_nice_votes(self) -> dict[str, int]:
        """Nice weight of every state in council_nice_weights.csv."""
        return nice_votes(self.nice_weights, list(self.nice_weights["country"]))

    def population(self, source: str) -> pd.DataFrame:
        """Columns country, year, population of the chosen `population_source`."""
        return population_table(self.population_eurostat, self.population_worldbank, source)


def load_inputs() -> Inputs:
    """Read and validate every table of the notebook once; precompute the member positions in
    the Council's public votes (long table and vote matrix)."""
    tables = {key: data.load_raw(name) for key, name in FILES.items()}
    worldbank = tables.pop("worldbank")
    gdp = data.worldbank_series(worldbank, ["gdp_usd"])
    population = data.worldbank_series(worldbank, ["population"])
    positions = member_positions(tables["council_votes"], tables["membership"])
    return Inputs(
        gdp=gdp,
        population_worldbank=population,
        positions=positions,
        votes=vote_matrix(positions),
        **tables,
    )


@dataclass(frozen=True, eq=False)
class SizeClasses:
    """Size classes of the members in the essay's year (EU28) and in the latest year (EU27)."""

    year: int
    latest_year: int
    gdp_latest_year: int
    eu28: pd.DataFrame
    eu27: pd.DataFrame
    gdp_essay: pd.Series
    gdp_latest: pd.Series
    votes_eu28: dict[str, int]
    votes_eu27: dict[str, int]
    threshold_millions: float | None
    threshold_votes: float | None
    label: str

    @property
    def small_eu28(self) -> tuple[str, ...]:
        return tuple(self.eu28.index[self.eu28["size_class"] == "small"])


def definition_label(
    definition: str,
    threshold_millions: float,
    table: pd.DataFrame,
    votes: Mapping[str, int],
    year: int,
) -> str:
    """The definition in words, for summaries: what 'small' meant in this specification."""
    if definition == "absolute":
        return f"fewer than {threshold_millions:g} million inhabitants"
    if definition == "below_mean":
        mean = threshold_for(table["population"], definition, threshold_millions)
        return f"fewer inhabitants than the average member ({mean:.1f} million in {year})"
    if definition == "below_mean_votes":
        mean = vote_threshold(votes, list(table.index))
        return f"fewer Council votes than the average member under the Nice weights ({mean:.1f})"
    powers = ", ".join(sorted(major_powers(table["population"])))
    return f"not one of the major powers ({powers}: above the largest gap in population, {year})"


@functools.lru_cache(maxsize=64)
def size_classes(
    inputs: Inputs, population_source: str, size_definition: str, threshold: float, year: int
) -> SizeClasses:
    """The step-1 tables of one specification (cached; treat the frames as read-only)."""
    if population_source not in POPULATION_SOURCES:
        raise ValueError(
            f"population_source {population_source!r} is not one of {', '.join(POPULATION_SOURCES)}"
        )
    check_definition(size_definition)
    population = inputs.population(population_source)
    latest_year = int(population["year"].max())
    gdp_latest_year = min(latest_year, int(inputs.gdp["year"].max()))
    weights = inputs.all_nice_votes
    eu28 = size_table_on(inputs.membership, population, year, threshold, size_definition, weights)
    eu27 = size_table_on(
        inputs.membership, population, latest_year, threshold, size_definition, weights
    )
    by_votes = size_definition == "below_mean_votes"
    return SizeClasses(
        year=year,
        latest_year=latest_year,
        gdp_latest_year=gdp_latest_year,
        eu28=eu28,
        eu27=eu27,
        gdp_essay=gdp_series(inputs.gdp, year),
        gdp_latest=gdp_series(inputs.gdp, gdp_latest_year),
        votes_eu28=nice_votes(inputs.nice_weights, list(eu28.index)),
        votes_eu27=nice_votes(inputs.nice_weights, list(eu27.index)),
        threshold_millions=(
            None if by_votes else threshold_for(eu28["population"], size_definition, threshold)
        ),
        threshold_votes=vote_threshold(weights, list(eu28.index)) if by_votes else None,
        label=definition_label(size_definition, threshold, eu28, weights, year),
    )


@functools.lru_cache(maxsize=8)
def definitions_tables(
    inputs: Inputs, population_source: str, year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every size definition side by side, in the essay's year and in the latest year."""
    classes = size_classes(inputs, population_source, "absolute", COMPARED_THRESHOLDS[0], year)
    population = inputs.population(population_source)
    relative = [d for d in SIZE_DEFINITIONS if d != "absolute"]
    return tuple(
        size_definitions_table(
            inputs.membership, population, gdp, y, COMPARED_THRESHOLDS, relative,
            inputs.all_nice_votes,
        )
        for y, gdp in ((year, classes.gdp_essay), (classes.latest_year, classes.gdp_latest))
    )  # type: ignore[return-value]  # fmt: skip


def _ratio_tested(eu28: float | None, eu27: float | None, scope: str) -> float | None:
    """The small-to-large ratio the rule reads: the essay's EU28, or the lower of both."""
    if scope not in MEMBERSHIP_SCOPES:
        raise ValueError(f"membership_scope {scope!r} is not one of {', '.join(MEMBERSHIP_SCOPES)}")
    if scope == "essay_only":
        return eu28
    return None if eu28 is None or eu27 is None else min(eu28, eu27)


@functools.lru_cache(maxsize=256)
def _size_metrics(
    inputs: Inputs, population_source: str, size_definition: str, threshold: float, year: int,
    membership_scope: str,
) -> dict[str, Any]:  # fmt: skip
    metrics = dict(_size_class_metrics(inputs, population_source, size_definition, threshold, year))
    metrics["small_to_large_ratio_tested"] = _ratio_tested(
        metrics["small_to_large_ratio_eu28_2017"],
        metrics["small_to_large_ratio_eu27_latest"],
        membership_scope,
    )
    return metrics


@functools.lru_cache(maxsize=64)
def _size_class_metrics(
    inputs: Inputs, population_source: str, size_definition: str, threshold: float, year: int
) -> dict[str, Any]:
    """The size metrics that do not depend on `membership_scope` (cached, read-only)."""
    classes = size_classes(inputs, population_source, size_definition, threshold, year)
    eu28, eu27 = classes.eu28, classes.eu27
    definitions_eu28, definitions_eu27 = definitions_tables(inputs, population_source, year)
    metrics: dict[str, Any] = {
        **_prefixed(size_summary(eu28), "eu28_2017"),
        **_prefixed(size_summary(eu27), "eu27_latest"),
        **definition_count_metrics(definitions_eu28, "eu28_2017"),
        **definition_count_metrics(definitions_eu27, "eu27_latest"),
        "latest_population_year": classes.latest_year,
        "gdp_latest_year": classes.gdp_latest_year,
        "small_state_threshold_used_millions_eu28_2017": classes.threshold_millions,
        "small_state_threshold_used_votes_eu28_2017": classes.threshold_votes,
        "small_state_definition_label": classes.label,
        "small_states_population_share_eu28": class_share(eu28["population"], eu28),
        "small_states_gdp_share_eu28_2017": class_share(classes.gdp_essay, eu28),
        "small_states_gdp_share_eu27_latest": class_share(classes.gdp_latest, eu27),
        "major_powers_eu28_2017": ",".join(sorted(major_powers(eu28["population"]))),
        "major_powers_eu27_latest": ",".join(sorted(major_powers(eu27["population"]))),
        "major_powers_by_nice_votes_eu28": ",".join(
            sorted(major_powers(pd.Series(classes.votes_eu28, dtype=float)))
        ),
    }
    metrics["major_powers_population_and_votes_agree"] = (
        metrics["major_powers_eu28_2017"] == metrics["major_powers_by_nice_votes_eu28"]
    )
    return metrics


def _prefixed(summary: dict[str, Any], suffix: str) -> dict[str, Any]:
    """Size-summary names as the notebook has always recorded them (member counts renamed)."""
    from .sizes import prefixed

    out = prefixed(summary, suffix)
    count = out.pop(f"member_count_{suffix}")
    out["eu28_member_count_2017" if suffix == "eu28_2017" else "eu27_member_count_latest"] = count
    return out


@functools.lru_cache(maxsize=64)
def power_by_rule(
    inputs: Inputs, population_source: str, size_definition: str, threshold: float, year: int
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Exact power tables per rule: EU28 in the essay's year (four rules, Nice with the Nice
    weights) and EU27 of the latest year (the rules in force)."""
    classes = size_classes(inputs, population_source, size_definition, threshold, year)
    eu28 = {
        rule: power_table(classes.eu28, rule, classes.votes_eu28 if rule == "nice" else None)
        for rule in EU28_RULES
    }
    eu27 = {rule: power_table(classes.eu27, rule) for rule in LATEST_RULES}
    return eu28, eu27


@functools.lru_cache(maxsize=64)
def power_summaries(
    inputs: Inputs, population_source: str, size_definition: str, threshold: float, year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`power_summary` of the EU28 (GDP of the essay's year) and of the latest EU27 (cached,
    read-only): what the power metrics read, whatever the index and rule tested."""
    classes = size_classes(inputs, population_source, size_definition, threshold, year)
    eu28, eu27 = power_by_rule(inputs, population_source, size_definition, threshold, year)
    return power_summary(eu28, classes.gdp_essay), power_summary(eu27, classes.gdp_latest)


@functools.lru_cache(maxsize=256)
def _power_metrics(
    inputs: Inputs, population_source: str, size_definition: str, threshold: float, year: int,
    power_index: str, council_rule: str,
) -> dict[str, Any]:  # fmt: skip
    if power_index not in POWER_INDICES:
        raise ValueError(f"power_index {power_index!r} is not one of {', '.join(POWER_INDICES)}")
    if council_rule not in EU28_RULES:
        raise ValueError(f"council_rule {council_rule!r} is not one of {', '.join(EU28_RULES)}")
    summary_eu28, summary_eu27 = power_summaries(
        inputs, population_source, size_definition, threshold, year
    )
    metrics: dict[str, Any] = {
        **power_metrics(summary_eu28, "eu28"),
        **power_metrics(summary_eu27, "eu27_latest"),
    }
    metrics["small_states_power_share_tested"] = float(
        summary_eu28.loc[council_rule, POWER_INDICES[power_index]]
    )
    return metrics


@functools.lru_cache(maxsize=16)
def _dominance_metrics(inputs: Inputs, population_source: str, year: int) -> dict[str, Any]:
    """Dominance depends on the populations only (not on the size classes)."""
    classes = size_classes(inputs, population_source, "absolute", COMPARED_THRESHOLDS[0], year)
    return {
        **dominance_metrics(dominance_table(classes.eu28, EU28_RULES, classes.votes_eu28), "eu28"),
        **dominance_metrics(dominance_table(classes.eu27, LATEST_RULES), "eu27_latest"),
        "big4_eu28_2017": ",".join(classes.eu28.index[:4]),
    }


@functools.lru_cache(maxsize=64)
def _blocking_metrics(
    inputs: Inputs, population_source: str, size_definition: str, threshold: float, year: int
) -> dict[str, Any]:
    classes = size_classes(inputs, population_source, size_definition, threshold, year)
    return blocking_metrics(blocking_table(classes.eu28, EU28_RULES, classes.votes_eu28), "eu28")


@functools.lru_cache(maxsize=64)
def _presidents_by_size(inputs: Inputs, threshold: float, size_definition: str) -> pd.DataFrame:
    """`presidents_by_size` of the inputs (World Bank populations, Nice weights), read-only."""
    return presidents_by_size(
        inputs.presidents, inputs.population_worldbank, inputs.membership, threshold,
        size_definition, inputs.all_nice_votes,
    )  # fmt: skip


@functools.lru_cache(maxsize=64)
def _representation_metrics(
    inputs: Inputs, population_source: str, size_definition: str, threshold: float,
    essay_date: str, ep_ratio_year: int,
) -> dict[str, Any]:  # fmt: skip
    year = int(essay_date[:4])
    classes = size_classes(inputs, population_source, size_definition, threshold, year)
    eu28 = classes.eu28
    population = inputs.population(population_source)
    in_year = population[population["year"] == ep_ratio_year].set_index("country")["population"]
    per_million = seats_per_million(ep_seats_in_force(inputs.ep_seats, ep_ratio_year), in_year)
    first_slot = str(inputs.presidencies["start"].min())
    presidents = _presidents_by_size(inputs, threshold, size_definition)
    estonia = "EE"
    if classes.threshold_votes is not None:
        cutoff_ratio = classes.votes_eu28[estonia] / classes.threshold_votes
    else:
        cutoff_ratio = float(eu28.loc[estonia, "population"]) / (classes.threshold_millions * 1e6)
    return {
        "ep_seats_per_million_ratio_mt_de_2019": representation_ratio(per_million, "MT", "DE"),
        "small_states_ep_seat_share_2014_term": class_share(
            ep_seats_in_force(inputs.ep_seats, year), eu28
        ),
        "small_states_commissioner_share_eu28_2017": commissioner_share(
            inputs.college, essay_date, eu28
        ),
        "council_presidency_at_essay_date_iso2": presidency_on(inputs.presidencies, essay_date),
        "estonia_population_millions_2017": float(eu28.loc[estonia, "population"]) / 1e6,
        "estonia_is_small": bool(eu28.loc[estonia, "size_class"] == "small"),
        "estonia_size_to_cutoff_ratio": float(cutoff_ratio),
        "small_states_presidency_share_2004_2017": presidency_small_share(
            inputs.presidencies, eu28, first_slot, f"{year}-12-31"
        ),
        "commission_presidents_count": len(presidents),
        "commission_presidents_from_small_states_count": int(
            (presidents["size_class"] == "small").sum()
        ),
    }


@functools.lru_cache(maxsize=512)
def _vote_metrics(
    inputs: Inputs, small: tuple[str, ...], big: tuple[str, ...], without_gb: bool,
    until: str | None, procedures: tuple[str, ...], dissent_measure: str, level: float,
) -> dict[str, Any]:  # fmt: skip
    return council_vote_metrics(
        inputs.votes, small, big, without_gb, until, procedures, dissent_measure, level
    )


def vote_filters(
    essay_date: str, vote_period: str, commission_procedures: str
) -> tuple[str | None, tuple[str, ...]]:
    """(last day of the votes counted or None, procedures counted as Commission proposals)."""
    if vote_period not in VOTE_PERIODS:
        raise ValueError(f"vote_period {vote_period!r} is not one of {', '.join(VOTE_PERIODS)}")
    if commission_procedures not in PROCEDURE_SETS:
        raise ValueError(
            f"commission_procedures {commission_procedures!r} is not one of "
            f"{', '.join(PROCEDURE_SETS)}"
        )
    until = essay_date if vote_period == "until_essay" else None
    return until, PROCEDURE_SETS[commission_procedures]


def resource_metrics(
    power_share: float, ep_share: float, commissioner_share: float, gdp_share: float
) -> dict[str, float]:
    """Each institutional share of the small states as a multiple of their GDP share, and the
    smallest of the three (the rule's deciding number)."""
    ratios = {
        "small_states_power_to_gdp_ratio": power_share / gdp_share,
        "small_states_ep_seats_to_gdp_ratio": ep_share / gdp_share,
        "small_states_commissioners_to_gdp_ratio": commissioner_share / gdp_share,
    }
    return {**ratios, "small_states_min_resource_to_gdp_ratio": min(ratios.values())}


def evaluate_by_step(
    inputs: Inputs,
    *,
    small_state_threshold_millions: float,
    size_definition: str,
    population_source: str,
    essay_date: str,
    membership_scope: str,
    without_gb: bool,
    dissent_measure: str,
    vote_period: str,
    commission_procedures: str,
    power_index: str,
    council_rule: str,
    far_bigger_ratio: float,
    ep_ratio_year: int,
    confidence_level: float,
) -> dict[str, dict[str, Any]]:
    """The metrics of one specification grouped by the notebook's steps (sizes, power,
    dominance, representation, council_votes, resources); `evaluate` merges them."""
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be in (0, 1), got {confidence_level}")
    if far_bigger_ratio <= 1:
        raise ValueError(f"far_bigger_ratio must be above 1, got {far_bigger_ratio}")
    year = int(essay_date[:4])
    threshold = float(small_state_threshold_millions)
    if size_definition != "absolute":
        # The other definitions draw their own line and ignore the threshold: one cached
        # computation per definition, whatever threshold the specification names.
        threshold = COMPARED_THRESHOLDS[0]
    key = (inputs, population_source, size_definition, threshold, year)
    classes = size_classes(*key)
    until, procedures = vote_filters(essay_date, vote_period, commission_procedures)
    steps: dict[str, dict[str, Any]] = {
        "sizes": dict(_size_metrics(*key, membership_scope)),
        "power": dict(_power_metrics(*key, power_index, council_rule)),
        "dominance": {
            **_dominance_metrics(inputs, population_source, year),
            **_blocking_metrics(*key),
        },
        "representation": dict(
            _representation_metrics(*key[:4], essay_date, int(ep_ratio_year))
        ),
        "council_votes": dict(
            _vote_metrics(
                inputs, classes.small_eu28, tuple(classes.eu28.index[:4]), bool(without_gb),
                until, procedures, dissent_measure, float(confidence_level),
            )
        ),
    }  # fmt: skip
    shares = (
        steps["power"]["small_states_power_share_tested"],
        steps["representation"]["small_states_ep_seat_share_2014_term"],
        steps["representation"]["small_states_commissioner_share_eu28_2017"],
        steps["sizes"]["small_states_gdp_share_eu28_2017"],
    )
    steps["resources"] = resource_metrics(*shares)
    return steps


def evaluate(inputs: Inputs, **parameters: Any) -> dict[str, Any]:
    """Every metric of the notebook for one specification (all params.yaml parameters as
    keywords). Pure and deterministic; the pieces that depend on only some parameters are
    cached, so the multiverse re-computes only what a choice changes."""
    steps = evaluate_by_step(inputs, **parameters)
    return {name: value for step in steps.values() for name, value in step.items()}


# --- tables for the notebook (the same cached steps as evaluate) -------------------------------


def rounded(metrics: Mapping[str, Any], digits: int = 4) -> dict[str, Any]:
    """Metrics sorted by name with floats rounded, for display."""
    return {
        name: round(value, digits) if isinstance(value, float) else value
        for name, value in sorted(metrics.items())
    }


def per_state_power(powers_by_rule: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Each state's normalised Banzhaf index per rule and its population share (%)."""
    first = next(iter(powers_by_rule.values()))
    table = pd.concat(
        {rule: 100 * frame["banzhaf_normalized"] for rule, frame in powers_by_rule.items()}, axis=1
    )
    table["population_share"] = 100 * first["population_share"]
    return table.assign(size_class=first["size_class"])


def ep_figure_terms(seats: pd.DataFrame, year: int) -> list[int]:
    """The EP term in force in `year` and the latest term on record."""
    in_force = max(t for t in seats["term"].unique() if t <= year)
    return sorted({int(in_force), int(seats["term"].max())})


def filtered_positions(
    positions: pd.DataFrame, without_gb: bool, until: str | None
) -> pd.DataFrame:
    """Member positions without the UK (if asked) and up to `until` (if given)."""
    keep = pd.Series(True, index=positions.index)
    if without_gb:
        keep &= positions["country"] != "GB"
    if until is not None:
        keep &= positions["decision_date"] <= until
    return positions[keep]


#: Labels of the two Council-vote differences.
DIFFERENCES = {
    "large_minus_small_outvoted_rate_pct": "Large minus small: overridden 'no' on QMV acts",
    "small_minus_large_support_rate_pct": "Small minus large: support for Commission proposals",
}


def vote_difference_grid(
    inputs: Inputs,
    classes: SizeClasses,
    essay_date: str,
    commission_procedures: str,
    confidence_level: float,
) -> pd.DataFrame:
    """Both Council-vote differences with their intervals for every combination of without_gb,
    dissent_measure and vote_period (the size classes and procedures of one specification)."""
    rows = []
    for without_gb in (False, True):
        for dissent in DISSENT_MEASURES:
            for period in VOTE_PERIODS:
                until, procedures = vote_filters(essay_date, period, commission_procedures)
                metrics = _vote_metrics(
                    inputs, classes.small_eu28, tuple(classes.eu28.index[:4]), without_gb,
                    until, procedures, dissent, float(confidence_level),
                )  # fmt: skip
                label = f"{'without GB' if without_gb else 'with GB'}, {dissent}, {period}"
                for name, title in DIFFERENCES.items():
                    rows.append(
                        {
                            "difference": title,
                            "specification": label,
                            "estimate": metrics[name],
                            "ci_low": metrics[f"{name}_ci_low"],
                            "ci_high": metrics[f"{name}_ci_high"],
                        }
                    )
    return pd.DataFrame(rows)
