"""Extract: defence expenditure as a share of real GDP, EU members of NATO, 2014-2022 (NATO)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import EU28_NAME_TO_ISO2, Extract

NATO_FILE = "defence_institutions/nato/nato_defence_expenditure_2014-2022_pr-2022-105-en.xlsx"
SHEET = "TABLE3"
HEADER_ROW = 7  # zero-based row of the year labels (2014 ... 2020, 2021e, 2022e)
SECTION_START = "Share of real GDP (%)"
SECTION_END = "Annual real change (%)"
#: NATO spellings that differ from the shared EU28 name map (an asterisk marks a footnote).
NAME_ALIASES = {"Czech Republic": "CZ", "Slovak Republic": "SK"}


def build_nato_share(upstream: Path) -> pd.DataFrame:
    """EU28 states in NATO's table 3: share of real GDP (2015 prices) per year; 'e' = estimate."""
    path = upstream / NATO_FILE
    sheet = pd.read_excel(path, sheet_name=SHEET, header=None)
    labels = sheet[1].astype(str)
    starts, ends = labels.index[labels == SECTION_START], labels.index[labels == SECTION_END]
    if len(starts) != 1 or len(ends) != 1:
        raise DataError(f"{path}: sheet {SHEET} lacks the section '{SECTION_START}'")
    block = sheet.iloc[starts[0] + 1 : ends[0]]
    years = sheet.iloc[HEADER_ROW]
    names = {**EU28_NAME_TO_ISO2, **NAME_ALIASES}
    rows = []
    for _, row in block.iterrows():
        name = str(row[2]).rstrip("*").strip()
        if name not in names:
            continue  # NATO members outside the EU28, and the NATO aggregates
        for column in range(3, sheet.shape[1]):
            label = str(years[column]).replace(".0", "")
            if not label[:4].isdigit():
                raise DataError(f"{path}: sheet {SHEET} column {column} has no year ({label!r})")
            rows.append(
                {
                    "country": names[name],
                    "year": int(label[:4]),
                    "share_of_real_gdp_pct": float(row[column]),
                    "estimate": label.endswith("e"),
                }
            )
    table = pd.DataFrame(rows)
    return table.sort_values(["country", "year"], ignore_index=True)


SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}$")),
        "year": pa.Column("int64", pa.Check.in_range(2014, 2022)),
        "share_of_real_gdp_pct": pa.Column(float, pa.Check.in_range(0, 10)),
        "estimate": pa.Column(bool),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)

EXTRACTS = (
    Extract(
        name="nato_defence_share_gdp_eu.csv",
        upstream=(NATO_FILE,),
        title="Defence expenditure as % of real GDP, EU members of NATO and the UK, 2014-2022",
        source=(
            "NATO press release PR/CP(2022)105, Defence Expenditure of NATO Countries (2014-2022), "
            "table 3, workbook in CSISdefense/Europe commit 9c02912 (Data_Raw/pr-2022-105-en.xlsx)"
        ),
        licence="NATO public release; no licence stated in the file (cite NATO)",
        description=(
            "One row per state and year: defence expenditure as a share of real GDP (2015 "
            "prices), percent; estimate = true for NATO's 2021e and 2022e columns."
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
