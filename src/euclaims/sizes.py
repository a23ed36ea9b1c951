"""Member-state size classes: who was a member when, and how many are small."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def members_on(membership: pd.DataFrame, date: str) -> list[str]:
    """ISO codes of the states that were EU members on `date` (YYYY-MM-DD), sorted.

    A plain loop over the rows (a few dozen): called for every date of every specification,
    it is many times faster than pandas' string comparisons.
    """
    columns = (membership["country"], membership["accession_date"], membership["exit_date"])
    rows = zip(*columns, strict=True)
    return sorted(
        country
        for country, joined, left in rows
        if pd.notna(joined) and joined <= date and (pd.isna(left) or left > date)
    )


def population_of(population: pd.DataFrame, countries: list[str], year: int) -> pd.Series:
    """Population on 1 January of `year` for `countries`; fails if any value is missing."""
    rows = population[(population["year"] == year) & population["country"].isin(countries)]
    series = rows.set_index("country")["population"].reindex(countries)
    missing = series[series.isna()].index.tolist()
    if missing:
        raise ValueError(f"no population for {', '.join(missing)} in {year} in population data")
    return series.astype("int64")


def classify_sizes(population: pd.Series, threshold_millions: float) -> pd.DataFrame:
    """Population and size class ('small' below the threshold, else 'large'), largest first."""
    table = population.rename("population").to_frame()
    table["size_class"] = ["small" if p < threshold_millions * 1e6 else "large" for p in population]
    return table.sort_values("population", ascending=False, kind="stable")


SIZE_DEFINITIONS: tuple[str, ...] = ("absolute", "below_mean", "below_mean_votes", "major_powers")
#: Definitions that draw a line in population (below_mean_votes draws it in Council votes).
POPULATION_DEFINITIONS: tuple[str, ...] = ("absolute", "below_mean", "major_powers")
POPULATION_SOURCES: tuple[str, ...] = ("eurostat", "worldbank")


def check_definition(definition: str) -> None:
    """Raise ValueError naming `size_definition` unless it is a known definition."""
    if definition not in SIZE_DEFINITIONS:
        raise ValueError(
            f"size_definition {definition!r} is not one of {', '.join(SIZE_DEFINITIONS)}"
        )


def major_powers(values: pd.Series) -> list[str]:
    """The states above the largest gap in the ranking of `values` (largest first).

    A natural break, with no cut-off chosen by hand: rank the members by population (or by
    Council votes) and split the ranking where the step from one state to the next is largest.
    Ties for the largest gap go to the first (the smaller group of major powers).
    """
    if len(values) < 2:
        raise ValueError("major powers need at least two members to compare")
    ranked = values.sort_values(ascending=False, kind="stable")
    numbers = ranked.to_numpy(dtype=float)
    cut = int(np.argmax(numbers[:-1] - numbers[1:])) + 1
    return [str(code) for code in ranked.index[:cut]]


def threshold_for(population: pd.Series, definition: str, threshold_millions: float) -> float:
    """The small-state threshold in millions: the given one ('absolute'), the mean member
    population of this membership ('below_mean': small = less than an equal share), or the
    population of the smallest major power ('major_powers': small = every other state)."""
    check_definition(definition)
    if definition == "absolute":
        return float(threshold_millions)
    if definition == "below_mean":
        return float(population.mean()) / 1e6
    if definition == "major_powers":
        smallest = min(int(population[code]) for code in major_powers(population))
        return smallest / 1e6
    raise ValueError(
        "size_definition 'below_mean_votes' draws its line in Council votes, not in population; "
        "use classify_members with the Nice votes"
    )


def vote_threshold(votes: Mapping[str, int] | pd.Series, members: list[str]) -> float:
    """The mean Nice vote weight of `members` (small = fewer votes; Panke 2008, 2010)."""
    series = pd.Series(dict(votes), dtype=float).reindex(members)
    missing = series[series.isna()].index.tolist()
    if missing:
        raise ValueError(f"council_nice_weights.csv: no Nice weight for {', '.join(missing)}")
    return float(series.mean())


def classify_members(
    population: pd.Series,
    definition: str,
    threshold_millions: float,
    votes: Mapping[str, int] | pd.Series | None = None,
) -> pd.DataFrame:
    """Population and size class of the members in `population` under any size definition.

    'below_mean_votes' needs `votes` (Nice weights): small = fewer votes than the members'
    average. Every other definition draws its line in population (see `threshold_for`).
    """
    check_definition(definition)
    if definition in ("absolute", "below_mean"):
        return classify_sizes(population, threshold_for(population, definition, threshold_millions))
    members = [str(code) for code in population.index]
    if definition == "major_powers":
        large = set(major_powers(population))
    elif votes is None:
        raise ValueError("size_definition 'below_mean_votes' needs the Nice vote weights")
    else:
        cutoff = vote_threshold(votes, members)
        large = {code for code in members if float(dict(votes)[code]) >= cutoff}
    table = population.rename("population").to_frame()
    table["size_class"] = ["large" if code in large else "small" for code in members]
    return table.sort_values("population", ascending=False, kind="stable")


def population_table(eurostat: pd.DataFrame, worldbank: pd.DataFrame, source: str) -> pd.DataFrame:
    """Columns country, year, population from the chosen source ('eurostat' or 'worldbank')."""
    if source == "eurostat":
        return eurostat[["country", "year", "population"]]
    if source == "worldbank":
        return worldbank[["country", "year", "population"]]
    raise ValueError(f"population_source {source!r} is not one of {', '.join(POPULATION_SOURCES)}")


def size_summary(table: pd.DataFrame) -> dict[str, float | int]:
    """Counts of small and large members and the small states' share of members and population."""
    small = table["size_class"] == "small"
    total_population = int(table["population"].sum())
    large_count = int((~small).sum())
    return {
        "member_count": len(table),
        "small_count": int(small.sum()),
        "large_count": large_count,
        "small_share": float(small.mean()),
        "small_population_share_pct": 100
        * int(table.loc[small, "population"].sum())
        / total_population,
        "small_to_large_ratio": float(small.sum()) / large_count if large_count else None,
    }


def size_table_on(
    membership: pd.DataFrame,
    population: pd.DataFrame,
    year: int,
    threshold_millions: float,
    definition: str = "absolute",
    votes: Mapping[str, int] | pd.Series | None = None,
) -> pd.DataFrame:
    """Members on 1 January of `year` with that year's population and size class.

    `definition` 'absolute' uses `threshold_millions`; 'below_mean' calls a state small when it
    has fewer inhabitants than the average member of that year; 'major_powers' when it is not
    one of the states above the largest gap in population; 'below_mean_votes' when it has fewer
    Nice votes (`votes`) than the average member.
    """
    members = members_on(membership, f"{year}-01-01")
    series = population_of(population, members, year)
    return classify_members(series, definition, threshold_millions, votes)


def class_share(values: pd.Series, table: pd.DataFrame, size_class: str = "small") -> float:
    """Share (0-1) of the total of `values` (indexed by country) held by one size class.

    Every member of `table` needs a value; missing ones raise an error naming them.
    """
    aligned = values.reindex(table.index)
    missing = aligned.isna().to_numpy()
    if missing.any():
        names = aligned.index[missing].tolist()
        raise ValueError(f"no value for {', '.join(names)} ({values.name or 'values'})")
    total = float(aligned.sum())
    in_class = table["size_class"].to_numpy() == size_class  # numpy: faster than pandas strings
    return float(aligned[in_class].sum()) / total


def prefixed(summary: dict[str, float | int], suffix: str) -> dict[str, float | int]:
    """Metric names from a size summary, e.g. small_count -> small_states_count_eu28_2017."""
    names = {
        "member_count": "member_count",
        "small_count": "small_states_count",
        "large_count": "large_states_count",
        "small_share": "small_states_share",
        "small_population_share_pct": "small_states_population_share_pct",
        "small_to_large_ratio": "small_to_large_ratio",
    }
    return {f"{names[key]}_{suffix}": value for key, value in summary.items()}
