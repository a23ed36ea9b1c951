"""Sanctions consensus: exposure to Russia, dispersion, the renewal record, the legal rule, an
illustrative veto model, and cohesion in UN General Assembly and Council votes.

`load_inputs()` reads the notebook's data/raw tables once; `evaluate(inputs, **parameters)`
returns every metric the notebook records for one specification (pure, no files, no plots).
Small pure step functions below do the work; the notebook's tables and figures call them too.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from . import data
from .sizes import members_on

#: Exposure measures: name -> (column of `exposure_table`, axis label with unit).
MEASURES = {
    "exports_pct_gdp": ("exports_pct_gdp", "Exports to Russia (% of GDP)"),
    "total_trade_pct_gdp": (
        "total_trade_pct_gdp",
        "Trade with Russia, exports + imports (% of GDP)",
    ),
    "exports_pct_total_exports": (
        "exports_pct_total_exports",
        "Exports to Russia (% of total goods exports)",
    ),
    "gas_import_share": (
        "gas_import_share_pct",
        "Natural gas imported from Russia (% of gas imports)",
    ),
    "crude_oil_import_share": (
        "crude_oil_import_share_pct",
        "Crude oil imported from Russia (% of crude imports)",
    ),
}
#: Measures built from the record of exports to Russia (the others are member-reported imports).
EXPORT_MEASURES = ("exports_pct_gdp", "total_trade_pct_gdp", "exports_pct_total_exports")
TRADE_RECORDS = ("russia_side", "own_report")
DISPERSION_STATISTICS = ("cv", "gini")
VETO_FORMS = ("linear", "quadratic", "sqrt", "equal")
AS_OF = ("essay_date", "latest")
COHESION_INDICES = ("majority_share", "hix")
#: Issue sets for UNGA cohesion: every roll call, the six unvotes issue codes, Ukraine/Crimea.
UNGA_ISSUES = ("all", "co", "di", "ec", "hr", "me", "nu", "ukraine_related")
RENEWAL_REGIMES = ("economic", "individual", "crimea")
FORECAST_REGIMES = (*RENEWAL_REGIMES, "all")
VOTES = ["eu_yes", "eu_no", "eu_abstain"]
REEXPORT_STATE = "LT"


# --- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Inputs:
    """The notebook's data/raw tables, plus what does not depend on any parameter.

    Hashable by identity (eq=False), so step results can be cached per inputs object.
    """

    trade: pd.DataFrame
    gdp: pd.DataFrame
    energy: pd.DataFrame
    comtrade: pd.DataFrame
    decisions: pd.DataFrame
    legal: pd.DataFrame
    membership: pd.DataFrame
    rollcalls: pd.DataFrame
    ukraine_votes: pd.DataFrame
    council: pd.DataFrame
    ideal_points: pd.DataFrame
    issues: pd.DataFrame
    chains: dict[str, pd.DataFrame] = field(default_factory=dict)
    agreement: pd.DataFrame = field(default_factory=pd.DataFrame)


FILES = {
    "cow_dyads": "cow_dyadic_trade_russia.csv",
    "cow_national": "cow_national_trade.csv",
    "worldbank": "worldbank_wdi_eu.csv",
    "gas": "eurostat_gas_imports.csv",
    "oil": "iea_crude_oil_imports.csv",
    "comtrade": "comtrade_exports.csv",
    "decisions": "sanctions_decisions.csv",
    "legal": "sanctions_legal_basis.csv",
    "membership": "member_states.csv",
    "rollcalls": "unga_eu_rollcalls.csv",
    "ukraine_votes": "unga_ukraine_votes.csv",
    "council": "council_votes.csv",
    "ideal_points": "unga_ideal_points_eu_russia.csv",
    "issues": "unga_rollcall_issues.csv",
}


def load_inputs() -> Inputs:
    """Read and validate every table of the notebook once; precompute the regime chains and the
    per-roll-call agreement (both cohesion indices)."""
    tables = {key: data.load_raw(name) for key, name in FILES.items()}
    return prepare_inputs(**tables)


def russia_trade_baseline(dyads: pd.DataFrame, national: pd.DataFrame) -> pd.DataFrame:
    """Per state and year: exports to and imports from Russia (COW dyads) with the state's total
    exports and imports (COW national), million US$; the years of the dyads."""
    totals = national.rename(
        columns={"exports_musd": "total_exports_musd", "imports_musd": "total_imports_musd"}
    )
    return dyads.merge(totals, on=["country", "year"], how="left")


def gdp_table(worldbank: pd.DataFrame) -> pd.DataFrame:
    """Country, year, gdp_usd (current US$) of the years the World Bank table has GDP for."""
    return data.worldbank_series(worldbank, ["gdp_usd"])


def energy_table(gas: pd.DataFrame, oil: pd.DataFrame) -> pd.DataFrame:
    """Gas (TJ, GCV; Eurostat) and crude-oil (kt; IEA) imports in one long table: country, year,
    fuel, imports_from_russia, imports_total, unit."""
    parts = []
    for frame, fuel, unit in ((gas, "natural_gas", "tj_gcv"), (oil, "crude_oil", "kt")):
        columns = {f"imports_from_russia_{unit}": "imports_from_russia",
                   f"imports_total_{unit}": "imports_total"}  # fmt: skip
        parts.append(frame.rename(columns=columns).assign(fuel=fuel, unit=unit))
    return pd.concat(parts, ignore_index=True)


def prepare_inputs(**tables: pd.DataFrame) -> Inputs:
    """Inputs from the tables of FILES, already loaded (what `load_inputs` does after reading):
    the COW, World Bank and energy tables reshaped into `trade`, `gdp` and `energy`."""
    tables["trade"] = russia_trade_baseline(tables.pop("cow_dyads"), tables.pop("cow_national"))
    tables["gdp"] = gdp_table(tables.pop("worldbank"))
    tables["energy"] = energy_table(tables.pop("gas"), tables.pop("oil"))
    decisions = tables["decisions"]
    regimes = sorted(set(decisions["regime"]) - {"package"})
    chains = {regime: regime_chain(decisions, regime) for regime in regimes}
    return Inputs(**tables, chains=chains, agreement=agreement_table(tables["rollcalls"]))


# --- exposure ---------------------------------------------------------------------------------


def _year_rows(frame: pd.DataFrame, year: int, name: str) -> pd.DataFrame:
    rows = frame[frame["year"] == year]
    if rows.empty:
        raise ValueError(
            f"{name}: no rows for year {year} (years: {sorted(frame['year'].unique())})"
        )
    return rows.set_index("country")


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """100 * numerator / denominator, missing where the denominator is missing or zero."""
    return 100 * numerator / denominator.where(denominator > 0)


def own_report_exports(
    trade: pd.DataFrame, comtrade: pd.DataFrame, year: int
) -> tuple[pd.Series, bool]:
    """Each state's own reported exports to Russia in `year` (million USD) and whether they are
    back-cast.

    Where the state's own report exists for `year` (UN Comtrade, from 2014) it is used as is.
    For earlier years it is back-cast: the Russia-side record of `year` times the state's ratio
    of own report to Russia-side record in the first year that has both.
    """
    russia_side = _year_rows(trade, year, "trade baseline")["exports_to_russia_musd"]
    own_years = sorted(set(comtrade["year"]))
    if year in own_years:
        own = _year_rows(comtrade, year, "Comtrade")["exports_to_russia_usd"] / 1e6
        return own.reindex(russia_side.index).rename("exports_to_russia_musd"), False
    common = [y for y in own_years if y in set(trade["year"])]
    if not common:
        raise ValueError("trade_record own_report: no year with both Comtrade and COW records")
    ratio = reexport_gap_ratio(trade, comtrade, common[0])
    missing = sorted(ratio.index[ratio.isna()].intersection(russia_side.index))
    if missing:
        raise ValueError(f"trade_record own_report: no own/Russia-side ratio for {missing}")
    return (russia_side * ratio.reindex(russia_side.index)).rename("exports_to_russia_musd"), True


def reexport_gap_ratio(trade: pd.DataFrame, comtrade: pd.DataFrame, year: int) -> pd.Series:
    """Own-reported exports to Russia over Russia's record of imports from the state, `year`."""
    cow = _year_rows(trade, year, "trade baseline")["exports_to_russia_musd"]
    own = _year_rows(comtrade, year, "Comtrade")["exports_to_russia_usd"].reindex(cow.index) / 1e6
    return (own / cow.where(cow > 0)).rename("own_to_russia_side_ratio")


def exposure_table(
    trade: pd.DataFrame,
    gdp: pd.DataFrame,
    energy: pd.DataFrame,
    year: int,
    exports: pd.Series | None = None,
) -> pd.DataFrame:
    """Every exposure measure per member state in `year` (percentages), indexed by country.

    trade: `russia_trade_baseline` (million USD); gdp: `gdp_table` (USD); energy:
    `energy_table`. `exports` (million USD by country) replaces the
    Russia-side record of exports to Russia (e.g. by the state's own report). Gas/oil columns
    are missing if `year` is not covered.
    """
    t = _year_rows(trade, year, "trade baseline")
    g = _year_rows(gdp, year, "GDP")["gdp_usd"].reindex(t.index)
    if g.isna().any():
        raise ValueError(f"GDP missing for {', '.join(g.index[g.isna()])} in {year}")
    gdp_musd = g / 1e6
    to_russia = t["exports_to_russia_musd"] if exports is None else exports.reindex(t.index)
    table = pd.DataFrame(
        {
            "exports_to_russia_musd": to_russia,
            "gdp_musd": gdp_musd,
            "exports_pct_gdp": _share(to_russia, gdp_musd),
            "total_trade_pct_gdp": _share(to_russia + t["imports_from_russia_musd"], gdp_musd),
            "exports_pct_total_exports": _share(to_russia, t["total_exports_musd"]),
        }
    )
    for fuel, column in (
        ("natural_gas", "gas_import_share_pct"),
        ("crude_oil", "crude_oil_import_share_pct"),
    ):
        rows = energy[(energy["fuel"] == fuel) & (energy["year"] == year)].set_index("country")
        table[column] = _share(rows["imports_from_russia"], rows["imports_total"]).reindex(
            table.index
        )
    return table.sort_index()


def exposure_series(table: pd.DataFrame, measure: str) -> pd.Series:
    """The chosen measure as a Series (states without a value dropped), largest first."""
    if measure not in MEASURES:
        raise ValueError(f"exposure_measure {measure!r} is not one of {sorted(MEASURES)}")
    column = MEASURES[measure][0]
    series = table[column].dropna()
    if series.empty:
        raise ValueError(f"exposure_measure {measure!r}: no values for this base_year")
    return series.sort_values(ascending=False, kind="stable").rename(measure)


def gini(values: Sequence[float]) -> float:
    """Gini coefficient of non-negative values: mean absolute difference / (2 * mean)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0 or (x < 0).any():
        raise ValueError("gini needs at least one value and no negative values")
    mean = x.mean()
    if mean == 0:
        return 0.0
    return float(np.abs(x[:, None] - x[None, :]).mean() / (2 * mean))


def dispersion(series: pd.Series) -> dict[str, float | int | str | None]:
    """Max/min ratio over positive values, coefficient of variation (population SD), Gini."""
    values = series.dropna()
    positive = values[values > 0]
    mean = float(values.mean())
    return {
        "n_states": int(values.size),
        "n_zero": int((values == 0).sum()),
        "max": float(values.max()),
        "max_country": str(values.idxmax()),
        "min_positive": float(positive.min()) if len(positive) else None,
        "min_positive_country": str(positive.idxmin()) if len(positive) else None,
        "max_min_ratio": float(positive.max() / positive.min()) if len(positive) else None,
        "cv": float(values.std(ddof=0) / mean) if mean else None,
        "gini": gini(values.to_numpy()),
    }


def chosen_exposure(
    inputs: Inputs, base_year: int, exposure_measure: str, trade_record: str
) -> tuple[pd.DataFrame, pd.Series, bool]:
    """(exposure table, the chosen measure, whether own-reported exports are back-cast)."""
    return _chosen_exposure(inputs, base_year, exposure_measure, trade_record)


@functools.lru_cache(maxsize=64)
def _chosen_exposure(
    inputs: Inputs, base_year: int, exposure_measure: str, trade_record: str
) -> tuple[pd.DataFrame, pd.Series, bool]:
    if trade_record not in TRADE_RECORDS:
        raise ValueError(f"trade_record {trade_record!r} is not one of {TRADE_RECORDS}")
    exports, backcast = None, False
    if trade_record == "own_report":
        exports, backcast = own_report_exports(inputs.trade, inputs.comtrade, base_year)
    table = exposure_table(inputs.trade, inputs.gdp, inputs.energy, base_year, exports)
    applies = exposure_measure in EXPORT_MEASURES
    return table, exposure_series(table, exposure_measure), backcast and applies


def exposure_dispersion_table(
    inputs: Inputs, base_year: int, dispersion_statistic: str
) -> pd.DataFrame:
    """Dispersion of every measure under both trade records in `base_year` (one row each)."""
    rows = []
    for record in TRADE_RECORDS:
        for measure in MEASURES:
            if record == "own_report" and measure not in EXPORT_MEASURES:
                continue
            _, series, backcast = chosen_exposure(inputs, base_year, measure, record)
            spread = dispersion(series)
            rows.append(
                {
                    "measure": measure,
                    "trade_record": record if measure in EXPORT_MEASURES else "member-reported",
                    "backcast": backcast,
                    "n_states": spread["n_states"],
                    "most_exposed": spread["max_country"],
                    "least_exposed": spread["min_positive_country"],
                    "max_min_ratio": spread["max_min_ratio"],
                    dispersion_statistic: spread[dispersion_statistic],
                }
            )
    return pd.DataFrame(rows).set_index(["measure", "trade_record"])


def reexport_gap(
    trade: pd.DataFrame, comtrade: pd.DataFrame, gdp: pd.DataFrame, year: int
) -> pd.DataFrame:
    """Exports to Russia in `year`: Russia-side (COW) vs the state's own report (Comtrade).

    Columns in % of GDP and the ratio own/Russia-side; largest ratio first.
    """
    cow = _year_rows(trade, year, "trade baseline")["exports_to_russia_musd"]
    own = _year_rows(comtrade, year, "Comtrade")["exports_to_russia_usd"].reindex(cow.index) / 1e6
    gdp_musd = _year_rows(gdp, year, "GDP")["gdp_usd"].reindex(cow.index) / 1e6
    table = pd.DataFrame(
        {
            "russia_side_musd": cow,
            "own_report_musd": own,
            "russia_side_pct_gdp": _share(cow, gdp_musd),
            "own_report_pct_gdp": _share(own, gdp_musd),
            "own_to_russia_side_ratio": own / cow.where(cow > 0),
        }
    )
    return table.sort_values("own_to_russia_side_ratio", ascending=False, kind="stable")


def first_common_year(trade: pd.DataFrame, comtrade: pd.DataFrame) -> int:
    """The first year with both the Russia-side and the own-reported record of exports."""
    common = sorted(set(trade["year"]) & set(comtrade["year"]))
    if not common:
        raise ValueError("no year has both the COW (Russia-side) and the Comtrade record")
    return int(common[0])


def export_change(
    comtrade: pd.DataFrame, gdp: pd.DataFrame, from_year: int, to_year: int
) -> pd.DataFrame:
    """Change in own-reported exports to Russia between two years, in % of from-year GDP."""
    start = _year_rows(comtrade, from_year, "Comtrade")["exports_to_russia_usd"]
    end = _year_rows(comtrade, to_year, "Comtrade")["exports_to_russia_usd"].reindex(start.index)
    base_gdp = _year_rows(gdp, from_year, "GDP")["gdp_usd"].reindex(start.index)
    return pd.DataFrame(
        {
            "change_pct_gdp": _share(end - start, base_gdp),
            "change_pct": _share(end - start, start),
        }
    ).sort_values("change_pct_gdp", kind="stable")


def loss_years(comtrade: pd.DataFrame, essay_date: str) -> tuple[int, int]:
    """(first own-reported year, last full year before the essay): the window of the loss."""
    first = int(comtrade["year"].min())
    last = pd.Timestamp(essay_date).year - 1
    if last <= first or last not in set(comtrade["year"]):
        raise ValueError(
            f"essay_date {essay_date}: no Comtrade year {last} after the first year {first}"
        )
    return first, last


def export_loss_table(inputs: Inputs, essay_date: str) -> pd.DataFrame:
    """Own-reported exports to Russia: change from the first own-reported year to each later
    year up to the last full year before the essay, in % of first-year GDP."""
    first, last = loss_years(inputs.comtrade, essay_date)
    table = pd.concat(
        {
            f"change_to_{year}_pct_gdp": export_change(inputs.comtrade, inputs.gdp, first, year)[
                "change_pct_gdp"
            ]
            for year in range(first + 1, last + 1)
        },
        axis=1,
    )
    table[f"change_to_{last}_pct"] = export_change(inputs.comtrade, inputs.gdp, first, last)[
        "change_pct"
    ]
    return table.sort_values(f"change_to_{last}_pct_gdp", kind="stable")


# --- the renewal record ---------------------------------------------------------------------------


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates; month-only values (YYYY-MM) are placed on the 15th of the month."""
    text = values.astype("string")
    text = text.where(text.str.len() != 7, text + "-15")
    return pd.to_datetime(text, format="%Y-%m-%d")


def regime_chain(decisions: pd.DataFrame, regime: str) -> pd.DataFrame:
    """Adoption and extension acts of one regime, in date order, with parsed dates."""
    rows = decisions[
        (decisions["regime"] == regime) & decisions["action"].isin(["adopt", "extend"])
    ]
    if rows.empty:
        raise ValueError(f"sanctions decisions: no adopt/extend rows for regime {regime!r}")
    chain = rows.assign(
        adopted=parse_dates(rows["adopted_date"]), expires=parse_dates(rows["extended_until"])
    )
    return chain.sort_values(["adopted", "action"], kind="stable", ignore_index=True)


def _chain(source: pd.DataFrame | Inputs, regime: str) -> pd.DataFrame:
    if isinstance(source, Inputs):
        if regime not in source.chains:
            raise ValueError(f"sanctions decisions: no adopt/extend rows for regime {regime!r}")
        return source.chains[regime]
    return regime_chain(source, regime)


def count_extensions(decisions: pd.DataFrame | Inputs, regime: str, by: str | None = None) -> int:
    """Extensions of `regime` adopted on or before `by` (all when None)."""
    chain = _chain(decisions, regime)
    chain = chain[chain["action"] == "extend"]
    if by is not None:
        chain = chain[chain["adopted"] <= pd.Timestamp(by)]
    return int(len(chain))


def adopted_in_year(decisions: pd.DataFrame | Inputs, regime: str, year: int) -> bool:
    """Whether the regime's adoption act is dated in `year`."""
    chain = _chain(decisions, regime)
    adoption = chain[chain["action"] == "adopt"]
    return bool((adoption["adopted"].dt.year == year).any())


def coverage_gaps(
    decisions: pd.DataFrame | Inputs, regime: str, until: str | None = None
) -> pd.DataFrame:
    """Gaps between the expiry in force and the next extension (a lapse if the record is complete).

    Walks the chain in date order keeping the latest known expiry; an act adopted after that
    expiry opens a gap. Acts with an unknown expiry neither extend nor shorten the coverage.
    """
    chain = _chain(decisions, regime)
    if until is not None:
        chain = chain[chain["adopted"] <= pd.Timestamp(until)]
    gaps, covered_to = [], None
    for row in chain.itertuples():
        if covered_to is not None and row.adopted > covered_to:
            gaps.append(
                {
                    "expired": covered_to,
                    "next_act": row.adopted,
                    "days": (row.adopted - covered_to).days,
                }
            )
        if pd.notna(row.expires):
            covered_to = row.expires if covered_to is None else max(covered_to, row.expires)
    return pd.DataFrame(gaps, columns=["expired", "next_act", "days"])


def in_force_on(decisions: pd.DataFrame | Inputs, regime: str, date: str) -> bool:
    """Whether an act adopted on or before `date` keeps the regime in force on `date`."""
    chain = _chain(decisions, regime)
    day = pd.Timestamp(date)
    past = chain[chain["adopted"] <= day]
    return bool(len(past)) and bool((past["expires"] >= day).any())


def renewal_dates(
    decisions: pd.DataFrame | Inputs, regime: str, by: str | None = None
) -> list[str]:
    """ISO dates of the extensions of `regime` adopted on or before `by`."""
    chain = _chain(decisions, regime)
    chain = chain[chain["action"] == "extend"]
    if by is not None:
        chain = chain[chain["adopted"] <= pd.Timestamp(by)]
    return [d.date().isoformat() for d in chain["adopted"]]


def year_end(date: str) -> str:
    """31 December of the year of `date` (ISO)."""
    return f"{pd.Timestamp(date).year}-12-31"


def record_last_date(decisions: pd.DataFrame) -> str:
    """The latest adoption date in the record (ISO; month-only dates as written)."""
    return str(decisions["adopted_date"].max())


def regime_label(decisions: pd.DataFrame, regime: str) -> str:
    """'Economic: 2014/512/CFSP': the regime and its adoption act, from the data."""
    chain = regime_chain(decisions, regime)
    acts = chain.loc[chain["action"] == "adopt", "act"].dropna()
    name = regime.capitalize()
    return f"{name}: {acts.iloc[0].removeprefix('Council Decision ')}" if len(acts) else name


def renewal_table(inputs: Inputs, regime: str, essay_date: str) -> pd.DataFrame:
    """The regime's adoption and extensions with a column saying whether each act is dated on
    or before the essay, and whether it falls in the essay's year after the essay."""
    chain = _chain(inputs, regime)
    essay = pd.Timestamp(essay_date)
    end = pd.Timestamp(year_end(essay_date))
    table = chain[["adopted_date", "action", "act", "extended_until"]].copy()
    table["by_essay_date"] = chain["adopted"] <= essay
    table["after_essay_same_year"] = (chain["adopted"] > essay) & (chain["adopted"] <= end)
    return table


def record_metrics(
    inputs: Inputs,
    essay_date: str,
    calculation_year: int,
    renewal_regime: str,
    forecast_check_date: str,
    forecast_regime: str,
) -> dict[str, Any]:
    """The renewal record and the forecast check, for the chosen regimes and dates."""
    return dict(
        _record_metrics(
            inputs,
            essay_date,
            calculation_year,
            renewal_regime,
            forecast_check_date,
            forecast_regime,
        )  # fmt: skip
    )


@functools.lru_cache(maxsize=256)
def _record_metrics(
    inputs: Inputs,
    essay_date: str,
    calculation_year: int,
    renewal_regime: str,
    forecast_check_date: str,
    forecast_regime: str,
) -> dict[str, Any]:
    if renewal_regime not in RENEWAL_REGIMES:
        raise ValueError(f"renewal_regime {renewal_regime!r} is not one of {RENEWAL_REGIMES}")
    if forecast_regime not in FORECAST_REGIMES:
        raise ValueError(f"forecast_regime {forecast_regime!r} is not one of {FORECAST_REGIMES}")
    decisions = inputs.decisions
    latest = record_last_date(decisions)
    end = year_end(essay_date)
    economic = _chain(inputs, "economic")
    regimes = RENEWAL_REGIMES if forecast_regime == "all" else (forecast_regime,)
    by_essay = _extension_count(inputs, renewal_regime, essay_date)
    by_year_end = _extension_count(inputs, renewal_regime, end)
    return {
        # the economic regime (Decision 2014/512/CFSP), as in every specification
        "economic_sanctions_adopted_2014": adopted_in_year(inputs, "economic", calculation_year),
        "economic_sanctions_extensions_by_essay_date": _extension_count(
            inputs, "economic", essay_date
        ),
        "economic_sanctions_extensions_by_2017_12_31": _extension_count(inputs, "economic", end),
        "economic_sanctions_extensions_latest": _extension_count(inputs, "economic"),
        "economic_sanctions_extensions_with_known_expiry_latest": int(
            economic.loc[economic["action"] == "extend", "extended_until"].notna().sum()
        ),
        "economic_sanctions_lapses": _gap_count(inputs, "economic"),
        "economic_sanctions_lapses_by_2017_12_31": _gap_count(inputs, "economic", end),
        "economic_sanctions_in_force_2018_03_01": in_force_on(
            inputs, "economic", forecast_check_date
        ),
        "economic_sanctions_in_force_latest": in_force_on(inputs, "economic", latest),
        "sanctions_data_last_date": latest,
        "individual_regime_record_gaps": _gap_count(inputs, "individual"),
        "crimea_regime_record_gaps": _gap_count(inputs, "crimea"),
        "sanctions_packages_since_2022": int((decisions["regime"] == "package").sum()),
        # the regime chosen by renewal_regime
        "sanctions_adopted_in_calculation_year": adopted_in_year(
            inputs, renewal_regime, calculation_year
        ),
        "sanctions_extensions_by_essay_date": by_essay,
        "sanctions_extensions_by_essay_year_end": by_year_end,
        "sanctions_extensions_after_essay_in_essay_year": by_year_end - by_essay,
        "sanctions_lapses_by_essay_date": _gap_count(inputs, renewal_regime, essay_date),
        # the forecast: in force on the check date (all regimes of forecast_regime)
        "sanctions_in_force_on_check_date": all(
            in_force_on(inputs, regime, forecast_check_date) for regime in regimes
        ),
        "sanctions_record_reaches_check_date": bool(
            parse_dates(pd.Series([latest])).iloc[0] >= pd.Timestamp(forecast_check_date)
        ),
    }


@functools.lru_cache(maxsize=64)
def _gap_count(inputs: Inputs, regime: str, until: str | None = None) -> int:
    """How many coverage gaps the regime's record shows up to `until` (cached)."""
    return len(coverage_gaps(inputs, regime, until))


@functools.lru_cache(maxsize=64)
def _extension_count(inputs: Inputs, regime: str, by: str | None = None) -> int:
    """`count_extensions` of the inputs (cached)."""
    return count_extensions(inputs, regime, by)


# --- the legal rule ---------------------------------------------------------------------------

CFSP_DECISION_BASIS = "Art. 29 TEU"


def _legal_row(legal: pd.DataFrame, basis: str) -> pd.Series:
    rows = legal[legal["legal_basis"] == basis]
    if len(rows) != 1:
        raise ValueError(
            f"sanctions_legal_basis.csv: expected one row with legal_basis {basis!r}, "
            f"found {len(rows)}"
        )
    return rows.iloc[0]


def voting_rule_chain(legal: pd.DataFrame, basis: str = CFSP_DECISION_BASIS) -> list[pd.Series]:
    """The rows followed from the instrument's legal basis to the rule it refers to.

    Decision 2014/512/CFSP and its extensions rest on Art. 29 TEU, whose voting rule reads
    'unanimity (Art. 31(1) TEU)': the row of the article in brackets is followed (once) to the
    treaty's own voting rule. Each row carries its own source.
    """
    first = _legal_row(legal, basis)
    chain = [first]
    rule = str(first["voting_rule"])
    if "(" in rule and rule.rstrip().endswith(")"):
        referred = rule[rule.index("(") + 1 : rule.rindex(")")].strip()
        if referred in set(legal["legal_basis"]):
            chain.append(_legal_row(legal, referred))
    return chain


def legal_metrics(legal: pd.DataFrame, essay_institution: str) -> dict[str, Any]:
    """Unanimity derived from the sourced voting-rule text (not the hand-typed boolean column),
    which institution adopts the act, and whether the rule binds the body the essay names."""
    chain = voting_rule_chain(legal)
    texts = [str(row["voting_rule"]).strip().lower() for row in chain]
    unanimity = all(text.startswith("unanimity") for text in texts)
    boolean_column = bool(chain[0]["unanimity_required"])
    rule_row = chain[-1]
    bound = [part.strip() for part in str(rule_row["adopting_institution"]).split(" and ")]
    adopting = str(chain[0]["adopting_institution"])
    regulation = legal[legal["legal_basis"] != CFSP_DECISION_BASIS]
    regulation = regulation[~regulation["legal_basis"].isin([row["legal_basis"] for row in chain])]
    return {
        "cfsp_sanctions_decision_requires_unanimity": unanimity,
        "cfsp_unanimity_derivation": " -> ".join(
            f"{row['legal_basis']}: {row['voting_rule']}" for row in chain
        ),
        "cfsp_unanimity_boolean_column_agrees": boolean_column == unanimity,
        "cfsp_sanctions_adopting_institution": adopting,
        "essay_institution_adopts_sanctions": adopting == essay_institution,
        "unanimity_rule_binds_essay_institution": essay_institution in bound,
        "sanctions_regulation_voting_rule": "; ".join(regulation["voting_rule"].astype(str)),
    }


# --- the veto model (illustrative) ---------------------------------------------------------------


def veto_probabilities(exposure: pd.Series, p_most_exposed: float, form: str) -> pd.Series:
    """Per-state probability of vetoing one renewal, rising with exposure.

    x = exposure / max exposure; p = p_most_exposed * f(x) with f(x) = x (linear), x**2
    (quadratic), sqrt(x) (sqrt) or 1 (equal: every state like the most exposed).
    """
    if not 0 <= p_most_exposed <= 1:
        raise ValueError(f"veto_probability_most_exposed must be in [0, 1], got {p_most_exposed}")
    return (p_most_exposed * _veto_shape(exposure, form)).rename("veto_probability")


def _veto_shape(exposure: pd.Series, form: str) -> pd.Series:
    if form not in VETO_FORMS:
        raise ValueError(f"veto_form {form!r} is not one of {VETO_FORMS}")
    if (exposure < 0).any() or exposure.max() <= 0:
        raise ValueError("veto model needs non-negative exposures with a positive maximum")
    x = exposure / exposure.max()
    return {"linear": x, "quadratic": x**2, "sqrt": np.sqrt(x), "equal": x * 0 + 1}[form]


def votes_per_state(index: pd.Index, electorates: Sequence[Sequence[str]]) -> np.ndarray:
    """How many of the decisions each state of `index` took part in (raises for unknown states)."""
    known, taken = set(index), Counter()
    for members in electorates:
        missing = sorted(set(members) - known)
        if missing:
            raise ValueError(f"veto model: no exposure for {', '.join(missing)}")
        taken.update(set(members))
    return np.array([taken[state] for state in index], dtype=float)


def all_pass_probability(probabilities: pd.Series, electorates: Sequence[Sequence[str]]) -> float:
    """Probability that no state vetoes any decision; each decision has its own electorate.

    States vote independently; a state in an electorate without a probability raises.
    """
    counts = votes_per_state(probabilities.index, electorates)
    p = probabilities.to_numpy(float)
    used = counts > 0
    if (p[used] >= 1).any():
        return 0.0
    return math.exp(float((counts[used] * np.log1p(-p[used])).sum()))


def max_consistent_veto_probability(
    exposure: pd.Series, form: str, electorates: Sequence[Sequence[str]], level: float = 0.95
) -> float:
    """Largest `p_most_exposed` giving the observed record (no veto) probability >= 1 - level.

    For the 'equal' form this is the closed form 1 - (1 - level) ** (1 / trials).
    """
    if not electorates:
        return 1.0
    alpha = 1 - level
    if form == "equal":
        trials = sum(len(members) for members in electorates)
        return 1 - alpha ** (1 / trials)
    shape = _veto_shape(exposure, form).to_numpy(float)
    counts = votes_per_state(exposure.index, electorates)
    used = counts > 0
    shape, counts = shape[used], counts[used]
    log_alpha = math.log(alpha)

    def excess(p: float) -> float:
        q = p * shape
        if (q >= 1).any():
            return -math.inf
        return float((counts * np.log1p(-q)).sum()) - log_alpha

    if excess(1.0) >= 0:
        return 1.0
    # imported here: the build process reads this module only for the report's charts, and
    # scipy.optimize took 0.4-0.6 s of its import
    from scipy.optimize import brentq

    return float(brentq(excess, 0.0, 1.0, xtol=1e-12))


def renewal_electorates(inputs: Inputs, until: str) -> list[list[str]]:
    """The EU members on the day of each economic-sanctions renewal adopted by `until`."""
    return _renewal_electorates(inputs, until)


@functools.lru_cache(maxsize=16)
def _renewal_electorates(inputs: Inputs, until: str) -> list[list[str]]:
    days = renewal_dates(inputs, "economic", until)
    return [members_on(inputs.membership, day) for day in days]


def veto_exposure(inputs: Inputs, base_year: int, measure: str, trade_record: str) -> pd.Series:
    """The chosen exposure for every state; states without a value (no gas or crude imports
    at all) count as unexposed."""
    table, series, _ = chosen_exposure(inputs, base_year, measure, trade_record)
    return series.reindex(table.index, fill_value=0.0)


@functools.lru_cache(maxsize=512)
def _veto_metrics(
    inputs: Inputs,
    base_year: int,
    exposure_measure: str,
    trade_record: str,
    p_most_exposed: float,
    veto_form: str,
    until: str,
    latest: str,
    level: float,
) -> dict[str, Any]:
    exposure = veto_exposure(inputs, base_year, exposure_measure, trade_record)
    probabilities = veto_probabilities(exposure, p_most_exposed, veto_form)
    electorates = renewal_electorates(inputs, until)
    electorates_latest = renewal_electorates(inputs, latest)
    return {
        "veto_model_renewals_counted": len(electorates),
        "single_renewal_pass_probability_eu28": all_pass_probability(
            probabilities, [sorted(probabilities.index)]
        ),
        "unanimous_renewal_probability_under_veto_model": all_pass_probability(
            probabilities, electorates
        ),
        "unanimous_renewal_probability_under_veto_model_latest": all_pass_probability(
            probabilities, electorates_latest
        ),
        "max_veto_probability_most_exposed_consistent_95": max_consistent_veto_probability(
            exposure, veto_form, electorates, level
        ),
        "max_common_veto_probability_consistent_95": max_consistent_veto_probability(
            exposure, "equal", electorates, level
        ),
        "max_common_veto_probability_consistent_95_latest": max_consistent_veto_probability(
            exposure, "equal", electorates_latest, level
        ),
    }


# --- cohesion: UN General Assembly and Council ----------------------------------------------


def rollcall_agreement(rollcalls: pd.DataFrame, index: str) -> pd.Series:
    """Per roll call, EU agreement in % (roll calls with fewer than two EU votes dropped).

    majority_share: share of voting members who voted like the largest group.
    hix: Hix's agreement index (max - (total - max) / 2) / total, rescaled to %.
    """
    if index not in COHESION_INDICES:
        raise ValueError(f"cohesion_index {index!r} is not one of {COHESION_INDICES}")
    counts = rollcalls[VOTES].to_numpy(float)
    total = counts.sum(axis=1)
    top = counts.max(axis=1)
    keep = total >= 2
    if index == "majority_share":
        value = top / np.where(keep, total, 1)
    else:
        value = (top - 0.5 * (total - top)) / np.where(keep, total, 1)
    return pd.Series(100 * value, index=rollcalls["rcid"]).loc[keep]


def agreement_table(rollcalls: pd.DataFrame) -> pd.DataFrame:
    """Per roll call with at least two EU votes: session, date and both agreement indices."""
    per_call = {index: rollcall_agreement(rollcalls, index) for index in COHESION_INDICES}
    meta = rollcalls.set_index("rcid")[["session", "date", "ukraine_related"]]
    return meta.join(pd.DataFrame(per_call), how="inner")


def session_agreement(rollcalls: pd.DataFrame, index: str) -> pd.Series:
    """Mean per-roll-call EU agreement (%) by UNGA session."""
    per_call = rollcall_agreement(rollcalls, index)
    sessions = rollcalls.set_index("rcid")["session"].loc[per_call.index]
    return per_call.groupby(sessions).mean().rename(index)


def completed_sessions(rollcalls: pd.DataFrame, date: str) -> list[int]:
    """Sessions all of whose roll calls in the data were held before `date`."""
    last = rollcalls.groupby("session")["date"].max()
    return sorted(int(s) for s in last.index[last < date])


def last_session_completed_before(rollcalls: pd.DataFrame, date: str) -> int:
    """The latest session all of whose roll calls (in the data) precede `date`."""
    sessions = completed_sessions(rollcalls, date)
    if not sessions:
        raise ValueError(f"UNGA roll calls: no session completed before {date}")
    return sessions[-1]


def issue_rcids(agreement: pd.DataFrame, issues: pd.DataFrame, issue: str) -> pd.Index:
    """Roll calls of an issue set: 'all', 'ukraine_related' or an unvotes issue code."""
    if issue not in UNGA_ISSUES:
        raise ValueError(f"unga_issue {issue!r} is not one of {UNGA_ISSUES}")
    if issue == "all":
        return agreement.index
    if issue == "ukraine_related":
        return agreement.index[agreement["ukraine_related"].astype(bool)]
    coded = issues.loc[issues["issue_code"] == issue, "rcid"]
    return agreement.index.intersection(pd.Index(coded.unique()))


def cohesion_record(
    values: pd.Series, sessions: pd.Series, last_session: int, window: int, level: float
) -> dict[str, Any]:
    """Cohesion of the `window` sessions ending at `last_session` against every earlier window.

    values: per-roll-call agreement (%); sessions: the session of each roll call (same index).
    Earlier windows are the runs of `window` consecutive sessions ending before the recent one
    starts (the mean of their pooled roll calls). The difference to the pooled earlier mean
    has a normal-approximation (Welch) confidence interval at `level`.
    """
    if window < 1:
        raise ValueError(f"recent_sessions must be at least 1, got {window}")
    first_recent = last_session - window + 1
    recent = values[(sessions >= first_recent) & (sessions <= last_session)]
    prior = values[sessions < first_recent]
    by_session = values.groupby(sessions)
    sums, counts = by_session.sum(), by_session.size()
    starts = [s for s in sorted(counts.index) if s + window - 1 < first_recent]
    windows = []
    for start in starts:
        span = [s for s in range(start, start + window) if s in counts.index]
        n = int(counts.loc[span].sum())
        if n:
            windows.append(float(sums.loc[span].sum() / n))
    out: dict[str, Any] = {
        "recent_first_session": int(first_recent),
        "recent_last_session": int(last_session),
        "recent_rollcalls": int(len(recent)),
        "prior_rollcalls": int(len(prior)),
        "prior_windows": len(windows),
        "recent_pct": float(recent.mean()) if len(recent) else None,
        "prior_max_pct": max(windows) if windows else None,
        "prior_mean_pct": float(prior.mean()) if len(prior) else None,
    }
    for name in ("minus_prior_max_pp", "minus_prior_mean_pp", "ci_low_pp", "ci_high_pp"):
        out[name] = None
    if out["recent_pct"] is None or out["prior_mean_pct"] is None:
        return out
    if out["prior_max_pct"] is not None:
        out["minus_prior_max_pp"] = out["recent_pct"] - out["prior_max_pct"]
    difference = out["recent_pct"] - out["prior_mean_pct"]
    out["minus_prior_mean_pp"] = difference
    if len(recent) >= 2 and len(prior) >= 2:
        se = math.sqrt(recent.var(ddof=1) / len(recent) + prior.var(ddof=1) / len(prior))
        z = NormalDist().inv_cdf(0.5 + level / 2)
        out["ci_low_pp"], out["ci_high_pp"] = difference - z * se, difference + z * se
    return out


def issue_cohesion(
    inputs: Inputs, issue: str, index: str, last_session: int, window: int, level: float
) -> dict[str, Any]:
    """`cohesion_record` for the roll calls of one issue set."""
    return dict(_issue_cohesion(inputs, issue, index, last_session, window, level))


@functools.lru_cache(maxsize=512)
def _issue_cohesion(
    inputs: Inputs, issue: str, index: str, last_session: int, window: int, level: float
) -> dict[str, Any]:
    if index not in COHESION_INDICES:
        raise ValueError(f"cohesion_index {index!r} is not one of {COHESION_INDICES}")
    rows = inputs.agreement.loc[issue_rcids(inputs.agreement, inputs.issues, issue)]
    return cohesion_record(rows[index], rows["session"], last_session, window, level)


def issue_cohesion_table(
    inputs: Inputs, index: str, last_session: int, window: int, level: float
) -> pd.DataFrame:
    """`cohesion_record` for every issue set (rows), with the issue's name from the data."""
    names = issue_names(inputs)
    rows = {
        issue: issue_cohesion(inputs, issue, index, last_session, window, level)
        for issue in UNGA_ISSUES
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.insert(0, "issue", [names[i] for i in table.index])
    return table


def session_issue_agreement(inputs: Inputs, index: str) -> pd.DataFrame:
    """Mean agreement (%) per session and issue set (long: session, issue, agreement, n)."""
    frames = []
    for issue in UNGA_ISSUES:
        rows = inputs.agreement.loc[issue_rcids(inputs.agreement, inputs.issues, issue)]
        grouped = rows.groupby("session")[index]
        frames.append(
            pd.DataFrame({"agreement": grouped.mean(), "rollcalls": grouped.size()})
            .reset_index()
            .assign(issue=issue)
        )
    return pd.concat(frames, ignore_index=True)


def eu_majority_with_russia(rollcalls: pd.DataFrame) -> pd.Series:
    """Per session, % of roll calls on which the EU members' largest group voted like Russia."""
    rows = rollcalls.dropna(subset=["russia_vote"])
    counts = rows[VOTES]
    rows = rows[counts.sum(axis=1) > 0]
    majority = rows[VOTES].idxmax(axis=1).str.removeprefix("eu_")
    same = majority == rows["russia_vote"]
    return (100 * same.groupby(rows["session"]).mean()).rename("eu_majority_with_russia_pct")


def uncontested_share(council: pd.DataFrame, first_year: int, last_year: int) -> float | None:
    """Share of public Council votes in [first_year, last_year] with no member voting against."""
    years = council["decision_date"].str[:4].astype(int)
    rows = council[(years >= first_year) & (years <= last_year)]
    if rows.empty:
        return None
    return float(rows["against"].isna().mean())


def council_periods(
    council: pd.DataFrame, essay_date: str
) -> tuple[tuple[int, int], tuple[int, int]]:
    """(recent, earlier) year spans: the essay's year and the one before; the data's first year
    to the year before that."""
    essay_year = pd.Timestamp(essay_date).year
    first = int(council["decision_date"].str[:4].astype(int).min())
    return (essay_year - 1, essay_year), (first, essay_year - 2)


def resolution_votes(votes: pd.DataFrame, unres: str, members: Sequence[str]) -> pd.Series:
    """Counts of yes/no/abstain/absent among `members` on resolution `unres`."""
    rows = votes[(votes["unres"] == unres) & votes["country"].isin(list(members))]
    if rows.empty:
        raise ValueError(f"UNGA votes: no roll call {unres!r} for the given members")
    return rows["vote"].value_counts().reindex(["yes", "no", "abstain", "absent"], fill_value=0)


def resolution_date(votes: pd.DataFrame, unres: str) -> str:
    """The date of the roll call on resolution `unres` (crimea_resolution)."""
    dates = votes.loc[votes["unres"] == unres, "date"].unique()
    if len(dates) != 1:
        raise ValueError(
            f"crimea_resolution {unres!r}: expected one roll call in unga_ukraine_votes.csv, "
            f"found {len(dates)}"
        )
    return str(dates[0])


def ukraine_vote_summary(votes: pd.DataFrame, rollcalls: pd.DataFrame) -> pd.DataFrame:
    """Per Ukraine/Crimea roll call: date, resolution, EU yes/no/abstain/absent, Russia, Ukraine."""
    eu = votes[~votes["country"].isin(["RU", "UA"])]
    counts = eu.pivot_table(index="rcid", columns="vote", values="country", aggfunc="count")
    counts = counts.reindex(columns=["yes", "no", "abstain", "absent"]).fillna(0).astype(int)
    counts.columns = [f"eu_{c}" for c in counts.columns]
    others = votes[votes["country"].isin(["RU", "UA"])].pivot_table(
        index="rcid", columns="country", values="vote", aggfunc="first"
    )
    meta = rollcalls.set_index("rcid")[["date", "unres"]]
    table = meta.join(counts, how="inner").join(
        others.rename(columns={"RU": "russia", "UA": "ukraine"})
    )
    return table.sort_values("date")


@functools.lru_cache(maxsize=256)
def _cohesion_metrics(
    inputs: Inputs,
    essay_date: str,
    cohesion_index: str,
    unga_issue: str,
    recent_sessions: int,
    crimea_resolution: str,
    level: float,
) -> dict[str, Any]:
    last, agreement = _session_record(inputs, essay_date, cohesion_index)
    chosen = issue_cohesion(inputs, unga_issue, cohesion_index, last, recent_sessions, level)
    return {
        **_crimea_vote_metrics(inputs, crimea_resolution),
        **_ukraine_rollcall_metrics(inputs),
        **agreement,
        **{f"unga_cohesion_{name}": value for name, value in chosen.items()},
        **_issues_at_record(inputs, cohesion_index, last, recent_sessions, level),
        **_council_uncontested(inputs, essay_date),
    }


@functools.lru_cache(maxsize=16)
def _crimea_vote_metrics(inputs: Inputs, crimea_resolution: str) -> dict[str, int]:
    """The EU members' yes and no-or-abstain votes on `crimea_resolution`."""
    votes = inputs.ukraine_votes
    day = resolution_date(votes, crimea_resolution)
    on_resolution = resolution_votes(votes, crimea_resolution, members_on(inputs.membership, day))
    return {
        "eu28_yes_votes_unga_68_262": int(on_resolution["yes"]),
        "eu28_no_or_abstain_votes_unga_68_262": int(on_resolution["no"] + on_resolution["abstain"]),
    }


@functools.lru_cache(maxsize=4)
def _ukraine_rollcall_metrics(inputs: Inputs) -> dict[str, Any]:
    """The Ukraine/Crimea roll calls, those with every EU vote cast yes, the data's last date."""
    summary = ukraine_vote_summary(inputs.ukraine_votes, inputs.rollcalls)
    all_yes = summary["eu_yes"] == summary[["eu_yes", "eu_no", "eu_abstain", "eu_absent"]].sum(
        axis=1
    )
    return {
        "unga_ukraine_rollcalls": len(summary),
        "unga_ukraine_rollcalls_all_eu_yes": int(all_yes.sum()),
        "unga_data_last_date": str(inputs.rollcalls["date"].max()),
    }


@functools.lru_cache(maxsize=32)
def _session_record(
    inputs: Inputs, essay_date: str, cohesion_index: str
) -> tuple[int, dict[str, Any]]:
    """The last session completed before the essay, and its mean agreement against the prior
    sessions' maximum and mean."""
    last = last_session_completed_before(inputs.rollcalls, essay_date)
    agreement = inputs.agreement.groupby("session")[cohesion_index].mean()
    prior = agreement[agreement.index < last]
    return last, {
        "eu_unga_last_session_before_essay": last,
        "eu_unga_agreement_last_session_before_essay_pct": float(agreement.loc[last]),
        "eu_unga_agreement_max_prior_sessions_since_2005_pct": float(prior.max()),
        "eu_unga_agreement_mean_prior_sessions_since_2005_pct": float(prior.mean()),
    }


@functools.lru_cache(maxsize=64)
def _issues_at_record(
    inputs: Inputs, cohesion_index: str, last: int, recent_sessions: int, level: float
) -> dict[str, int]:
    """How many coded issues reached record cohesion, and were above or below the prior mean
    beyond the interval, in the recent sessions."""
    table = issue_cohesion_table(inputs, cohesion_index, last, recent_sessions, level)
    coded = table.loc[[i for i in UNGA_ISSUES if i not in ("all", "ukraine_related")]]
    return {
        "unga_issues_at_record_cohesion": int((coded["minus_prior_max_pp"] > 0).sum()),
        "unga_issues_above_prior_mean_ci": int((coded["ci_low_pp"] > 0).sum()),
        "unga_issues_below_prior_mean_ci": int((coded["ci_high_pp"] < 0).sum()),
    }


@functools.lru_cache(maxsize=16)
def _council_uncontested(inputs: Inputs, essay_date: str) -> dict[str, float | None]:
    """Share of uncontested public Council votes in the essay's two years and the years before."""
    recent_years, earlier_years = council_periods(inputs.council, essay_date)
    return {
        "council_votes_uncontested_share_2016_2017": uncontested_share(
            inputs.council, *recent_years
        ),
        "council_votes_uncontested_share_2010_2015": uncontested_share(
            inputs.council, *earlier_years
        ),
    }


# --- UNGA ideal points: distance between EU members and Russia ----------------------------------


def distance_to_russia(ideal_points: pd.DataFrame, russia: str = "RU") -> pd.DataFrame:
    """Each state's absolute ideal-point distance to Russia's in the same year.

    ideal_points: columns country, year, ideal_point (unga_ideal_points_eu_russia.csv). Returns
    country, year, distance for every state except Russia, sorted by year and country.
    """
    needed = {"country", "year", "ideal_point"}
    missing = sorted(needed - set(ideal_points.columns))
    if missing:
        raise ValueError(f"ideal points: missing columns {', '.join(missing)}")
    reference = ideal_points[ideal_points["country"] == russia].set_index("year")["ideal_point"]
    if reference.index.duplicated().any():
        raise ValueError(f"ideal points: several rows for {russia} in one year")
    others = ideal_points[ideal_points["country"] != russia]
    no_reference = sorted(set(others["year"]) - set(reference.index))
    if no_reference:
        raise ValueError(f"ideal points: no value for {russia} in years {no_reference}")
    distance = (others["ideal_point"] - others["year"].map(reference)).abs()
    table = pd.DataFrame(
        {"country": others["country"], "year": others["year"], "distance": distance}
    )
    return table.sort_values(["year", "country"], ignore_index=True)


def distance_by_year(distances: pd.DataFrame) -> pd.DataFrame:
    """Per year: mean, median, min and max distance and the number of states."""
    grouped = distances.groupby("year")["distance"]
    return pd.DataFrame(
        {
            "mean": grouped.mean(),
            "median": grouped.median(),
            "min": grouped.min(),
            "max": grouped.max(),
            "n_states": grouped.size().astype(int),
        }
    )


def distance_metrics(
    summary: pd.DataFrame, years: Sequence[int], change: tuple[int, int]
) -> dict[str, float]:
    """Named metrics: mean and median distance in each of `years`, and their change between
    the two years of `change` (later minus earlier)."""
    wanted = sorted({*years, *change})
    absent = [y for y in wanted if y not in summary.index]
    if absent:
        raise ValueError(
            f"ideal-point distance: no value for years {absent} "
            f"(available {int(summary.index.min())}-{int(summary.index.max())})"
        )
    prefix = "eu_russia_ideal_point_distance"
    metrics: dict[str, float] = {}
    for statistic in ("mean", "median"):
        for year in years:
            metrics[f"{prefix}_{statistic}_{year}"] = float(summary.loc[year, statistic])
        first, last = change
        metrics[f"{prefix}_{statistic}_change_{first}_{last}"] = float(
            summary.loc[last, statistic] - summary.loc[first, statistic]
        )
    return metrics


def resolution_session_year(inputs: Inputs, unres: str) -> int:
    """The year the UNGA session of resolution `unres` opened (from the ideal-point table's
    session-year pairs and the roll call's session)."""
    sessions = inputs.rollcalls.loc[inputs.rollcalls["unres"] == unres, "session"].unique()
    if len(sessions) != 1:
        raise ValueError(f"crimea_resolution {unres!r}: not one roll call in unga_eu_rollcalls")
    years = inputs.ideal_points.loc[inputs.ideal_points["session"] == sessions[0], "year"]
    if years.empty:
        raise ValueError(f"ideal points: no estimates for session {int(sessions[0])}")
    return int(years.iloc[0])


def ideal_point_years(inputs: Inputs, crimea_resolution: str) -> tuple[int, int, int]:
    """(first year, year of the Crimea vote's session, last year) of the ideal points."""
    years = inputs.ideal_points["year"]
    return (
        int(years.min()),
        resolution_session_year(inputs, crimea_resolution),
        int(years.max()),
    )


@functools.lru_cache(maxsize=8)
def _ideal_point_metrics(inputs: Inputs, crimea_resolution: str) -> dict[str, Any]:
    points = inputs.ideal_points
    first, event, last = ideal_point_years(inputs, crimea_resolution)
    distances = distance_to_russia(points)
    summary = distance_by_year(distances)
    russia = points[points["country"] == "RU"].set_index("year")["ideal_point"]
    eu_mean = points[points["country"] != "RU"].groupby("year")["ideal_point"].mean()
    at_last = distances[distances["year"] == last].set_index("country")["distance"]
    return {
        **distance_metrics(summary, years=[first, event, last], change=(event, last)),
        f"eu_russia_ideal_point_distance_closest_state_{last}": str(at_last.idxmin()),
        f"eu_russia_ideal_point_distance_farthest_state_{last}": str(at_last.idxmax()),
        f"russia_ideal_point_change_{event}_{last}": float(russia[last] - russia[event]),
        f"eu_mean_ideal_point_change_{event}_{last}": float(eu_mean[last] - eu_mean[event]),
    }


def session_years(inputs: Inputs) -> pd.Series:
    """UNGA session -> the year it opens (from the ideal-point table's session and year)."""
    pairs = inputs.ideal_points.drop_duplicates("session").set_index("session")["year"]
    return pairs.sort_index().astype(int)


def issue_names(inputs: Inputs) -> dict[str, str]:
    """Issue set -> readable name (the unvotes names for the six coded issues)."""
    names = inputs.issues.drop_duplicates("issue_code").set_index("issue_code")["issue"]
    special = {"all": "All roll calls", "ukraine_related": "Ukraine or Crimea (title)"}
    return {issue: special.get(issue, names.get(issue, issue)) for issue in UNGA_ISSUES}


#: Metric-name prefixes shown with each step of the notebook.
STEP_PREFIXES = {
    "exposure": ("exposure_", "exports_to_russia_", "lithuania_", "reexport_", "export_loss_"),
    "legal": ("cfsp_", "essay_institution", "unanimity_rule", "sanctions_regulation"),
    "record": ("economic_sanctions_", "sanctions_", "individual_", "crimea_"),
    "veto": ("veto_", "single_renewal", "unanimous_renewal", "max_"),
    "cohesion": ("eu28_", "unga_", "eu_unga_", "council_"),
    "ideal_points": ("eu_russia_ideal", "russia_ideal", "eu_mean_ideal"),
}


def step_metrics(metrics: dict[str, Any], step: str) -> dict[str, Any]:
    """The metrics of one notebook step (by name prefix), floats rounded for display."""
    if step not in STEP_PREFIXES:
        raise ValueError(f"step {step!r} is not one of {sorted(STEP_PREFIXES)}")
    chosen = {
        name: value
        for name, value in metrics.items()
        if name.startswith(STEP_PREFIXES[step])
        and not (step == "record" and name.startswith("sanctions_regulation"))
    }
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in chosen.items()}


# --- every metric for one specification -----------------------------------------------------


@functools.lru_cache(maxsize=64)
def _exposure_spread(
    inputs: Inputs, base_year: int, exposure_measure: str, trade_record: str
) -> tuple[dict[str, Any], bool]:
    """`dispersion` of the chosen exposure and whether it is back-cast (cached, read-only)."""
    _, series, backcast = chosen_exposure(inputs, base_year, exposure_measure, trade_record)
    return dispersion(series), backcast


@functools.lru_cache(maxsize=4)
def _reexport_ratios(inputs: Inputs) -> tuple[int, pd.Series]:
    """The first year of both export records and each state's own/Russia-side ratio in it."""
    common = first_common_year(inputs.trade, inputs.comtrade)
    return common, reexport_gap_ratio(inputs.trade, inputs.comtrade, common).dropna()


@functools.lru_cache(maxsize=16)
def _export_loss(inputs: Inputs, essay_date: str) -> tuple[int, pd.Series]:
    """The last full year before the essay and the loss of own-reported exports to Russia up to
    it, in % of first-year GDP (cached, read-only)."""
    first, last = loss_years(inputs.comtrade, essay_date)
    return last, export_change(inputs.comtrade, inputs.gdp, first, last)["change_pct_gdp"]


@functools.lru_cache(maxsize=256)
def _loss_correlation(
    inputs: Inputs, base_year: int, exposure_measure: str, trade_record: str, essay_date: str
) -> tuple[int, float]:
    """(last year of the loss, Spearman correlation of the loss with the chosen exposure)."""
    _, series, _ = chosen_exposure(inputs, base_year, exposure_measure, trade_record)
    last, loss = _export_loss(inputs, essay_date)
    return last, loss.corr(series, method="spearman")


@functools.lru_cache(maxsize=256)
def _exposure_metrics(
    inputs: Inputs,
    base_year: int,
    exposure_measure: str,
    trade_record: str,
    dispersion_statistic: str,
    essay_date: str,
) -> dict[str, Any]:
    if dispersion_statistic not in DISPERSION_STATISTICS:
        raise ValueError(
            f"dispersion_statistic {dispersion_statistic!r} is not one of {DISPERSION_STATISTICS}"
        )
    spread, backcast = _exposure_spread(inputs, base_year, exposure_measure, trade_record)
    common, ratios = _reexport_ratios(inputs)
    last, correlation = _loss_correlation(
        inputs, base_year, exposure_measure, trade_record, essay_date
    )
    return {
        "exports_to_russia_pct_gdp_2013_max_min_ratio": spread["max_min_ratio"],
        "exports_to_russia_pct_gdp_2013_cv": spread["cv"],
        "exports_to_russia_pct_gdp_2013_gini": spread["gini"],
        "exposure_max_min_ratio": spread["max_min_ratio"],
        "exposure_cv": spread["cv"],
        "exposure_gini": spread["gini"],
        "exposure_dispersion": spread[dispersion_statistic],
        "exposure_year": int(base_year),
        "exposure_own_report_backcast": bool(backcast),
        "exposure_most_exposed_state": spread["max_country"],
        "exposure_least_exposed_state": spread["min_positive_country"],
        "exposure_states_with_data": spread["n_states"],
        "exposure_states_with_zero": spread["n_zero"],
        f"lithuania_own_to_russia_side_exports_ratio_{common}": float(ratios[REEXPORT_STATE]),
        "reexport_gap_largest_state": str(ratios.idxmax()),
        f"export_loss_{last}_exposure_rank_correlation": (
            None if pd.isna(correlation) else float(correlation)
        ),
    }


def evaluate(
    inputs: Inputs,
    *,
    essay_date: str,
    calculation_year: int,
    base_year: int,
    exposure_measure: str,
    trade_record: str,
    dispersion_statistic: str,
    veto_probability_most_exposed: float,
    veto_form: str,
    as_of: str,
    renewal_regime: str,
    repeatedly_min_extensions: int,
    forecast_check_date: str,
    forecast_regime: str,
    cohesion_index: str,
    unga_issue: str,
    recent_sessions: int,
    crimea_resolution: str,
    essay_institution: str,
    confidence_level: float,
) -> dict[str, Any]:
    """Every metric of the notebook for one specification (all params.yaml parameters).

    Pure and deterministic; the pieces that depend on only some parameters are cached.
    """
    if as_of not in AS_OF:
        raise ValueError(f"as_of {as_of!r} is not one of {AS_OF}")
    if repeatedly_min_extensions < 1:
        raise ValueError(f"repeatedly_min_extensions must be >= 1, got {repeatedly_min_extensions}")
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be in (0, 1), got {confidence_level}")
    latest = record_last_date(inputs.decisions)
    until = essay_date if as_of == "essay_date" else latest
    metrics: dict[str, Any] = {}
    metrics |= _exposure_metrics(
        inputs, base_year, exposure_measure, trade_record, dispersion_statistic, essay_date
    )
    metrics |= _record_metrics(
        inputs, essay_date, calculation_year, renewal_regime, forecast_check_date, forecast_regime
    )
    metrics |= _legal_metrics(inputs, essay_institution)
    metrics |= _veto_metrics(
        inputs, base_year, exposure_measure, trade_record, float(veto_probability_most_exposed),
        veto_form, until, latest, float(confidence_level),
    )  # fmt: skip
    metrics |= _cohesion_metrics(
        inputs, essay_date, cohesion_index, unga_issue, int(recent_sessions), crimea_resolution,
        float(confidence_level),
    )  # fmt: skip
    metrics |= _ideal_point_metrics(inputs, crimea_resolution)
    return metrics


@functools.lru_cache(maxsize=8)
def _legal_metrics(inputs: Inputs, essay_institution: str) -> dict[str, Any]:
    return legal_metrics(inputs.legal, essay_institution)
