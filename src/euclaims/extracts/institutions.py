"""Extracts about member states and EU institutions: population and GDP (World Bank),
presidencies and the Commission."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..paths import CURATED_DIR
from .base import MEMBER_STATES_FILE, Extract
from .base import read_member_states as build_membership

ISO2 = r"^[A-Z]{2}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"


MEMBERSHIP_FILE = MEMBER_STATES_FILE


# --- population and GDP (World Bank), presidencies, the Commission ----------------------------

WB_POPULATION_FILE = "sanctions_trade/worldbank_population.csv"
PRESIDENCIES_FILE = "reference_facts/council_presidencies.csv"
PRESIDENTS_FILE = "reference_facts/commission_presidents.csv"
COLLEGE_CURATED = "commission_college.csv"

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


def build_presidencies(upstream: Path) -> pd.DataFrame:
    """Rotating presidencies of the Council of the EU, half-year slots, with sources."""
    raw = pd.read_csv(upstream / PRESIDENCIES_FILE, dtype=str, keep_default_na=False)
    table = pd.DataFrame(
        {
            "start": raw["start"],
            "end": raw["end"],
            "country": raw["iso2"],
            "member_state": raw["member_state"],
            "source": raw["source"],
        }
    )
    return table.sort_values("start", ignore_index=True)


PRESIDENCIES_SCHEMA = pa.DataFrameSchema(
    {
        "start": pa.Column(str, pa.Check.str_matches(DATE), unique=True),
        "end": pa.Column(str, pa.Check.str_matches(DATE), unique=True),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "member_state": pa.Column(str),
        "source": pa.Column(str, pa.Check.str_contains("http")),
    },
    checks=pa.Check(lambda t: (t["start"] <= t["end"]).all(), error="start after end"),
    strict=True,
    ordered=True,
)


def build_commission_presidents(upstream: Path) -> pd.DataFrame:
    """Commission presidents with nationality and term dates; acting presidents flagged."""
    raw = pd.read_csv(upstream / PRESIDENTS_FILE, dtype=str, keep_default_na=False)
    table = pd.DataFrame(
        {
            "president": raw["president"].str.replace(" (acting)", "", regex=False),
            "country": raw["nationality_iso2"],
            "term_start": raw["term_start"],
            "term_end": raw["term_end"].replace("", None),
            "acting": raw["president"].str.contains("(acting)", regex=False),
            "source": raw["source"],
        }
    )
    return table.sort_values("term_start", ignore_index=True)


PRESIDENTS_SCHEMA = pa.DataFrameSchema(
    {
        "president": pa.Column(str, unique=True),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "term_start": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH)),
        "term_end": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH), nullable=True),
        "acting": pa.Column(bool),
        "source": pa.Column(str, pa.Check.str_contains("http")),
    },
    strict=True,
    ordered=True,
)


def build_commission_college(upstream: Path) -> pd.DataFrame:
    """Curated composition of the Commission around the essay's date (data/curated)."""
    path = CURATED_DIR / COLLEGE_CURATED
    table = pd.read_csv(path, dtype={"members": "int64", "one_per_member_state": bool})
    unsourced = table.index[table["source"].fillna("").str.strip() == ""].tolist()
    if unsourced:
        raise ValueError(f"{path}: rows {[i + 2 for i in unsourced]} have no source")
    return table.sort_values("start_date", ignore_index=True)


COLLEGE_SCHEMA = pa.DataFrameSchema(
    {
        "college": pa.Column(str, unique=True),
        "start_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "end_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "members": pa.Column("int64", pa.Check.in_range(1, 40)),
        "one_per_member_state": pa.Column(bool),
        "source": pa.Column(str, pa.Check.str_contains("http")),
        "notes": pa.Column(str),
    },
    strict=True,
    ordered=True,
)

WORLD_BANK_SOURCE = "World Bank WDI via github.com/datasets ({}), snapshot of early 2026"
REFERENCE_SOURCE = "Project reference fact tables (reference_facts/, each row with its source page)"

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
    Extract(
        name="council_presidencies.csv",
        upstream=(PRESIDENCIES_FILE,),
        title="Rotating presidencies of the Council of the EU, 2004-2027",
        source=REFERENCE_SOURCE,
        licence="Project-authored facts; cited pages keep their own terms",
        description="Half-year presidency slots with holder (ISO alpha-2) and the pages read.",
        schema=PRESIDENCIES_SCHEMA,
        build=build_presidencies,
        caveats=(
            "2007-2017 H1 follow the planned order of Decision 2007/5/EC; Estonia replaced the UK "
            "in 2017 H2 and later slots moved up one (Decision 2016/1316)."
        ),
    ),
    Extract(
        name="commission_presidents.csv",
        upstream=(PRESIDENTS_FILE,),
        title="Presidents of the European Commission, 1958 to date",
        source=REFERENCE_SOURCE,
        licence="Project-authored facts; cited pages keep their own terms",
        description="President, nationality (ISO alpha-2), term dates, acting flag and sources.",
        schema=PRESIDENTS_SCHEMA,
        build=build_commission_presidents,
        caveats=(
            "Malfatti and Marin have month precision; Barroso's dates are derived from his "
            "neighbours'; Santer's end date differs between sources. Hallstein was from West "
            "Germany."
        ),
    ),
    Extract(
        name="commission_college.csv",
        upstream=(),
        curated=(COLLEGE_CURATED,),
        title="Composition of the Commission at the essay's date",
        source="data/curated/commission_college.csv (pages read with the search tool)",
        licence="Project-authored facts; cited pages keep their own terms",
        description="College, term dates, number of members and whether it has one per state.",
        schema=COLLEGE_SCHEMA,
        build=build_commission_college,
        caveats="One row per College; only the College in office at the essay's date is listed.",
    ),
)

EXTRACTS = INSTITUTION_EXTRACTS
