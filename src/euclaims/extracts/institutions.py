"""Extracts about member states and EU institutions: population and GDP (World Bank),
presidencies and the Commission."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .base import MEMBER_STATES_FILE, Extract
from .base import read_member_states as build_membership

ISO2 = r"^[A-Z]{2}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"


MEMBERSHIP_FILE = MEMBER_STATES_FILE


# --- population and GDP (World Bank), presidencies, the Commission ----------------------------

WB_POPULATION_FILE = "sanctions_trade/worldbank_population.csv"

#: Years of World Bank GDP not already in sanctions_gdp_worldbank.csv (2010-2017).
RECENT_GDP_YEARS = range(2018, 2024)
DATE_OR_MONTH = r"^\d{4}-\d{2}(-\d{2})?$"


def _eu28_codes(upstream: Path) -> list[str]:
    return sorted(build_membership(upstream)["country"])


def _iso3_to_iso2() -> dict[str, str]:
    # Imported here: extracts.sanctions imports this module at load time.
    from .sanctions import ISO3_TO_ISO2

    return ISO3_TO_ISO2


def build_population_worldbank(upstream: Path) -> pd.DataFrame:
    """Total population (mid-year, WDI SP.POP.TOTL) of the EU27 + UK, every year from 1960."""
    raw = pd.read_csv(upstream / WB_POPULATION_FILE)
    mapping = _iso3_to_iso2()
    raw = raw[raw["Country Code"].isin(list(mapping))]
    table = pd.DataFrame(
        {
            "country": raw["Country Code"].map(mapping),
            "year": raw["Year"].astype("int64"),
            "population": raw["Value"].astype("int64"),
        }
    )
    missing = sorted(set(_eu28_codes(upstream)) - set(table["country"]))
    if missing:
        raise ValueError(f"{WB_POPULATION_FILE}: no rows for {', '.join(missing)}")
    return table.sort_values(["country", "year"], ignore_index=True)


WB_POPULATION_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "year": pa.Column("int64", pa.Check.in_range(1960, 2100)),
        "population": pa.Column("int64", pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


def build_gdp_recent(upstream: Path) -> pd.DataFrame:
    """GDP in current US$ of the EU27 + UK for the years after 2017 (WDI NY.GDP.MKTP.CD)."""
    from .sanctions import GDP_FILE

    raw = pd.read_csv(upstream / GDP_FILE)
    mapping = _iso3_to_iso2()
    raw = raw[raw["Country Code"].isin(list(mapping)) & raw["Year"].isin(list(RECENT_GDP_YEARS))]
    table = pd.DataFrame(
        {
            "country": raw["Country Code"].map(mapping),
            "year": raw["Year"].astype("int64"),
            "gdp_usd": raw["Value"].astype("float64").round(0),
        }
    )
    if len(table) != len(mapping) * len(RECENT_GDP_YEARS):
        raise ValueError(f"{GDP_FILE}: expected every EU28 state in {list(RECENT_GDP_YEARS)}")
    return table.sort_values(["country", "year"], ignore_index=True)


GDP_RECENT_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "year": pa.Column("int64", pa.Check.in_range(RECENT_GDP_YEARS[0], RECENT_GDP_YEARS[-1])),
        "gdp_usd": pa.Column(float, pa.Check.gt(1e9)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


WORLD_BANK_SOURCE = "World Bank WDI via github.com/datasets ({}), snapshot of early 2026"

INSTITUTION_EXTRACTS = (
    Extract(
        name="population_worldbank.csv",
        upstream=(WB_POPULATION_FILE, MEMBERSHIP_FILE),
        title="Population (World Bank), EU27 + UK, 1960-2024",
        source=WORLD_BANK_SOURCE.format("datasets/population commit 425fc44, data/population.csv"),
        licence="ODC-PDDL-1.0 (datapackage); upstream World Bank (CC BY 4.0)",
        description="Total population per state and year (WDI SP.POP.TOTL, mid-year estimates).",
        schema=WB_POPULATION_SCHEMA,
        build=build_population_worldbank,
        caveats=(
            "Mid-year estimates, not 1 January counts. Germany is the present territory in all "
            "years (1960 includes the GDR)."
        ),
    ),
    Extract(
        name="gdp_worldbank_2018_2023.csv",
        upstream=("sanctions_trade/worldbank_gdp_current_usd.csv",),
        title="GDP in current US$, EU27 + UK, 2018-2023 (World Bank)",
        source=WORLD_BANK_SOURCE.format("datasets/gdp commit 822019c, data/gdp.csv"),
        licence="ODC-PDDL-1.0 (datapackage); upstream World Bank / OECD (CC BY 4.0)",
        description=(
            "GDP (WDI NY.GDP.MKTP.CD) per state, 2018-2023; 2010-2017 are in "
            "sanctions_gdp_worldbank.csv."
        ),
        schema=GDP_RECENT_SCHEMA,
        build=build_gdp_recent,
        caveats="WDI vintage of early 2026; current US$, so exchange-rate swings move shares.",
    ),
)

EXTRACTS = INSTITUTION_EXTRACTS
