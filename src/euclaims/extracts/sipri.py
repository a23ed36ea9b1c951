"""SIPRI Military Expenditure Database: the EU27 and the UK, constant US dollars and % of GDP."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .base import (
    MEMBER_STATES_FILE,
    Extract,
    map_member_names,
    read_member_states,
    state_year_schema,
)

SIPRI_FILE = (
    "defence_institutions/sipri/sipri_milex_1949-2024release_subset_EU27_UK_RU_US_1993-2024.csv"
)
#: Scope (a choice): the years from FIRST_YEAR to the last in the release.
FIRST_YEAR = 2005


def build_sipri(upstream: Path) -> pd.DataFrame:
    """Military expenditure of the EU27 and the UK, FIRST_YEAR to the release's last year:
    US$ million at constant 2023 prices, and % of GDP (SIPRI's fraction times 100)."""
    path = upstream / SIPRI_FILE
    raw = pd.read_csv(path, dtype={"sipri_notes": str}, keep_default_na=False)
    members = read_member_states(upstream)
    country = map_member_names(
        raw["country"], members, file=path, column="country", expect=list(members["country"])
    )
    keep = country.notna() & (raw["year"] >= FIRST_YEAR)
    table = raw[keep].assign(country=country[keep])
    wide = table.pivot(index=["country", "year"], columns="series", values="value").reset_index()
    wide = wide.assign(
        milex_constant_2023_usd_m=wide["milex_constant_2023_usd_m"].astype(float),
        milex_share_of_gdp_pct=(100 * wide["milex_share_of_gdp"].astype(float)).round(6),
    )
    columns = ["country", "year", "milex_constant_2023_usd_m", "milex_share_of_gdp_pct"]
    return wide[columns].sort_values(["country", "year"], ignore_index=True)


SIPRI_SCHEMA = state_year_schema(
    pa.Check.ge(FIRST_YEAR),
    milex_constant_2023_usd_m=pa.Column(float, pa.Check.gt(0)),
    milex_share_of_gdp_pct=pa.Column(float, pa.Check.in_range(0, 20)),
)

EXTRACTS = (
    Extract(
        name="sipri_milex_eu.csv",
        upstream=(SIPRI_FILE, MEMBER_STATES_FILE),
        title="Military expenditure of the EU27 and the UK, 2005-2024 (SIPRI, April 2025 release)",
        source="SIPRI Military Expenditure Database 2025, https://www.sipri.org/databases/milex",
        licence="SIPRI fair use: non-commercial, cite SIPRI, at most 10% of the database",
        description=(
            "Per country (EU28: every state of member_states.csv in every year, member or not) "
            "and year: expenditure in US$ million at constant 2023 prices and exchange rates, and "
            "as % of GDP (SIPRI's fraction times 100)."
        ),
        schema=SIPRI_SCHEMA,
        build=build_sipri,
        caveats=(
            "1,120 data units of SIPRI's database (under the 3,500 fair-use limit). SIPRI revises "
            "whole series each release; estimates and uncertain figures (coloured cells) are not "
            "flagged in this extract."
        ),
    ),
)
