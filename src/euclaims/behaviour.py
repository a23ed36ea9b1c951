"""Small states' behaviour: exposure to shocks, dissent in the Council, support for defence.

Small pure functions over the tidy extracts in data/raw; the notebook
`small_states_behaviour` strings them together.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .sizes import members_on, size_table_on

#: The fixed seed of the bootstrap, so that two runs give identical intervals.
BOOTSTRAP_SEED = 20170101
#: Earliest year of the Comtrade files at hand (no 2013 file).
RUSSIA_BASE_YEAR = 2014

# --- exposure indicators -------------------------------------------------------------------------


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise KeyError(f"{what}: missing column(s) {', '.join(missing)}")


def _year_slice(frame: pd.DataFrame, year: int, what: str) -> pd.DataFrame:
    rows = frame[frame["year"] == year].set_index("country")
    if rows.empty:
        raise ValueError(f"{what}: no rows for year {year}")
    return rows


def trade_openness(trade: pd.DataFrame, macro: pd.DataFrame, year: int) -> pd.DataFrame:
    """(exports + imports) / GDP in % per state in `year`, with ln(population).

    `trade` has country, year, exports_musd, imports_musd (million US$); `macro` has country,
    year, gdp_usd, population.
    """
    _require(trade, ["country", "year", "exports_musd", "imports_musd"], "trade table")
    _require(macro, ["country", "year", "gdp_usd", "population"], "GDP/population table")
    flows = _year_slice(trade, year, "trade table")
    base = _year_slice(macro, year, "GDP/population table")
    missing = sorted(set(flows.index) - set(base.index))
    if missing:
        raise ValueError(f"GDP/population table: no {year} value for {', '.join(missing)}")
    base = base.loc[flows.index]
    table = pd.DataFrame(
        {
            "openness_pct": 100
            * (flows["exports_musd"] + flows["imports_musd"])
            * 1e6
            / base["gdp_usd"],
            "population": base["population"],
        }
    )
    table["log_population"] = np.log(table["population"].astype(float))
    return table.sort_index()


def growth_volatility(macro: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Standard deviation (percentage points) of the annual log change of GDP, start..end.

    Uses the changes start->start+1, ..., end-1->end; needs at least three changes. Population
    (and its log) is that of `start`.
    """
    if end - start < 3:
        raise ValueError(f"growth window {start}-{end}: needs at least three annual changes")
    _require(macro, ["country", "year", "gdp_usd", "population"], "GDP/population table")
    window = macro[macro["year"].between(start, end)]
    wide = window.pivot(index="year", columns="country", values="gdp_usd").sort_index()
    expected = list(range(start, end + 1))
    gaps = [str(c) for c in wide.columns if wide[c].reindex(expected).isna().any()]
    if gaps:
        raise ValueError(f"GDP/population table: GDP missing within {start}-{end} for {gaps}")
    changes = 100 * np.log(wide).diff().iloc[1:]
    base = _year_slice(macro, start, "GDP/population table").loc[wide.columns]
    table = pd.DataFrame(
        {"growth_volatility_pp": changes.std(ddof=1), "population": base["population"]}
    )
    table["log_population"] = np.log(table["population"].astype(float))
    table.index.name = "country"
    return table.sort_index()


def russia_export_loss(
    exports: pd.DataFrame, macro: pd.DataFrame, base_year: int, end_year: int
) -> pd.DataFrame:
    """Fall in exports to Russia as a share of GDP, base_year to end_year, percentage points.

    Share of GDP = exports to Russia / GDP of the same year (both current US$), so a common
    exchange-rate swing cancels out. Positive = exports to Russia fell relative to GDP.
    Population (and its log) is that of `base_year`.
    """
    if end_year <= base_year:
        raise ValueError(f"russia loss: end year {end_year} must follow base year {base_year}")
    _require(exports, ["country", "year", "exports_to_russia_usd"], "Comtrade table")
    shares = {}
    for year in (base_year, end_year):
        flows = _year_slice(exports, year, "Comtrade table")
        gdp = _year_slice(macro, year, "GDP/population table")
        missing = sorted(set(flows.index) - set(gdp.index))
        if missing:
            raise ValueError(f"GDP/population table: no {year} GDP for {', '.join(missing)}")
        shares[year] = 100 * flows["exports_to_russia_usd"] / gdp.loc[flows.index, "gdp_usd"]
    population = _year_slice(macro, base_year, "GDP/population table")["population"]
    table = pd.DataFrame(
        {
            "russia_share_base_pct": shares[base_year],
            "russia_share_end_pct": shares[end_year],
        }
    ).dropna()
    table["russia_export_loss_pp"] = table["russia_share_base_pct"] - table["russia_share_end_pct"]
    table["population"] = population.loc[table.index]
    table["log_population"] = np.log(table["population"].astype(float))
    table.index.name = "country"
    return table.sort_index()


def _ols_result(table: pd.DataFrame, y: str, x: str):
    _require(table, [y, x], "regression table")
    data = table[[y, x]].dropna()
    if len(data) < 5:
        raise ValueError(f"regression of {y} on {x}: only {len(data)} observations")
    model = sm.OLS(data[y].astype(float), sm.add_constant(data[x].astype(float)))
    return model.fit(cov_type="HC3")


def ols_fit(table: pd.DataFrame, y: str, x: str = "log_population", level: float = 0.95) -> dict:
    """OLS of `y` on `x` with HC3 robust standard errors: slope, its CI, intercept, n, p-value."""
    result = _ols_result(table, y, x)
    low, high = result.conf_int(alpha=1 - level).loc[x]
    return {
        "slope": float(result.params[x]),
        "ci_low": float(low),
        "ci_high": float(high),
        "intercept": float(result.params["const"]),
        "p_value": float(result.pvalues[x]),
        "n": int(result.nobs),
        "r_squared": float(result.rsquared),
    }


def fit_band(
    table: pd.DataFrame, y: str, x: str = "log_population", points: int = 50, level: float = 0.95
) -> pd.DataFrame:
    """Fitted line and the HC3 confidence band of the mean over the range of `x`."""
    result = _ols_result(table, y, x)
    grid = np.linspace(table[x].min(), table[x].max(), points)
    prediction = result.get_prediction(sm.add_constant(pd.Series(grid, name=x), has_constant="add"))
    band = prediction.conf_int(alpha=1 - level)
    return pd.DataFrame({x: grid, "fit": prediction.predicted_mean, "low": band[:, 0],
                         "high": band[:, 1]})  # fmt: skip


def fit_metrics(fit: dict, prefix: str) -> dict[str, float | int]:
    """Metric names for a fit, e.g. prefix 'openness' -> openness_vs_log_population_slope."""
    stem = f"{prefix}_vs_log_population_slope"
    return {
        stem: fit["slope"],
        f"{stem}_ci_low": fit["ci_low"],
        f"{stem}_ci_high": fit["ci_high"],
        f"{prefix}_vs_log_population_n": fit["n"],
    }


def fit_table(fits: dict[str, dict]) -> pd.DataFrame:
    """One row per indicator: slope, 95% CI, p-value, R squared, n (rounded for display)."""
    rows = {
        name: {key: fit[key] for key in ("slope", "ci_low", "ci_high", "p_value", "r_squared", "n")}
        for name, fit in fits.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index").round(4)


def size_class_of(population: float, threshold_millions: float) -> str:
    """'small' below the threshold (strict), else 'large'."""
    return "small" if population < threshold_millions * 1e6 else "large"


# --- Council dissent ---------------------------------------------------------------------------


def split_codes(cell: object) -> list[str]:
    """'DE;GB' -> ['DE', 'GB']; missing -> []."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell is pd.NA:
        return []
    return [code for code in str(cell).split(";") if code]


def dissent_events(votes: pd.DataFrame, include_abstention: bool) -> pd.DataFrame:
    """One row per (vote, dissenting state): vote_id, year, country, dissenters, lone.

    A state dissents when it votes against, or abstains if `include_abstention`. A dissent is
    lone when it is the only one on that vote.
    """
    _require(votes, ["vote_id", "decision_date", "against", "abstained"], "Council votes")
    rows = []
    for vote in votes.itertuples(index=False):
        dissenters = set(split_codes(vote.against))
        if include_abstention:
            dissenters |= set(split_codes(vote.abstained))
        for country in sorted(dissenters):
            rows.append(
                {
                    "vote_id": int(vote.vote_id),
                    "year": int(str(vote.decision_date)[:4]),
                    "country": country,
                    "dissenters": len(dissenters),
                }
            )
    events = pd.DataFrame(rows, columns=["vote_id", "year", "country", "dissenters"])
    events["lone"] = events["dissenters"] == 1
    return events


def population_for_years(population: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Population per country for each of `years`: the latest year at or before it that the
    data have, else the earliest year after it (e.g. 2022 -> 2021; the UK after 2020 -> 2020)."""
    _require(population, ["country", "year", "population"], "population table")
    rows = []
    for country, series in population.groupby("country"):
        by_year = series.set_index("year")["population"].sort_index()
        for year in years:
            before = by_year[by_year.index <= year]
            value = before.iloc[-1] if len(before) else by_year.iloc[0]
            rows.append({"country": country, "year": year, "population": int(value)})
    return pd.DataFrame(rows, columns=["country", "year", "population"])


def classify_events(
    events: pd.DataFrame, population: pd.DataFrame, threshold_millions: float
) -> pd.DataFrame:
    """Add each dissenting state's size class in the vote's year."""
    years = sorted(events["year"].unique().tolist())
    lookup = population_for_years(population, years)
    table = events.merge(lookup, on=["country", "year"], how="left")
    unknown = sorted(table.loc[table["population"].isna(), "country"].unique())
    if unknown:
        raise ValueError(f"population table: no population for dissenting state(s) {unknown}")
    table["size_class"] = [size_class_of(p, threshold_millions) for p in table["population"]]
    return table


def lone_dissent_summary(events: pd.DataFrame) -> pd.DataFrame:
    """Per size class: dissents, lone dissents, lone share, mean number of co-dissenters."""
    _require(events, ["size_class", "lone", "dissenters"], "dissent events")
    grouped = events.groupby("size_class")
    table = pd.DataFrame(
        {
            "dissents": grouped.size(),
            "lone_dissents": grouped["lone"].sum().astype(int),
            "mean_co_dissenters": grouped["dissenters"].mean() - 1,
        }
    )
    table["lone_share"] = table["lone_dissents"] / table["dissents"]
    return table.reindex(["small", "large"])


def vote_level_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Per vote: dissents and lone dissents by small and by large states (for the bootstrap)."""
    counts = events.pivot_table(
        index="vote_id", columns="size_class", values="lone", aggfunc=["size", "sum"], fill_value=0
    )
    table = pd.DataFrame(index=counts.index)
    for size_class in ("small", "large"):
        table[f"{size_class}_dissents"] = (
            counts["size"][size_class] if size_class in counts["size"] else 0
        )
        table[f"{size_class}_lone"] = (
            counts["sum"][size_class] if size_class in counts["sum"] else 0
        )
    return table.astype(int)


def bootstrap_lone_share_difference(
    events: pd.DataFrame, draws: int, seed: int = BOOTSTRAP_SEED, level: float = 0.95
) -> tuple[float, float]:
    """Percentile interval of (small lone share - large lone share), resampling votes."""
    counts = vote_level_counts(events).to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(counts), size=(draws, len(counts)))
    totals = counts[picks].sum(axis=1)  # draws x 4: small_dissents, small_lone, large_..., ...
    with np.errstate(invalid="ignore", divide="ignore"):
        difference = totals[:, 1] / totals[:, 0] - totals[:, 3] / totals[:, 2]
    difference = difference[np.isfinite(difference)]
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(difference, [tail, 100 - tail])
    return float(low), float(high)


def per_state_dissent(events: pd.DataFrame) -> pd.DataFrame:
    """Per state and size class: dissents, lone dissents, lone share (a state can change class)."""
    grouped = events.groupby(["country", "size_class"])
    table = pd.DataFrame(
        {"dissents": grouped.size(), "lone_dissents": grouped["lone"].sum().astype(int)}
    )
    table["lone_share"] = table["lone_dissents"] / table["dissents"]
    return table.reset_index().sort_values(["dissents", "country"], ascending=[False, True])


def co_dissent_rates(events: pd.DataFrame, min_either: int = 1) -> pd.DataFrame:
    """Pair rates: votes where both dissent / votes where either dissents (Jaccard index)."""
    sets = events.groupby("country")["vote_id"].agg(set)
    rows = []
    for first, second in combinations(sorted(sets.index), 2):
        either = len(sets[first] | sets[second])
        if either >= min_either:
            both = len(sets[first] & sets[second])
            rows.append(
                {"first": first, "second": second, "both": both, "either": either,
                 "rate": both / either}
            )  # fmt: skip
    return pd.DataFrame(rows, columns=["first", "second", "both", "either", "rate"])


def co_dissent_matrix(rates: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Square matrix of pair rates in `order` (diagonal empty)."""
    matrix = pd.DataFrame(np.nan, index=order, columns=order)
    for row in rates.itertuples(index=False):
        if row.first in matrix.index and row.second in matrix.index:
            matrix.loc[row.first, row.second] = row.rate
            matrix.loc[row.second, row.first] = row.rate
    return matrix


def coalition_metrics(summary: pd.DataFrame, ci: tuple[float, float]) -> dict[str, float | int]:
    """Named metrics of the coalition test from the per-class summary and the interval."""
    small, large = summary.loc["small"], summary.loc["large"]

    def value(series: pd.Series, key: str, kind: type) -> float | int | None:
        return None if pd.isna(series[key]) else kind(series[key])

    return {
        "small_state_lone_dissent_share": value(small, "lone_share", float),
        "large_state_lone_dissent_share": value(large, "lone_share", float),
        "small_state_dissents_count": value(small, "dissents", int),
        "large_state_dissents_count": value(large, "dissents", int),
        "small_state_mean_co_dissenters": value(small, "mean_co_dissenters", float),
        "large_state_mean_co_dissenters": value(large, "mean_co_dissenters", float),
        "lone_dissent_share_difference": (
            None
            if pd.isna(small["lone_share"]) or pd.isna(large["lone_share"])
            else float(small["lone_share"] - large["lone_share"])
        ),
        "lone_dissent_share_difference_ci_low": ci[0],
        "lone_dissent_share_difference_ci_high": ci[1],
    }


def metrics_without_state(
    events: pd.DataFrame, country: str, draws: int, seed: int = BOOTSTRAP_SEED
) -> dict[str, float | None]:
    """Lone-dissent shares and the bootstrap interval of their difference with one state's own
    dissents left out (the others' lone/joint status as recorded), e.g. GB ->
    large_state_lone_dissent_share_without_gb."""
    rest = events[events["country"] != country]
    summary = lone_dissent_summary(rest)
    low, high = bootstrap_lone_share_difference(rest, draws, seed)
    full = coalition_metrics(summary, (low, high))
    suffix = f"_without_{country.lower()}"
    keys = (
        "small_state_lone_dissent_share", "large_state_lone_dissent_share",
        "lone_dissent_share_difference", "lone_dissent_share_difference_ci_low",
        "lone_dissent_share_difference_ci_high",
    )  # fmt: skip
    return {f"{key}{suffix}": full[key] for key in keys}


# --- support for defence integration ----------------------------------------------------------


def pesco_by_size(
    membership: pd.DataFrame,
    population: pd.DataFrame,
    pesco: pd.DataFrame,
    date: str,
    population_year: int,
    threshold_millions: float,
) -> pd.DataFrame:
    """EU members on `date` with size class and whether they took part in PESCO by `date`."""
    _require(pesco, ["country", "joined_date"], "PESCO participation table")
    table = size_table_on(membership, population, population_year, threshold_millions)
    on_date = members_on(membership, date)
    table = table.loc[[c for c in table.index if c in on_date]]
    joined = pesco.set_index("country")["joined_date"]
    table["pesco"] = [
        bool(pd.notna(joined.get(c)) and str(joined.get(c)) <= date) for c in table.index
    ]
    return table


def share_by_class(table: pd.DataFrame, column: str) -> dict[str, float | None]:
    """Mean of `column` among small and among large states (None when a class is empty)."""
    out = {}
    for size_class in ("small", "large"):
        values = table.loc[table["size_class"] == size_class, column]
        out[size_class] = float(values.mean()) if len(values) else None
    return out


def pesco_class_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per size class: PESCO participants, members, share participating."""
    grouped = table.groupby("size_class")["pesco"]
    out = pd.DataFrame({"participants": grouped.sum().astype(int), "members": grouped.size()})
    out["share"] = out["participants"] / out["members"]
    return out.reindex(["small", "large"])


def project_roles_by_state(roles: pd.DataFrame) -> pd.DataFrame:
    """Per state: known PESCO project participations (incl. coordination) and coordinations."""
    _require(roles, ["project", "coordinators", "participants"], "PESCO project roles")
    rows = []
    for project in roles.itertuples(index=False):
        coordinators = set(split_codes(project.coordinators))
        members = set(split_codes(project.participants)) | coordinators
        for country in members:
            rows.append({"country": country, "coordinator": country in coordinators})
    events = pd.DataFrame(rows, columns=["country", "coordinator"])
    grouped = events.groupby("country")
    return pd.DataFrame(
        {
            "known_projects": grouped.size(),
            "known_coordinations": grouped["coordinator"].sum().astype(int),
        }
    )


def eurobarometer_support(eurobarometer: pd.DataFrame) -> pd.DataFrame:
    """Share 'for' (%) from the weighted counts, and the published rounded share, per geo."""
    _require(
        eurobarometer, ["geo", "respondents_weighted", "for_count", "for_share_published"],
        "Eurobarometer table",
    )  # fmt: skip
    table = eurobarometer.set_index("geo")
    return pd.DataFrame(
        {
            "support_pct": 100 * table["for_count"] / table["respondents_weighted"],
            "support_pct_published": 100 * table["for_share_published"],
        }
    )


def support_by_size(
    support: pd.DataFrame, membership: pd.DataFrame, population: pd.DataFrame,
    year: int, threshold_millions: float,
) -> pd.DataFrame:  # fmt: skip
    """Member states on 1 January of `year` with size class, ln(population) and support."""
    table = size_table_on(membership, population, year, threshold_millions)
    missing = sorted(set(table.index) - set(support.index))
    if missing:
        raise ValueError(f"Eurobarometer table: no result for member state(s) {missing}")
    table = table.join(support)
    table["log_population"] = np.log(table["population"].astype(float))
    return table


def pesco_last_date(pesco: pd.DataFrame) -> str:
    """Latest joining date in the PESCO table, a month-only date taken as the month's last day."""
    dates = pesco["joined_date"].dropna().astype(str)
    if dates.empty:
        raise ValueError("PESCO participation table: no joining date at all")
    latest = max(dates)
    if len(latest) == 7:
        return pd.Period(latest, freq="M").end_time.date().isoformat()
    return latest


def vote_coverage(votes: pd.DataFrame, events: pd.DataFrame) -> dict[str, int | str]:
    """Number of public votes, how many had a dissent, and the first and last vote dates."""
    return {
        "council_votes_count": len(votes),
        "council_votes_with_dissent_count": int(events["vote_id"].nunique()),
        "council_votes_first_date": str(votes["decision_date"].min()),
        "council_votes_last_date": str(votes["decision_date"].max()),
    }
