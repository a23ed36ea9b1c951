"""NATO, Defence Expenditure of NATO Countries (2014-2022): share of real GDP, EU members."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import (
    MEMBER_STATES_FILE,
    Extract,
    map_member_names,
    read_member_states,
    state_year_schema,
)

NATO_FILE = "defence_institutions/nato/nato_defence_expenditure_2014-2022_pr-2022-105-en.xlsx"
SHEET = "TABLE3"
HEADER_ROW = 7  # zero-based row of the year labels (2014 ... 2020, 2021e, 2022e)
SECTION_START = "Share of real GDP (%)"
SECTION_END = "Annual real change (%)"
#: EU states that were not NATO members in the release (no row in the table).
NOT_IN_NATO = ("AT", "CY", "FI", "IE", "MT", "SE")


def year_label(label: object, path: Path, column: int) -> tuple[int, bool]:
    """(year, estimate) of a header cell such as 2019, '2019.0' or '2021e'."""
    text = str(label).replace(".0", "")
    if not text[:4].isdigit():
        raise DataError(f"{path}: sheet {SHEET} column {column} has no year ({text!r})")
    return int(text[:4]), text.endswith("e")


def build_nato_share(upstream: Path) -> pd.DataFrame:
    """EU28 states in NATO's table 3: share of real GDP (2015 prices) per year; 'e' = estimate."""
    path = upstream / NATO_FILE
    sheet = pd.read_excel(path, sheet_name=SHEET, header=None)
    labels = sheet[1].astype(str)
    starts, ends = labels.index[labels == SECTION_START], labels.index[labels == SECTION_END]
    if len(starts) != 1 or len(ends) != 1:
        raise DataError(f"{path}: sheet {SHEET} lacks the section '{SECTION_START}'")
    block = sheet.iloc[starts[0] + 1 : ends[0]]
    members = read_member_states(upstream)
    names = block[2].astype(str).str.rstrip("*").str.strip()  # an asterisk marks a footnote
    expect = sorted(set(members["country"]) - set(NOT_IN_NATO))
    country = map_member_names(names, members, file=path, column=f"{SHEET} C", expect=expect)
    years = [year_label(sheet.iloc[HEADER_ROW, c], path, c) for c in range(3, sheet.shape[1])]
    rows = [
        {
            "country": code,
            "year": year,
            "share_of_real_gdp_pct": float(row[column]),
            "estimate": estimate,
        }
        for code, (_, row) in zip(country, block.iterrows(), strict=True)
        if isinstance(code, str)  # NATO members outside the EU28, and the NATO aggregates
        for column, (year, estimate) in enumerate(years, start=3)
    ]
    return pd.DataFrame(rows).sort_values(["country", "year"], ignore_index=True)


SCHEMA = state_year_schema(
    pa.Check.in_range(1949, 2100),
    share_of_real_gdp_pct=pa.Column(float, pa.Check.in_range(0, 10)),
    estimate=pa.Column(bool),
)

EXTRACTS = (
    Extract(
        name="nato_defence_share_gdp_eu.csv",
        upstream=(NATO_FILE, MEMBER_STATES_FILE),
        title="Defence expenditure as % of real GDP, EU members of NATO and the UK, 2014-2022",
        source=(
            "NATO press release PR/CP(2022)105, Defence Expenditure of NATO Countries (2014-2022), "
            "table 3, workbook in CSISdefense/Europe commit 9c02912 (Data_Raw/pr-2022-105-en.xlsx)"
        ),
        licence="NATO public release; no licence stated in the file (cite NATO)",
        description=(
            "One row per state (the states of member_states.csv in NATO, every year whether EU "
            "member or not) and year: defence expenditure as a share of real GDP (2015 prices), "
            "percent; estimate = true for NATO's 2021e and 2022e columns."
        ),
        schema=SCHEMA,
        build=build_nato_share,
        caveats=(
            "NATO members only: no Austria, Cyprus, Ireland or Malta, and Finland and Sweden were "
            "not yet members. 2021 and 2022 are NATO estimates. Share of real GDP, not of nominal "
            "GDP as in SIPRI."
        ),
    ),
)
