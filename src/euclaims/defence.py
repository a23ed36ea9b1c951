"""EU defence integration: initiative counts in windows, PESCO take-up, spending, procurement.

Small pure functions over the data/raw extracts of `extracts/defence.py`. Dates in the fact tables
may be partial (YYYY or YYYY-MM); a partial date covers a period, from its first to its last day.
"""

from __future__ import annotations

import pandas as pd

#: Which initiative kinds are counted (`initiative_kinds` parameter).
KIND_SELECTIONS: dict[str, tuple[str, ...]] = {
    "all": ("strategy", "body", "fund", "legal act", "capability", "treaty"),
    "excluding_strategies": ("body", "fund", "legal act", "capability", "treaty"),
}
#: Weight of each counted initiative by kind (`initiative_weighting` parameter).
WEIGHTINGS: dict[str, dict[str, float]] = {
    "equal": {kind: 1.0 for kind in KIND_SELECTIONS["all"]},
    "legal_acts_and_funds_only": {
        kind: 1.0 if kind in ("legal act", "fund") else 0.0 for kind in KIND_SELECTIONS["all"]
    },
}
#: EDA collective benchmark: European collaborative equipment procurement, % of the total.
EDA_COLLABORATIVE_BENCHMARK_PCT = 35.0


def period_bounds(value: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day covered by an ISO date of day, month or year precision."""
    if not isinstance(value, str) or len(value) not in (4, 7, 10):
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if len(value) == 10:
        day = pd.Timestamp(value)
        return day, day
    if len(value) == 7:
        start = pd.Timestamp(f"{value}-01")
        return start, start + pd.offsets.MonthEnd(0)
    return pd.Timestamp(f"{value}-01-01"), pd.Timestamp(f"{value}-12-31")


def initiative_weights(table: pd.DataFrame, kinds: str, weighting: str) -> pd.Series:
    """Weight of each initiative row: 0 unless counted and of a selected kind."""
    if kinds not in KIND_SELECTIONS:
        known = sorted(KIND_SELECTIONS)
        raise ValueError(f"parameter initiative_kinds: {kinds!r} not in {known}")
    if weighting not in WEIGHTINGS:
        known = sorted(WEIGHTINGS)
        raise ValueError(f"parameter initiative_weighting: {weighting!r} not in {known}")
    unknown = sorted(set(table["kind"]) - set(WEIGHTINGS[weighting]))
    if unknown:
        raise ValueError(f"defence_initiatives.csv column kind: unknown kinds {unknown}")
    selected = table["kind"].isin(KIND_SELECTIONS[kinds]) & table["counted"].astype(bool)
    return table["kind"].map(WEIGHTINGS[weighting]).where(selected, 0.0).astype(float)


def comparison_windows(
    essay_date: str, window_months: int, decade_years: int = 10
) -> dict[str, pd.Timestamp]:
    """Half-open windows (start, end]: the `window_months` before the essay, the decade before."""
    if window_months < 1:
        raise ValueError(f"parameter window_months must be at least 1, got {window_months}")
    end = pd.Timestamp(essay_date)
    window_start = end - pd.DateOffset(months=window_months)
    decade_start = window_start - pd.DateOffset(years=decade_years)
    return {"decade_start": decade_start, "window_start": window_start, "essay_date": end}


def assign_periods(table: pd.DataFrame, essay_date: str, window_months: int) -> pd.Series:
    """'window', 'decade', 'before', 'after' or 'ambiguous' (a partial date crossing a boundary)."""
    bounds = comparison_windows(essay_date, window_months)
    edges = [bounds["decade_start"], bounds["window_start"], bounds["essay_date"]]
    labels = ["before", "decade", "window", "after"]

    def label(day: pd.Timestamp) -> str:
        return labels[sum(day > edge for edge in edges)]

    periods = []
    for value in table["date"]:
        first, last = period_bounds(value)
        periods.append(label(first) if label(first) == label(last) else "ambiguous")
    return pd.Series(periods, index=table.index, name="period")


def whole_if_integral(value: float) -> int | float:
    """An int when `value` is a whole number (counts read better as 3 than 3.0)."""
    return int(value) if float(value).is_integer() else value


def window_comparison(
    table: pd.DataFrame, essay_date: str, window_months: int, kinds: str, weighting: str
) -> dict[str, int | float | None]:
    """Weighted initiatives in the window before the essay and in the ten years before that."""
    weights = initiative_weights(table, kinds, weighting)
    periods = assign_periods(table, essay_date, window_months)
    in_window = whole_if_integral(float(weights[periods == "window"].sum()))
    in_decade = whole_if_integral(float(weights[periods == "decade"].sum()))
    window_pace = in_window * 12 / window_months
    decade_pace = in_decade / 10
    return {
        "in_window": in_window,
        "in_decade": in_decade,
        "ambiguous": int(((periods == "ambiguous") & (weights > 0)).sum()),
        "window_annual_pace": window_pace,
        "decade_annual_pace": decade_pace,
        "pace_ratio": window_pace / decade_pace if decade_pace else None,
    }


def initiatives_in_periods(
    table: pd.DataFrame, essay_date: str, window_months: int, kinds: str, weighting: str
) -> pd.DataFrame:
    """The initiative rows with their period and weight, for display."""
    return table.assign(
        period=assign_periods(table, essay_date, window_months),
        weight=initiative_weights(table, kinds, weighting),
    )[["date", "name", "kind", "counted", "period", "weight"]]


def counts_per_year(
    table: pd.DataFrame, kinds: str, weighting: str, first: int = 2003, last: int = 2025
) -> pd.DataFrame:
    """Weighted initiatives per year and kind (rows: years first..last, zero-filled)."""
    data = table.assign(
        year=table["date"].str[:4].astype(int), weight=initiative_weights(table, kinds, weighting)
    )
    wide = data.pivot_table(
        index="year", columns="kind", values="weight", aggfunc="sum", fill_value=0.0
    )
    wide = wide.reindex(range(first, last + 1), fill_value=0.0)
    wide = wide.loc[:, wide.sum() > 0] if len(wide.columns) else wide
    wide["total"] = wide.sum(axis=1)
    wide.index.name = "year"
    return wide


def participants_by(membership: pd.DataFrame, date: str) -> list[str]:
    """PESCO participants that had joined by `date` (a partial joining date counts at its end)."""
    joined = membership.dropna(subset=["joined_date"])
    ends = joined["joined_date"].map(lambda value: period_bounds(value)[1])
    return sorted(joined.loc[ends <= pd.Timestamp(date), "country"])


def waves_with_totals(waves: pd.DataFrame) -> pd.DataFrame:
    """PESCO waves with the cumulative number of projects ever added."""
    table = waves.sort_values("wave").reset_index(drop=True)
    return table.assign(projects_added_cumulative=table["projects_added"].cumsum())


def projects_by(waves: pd.DataFrame, date: str, column: str = "projects_in_place_reported"):
    """`column` of the latest wave adopted by `date`: 0 before the first wave, None if unknown."""
    adopted = waves_with_totals(waves)
    adopted = adopted[adopted["council_adoption_date"] <= date]
    if adopted.empty:
        return 0
    value = adopted.iloc[-1][column]
    return None if pd.isna(value) else int(value)


def coordinators_per_state(projects: pd.DataFrame) -> pd.Series:
    """How many of the named projects each state (co-)coordinates, most first."""
    codes = projects["coordinator"].dropna().str.split(";").explode()
    return codes.value_counts().rename_axis("country").rename("projects_coordinated")


def members_at_or_above(
    milex: pd.DataFrame, members_by_year: dict[int, list[str]], threshold_pct: float = 2.0
) -> pd.DataFrame:
    """Per year: EU members with data, and how many spent at least `threshold_pct` of GDP."""
    rows = []
    for year, members in sorted(members_by_year.items()):
        data = milex[(milex["year"] == year) & milex["country"].isin(members)]
        missing = sorted(set(members) - set(data["country"]))
        if missing:
            raise ValueError(f"sipri_milex_eu.csv: no {year} value for {', '.join(missing)}")
        share = data["milex_share_of_gdp_pct"]
        rows.append(
            {
                "year": year,
                "members": len(members),
                "at_or_above": int((share >= threshold_pct).sum()),
                "total_constant_2023_usd_bn": data["milex_constant_2023_usd_m"].sum() / 1000,
                "mean_share_of_gdp_pct": float(share.mean()),
            }
        )
    return pd.DataFrame(rows).set_index("year")


def collaborative_share(eda: pd.DataFrame) -> pd.DataFrame:
    """European collaborative procurement as % of equipment procurement, one row per year.

    Years up to 2016 come from the EDA-27 release (2005-2017e), later years from the EDA 26
    release (2017-2021); the 2017 estimate of the first release is dropped.
    """
    actual = eda[~eda["estimate"]]
    keep = ((actual["release"] == "2005-2017e") & (actual["year"] <= 2016)) | (
        (actual["release"] == "2017-2021") & (actual["year"] >= 2017)
    )
    wide = actual[keep].pivot(
        index=["year", "aggregate"], columns="indicator", values="value_eur_m"
    )
    wide = wide.reset_index().set_index("year").sort_index()
    wide["share_pct"] = (
        100 * wide["european_collaborative_procurement"] / wide["equipment_procurement"]
    )
    wide["meets_benchmark"] = wide["share_pct"] >= EDA_COLLABORATIVE_BENCHMARK_PCT
    return wide[["aggregate", "equipment_procurement", "european_collaborative_procurement",
                 "share_pct", "meets_benchmark"]]  # fmt: skip


def launches_per_year(missions: pd.DataFrame, first: int = 2003, last: int = 2023) -> pd.DataFrame:
    """CSDP missions and operations launched per year by type (civilian, military), zero-filled."""
    dated = missions.dropna(subset=["start_date"])
    data = dated.assign(year=dated["start_date"].str[:4].astype(int))
    wide = pd.crosstab(data["year"], data["type"]).reindex(range(first, last + 1), fill_value=0)
    for column in ("civilian", "military"):
        if column not in wide:
            wide[column] = 0
    wide = wide[["civilian", "military"]]
    wide["total"] = wide.sum(axis=1)
    wide.index.name = "year"
    wide.columns.name = None
    return wide
