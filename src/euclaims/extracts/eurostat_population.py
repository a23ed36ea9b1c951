"""Eurostat table tps00001: population on 1 January per member state and year, with flags."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .base import (
    MEMBER_STATES_FILE,
    Extract,
    eu_code_to_iso2,
    read_member_states,
    state_year_schema,
)

POPULATION_FILE = "defence_institutions/member_states/eurostat_tps00001_population_2010-2021.tsv"


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
    members = read_member_states(upstream)
    long["country"] = eu_code_to_iso2(long["geo"], members)
    table = long[long["country"].isin(members["country"])]
    table = table.assign(year=table["year"].astype("int64"))
    return table[["country", "year", "population", "flag"]].sort_values(
        ["country", "year"], ignore_index=True
    )


POPULATION_SCHEMA = state_year_schema(
    pa.Check.in_range(1950, 2100),
    population=pa.Column("int64", pa.Check.gt(0)),
    flag=pa.Column(str, pa.Check.isin(["b", "p", "e", "bp", "be", "ep"]), nullable=True),
)

EXTRACTS = (
    Extract(
        name="population_eurostat.csv",
        upstream=(POPULATION_FILE, MEMBER_STATES_FILE),
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
