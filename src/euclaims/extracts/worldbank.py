"""Extract of the World Bank's World Development Indicators for the EU27 + UK: one row per
state and year, one column per indicator, values as published (no rounding)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import (
    Extract,
    check_member_rows,
    check_unique_keys,
    iso3_to_iso2,
    read_member_states,
    state_year_schema,
)

WDI_FOLDER = "update_2026/wdi_eu28"
#: Column of the table -> (WDI indicator code, upstream file).
INDICATORS = {
    "gdp_usd": ("NY.GDP.MKTP.CD", "sanctions_trade/worldbank_gdp_current_usd.csv"),
    "population": ("SP.POP.TOTL", "sanctions_trade/worldbank_population.csv"),
    "gdp_growth_pct": ("NY.GDP.MKTP.KD.ZG", f"{WDI_FOLDER}/ny.gdp.mktp.kd.zg.csv"),
    "exports_gs_pct_gdp": ("NE.EXP.GNFS.ZS", f"{WDI_FOLDER}/ne.exp.gnfs.zs.csv"),
    "imports_gs_pct_gdp": ("NE.IMP.GNFS.ZS", f"{WDI_FOLDER}/ne.imp.gnfs.zs.csv"),
}
UPSTREAM_COLUMNS = ["Country Code", "Year", "Value"]


def read_indicator(upstream: Path, relative: str, column: str, members: pd.DataFrame) -> pd.Series:
    """One indicator file (Country Code, Year, Value) for the member states, indexed by
    (country, year); fails naming the file if a column or a member state is missing."""
    path = upstream / relative
    raw = pd.read_csv(path)
    missing = [name for name in UPSTREAM_COLUMNS if name not in raw.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    rows = raw.assign(country=iso3_to_iso2(raw["Country Code"], members)).dropna(subset="country")
    absent = sorted(set(members["country"]) - set(rows["country"]))
    if absent:
        raise DataError(f"{path}: column 'Country Code' has no rows for {', '.join(absent)}")
    rows = rows.assign(year=rows["Year"].astype("int64"))
    check_unique_keys(rows.reset_index(drop=True), ["country", "year"], file=str(path))
    return rows.set_index(["country", "year"])["Value"].rename(column)


def build_worldbank_wdi(upstream: Path) -> pd.DataFrame:
    """GDP (current US$), population and, from the 2026 WDI update, real GDP growth and exports
    and imports of goods and services (% of GDP), per EU27 + UK state and year."""
    members = read_member_states(upstream)
    series = [
        read_indicator(upstream, relative, column, members)
        for column, (_, relative) in INDICATORS.items()
    ]
    table = pd.concat(series, axis=1, join="outer").sort_index().reset_index()
    table["population"] = table["population"].astype("Int64")
    check_member_rows(table, members, file=NAME)
    return table[["country", "year", *INDICATORS]]


NAME = "worldbank_wdi_eu.csv"
SCHEMA = state_year_schema(
    pa.Check.in_range(1960, 2100),
    gdp_usd=pa.Column("float64", pa.Check.gt(0), nullable=True),
    population=pa.Column("Int64", pa.Check.gt(0), nullable=True, coerce=True),
    gdp_growth_pct=pa.Column("float64", pa.Check.in_range(-50, 50), nullable=True),
    exports_gs_pct_gdp=pa.Column("float64", pa.Check.gt(0), nullable=True),
    imports_gs_pct_gdp=pa.Column("float64", pa.Check.gt(0), nullable=True),
)

EXTRACTS = (
    Extract(
        name=NAME,
        upstream=tuple(relative for _, relative in INDICATORS.values()),
        title="World Development Indicators of the EU27 + UK states (World Bank)",
        source=(
            "World Bank, World Development Indicators: NY.GDP.MKTP.CD via github.com/datasets/gdp "
            "(commit 822019c, data/gdp.csv) and SP.POP.TOTL via github.com/datasets/population "
            "(commit 425fc44, data/population.csv), both a WDI vintage of early 2026; "
            "NY.GDP.MKTP.KD.ZG, NE.EXP.GNFS.ZS and NE.IMP.GNFS.ZS via "
            "github.com/datasets/world-development-indicators (commit 4ebec5a, "
            "indicators/<code>/data.csv, automated update of 2026-07-01)"
        ),
        licence=(
            "CC BY 4.0 (World Bank WDI terms; cite 'World Bank, World Development Indicators'); "
            "datasets/gdp and datasets/population packages ODC-PDDL-1.0"
        ),
        description=(
            "One row per state (ISO alpha-2; the 27 members and the UK in every year) and year: "
            "gdp_usd = NY.GDP.MKTP.CD (current US$), population = SP.POP.TOTL (mid-year), "
            "gdp_growth_pct = NY.GDP.MKTP.KD.ZG (%), exports_gs_pct_gdp = NE.EXP.GNFS.ZS and "
            "imports_gs_pct_gdp = NE.IMP.GNFS.ZS (% of GDP). Values as published, not rounded; "
            "empty where the indicator has no value for the year."
        ),
        schema=SCHEMA,
        build=build_worldbank_wdi,
        caveats=(
            "Two vintages: GDP and population of early 2026, the other three of 2026-07-01 (the "
            "latest years most likely to be revised). Current US$: year-on-year changes include "
            "exchange-rate swings; growth is of constant-price GDP. Population is a mid-year "
            "estimate, not a 1 January count; Germany is the present territory in all years. "
            "Membership is not encoded: the UK and later members have rows in every year. The "
            "Our World in Data copy of NE.TRD.GNFS.ZS in the WDI update folder is not used."
        ),
    ),
)
