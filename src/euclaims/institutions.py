"""Small states in EU institutions: voting power, dominance, representation, Council votes.

Pure functions over the tidy extracts in data/raw. Voting power comes from
:mod:`euclaims.power` (exact Banzhaf and Shapley-Shubik); this module only prepares its inputs
and reads its games.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .power import Game, power_indices, rule_game
from .sizes import class_share, members_on, threshold_for

#: Council rules modelled, in the order shown (power.RULES); 'nice' needs vote weights.
RULE_LABELS = {
    "unanimity": "Unanimity",
    "nice": "Nice (votes, members, 62% population)",
    "lisbon": "Lisbon QMV (55% / 65%)",
    "lisbon_72": "Lisbon reinforced (72% / 65%)",
}
#: Procedures of the Council's public votes that start from a Commission proposal.
COMMISSION_PROCEDURES: tuple[str, ...] = ("COD", "NLE", "CNS", "APP")
POSITION_LABELS = {"Y": "in_favor", "N": "against", "A": "abstained", "X": "not_participating"}


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
    """Exact power indices of every member under `rule`, with size class and population share."""
    indices = power_indices(populations_dict(table), rule, votes)
    out = table[["population", "size_class"]].join(indices)
    out["population_share"] = out["population"] / out["population"].sum()
    if votes is not None:
        out["votes"] = pd.Series(votes).reindex(out.index)
    return out


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
) -> pd.DataFrame:
    """Commission presidents (acting ones left out) with their state's population and size.

    Population in the first year of the term (the earliest year on record if the term began
    before it, e.g. 1960 for 1958). Under 'below_mean' the threshold is the mean population of
    the members on the day the term began.
    """
    first_year = int(population["year"].min())
    rows = []
    for record in presidents[~presidents["acting"]].itertuples(index=False):
        start = record.term_start if len(record.term_start) == 10 else record.term_start + "-01"
        year = max(int(start[:4]), first_year)
        in_year = population[population["year"] == year].set_index("country")["population"]
        if record.country not in in_year.index:
            raise ValueError(f"no population for {record.country} in {year}")
        members = members_on(membership, start)
        cutoff = threshold_for(in_year.reindex(members), definition, threshold_millions)
        value = int(in_year[record.country])
        rows.append(
            {
                "president": record.president,
                "country": record.country,
                "term_start": record.term_start,
                "population_year": year,
                "population_millions": value / 1e6,
                "threshold_millions": cutoff,
                "size_class": "small" if value < cutoff * 1e6 else "large",
            }
        )
    return pd.DataFrame(rows)


# --- Council votes -------------------------------------------------------------------------


def member_positions(votes: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Long table of recorded positions of states that were members on the vote's date.

    Columns: vote_procedure_id, decision_date, voting_rule, procedure, country, position
    (in_favor, against, abstained, not_participating). Unrecorded cells are dropped.
    """
    keys = ["vote_procedure_id", "decision_date", "voting_rule", "procedure"]
    states = [c for c in votes.columns if c not in keys]
    long = votes.melt(id_vars=keys, value_vars=states, var_name="country", value_name="code")
    long = long[long["code"].notna()]
    joined = long.merge(membership[["country", "accession_date", "exit_date"]], on="country")
    is_member = (joined["accession_date"] <= joined["decision_date"]) & (
        joined["exit_date"].isna() | (joined["exit_date"] > joined["decision_date"])
    )
    out = joined[is_member].assign(position=lambda t: t["code"].map(POSITION_LABELS))
    return out[[*keys, "country", "position"]].reset_index(drop=True)


def position_rates(positions: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Per state: votes recorded, and % against and % abstained of the votes it took part in."""
    counts = pd.crosstab(positions["country"], positions["position"])
    counts = counts.reindex(columns=list(POSITION_LABELS.values()), fill_value=0)
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
) -> pd.DataFrame:
    """Small states under each absolute threshold and the 'below_mean' definition in `year`:
    threshold, counts, and their shares of members, population and GDP (0-1)."""
    from .sizes import size_table_on

    specs = [("absolute", t) for t in thresholds] + [("below_mean", 0.0)]
    rows = []
    for definition, threshold in specs:
        table = size_table_on(membership, population, year, threshold, definition)
        small = table["size_class"] == "small"
        cutoff = threshold_for(table["population"], definition, threshold)
        rows.append(
            {
                "definition": definition if definition != "absolute" else f"{threshold:g}m",
                "threshold_millions": cutoff,
                "small_count": int(small.sum()),
                "large_count": int((~small).sum()),
                "small_member_share": float(small.mean()),
                "small_population_share": class_share(table["population"], table),
                "small_gdp_share": class_share(gdp, table),
            }
        )
    return pd.DataFrame(rows).set_index("definition")


def definition_count_metrics(table: pd.DataFrame, suffix: str) -> dict[str, int]:
    """Small-state counts per definition, e.g. small_states_count_eu28_2017_below_5m."""
    names = {"below_mean": "below_mean"}
    return {
        f"small_states_count_{suffix}_{names.get(d, 'below_' + d)}": int(n)
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
