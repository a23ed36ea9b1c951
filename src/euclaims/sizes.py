"""Member-state size classes: who was a member when, and how many are small."""

from __future__ import annotations

import pandas as pd


def members_on(membership: pd.DataFrame, date: str) -> list[str]:
    """ISO codes of the states that were EU members on `date` (YYYY-MM-DD), sorted."""
    joined = membership["accession_date"] <= date
    not_left = membership["exit_date"].isna() | (membership["exit_date"] > date)
    return sorted(membership.loc[joined & not_left, "country"])


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


SIZE_DEFINITIONS: tuple[str, ...] = ("absolute", "below_mean")
POPULATION_SOURCES: tuple[str, ...] = ("eurostat", "worldbank")


def threshold_for(population: pd.Series, definition: str, threshold_millions: float) -> float:
    """The small-state threshold in millions: the given one ('absolute') or the mean member
    population of this membership ('below_mean': small = less than an equal share)."""
    if definition == "absolute":
        return float(threshold_millions)
    if definition == "below_mean":
        return float(population.mean()) / 1e6
    raise ValueError(f"size_definition {definition!r} is not one of {', '.join(SIZE_DEFINITIONS)}")


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
) -> pd.DataFrame:
    """Members on 1 January of `year` with that year's population and size class.

    `definition` 'absolute' uses `threshold_millions`; 'below_mean' calls a state small when it
    has fewer inhabitants than the average member of that year.
    """
    members = members_on(membership, f"{year}-01-01")
    series = population_of(population, members, year)
    return classify_sizes(series, threshold_for(series, definition, threshold_millions))


def class_share(values: pd.Series, table: pd.DataFrame, size_class: str = "small") -> float:
    """Share (0-1) of the total of `values` (indexed by country) held by one size class.

    Every member of `table` needs a value; missing ones raise an error naming them.
    """
    aligned = values.reindex(table.index)
    missing = aligned[aligned.isna()].index.tolist()
    if missing:
        raise ValueError(f"no value for {', '.join(missing)} ({values.name or 'values'})")
    total = float(aligned.sum())
    return float(aligned[table["size_class"] == size_class].sum()) / total


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
