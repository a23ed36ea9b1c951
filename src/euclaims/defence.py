"""EU defence integration: initiative counts in windows, PESCO take-up, spending, procurement.

Small pure functions over the data/raw extracts of `extracts/defence.py`. Dates in the fact tables
may be partial (YYYY or YYYY-MM); a partial date covers a period, from its first to its last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
from scipy import stats

from . import data, sizes

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


@lru_cache(maxsize=4096)
def period_bounds(value: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day covered by an ISO date of day, month or year precision (cached: the
    same dates are parsed in every specification)."""
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
    """Weight of each initiative row: 0 unless of a selected kind (`counted` flags unused)."""
    if kinds not in KIND_SELECTIONS:
        known = sorted(KIND_SELECTIONS)
        raise ValueError(f"parameter initiative_kinds: {kinds!r} not in {known}")
    if weighting not in WEIGHTINGS:
        known = sorted(WEIGHTINGS)
        raise ValueError(f"parameter initiative_weighting: {weighting!r} not in {known}")
    unknown = sorted(set(table["kind"]) - set(WEIGHTINGS[weighting]))
    if unknown:
        raise ValueError(f"defence_initiatives.csv column kind: unknown kinds {unknown}")
    selected = table["kind"].isin(KIND_SELECTIONS[kinds])
    return table["kind"].map(WEIGHTINGS[weighting]).where(selected, 0.0).astype(float)


def comparison_windows(
    essay_date: str, window_months: int, decade_end: str = "window_start", decade_years: int = 10
) -> dict[str, pd.Timestamp]:
    """Half-open windows (start, end]: the `window_months` before the essay, and the decade of
    `decade_years` ending at the window's start or at the date `decade_end` (if earlier)."""
    if window_months < 1:
        raise ValueError(f"parameter window_months must be at least 1, got {window_months}")
    end = pd.Timestamp(essay_date)
    window_start = end - pd.DateOffset(months=window_months)
    if decade_end == "window_start":
        last = window_start
    else:
        try:
            last = min(pd.Timestamp(decade_end), window_start)
        except ValueError as error:
            raise ValueError(f"parameter decade_end: {decade_end!r} is not a date") from error
    decade_start = last - pd.DateOffset(years=decade_years)
    return {
        "decade_start": decade_start,
        "decade_end": last,
        "window_start": window_start,
        "essay_date": end,
    }


def assign_periods(
    table: pd.DataFrame, essay_date: str, window_months: int, decade_end: str = "window_start"
) -> pd.Series:
    """'before', 'decade', 'run-up' (between the decade and the window), 'window', 'after', or
    'ambiguous' (a partial date crossing a boundary)."""
    bounds = comparison_windows(essay_date, window_months, decade_end)
    edges = [
        bounds["decade_start"],
        bounds["decade_end"],
        bounds["window_start"],
        bounds["essay_date"],
    ]
    labels = ["before", "decade", "run-up", "window", "after"]

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
    table: pd.DataFrame,
    essay_date: str,
    window_months: int,
    kinds: str,
    weighting: str,
    decade_end: str = "window_start",
) -> dict[str, int | float | None]:
    """Weighted initiatives in the window before the essay and in the decade before that."""
    weights = initiative_weights(table, kinds, weighting)
    periods = assign_periods(table, essay_date, window_months, decade_end)
    in_window = whole_if_integral(float(weights[periods == "window"].sum()))
    in_decade = whole_if_integral(float(weights[periods == "decade"].sum()))
    window_pace = in_window * 12 / window_months
    decade_pace = in_decade / 10
    return {
        "in_window": in_window,
        "in_decade": in_decade,
        "in_run_up": whole_if_integral(float(weights[periods == "run-up"].sum())),
        "ambiguous": int(((periods == "ambiguous") & (weights > 0)).sum()),
        "window_annual_pace": window_pace,
        "decade_annual_pace": decade_pace,
        "pace_ratio": window_pace / decade_pace if decade_pace else None,
        "count_ratio": in_window / in_decade if in_decade else None,
    }


def initiatives_in_periods(
    table: pd.DataFrame,
    essay_date: str,
    window_months: int,
    kinds: str,
    weighting: str,
    decade_end: str = "window_start",
) -> pd.DataFrame:
    """The initiative rows with their period and weight, for display."""
    return table.assign(
        period=assign_periods(table, essay_date, window_months, decade_end),
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


def coordinators_per_state(roles: pd.DataFrame) -> pd.Series:
    """How many of the named projects each state (co-)coordinates, most first (from the
    project x member roles table); ties in country-code order."""
    codes = roles.loc[roles["role"] == "coordinator", "country"]
    counts = codes.value_counts().sort_index().sort_values(ascending=False, kind="stable")
    return counts.rename_axis("country").rename("projects_coordinated")


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


# --- collaborative procurement before and after -----------------------------------------------


def collaborative_change(
    share: pd.DataFrame, before_from: int, last_before: int, confidence_level: float
) -> dict[str, float]:
    """Mean share after `last_before` minus mean share `before_from`..`last_before` (points), with a
    Welch t interval over the yearly shares at `confidence_level`."""
    if not 0 < confidence_level < 1:
        raise ValueError(f"parameter confidence_level must be in (0, 1), got {confidence_level}")
    values = share["share_pct"]
    before = values[(values.index >= before_from) & (values.index <= last_before)]
    after = values[values.index > last_before]
    if len(before) < 2 or len(after) < 2:
        raise ValueError(
            "eda_collaborative_procurement.csv: fewer than two years before or after "
            f"{last_before} (parameters procurement_before_from={before_from}, "
            f"procurement_last_before={last_before})"
        )
    variance_before = before.var(ddof=1) / len(before)
    variance_after = after.var(ddof=1) / len(after)
    error = (variance_before + variance_after) ** 0.5
    freedom = (variance_before + variance_after) ** 2 / (
        variance_before**2 / (len(before) - 1) + variance_after**2 / (len(after) - 1)
    )
    difference = float(after.mean() - before.mean())
    half = float(stats.t.ppf(0.5 + confidence_level / 2, freedom)) * error
    return {
        "before_mean": float(before.mean()),
        "after_mean": float(after.mean()),
        "change": difference,
        "low": float(difference - half),
        "high": float(difference + half),
    }


# --- inputs and evaluate -------------------------------------------------------------------------

FILES = {
    "initiatives": "defence_initiatives.csv",
    "membership": "pesco_membership.csv",
    "projects": "pesco_projects.csv",
    "roles": "pesco_project_roles.csv",
    "waves": "pesco_waves.csv",
    "missions": "csdp_missions.csv",
    "milex": "sipri_milex_eu.csv",
    "eda": "eda_collaborative_procurement.csv",
    "eu_membership": "member_states.csv",
}
#: Dates and years named by the recorded context metrics (the metric name carries each).
PROJECT_CHECKS = {
    "pesco_projects_by_2019_11_30": ("2019-11-30", "projects_in_place_reported"),
    "pesco_projects_by_2021_12_31": ("2021-12-31", "projects_in_place_reported"),
    "pesco_projects_ever_added_by_2023_12_31": ("2023-12-31", "projects_added_cumulative"),
}
MILEX_COUNT_YEARS = (2014, 2016, 2024)
MILEX_TOTAL_YEARS = (2014, 2024)
CSDP_PERIODS = ((2010, 2016), (2017, 2023))


@dataclass(frozen=True, eq=False)
class Inputs:
    """The notebook's tables, validated, with what does not depend on parameters precomputed."""

    initiatives: pd.DataFrame
    membership: pd.DataFrame
    projects: pd.DataFrame
    roles: pd.DataFrame
    waves: pd.DataFrame
    missions: pd.DataFrame
    milex: pd.DataFrame
    eda: pd.DataFrame
    eu_membership: pd.DataFrame
    share: pd.DataFrame
    milex_members_of_the_time: pd.DataFrame
    milex_eu27: pd.DataFrame
    launches: pd.DataFrame
    context: dict[str, Any]


def pesco_launch_date(membership: pd.DataFrame) -> str:
    """The first joining date in the membership table (PESCO's establishment)."""
    dated = membership["joined_date"].dropna()
    if dated.empty:
        raise ValueError("pesco_membership.csv column joined_date: no dated row")
    return str(min(dated, key=lambda value: period_bounds(value)[1]))


def milex_tables(
    milex: pd.DataFrame, eu_membership: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spending summaries per year: members of the time (1 January), and the current EU27 fixed."""
    years = sorted(int(year) for year in milex["year"].unique())
    members_by_year = {year: sizes.members_on(eu_membership, f"{year}-01-01") for year in years}
    current = members_by_year[years[-1]]
    of_the_time = members_at_or_above(milex, members_by_year, threshold_pct=2.0)
    fixed = members_at_or_above(milex, {year: current for year in years}, threshold_pct=2.0)
    return of_the_time, fixed


def context_metrics(
    membership: pd.DataFrame,
    projects: pd.DataFrame,
    waves: pd.DataFrame,
    eu_membership: pd.DataFrame,
    share: pd.DataFrame,
    milex_members_of_the_time: pd.DataFrame,
    milex_eu27: pd.DataFrame,
    launches: pd.DataFrame,
) -> dict[str, Any]:
    """Metrics that do not depend on any parameter (PESCO take-up, spending, missions)."""
    launch = pesco_launch_date(membership)
    eu28_launch = sizes.members_on(eu_membership, launch)
    at_launch = participants_by(membership, launch)
    latest_day = max(period_bounds(value)[1] for value in membership["joined_date"].dropna())
    latest = participants_by(membership, latest_day.strftime("%Y-%m-%d"))
    everyone = list(membership["country"])
    metrics: dict[str, Any] = {
        "pesco_participating_states_2017": len(at_launch),
        "pesco_participating_states_latest": len(latest),
        "pesco_participation_share_eu28_2017": len(set(at_launch) & set(eu28_launch))
        / len(eu28_launch),
        "pesco_participation_share_eu27_latest": len(latest) / len(everyone),
        "pesco_non_participants_latest": ";".join(sorted(set(everyone) - set(latest))),
        "pesco_projects_named_in_table": len(projects),
    }
    for name, (date, column) in PROJECT_CHECKS.items():
        metrics[name] = projects_by(waves, date, column)
    values = share["share_pct"]
    metrics |= {
        "collaborative_procurement_share_2016_pct": float(values.loc[2016]),
        "collaborative_procurement_share_2021_pct": float(values.loc[2021]),
        "collaborative_procurement_share_max_2005_2021_pct": float(values.max()),
        "collaborative_procurement_years_meeting_benchmark": int(share["meets_benchmark"].sum()),
    }
    for year in MILEX_COUNT_YEARS:
        count = milex_members_of_the_time.loc[year, "at_or_above"]
        metrics[f"eu_members_milex_2pct_gdp_{year}"] = int(count)
    for year in MILEX_TOTAL_YEARS:
        total = milex_eu27.loc[year, "total_constant_2023_usd_bn"]
        metrics[f"eu27_milex_constant_2023_usd_bn_{year}"] = float(total)
    last = MILEX_TOTAL_YEARS[-1]
    mean_share = milex_eu27.loc[last, "mean_share_of_gdp_pct"]
    metrics[f"eu27_milex_mean_share_of_gdp_pct_{last}"] = float(mean_share)
    for first, end in CSDP_PERIODS:
        metrics[f"csdp_missions_launched_{first}_{end}"] = int(
            launches.loc[first:end, "total"].sum()
        )
    return metrics


def load_inputs() -> Inputs:
    """Read and validate every table of the notebook once; precompute the parameter-free pieces."""
    tables = {key: data.load_raw(name) for key, name in FILES.items()}
    tables["waves"] = waves_with_totals(tables["waves"])
    share = collaborative_share(tables["eda"])
    of_the_time, fixed = milex_tables(tables["milex"], tables["eu_membership"])
    launches = launches_per_year(tables["missions"])
    context = context_metrics(
        tables["membership"], tables["projects"], tables["waves"], tables["eu_membership"],
        share, of_the_time, fixed, launches,
    )  # fmt: skip
    return Inputs(
        **tables, share=share, milex_members_of_the_time=of_the_time, milex_eu27=fixed,
        launches=launches, context=context,
    )  # fmt: skip


@lru_cache(maxsize=256)
def initiatives_step(
    inputs: Inputs,
    essay_date: str,
    window_months: int,
    initiative_kinds: str,
    initiative_weighting: str,
    decade_end: str,
) -> dict[str, Any]:
    """Metrics of the initiative count for one choice of window, decade, kinds and weighting."""
    comparison = window_comparison(
        inputs.initiatives, essay_date, window_months, initiative_kinds, initiative_weighting,
        decade_end,
    )  # fmt: skip
    return {
        "defence_initiatives_in_year_before_essay": comparison["in_window"],
        "defence_initiatives_in_decade_before_that": comparison["in_decade"],
        "defence_initiatives_in_run_up": comparison["in_run_up"],
        "defence_initiatives_ambiguous_dates": comparison["ambiguous"],
        "defence_initiatives_pace_ratio": comparison["pace_ratio"],
        "defence_initiatives_window_to_decade_ratio": comparison["count_ratio"],
    }


@lru_cache(maxsize=64)
def procurement_step(
    inputs: Inputs, procurement_before_from: int, procurement_last_before: int,
    confidence_level: float,
) -> dict[str, float]:  # fmt: skip
    """Metrics of the change in collaborative procurement share after `procurement_last_before`."""
    change = collaborative_change(
        inputs.share, procurement_before_from, procurement_last_before, confidence_level
    )
    return {
        "collaborative_procurement_mean_before_pct": change["before_mean"],
        "collaborative_procurement_mean_after_pct": change["after_mean"],
        "collaborative_procurement_change_pp": change["change"],
        "collaborative_procurement_change_ci_low": change["low"],
        "collaborative_procurement_change_ci_high": change["high"],
    }


def evaluate(
    inputs: Inputs,
    *,
    essay_date: str,
    window_months: int,
    initiative_kinds: str,
    initiative_weighting: str,
    decade_end: str,
    procurement_before_from: int,
    procurement_last_before: int,
    confidence_level: float,
) -> dict[str, Any]:
    """Every metric of the notebook for one specification (all params.yaml parameters); pure."""
    return {
        **inputs.context,
        **initiatives_step(
            inputs, essay_date, window_months, initiative_kinds, initiative_weighting, decade_end
        ),
        **procurement_step(
            inputs, procurement_before_from, procurement_last_before, confidence_level
        ),
    }
