"""Small states' behaviour: exposure to shocks, dissent in the Council, support for defence.

Small pure functions over the tidy extracts in data/raw, three steps that assemble them
(`vulnerability_step`, `coalition_step`, `defence_step`) and `evaluate`, which returns every
metric of the notebook `small_states_behaviour` for one specification. The notebook, the
multiverse and the tests call the same functions.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS  # not statsmodels.api: 0.4 s less to import
from statsmodels.tools.tools import add_constant

from . import data
from .memo import cached_step
from .sizes import members_on, size_table_on

#: The fixed seed of the bootstrap, so that two runs give identical intervals.
BOOTSTRAP_SEED = 20170101
#: Confidence level of every interval, and the power at which detectable effects are stated.
LEVEL = 0.95
POWER = 0.8
#: ISO codes of the two states that the multiverse can leave out.
UNITED_KINGDOM = "GB"
DENMARK = "DK"

OPENNESS_MEASURES = ("goods_services_wdi", "goods_cow")
VOLATILITY_SERIES = ("real_growth", "nominal_usd")
SIZE_MEASURES = ("log_population", "log_gdp")
VOTE_PERIODS = ("all", "until_essay", "after_brexit")
PESCO_DATES = ("launch", "latest")
SUPPORT_MEASURES = ("for_share", "for_share_with_opinion")

FILES = {
    "membership": "member_states.csv",
    "population": "population_eurostat.csv",
    "worldbank": "worldbank_wdi_eu.csv",
    "trade": "cow_national_trade.csv",
    "comtrade": "comtrade_exports.csv",
    "votes": "council_votes.csv",
    "eurobarometer": "eurobarometer_2015_common_defence.csv",
    "pesco": "pesco_membership.csv",
    "pesco_roles": "pesco_project_roles.csv",
}


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise KeyError(f"{what}: missing column(s) {', '.join(missing)}")


def _one_of(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"parameter '{name}': {value!r} is not one of {list(allowed)}")


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Inputs:
    """The notebook's data/raw tables and the dissent events, which depend on no parameter
    except whether abstentions count. Hashable by identity, so steps can be cached per object."""

    membership: pd.DataFrame
    population: pd.DataFrame
    macro: pd.DataFrame
    wdi: pd.DataFrame
    trade: pd.DataFrame
    comtrade: pd.DataFrame
    votes: pd.DataFrame
    eurobarometer: pd.DataFrame
    pesco: pd.DataFrame
    pesco_roles: pd.DataFrame
    #: include_abstention -> dissent events with the dissenter's population in the vote's year
    events: dict[bool, pd.DataFrame] = field(default_factory=dict)


def load_inputs() -> Inputs:
    """Read and validate every table of the notebook once (sha256 and schema checked)."""
    return prepare_inputs(**{key: data.load_raw(name) for key, name in FILES.items()})


def prepare_inputs(**tables: pd.DataFrame) -> Inputs:
    """Inputs from the tables of FILES, already loaded: the World Bank table split into `macro`
    (GDP in current US$, population) and `wdi` (real growth, trade in % of GDP); the dissent
    events for both dissent definitions."""
    tables = {**tables, "votes": dissent_columns(tables["votes"])}
    worldbank = tables.pop("worldbank")
    tables["macro"] = data.worldbank_series(worldbank, ["gdp_usd", "population"])
    tables["wdi"] = data.worldbank_series(
        worldbank, ["gdp_growth_pct", "exports_gs_pct_gdp", "imports_gs_pct_gdp"]
    )
    tables["trade"] = tables["trade"].dropna(subset=["exports_musd", "imports_musd"])
    events = {}
    for include_abstention in (True, False):
        found = dissent_events(tables["votes"], include_abstention)
        events[include_abstention] = with_population(found, tables["population"])
    return Inputs(**tables, events=events)


# --- exposure indicators -------------------------------------------------------------------------


def _year_slice(frame: pd.DataFrame, year: int, what: str) -> pd.DataFrame:
    rows = frame[frame["year"] == year].set_index("country")
    if rows.empty:
        raise ValueError(f"{what}: no rows for year {year}")
    return rows


def _with_population(values: pd.Series, macro: pd.DataFrame, year: int) -> pd.DataFrame:
    base = _year_slice(macro, year, "GDP/population table")
    missing = sorted(set(values.index) - set(base.index))
    if missing:
        raise ValueError(f"GDP/population table: no {year} value for {', '.join(missing)}")
    table = values.to_frame()
    table["population"] = base.loc[values.index, "population"]
    table["log_population"] = np.log(table["population"].astype(float))
    table.index.name = "country"
    return table.sort_index()


def trade_openness(trade: pd.DataFrame, macro: pd.DataFrame, year: int) -> pd.DataFrame:
    """Goods (exports + imports) / GDP in % per state in `year` (COW, over World Bank GDP in
    current US$), with population and ln(population) of that year.

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
    gdp = base.loc[flows.index, "gdp_usd"]
    openness = 100 * (flows["exports_musd"] + flows["imports_musd"]) * 1e6 / gdp
    return _with_population(openness.rename("openness_pct"), macro, year)


def wdi_openness(wdi: pd.DataFrame, macro: pd.DataFrame, year: int) -> pd.DataFrame:
    """Exports + imports of goods and services in % of GDP per state in `year` (WDI), with
    population and ln(population) of that year."""
    _require(wdi, ["country", "year", "exports_gs_pct_gdp", "imports_gs_pct_gdp"], "WDI table")
    rows = _year_slice(wdi, year, "WDI table")
    openness = rows["exports_gs_pct_gdp"] + rows["imports_gs_pct_gdp"]
    return _with_population(openness.rename("openness_pct"), macro, year)


def growth_volatility(macro: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Standard deviation (percentage points) of the annual log change of GDP in current US$,
    start..end.

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
    return _with_population(changes.std(ddof=1).rename("growth_volatility_pp"), macro, start)


def real_growth_volatility(
    wdi: pd.DataFrame, macro: pd.DataFrame, start: int, end: int
) -> pd.DataFrame:
    """Standard deviation (percentage points) of annual real GDP growth (WDI, constant prices)
    in the years start+1..end (the same changes as `growth_volatility`); population of `start`."""
    if end - start < 3:
        raise ValueError(f"growth window {start}-{end}: needs at least three annual changes")
    _require(wdi, ["country", "year", "gdp_growth_pct"], "WDI table")
    window = wdi[wdi["year"].between(start + 1, end)]
    wide = window.pivot(index="year", columns="country", values="gdp_growth_pct")
    expected = list(range(start + 1, end + 1))
    gaps = [str(c) for c in wide.columns if wide[c].reindex(expected).isna().any()]
    if gaps or wide.empty:
        raise ValueError(f"WDI table: real GDP growth missing within {start + 1}-{end} for {gaps}")
    return _with_population(wide.std(ddof=1).rename("growth_volatility_pp"), macro, start)


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
    table = pd.DataFrame(
        {
            "russia_share_base_pct": shares[base_year],
            "russia_share_end_pct": shares[end_year],
        }
    ).dropna()
    table["russia_export_loss_pp"] = table["russia_share_base_pct"] - table["russia_share_end_pct"]
    out = _with_population(table["russia_export_loss_pp"], macro, base_year)
    return table[["russia_share_base_pct", "russia_share_end_pct"]].join(out).sort_index()


def russia_base_year(exports: pd.DataFrame) -> int:
    """The earliest year of the Comtrade exports table (there is no file before it)."""
    return int(exports["year"].min())


def add_size(
    table: pd.DataFrame, macro: pd.DataFrame, year: int, size_measure: str
) -> pd.DataFrame:
    """A copy of `table` with `log_size`: ln(population) or ln(GDP, current US$) in `year`."""
    _one_of("size_measure", size_measure, SIZE_MEASURES)
    out = table.copy()
    if size_measure == "log_population":
        out["log_size"] = out["log_population"]
        return out
    gdp = _year_slice(macro, year, "GDP/population table")["gdp_usd"]
    missing = sorted(set(out.index) - set(gdp.index))
    if missing:
        raise ValueError(f"GDP/population table: no {year} GDP for {', '.join(missing)}")
    out["log_size"] = np.log(gdp.loc[out.index].astype(float))
    return out


def _ols_result(table: pd.DataFrame, y: str, x: str):
    _require(table, [y, x], "regression table")
    data_ = table[[y, x]].dropna()
    if len(data_) < 5:
        raise ValueError(f"regression of {y} on {x}: only {len(data_)} observations")
    model = OLS(data_[y].astype(float), add_constant(data_[x].astype(float)))
    return model.fit(cov_type="HC3")


def ols_fit(table: pd.DataFrame, y: str, x: str = "log_population", level: float = LEVEL) -> dict:
    """OLS of `y` on `x` with HC3 robust standard errors: slope, its SE and CI, intercept, n,
    p-value, R squared and the correlation r (signed like the slope)."""
    result = _ols_result(table, y, x)
    low, high = result.conf_int(alpha=1 - level).loc[x]
    slope = float(result.params[x])
    return {
        "slope": slope,
        "se": float(result.bse[x]),
        "ci_low": float(low),
        "ci_high": float(high),
        "intercept": float(result.params["const"]),
        "p_value": float(result.pvalues[x]),
        "n": int(result.nobs),
        "r_squared": float(result.rsquared),
        "r": math.copysign(math.sqrt(max(float(result.rsquared), 0.0)), slope),
    }


def fit_band(
    table: pd.DataFrame, y: str, x: str = "log_population", points: int = 50, level: float = LEVEL
) -> pd.DataFrame:
    """Fitted line and the HC3 confidence band of the mean over the range of `x`."""
    result = _ols_result(table, y, x)
    grid = np.linspace(table[x].min(), table[x].max(), points)
    prediction = result.get_prediction(add_constant(pd.Series(grid, name=x), has_constant="add"))
    band = prediction.conf_int(alpha=1 - level)
    return pd.DataFrame({x: grid, "fit": prediction.predicted_mean, "low": band[:, 0],
                         "high": band[:, 1]})  # fmt: skip


def detectable_correlation(n: int, level: float = LEVEL, power: float = POWER) -> float:
    """Smallest |r| a two-sided test at `level` detects with probability `power` among `n`
    units (Fisher z approximation): tanh((z_(1-alpha/2) + z_power) / sqrt(n - 3))."""
    if n < 4:
        raise ValueError(f"detectable correlation: needs at least 4 units, got {n}")
    z = stats.norm.ppf(1 - (1 - level) / 2) + stats.norm.ppf(power)
    return float(math.tanh(z / math.sqrt(n - 3)))


def detectable_slope(se: float, n: int, level: float = LEVEL, power: float = POWER) -> float:
    """Smallest |slope| detected with probability `power` by a two-sided t test at `level`,
    given the slope's standard error: (t_(1-alpha/2, n-2) + t_(power, n-2)) * se."""
    if n < 3:
        raise ValueError(f"detectable slope: needs at least 3 units, got {n}")
    df = n - 2
    return float((stats.t.ppf(1 - (1 - level) / 2, df) + stats.t.ppf(power, df)) * se)


def fit_metrics(fit: dict, prefix: str) -> dict[str, float | int]:
    """Metric names for a fit, e.g. prefix 'openness' -> openness_vs_log_population_slope."""
    stem = f"{prefix}_vs_log_population_slope"
    return {
        stem: fit["slope"],
        f"{stem}_ci_low": fit["ci_low"],
        f"{stem}_ci_high": fit["ci_high"],
        f"{prefix}_vs_log_population_n": fit["n"],
    }


def power_metrics(fit: dict, prefix: str) -> dict[str, float]:
    """The correlation and the slope detectable at 80% power for a fit, named like fit_metrics."""
    return {
        f"{prefix}_vs_log_population_r": fit["r"],
        f"{prefix}_vs_log_population_slope_mde_80pct": detectable_slope(fit["se"], fit["n"]),
    }


def fit_table(fits: dict[str, dict]) -> pd.DataFrame:
    """One row per indicator: slope, 95% CI, slope detectable at 80% power, r, p, R², n."""
    rows = {}
    for name, fit in fits.items():
        row = {key: fit[key] for key in ("slope", "ci_low", "ci_high")}
        row["mde_80pct"] = detectable_slope(fit["se"], fit["n"])
        row |= {key: fit[key] for key in ("r", "p_value", "r_squared", "n")}
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index").round(4)


def size_class_of(population: float, threshold_millions: float) -> str:
    """'small' below the threshold (strict), else 'large'."""
    return "small" if population < threshold_millions * 1e6 else "large"


@dataclass(frozen=True)
class Exposure:
    """The three exposure tables (each with `log_size`), their fits and the metrics."""

    openness: pd.DataFrame
    volatility: pd.DataFrame
    russia_loss: pd.DataFrame
    fits: dict[str, dict]
    metrics: dict[str, Any]


@functools.lru_cache(maxsize=256)
def vulnerability_step(
    inputs: Inputs,
    openness_measure: str,
    openness_year: int,
    volatility_series: str,
    growth_period_start: int,
    growth_period_end: int,
    size_measure: str,
    russia_loss_end_year: int,
) -> Exposure:
    """Openness, growth volatility and the Russia export loss against the size measure (OLS,
    HC3), with the effects detectable at 80% power (tables are shared: do not modify them).

    Each indicator is computed once per choice of the parameters it reads (`memo.cached_step`).
    """
    _one_of("openness_measure", openness_measure, OPENNESS_MEASURES)
    _one_of("volatility_series", volatility_series, VOLATILITY_SERIES)
    openness, openness_ols = cached_step(
        openness_fit, inputs, openness_measure, openness_year, size_measure
    )
    volatility, volatility_ols = cached_step(
        volatility_fit, inputs, volatility_series, growth_period_start, growth_period_end,
        size_measure,
    )  # fmt: skip
    russia_loss, russia_ols = cached_step(
        russia_loss_fit, inputs, russia_loss_end_year, size_measure
    )
    base_year = russia_base_year(inputs.comtrade)
    fits = {
        "openness": openness_ols,
        "growth_volatility": volatility_ols,
        "russia_export_loss": russia_ols,
    }
    metrics = {
        **fit_metrics(fits["openness"], "openness"),
        **fit_metrics(fits["growth_volatility"], "growth_volatility"),
        **fit_metrics(fits["russia_export_loss"], "russia_export_loss"),
        **power_metrics(fits["openness"], "openness"),
        **power_metrics(fits["growth_volatility"], "growth_volatility"),
        "minimum_detectable_correlation_80pct": detectable_correlation(fits["openness"]["n"]),
        "russia_export_loss_base_year": base_year,
        "russia_export_loss_end_year": russia_loss_end_year,
    }
    return Exposure(openness, volatility, russia_loss, fits, metrics)


def openness_fit(
    inputs: Inputs, openness_measure: str, openness_year: int, size_measure: str
) -> tuple[pd.DataFrame, dict]:
    """Openness in `openness_year` (with `log_size`) and its OLS fit on the size measure."""
    if openness_measure == "goods_services_wdi":
        openness = wdi_openness(inputs.wdi, inputs.macro, openness_year)
    else:
        openness = trade_openness(inputs.trade, inputs.macro, openness_year)
    openness = add_size(openness, inputs.macro, openness_year, size_measure)
    return openness, ols_fit(openness, "openness_pct", "log_size")


def volatility_fit(
    inputs: Inputs, volatility_series: str, start: int, end: int, size_measure: str
) -> tuple[pd.DataFrame, dict]:
    """Growth volatility start..end (with `log_size` of `start`) and its OLS fit."""
    if volatility_series == "real_growth":
        volatility = real_growth_volatility(inputs.wdi, inputs.macro, start, end)
    else:
        last = int(inputs.macro["year"].max())
        if end > last:
            raise ValueError(
                f"parameter 'growth_period_end': {end} is after {last}, the last "
                "year of the current-US$ GDP series; use volatility_series real_growth"
            )
        volatility = growth_volatility(inputs.macro, start, end)
    volatility = add_size(volatility, inputs.macro, start, size_measure)
    return volatility, ols_fit(volatility, "growth_volatility_pp", "log_size")


def russia_loss_fit(inputs: Inputs, end_year: int, size_measure: str) -> tuple[pd.DataFrame, dict]:
    """The export loss to Russia from the first Comtrade year to `end_year` (with `log_size`)
    and its OLS fit."""
    base_year = russia_base_year(inputs.comtrade)
    russia_loss = russia_export_loss(inputs.comtrade, inputs.macro, base_year, end_year)
    russia_loss = add_size(russia_loss, inputs.macro, base_year, size_measure)
    return russia_loss, ols_fit(russia_loss, "russia_export_loss_pp", "log_size")


def exposure_table(exposure: Exposure) -> pd.DataFrame:
    """One row per state: the three indicators, the Russia share at base, population (million)."""
    table = (
        exposure.openness[["openness_pct"]]
        .join(exposure.volatility[["growth_volatility_pp"]])
        .join(exposure.russia_loss[["russia_share_base_pct", "russia_export_loss_pp"]])
        .join(exposure.openness[["population"]])
    )
    table["population_millions"] = table.pop("population") / 1e6
    return table.sort_values("population_millions")


def russia_loss_by_end_year(inputs: Inputs, size_measure: str) -> pd.DataFrame:
    """The slope of the export loss for every end year the Comtrade files allow."""
    base = russia_base_year(inputs.comtrade)
    fits = {}
    for year in sorted(y for y in inputs.comtrade["year"].unique() if y > base):
        table = russia_export_loss(inputs.comtrade, inputs.macro, base, int(year))
        table = add_size(table, inputs.macro, base, size_measure)
        name = f"russia_export_loss_{base}_{year}"
        fits[name] = ols_fit(table, "russia_export_loss_pp", "log_size")
    return fit_table(fits)


# --- Council dissent ---------------------------------------------------------------------------


def split_codes(cell: object) -> list[str]:
    """'DE;GB' -> ['DE', 'GB']; missing -> []."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell is pd.NA:
        return []
    return [code for code in str(cell).split(";") if code]


def dissent_columns(council: pd.DataFrame) -> pd.DataFrame:
    """The columns of council_votes.csv the dissent analysis reads, the id named `vote_id`."""
    columns = ["vote_procedure_id", "decision_date", "voting_rule", "against", "abstained"]
    _require(council, columns, "council_votes.csv")
    return council[columns].rename(columns={"vote_procedure_id": "vote_id"})


def dissent_events(votes: pd.DataFrame, include_abstention: bool) -> pd.DataFrame:
    """One row per (vote, dissenting state): vote_id, decision_date, year, country, dissenters,
    lone.

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
                    "decision_date": str(vote.decision_date),
                    "year": int(str(vote.decision_date)[:4]),
                    "country": country,
                    "dissenters": len(dissenters),
                }
            )
    columns = ["vote_id", "decision_date", "year", "country", "dissenters"]
    events = pd.DataFrame(rows, columns=columns)
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


def with_population(events: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Add each dissenting state's population in the vote's year (see population_for_years)."""
    years = sorted(events["year"].unique().tolist())
    lookup = population_for_years(population, years)
    table = events.merge(lookup, on=["country", "year"], how="left")
    unknown = sorted(table.loc[table["population"].isna(), "country"].unique())
    if unknown:
        raise ValueError(f"population table: no population for dissenting state(s) {unknown}")
    return table


def classify_events(
    events: pd.DataFrame, population: pd.DataFrame, threshold_millions: float
) -> pd.DataFrame:
    """Add each dissenting state's population and size class in the vote's year."""
    table = events if "population" in events else with_population(events, population)
    table = table.copy()
    table["size_class"] = np.where(table["population"] < threshold_millions * 1e6, "small", "large")
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


VOTE_COUNT_COLUMNS = (
    "small_dissents", "small_lone", "small_co_dissenters",
    "large_dissents", "large_lone", "large_co_dissenters",
)  # fmt: skip


def vote_level_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Per vote (sorted by id): dissents, lone dissents and the sum of co-dissenters of small and
    of large states (the units the bootstrap resamples)."""
    _require(events, ["vote_id", "size_class", "lone", "dissenters"], "dissent events")
    votes, position = np.unique(events["vote_id"].to_numpy(), return_inverse=True)
    columns = {}
    for size_class in ("small", "large"):
        member = (events["size_class"] == size_class).to_numpy()
        parts = {
            "dissents": member,
            "lone": member & events["lone"].to_numpy(),
            "co_dissenters": member * (events["dissenters"].to_numpy() - 1),
        }
        for name, weights in parts.items():
            counts = np.bincount(position, weights=weights.astype(float), minlength=len(votes))
            columns[f"{size_class}_{name}"] = counts.astype(int)
    return pd.DataFrame(columns, index=pd.Index(votes, name="vote_id"))[list(VOTE_COUNT_COLUMNS)]


@functools.lru_cache(maxsize=32)
def resample_weights(units: int, draws: int, seed: int = BOOTSTRAP_SEED) -> np.ndarray:
    """draws x units matrix: how often each unit is drawn in each bootstrap resample (read-only).

    Floats holding whole numbers: their product with whole-number counts is exact (the same as
    in integers) and runs as a fast float matrix product.
    """
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, units, size=(draws, units))
    offsets = (np.arange(draws)[:, None] * units + picks).ravel()
    weights = np.bincount(offsets, minlength=draws * units).reshape(draws, units).astype(float)
    weights.setflags(write=False)
    return weights


def _percentile_interval(values: np.ndarray, level: float) -> tuple[float | None, float | None]:
    values = values[np.isfinite(values)]
    if not len(values):
        return None, None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_class_differences(
    events: pd.DataFrame, draws: int, seed: int = BOOTSTRAP_SEED, level: float = LEVEL
) -> dict[str, tuple[float | None, float | None]]:
    """Percentile intervals, resampling votes, of small minus large: lone-dissent share
    ('lone_share') and mean number of co-dissenters ('co_dissenters')."""
    counts = vote_level_counts(events).to_numpy(dtype=float)
    if not len(counts):
        return {"lone_share": (None, None), "co_dissenters": (None, None)}
    totals = resample_weights(len(counts), draws, seed) @ counts
    sd, sl, sc, ld, ll, lc = totals.T
    with np.errstate(invalid="ignore", divide="ignore"):
        lone = sl / sd - ll / ld
        company = sc / sd - lc / ld
    return {
        "lone_share": _percentile_interval(lone, level),
        "co_dissenters": _percentile_interval(company, level),
    }


def bootstrap_lone_share_difference(
    events: pd.DataFrame, draws: int, seed: int = BOOTSTRAP_SEED, level: float = LEVEL
) -> tuple[float | None, float | None]:
    """Percentile interval of (small lone share - large lone share), resampling votes."""
    return bootstrap_class_differences(events, draws, seed, level)["lone_share"]


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


def _optional(value: Any, kind: type) -> Any:
    return None if value is None or pd.isna(value) else kind(value)


def coalition_metrics(
    summary: pd.DataFrame,
    ci: tuple[float | None, float | None],
    co_ci: tuple[float | None, float | None] = (None, None),
) -> dict[str, float | int | None]:
    """Named metrics of the coalition test from the per-class summary and the intervals of the
    lone-share difference (`ci`) and of the co-dissenter difference (`co_ci`)."""
    small, large = summary.loc["small"], summary.loc["large"]

    def difference(key: str) -> float | None:
        if pd.isna(small[key]) or pd.isna(large[key]):
            return None
        return float(small[key] - large[key])

    return {
        "small_state_lone_dissent_share": _optional(small["lone_share"], float),
        "large_state_lone_dissent_share": _optional(large["lone_share"], float),
        "small_state_dissents_count": int(0 if pd.isna(small["dissents"]) else small["dissents"]),
        "large_state_dissents_count": int(0 if pd.isna(large["dissents"]) else large["dissents"]),
        "small_state_mean_co_dissenters": _optional(small["mean_co_dissenters"], float),
        "large_state_mean_co_dissenters": _optional(large["mean_co_dissenters"], float),
        "lone_dissent_share_difference": difference("lone_share"),
        "lone_dissent_share_difference_ci_low": ci[0],
        "lone_dissent_share_difference_ci_high": ci[1],
        "co_dissenters_difference": difference("mean_co_dissenters"),
        "co_dissenters_difference_ci_low": co_ci[0],
        "co_dissenters_difference_ci_high": co_ci[1],
    }


def metrics_without_state(
    events: pd.DataFrame, country: str, draws: int, seed: int = BOOTSTRAP_SEED
) -> dict[str, float | None]:
    """Lone-dissent shares, co-dissenter difference and their bootstrap intervals with one
    state's own dissents left out (the others' lone/joint status as recorded), e.g. GB ->
    large_state_lone_dissent_share_without_gb."""
    rest = events[events["country"] != country]
    intervals = bootstrap_class_differences(rest, draws, seed)
    return suffixed_metrics(lone_dissent_summary(rest), intervals, country)


def suffixed_metrics(
    summary: pd.DataFrame,
    intervals: dict[str, tuple[float | None, float | None]],
    country: str,
) -> dict[str, float | None]:
    """The coalition metrics of `metrics_without_state`, from the summary and intervals of the
    events without `country`'s own dissents, named with the suffix `_without_<country>`."""
    full = coalition_metrics(summary, intervals["lone_share"], intervals["co_dissenters"])
    suffix = f"_without_{country.lower()}"
    keys = (
        "small_state_lone_dissent_share", "large_state_lone_dissent_share",
        "lone_dissent_share_difference", "lone_dissent_share_difference_ci_low",
        "lone_dissent_share_difference_ci_high", "co_dissenters_difference",
        "co_dissenters_difference_ci_low", "co_dissenters_difference_ci_high",
    )  # fmt: skip
    return {f"{key}{suffix}": full[key] for key in keys}


def exit_date(membership: pd.DataFrame, country: str) -> str:
    """The day `country` left the EU, from the membership table."""
    rows = membership.loc[membership["country"] == country, "exit_date"].dropna()
    if rows.empty:
        raise ValueError(f"membership table: no exit date for {country}")
    return str(rows.iloc[0])


def votes_in_period(
    votes: pd.DataFrame, membership: pd.DataFrame, vote_period: str, essay_date: str
) -> pd.Series:
    """Boolean mask of the votes in the chosen period: all, up to the essay's date (inclusive),
    or after the UK left (EU27 only)."""
    _one_of("vote_period", vote_period, VOTE_PERIODS)
    dates = votes["decision_date"].astype(str)
    if vote_period == "until_essay":
        return dates <= essay_date
    if vote_period == "after_brexit":
        return dates > exit_date(membership, UNITED_KINGDOM)
    return pd.Series(True, index=votes.index)


def vote_coverage(votes: pd.DataFrame, events: pd.DataFrame) -> dict[str, int | str]:
    """Number of public votes, how many had a dissent, and the first and last vote dates."""
    return {
        "council_votes_count": len(votes),
        "council_votes_with_dissent_count": int(events["vote_id"].nunique()),
        "council_votes_first_date": str(votes["decision_date"].min()),
        "council_votes_last_date": str(votes["decision_date"].max()),
    }


@dataclass(frozen=True)
class Coalitions:
    """Classified dissent events of the chosen votes (and states), the per-class summary, the
    intervals, and the metrics."""

    votes: pd.DataFrame
    events: pd.DataFrame
    summary: pd.DataFrame
    intervals: dict[str, tuple[float | None, float | None]]
    metrics: dict[str, Any]


@functools.lru_cache(maxsize=256)
def coalition_step(
    inputs: Inputs,
    small_state_threshold_millions: float,
    dissent_includes_abstention: bool,
    without_gb: bool,
    vote_period: str,
    essay_date: str,
    bootstrap_draws: int,
) -> Coalitions:
    """Lone dissent and company in dissent by size class, with bootstrap intervals; the same
    without the UK's own dissents (the `_without_gb` metrics)."""
    if bootstrap_draws < 100:
        raise ValueError(f"parameter 'bootstrap_draws': {bootstrap_draws} is below 100")
    period = (small_state_threshold_millions, bool(dissent_includes_abstention), vote_period,
              essay_date)  # fmt: skip
    votes, classified = cached_step(period_events, inputs, *period)
    coverage = vote_coverage(votes, classified)
    events, summary, intervals = cached_step(
        class_differences, inputs, *period, without_gb, bootstrap_draws
    )
    _, rest_summary, rest_intervals = cached_step(
        class_differences, inputs, *period, True, bootstrap_draws
    )
    metrics = {
        **coalition_metrics(summary, intervals["lone_share"], intervals["co_dissenters"]),
        **suffixed_metrics(rest_summary, rest_intervals, UNITED_KINGDOM),
        **coverage,
    }
    return Coalitions(votes, events, summary, intervals, metrics)


def period_events(
    inputs: Inputs,
    threshold_millions: float,
    include_abstention: bool,
    vote_period: str,
    essay_date: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The votes of `vote_period` and their dissent events with the dissenters' size classes."""
    mask = votes_in_period(inputs.votes, inputs.membership, vote_period, essay_date)
    votes = inputs.votes[mask]
    events = inputs.events[include_abstention]
    events = events[events["vote_id"].isin(votes["vote_id"])]
    return votes, classify_events(events, inputs.population, threshold_millions)


def class_differences(
    inputs: Inputs,
    threshold_millions: float,
    include_abstention: bool,
    vote_period: str,
    essay_date: str,
    without_gb: bool,
    draws: int,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, tuple[float | None, float | None]]]:
    """The period's dissent events (the UK's own left out if `without_gb`), the per-class
    summary and the bootstrap intervals of the small-minus-large differences."""
    _, events = cached_step(
        period_events, inputs, threshold_millions, include_abstention, vote_period, essay_date
    )
    if without_gb:
        events = events[events["country"] != UNITED_KINGDOM]
    return events, lone_dissent_summary(events), bootstrap_class_differences(events, draws)


def difference_rows(metrics: dict[str, Any], rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Table of differences with their intervals: one row per (measure, case, metric stem),
    read from `<stem>`, `<stem>_ci_low`, `<stem>_ci_high` (a `_without_xx` suffix is kept last)."""
    records = []
    for measure, case, stem in rows:
        base, _, suffix = stem.partition("@")
        tail = f"_{suffix}" if suffix else ""
        records.append(
            {
                "measure": measure,
                "case": case,
                "difference": metrics[f"{base}{tail}"],
                "ci_low": metrics[f"{base}_ci_low{tail}"],
                "ci_high": metrics[f"{base}_ci_high{tail}"],
            }
        )
    return pd.DataFrame.from_records(records)


def coalition_difference_table(metrics: dict[str, Any]) -> pd.DataFrame:
    """Small minus large: lone-dissent share and co-dissenters per dissent, with 95% bootstrap
    intervals, as chosen and with the UK's own dissents left out."""
    return difference_rows(
        metrics,
        [
            ("lone-dissent share", "as chosen", "lone_dissent_share_difference"),
            ("lone-dissent share", "UK left out", "lone_dissent_share_difference@without_gb"),
            ("co-dissenters per dissent", "as chosen", "co_dissenters_difference"),
            ("co-dissenters per dissent", "UK left out", "co_dissenters_difference@without_gb"),
        ],
    )


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
    """Per state: known PESCO project participations (incl. coordination) and coordinations,
    from the project x member table (one row per project and state, role coordinator or
    participant)."""
    _require(roles, ["project", "country", "role"], "PESCO project roles")
    grouped = roles.assign(coordinator=roles["role"] == "coordinator").groupby("country")
    return pd.DataFrame(
        {
            "known_projects": grouped["project"].nunique(),
            "known_coordinations": grouped["coordinator"].sum().astype(int),
        }
    )


def roles_coverage(roles: pd.DataFrame) -> str:
    """How many projects of the project x member table have a known member, participant or
    coordinator (one line for the notebook)."""
    _require(roles, ["project", "country", "role"], "PESCO project roles")
    by_role = roles.groupby("role")["project"].nunique()
    return (
        f"{roles['project'].nunique()} projects with a known member; participants known for "
        f"{int(by_role.get('participant', 0))}, a coordinator for "
        f"{int(by_role.get('coordinator', 0))}"
    )


def known_roles_table(roles: pd.DataFrame, sizes: pd.DataFrame) -> pd.DataFrame:
    """Known project participations and coordinations of every member in `sizes` (0 if none)."""
    table = project_roles_by_state(roles).join(sizes[["size_class"]], how="outer")
    table = table.fillna({"known_projects": 0, "known_coordinations": 0})
    table = table.astype({"known_projects": int, "known_coordinations": int})
    return table.sort_values(["size_class", "known_projects"], ascending=[False, False])


def eurobarometer_support(eurobarometer: pd.DataFrame) -> pd.DataFrame:
    """Share 'for' (%) of all respondents and of those with an opinion (for or against), from
    the weighted counts, and the published rounded share, per geo."""
    _require(
        eurobarometer, ["geo", "respondents_weighted", "for_count", "against_count",
                        "for_share_published"],
        "Eurobarometer table",
    )  # fmt: skip
    table = eurobarometer.set_index("geo")
    return pd.DataFrame(
        {
            "support_pct": 100 * table["for_count"] / table["respondents_weighted"],
            "support_pct_with_opinion": 100
            * table["for_count"]
            / (table["for_count"] + table["against_count"]),
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


def pesco_launch_date(pesco: pd.DataFrame) -> str:
    """The founding participants' joining date: the earliest full date in the PESCO table."""
    dates = [d for d in pesco["joined_date"].dropna().astype(str) if len(d) == 10]
    if not dates:
        raise ValueError("PESCO participation table: no full joining date (YYYY-MM-DD)")
    return min(dates)


def wilson_interval(successes: int, total: int, level: float = LEVEL) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    if total <= 0:
        raise ValueError("Wilson interval: needs at least one unit")
    z = stats.norm.ppf(1 - (1 - level) / 2)
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    low = 0.0 if successes == 0 else max(0.0, float(centre - half))
    high = 1.0 if successes == total else min(1.0, float(centre + half))
    return low, high


def newcombe_interval(
    x1: int, n1: int, x2: int, n2: int, level: float = LEVEL
) -> tuple[float, float]:
    """Newcombe's hybrid score interval (method 10) of the difference p1 - p2 of two
    proportions; exact enough for small groups, never outside [-1, 1]."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, level)
    l2, u2 = wilson_interval(x2, n2, level)
    difference = p1 - p2
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(low), float(high)


def welch_interval(
    first: pd.Series, second: pd.Series, level: float = LEVEL
) -> tuple[float | None, float | None]:
    """Welch t interval of mean(first) - mean(second) (unequal variances); None if either group
    has fewer than two values."""
    a, b = first.dropna().astype(float), second.dropna().astype(float)
    if len(a) < 2 or len(b) < 2:
        return None, None
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        difference = float(a.mean() - b.mean())
        return difference, difference
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    t = float(stats.t.ppf(1 - (1 - level) / 2, df))
    difference = float(a.mean() - b.mean())
    return difference - t * se, difference + t * se


def pesco_difference(table: pd.DataFrame) -> dict[str, float | None]:
    """Small minus large PESCO participation share with its Newcombe 95% interval."""
    small = table.loc[table["size_class"] == "small", "pesco"]
    large = table.loc[table["size_class"] == "large", "pesco"]
    if small.empty or large.empty:
        return {"difference": None, "ci_low": None, "ci_high": None}
    low, high = newcombe_interval(int(small.sum()), len(small), int(large.sum()), len(large))
    return {"difference": float(small.mean() - large.mean()), "ci_low": low, "ci_high": high}


@dataclass(frozen=True)
class Defence:
    """PESCO participation at launch and at the latest date, support in the Eurobarometer
    (the chosen measure in `support_pct`), the fit, and the metrics."""

    pesco_launch: pd.DataFrame
    pesco_latest: pd.DataFrame
    launch_date: str
    latest_date: str
    support: pd.DataFrame
    support_by_size: pd.DataFrame
    support_fit: dict
    metrics: dict[str, Any]


@functools.lru_cache(maxsize=256)
def defence_step(
    inputs: Inputs,
    small_state_threshold_millions: float,
    without_denmark: bool,
    pesco_date: str,
    support_measure: str,
    eurobarometer_population_year: int,
) -> Defence:
    """PESCO participation and public support by size class, differences with their intervals
    (Newcombe for the participation shares, Welch across states for the support means)."""
    _one_of("pesco_date", pesco_date, PESCO_DATES)
    _one_of("support_measure", support_measure, SUPPORT_MEASURES)
    threshold, without_denmark = small_state_threshold_millions, bool(without_denmark)
    launch_date, latest_date, launch, latest = cached_step(
        pesco_tables, inputs, threshold, without_denmark
    )
    chosen, by_size, fit, means, (eb_low, eb_high) = cached_step(
        support_step, inputs, threshold, without_denmark, support_measure,
        eurobarometer_population_year,
    )  # fmt: skip
    reference = launch if pesco_date == "launch" else latest
    shares = share_by_class(reference, "pesco")
    gap = pesco_difference(reference)
    launch_shares, latest_shares = share_by_class(launch, "pesco"), share_by_class(latest, "pesco")
    prefix = "eurobarometer_2015_support"
    metrics = {
        "pesco_participation_share_small_states_2017": launch_shares["small"],
        "pesco_participation_share_large_states_2017": launch_shares["large"],
        "pesco_participation_share_small_states_eu27_latest": latest_shares["small"],
        "pesco_participation_share_large_states_eu27_latest": latest_shares["large"],
        "pesco_latest_date": latest_date,
        "pesco_launch_date": launch_date,
        "pesco_reference_date": launch_date if pesco_date == "launch" else latest_date,
        "pesco_participation_share_small_states": shares["small"],
        "pesco_participation_share_large_states": shares["large"],
        "pesco_participation_share_difference": gap["difference"],
        "pesco_participation_share_difference_ci_low": gap["ci_low"],
        "pesco_participation_share_difference_ci_high": gap["ci_high"],
        f"{prefix}_common_defence_small_states_mean_pct": means["small"],
        f"{prefix}_common_defence_large_states_mean_pct": means["large"],
        f"{prefix}_common_defence_eu28_pct": float(chosen.loc["EU28", "support_pct"]),
        f"{prefix}_difference_pct": (
            None if means["small"] is None or means["large"] is None
            else means["small"] - means["large"]
        ),
        f"{prefix}_difference_pct_ci_low": eb_low,
        f"{prefix}_difference_pct_ci_high": eb_high,
        **fit_metrics(fit, f"{prefix}_common_defence"),
    }  # fmt: skip
    return Defence(launch, latest, launch_date, latest_date, chosen, by_size, fit, metrics)


def keep_denmark(table: pd.DataFrame, without_denmark: bool) -> pd.DataFrame:
    """`table` without Denmark's row if `without_denmark` (the table itself otherwise)."""
    return table.drop(index=DENMARK, errors="ignore") if without_denmark else table


def pesco_tables(
    inputs: Inputs, threshold_millions: float, without_denmark: bool
) -> tuple[str, str, pd.DataFrame, pd.DataFrame]:
    """PESCO's launch and latest dates and `pesco_by_size` on each (population of the launch
    year and of the latest year), Denmark left out if `without_denmark`."""
    launch_date, latest_date = pesco_launch_date(inputs.pesco), pesco_last_date(inputs.pesco)
    latest_year = int(inputs.population["year"].max())
    launch = pesco_by_size(inputs.membership, inputs.population, inputs.pesco, launch_date,
                           int(launch_date[:4]), threshold_millions)  # fmt: skip
    latest = pesco_by_size(inputs.membership, inputs.population, inputs.pesco, latest_date,
                           latest_year, threshold_millions)  # fmt: skip
    return (
        launch_date,
        latest_date,
        keep_denmark(launch, without_denmark),
        keep_denmark(latest, without_denmark),
    )


def support_step(
    inputs: Inputs,
    threshold_millions: float,
    without_denmark: bool,
    support_measure: str,
    population_year: int,
) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict, tuple[float | None, float | None]]:
    """Eurobarometer support (the chosen measure in `support_pct`), the members with size class
    and PESCO at launch, the fit on ln(population), the class means and their Welch interval."""
    _, _, launch, _ = cached_step(pesco_tables, inputs, threshold_millions, without_denmark)
    support = eurobarometer_support(inputs.eurobarometer)
    column = "support_pct" if support_measure == "for_share" else "support_pct_with_opinion"
    chosen = support.assign(support_pct=support[column])
    by_size = support_by_size(
        chosen, inputs.membership, inputs.population, population_year, threshold_millions
    ).join(launch[["pesco"]])
    by_size = keep_denmark(by_size, without_denmark)
    small = by_size.loc[by_size["size_class"] == "small", "support_pct"]
    large = by_size.loc[by_size["size_class"] == "large", "support_pct"]
    return (
        chosen,
        by_size,
        ols_fit(by_size, "support_pct"),
        share_by_class(by_size, "support_pct"),
        welch_interval(small, large),
    )


def defence_difference_table(metrics: dict[str, Any]) -> pd.DataFrame:
    """Small minus large: PESCO participation share (Newcombe 95% interval) and mean public
    support in points (Welch 95% interval across states)."""
    return difference_rows(
        metrics,
        [
            ("PESCO participation share", metrics["pesco_reference_date"],
             "pesco_participation_share_difference"),
            ("support for a common defence policy (points)", "Eurobarometer 84.3",
             "eurobarometer_2015_support_difference_pct"),
        ],
    )  # fmt: skip


# --- one specification -------------------------------------------------------------------------


def evaluate(
    inputs: Inputs,
    *,
    small_state_threshold_millions: float,
    openness_measure: str,
    openness_year: int,
    volatility_series: str,
    growth_period_start: int,
    growth_period_end: int,
    size_measure: str,
    russia_loss_end_year: int,
    dissent_includes_abstention: bool,
    without_gb: bool,
    vote_period: str,
    essay_date: str,
    without_denmark: bool,
    pesco_date: str,
    support_measure: str,
    eurobarometer_population_year: int,
    bootstrap_draws: int,
) -> dict[str, Any]:
    """Every metric of the notebook for one specification (all params.yaml parameters).

    Pure and deterministic (the bootstrap is seeded); the three steps are cached on the
    parameters each depends on.
    """
    exposure = vulnerability_step(
        inputs, openness_measure, int(openness_year), volatility_series,
        int(growth_period_start), int(growth_period_end), size_measure, int(russia_loss_end_year),
    )  # fmt: skip
    coalitions = coalition_step(
        inputs, float(small_state_threshold_millions), bool(dissent_includes_abstention),
        bool(without_gb), vote_period, str(essay_date), int(bootstrap_draws),
    )  # fmt: skip
    defence = defence_step(
        inputs, float(small_state_threshold_millions), bool(without_denmark), pesco_date,
        support_measure, int(eurobarometer_population_year),
    )  # fmt: skip
    return {**exposure.metrics, **coalitions.metrics, **defence.metrics}
