"""Extracts about member states: membership dates and population."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .base import EU_TO_ISO2, Extract

ISO2 = r"^[A-Z]{2}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"


MEMBERSHIP_FILE = "defence_institutions/member_states/eums_member_states.csv"
POPULATION_FILE = "defence_institutions/member_states/eurostat_tps00001_population_2010-2021.tsv"


def build_membership(upstream: Path) -> pd.DataFrame:
    """Member states with accession and exit dates (EUMS, state of 2021)."""
    raw = pd.read_csv(upstream / MEMBERSHIP_FILE, dtype=str, keep_default_na=False)
    table = pd.DataFrame(
        {
            "country": raw["iso_alpha_2_code"],
            "name": raw["member_state"],
            "accession_date": raw["accession_date"],
            "exit_date": raw["exit_date"].replace("", None),
        }
    )
    return table.sort_values("country", ignore_index=True)


MEMBERSHIP_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "name": pa.Column(str),
        "accession_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "exit_date": pa.Column(str, pa.Check.str_matches(DATE), nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_population(upstream: Path) -> pd.DataFrame:
    """Population on 1 January per EU/UK member state and year, with Eurostat's flags."""
    raw = pd.read_csv(upstream / POPULATION_FILE, sep="\t", dtype=str)
    raw.columns = [column.strip() for column in raw.columns]
    key = raw.columns[0]
    raw["geo"] = raw[key].str.split(",").str[1]
    long = raw.drop(columns=key).melt(id_vars="geo", var_name="year", value_name="cell")
    long["cell"] = long["cell"].str.strip()
    long = long[long["cell"] != ":"]
    parts = long["cell"].str.split(" ", n=1, expand=True)
    long["population"] = parts[0].astype("int64")
    long["flag"] = parts[1] if 1 in parts else None
    long["country"] = long["geo"].replace(EU_TO_ISO2)
    members = set(build_membership(upstream)["country"])
    table = long[long["country"].isin(members)]
    table = table.assign(year=table["year"].astype("int64"))
    return table[["country", "year", "population", "flag"]].sort_values(
        ["country", "year"], ignore_index=True
    )


POPULATION_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "year": pa.Column("int64", pa.Check.in_range(1950, 2100)),
        "population": pa.Column("int64", pa.Check.gt(0)),
        "flag": pa.Column(str, pa.Check.isin(["b", "p", "e", "bp", "be", "ep"]), nullable=True),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)

EXTRACTS = (
    Extract(
        name="eu_membership.csv",
        upstream=(MEMBERSHIP_FILE,),
        title="EU member states: accession and exit dates",
        source=(
            "EUMS database by Joshua C. Fjelstul (github.com/jfjelstul/eums, commit 20fd6ff, "
            "data/member_states.RData, converted to CSV with pyreadr)"
        ),
        licence="MIT",
        description="One row per EU member state past or present (EU27 + UK), ISO alpha-2 codes.",
        schema=MEMBERSHIP_SCHEMA,
        build=build_membership,
        caveats="State as of 2021. Empty exit_date means still a member in 2021.",
    ),
    Extract(
        name="population_eurostat.csv",
        upstream=(POPULATION_FILE, MEMBERSHIP_FILE),
        title="Population on 1 January, EU member states, 2010-2021",
        source=(
            "Eurostat table tps00001 'Population on 1 January' (unmodified TSV download kept in "
            "github.com/Eszti/lang-changes, data/tps00001.tsv, commit 339ecc8)"
        ),
        licence="Eurostat reuse policy (CC BY 4.0-compatible, attribution required)",
        description="Persons on 1 January per member state (EU27 + UK) and year, with flags.",
        schema=POPULATION_SCHEMA,
        build=build_population,
        caveats=(
            "Flags: b = break in series, p = provisional, e = estimated. 2021 values are partly "
            "provisional. Greece and the UK are recoded from Eurostat's EL/UK to GR/GB."
        ),
    ),
)
