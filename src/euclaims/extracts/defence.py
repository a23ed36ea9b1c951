"""Extracts about EU defence spending: SIPRI military expenditure, EDA procurement (the reference
facts on initiatives, PESCO and CSDP missions are in `reference_facts`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import EU28_NAME_TO_ISO2, Extract

ISO2 = r"^[A-Z]{2}$"
ISO2_LIST = r"^[A-Z]{2}(;[A-Z]{2})*$"
#: Full or partial ISO dates, as in the reference fact tables (YYYY, YYYY-MM or YYYY-MM-DD).
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
DATE = r"^\d{4}-\d{2}-\d{2}$"

SIPRI_FILE = (
    "defence_institutions/sipri/sipri_milex_1949-2024release_subset_EU27_UK_RU_US_1993-2024.csv"
)
EDA_2005_FILE = "defence_institutions/eda/eda_defence_data_2005-2017e.xlsx"
EDA_2017_FILE = "defence_institutions/eda/eda_defence_data_2017-2021.xlsx"

SIPRI_TO_ISO2 = EU28_NAME_TO_ISO2
SIPRI_YEARS = (2005, 2024)

#: EDA row labels (first column, stripped, footnote marks removed) -> indicator name.
EDA_INDICATORS = {
    "Defence Equipment Procurement Expenditure": "equipment_procurement",
    "Collaborative Defence Procurement Expenditure": "collaborative_procurement",
    "European Collaborative Defence Procurement": "european_collaborative_procurement",
    "Collaborative Defence Equipment Procurement Expenditure": "collaborative_procurement",
    "European Collaborative Defence Equipment Procurement Expenditure": (
        "european_collaborative_procurement"
    ),
}


def build_sipri(upstream: Path) -> pd.DataFrame:
    """SIPRI military expenditure of the EU27 and the UK, 2005-2024: constant 2023 USD, % GDP."""
    raw = pd.read_csv(upstream / SIPRI_FILE, dtype={"sipri_notes": str}, keep_default_na=False)
    first, last = SIPRI_YEARS
    table = raw[raw["country"].isin(SIPRI_TO_ISO2) & raw["year"].between(first, last)]
    wide = table.pivot(index=["country", "year"], columns="series", values="value").reset_index()
    wide = wide.assign(
        country=wide["country"].map(SIPRI_TO_ISO2),
        milex_constant_2023_usd_m=wide["milex_constant_2023_usd_m"].astype(float),
        milex_share_of_gdp_pct=(100 * wide["milex_share_of_gdp"].astype(float)).round(6),
    )
    columns = ["country", "year", "milex_constant_2023_usd_m", "milex_share_of_gdp_pct"]
    return wide[columns].sort_values(["country", "year"], ignore_index=True)


SIPRI_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(sorted(SIPRI_TO_ISO2.values()))),
        "year": pa.Column("int64", pa.Check.in_range(*SIPRI_YEARS)),
        "milex_constant_2023_usd_m": pa.Column(float, pa.Check.gt(0)),
        "milex_share_of_gdp_pct": pa.Column(float, pa.Check.in_range(0, 20)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


def parse_eda_sheet(sheet: pd.DataFrame, release: str, aggregate: str) -> pd.DataFrame:
    """Tidy rows of the procurement indicators of one EDA aggregate sheet (header in row 0)."""
    labels = sheet.iloc[:, 0].astype(str).str.replace("¹", "", regex=False).str.strip()
    rows = sheet[labels.isin(EDA_INDICATORS)]
    records = []
    for column in sheet.columns[1:]:
        header = str(sheet.iloc[0, column]).strip()
        if header in ("", "nan"):
            continue
        estimate = header.endswith("e")
        year = int(float(header.rstrip("e")))
        for index, cell in rows[column].items():
            value = pd.to_numeric(cell, errors="coerce")
            records.append(
                {
                    "release": release,
                    "aggregate": aggregate,
                    "year": year,
                    "estimate": estimate,
                    "indicator": EDA_INDICATORS[labels[index]],
                    "value_eur_m": None if pd.isna(value) else round(float(value), 6),
                }
            )
    if not records:
        raise DataError(f"EDA release {release}: no procurement rows found in sheet {aggregate}")
    return pd.DataFrame(records)


def build_eda(upstream: Path) -> pd.DataFrame:
    """EDA equipment and collaborative procurement, EDA-27 (2005-2017e) and EDA 26 (2017-2021)."""
    parts = []
    for relative, release, sheet_name in (
        (EDA_2005_FILE, "2005-2017e", "EDA-27"),
        (EDA_2017_FILE, "2017-2021", "EDA 26"),
    ):
        sheet = pd.read_excel(upstream / relative, sheet_name=sheet_name, header=None)
        parts.append(parse_eda_sheet(sheet, release, sheet_name))
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["release", "indicator", "year"], ignore_index=True)


EDA_SCHEMA = pa.DataFrameSchema(
    {
        "release": pa.Column(str, pa.Check.isin(["2005-2017e", "2017-2021"])),
        "aggregate": pa.Column(str, pa.Check.isin(["EDA-27", "EDA 26"])),
        "year": pa.Column("int64", pa.Check.in_range(2005, 2021)),
        "estimate": pa.Column(bool),
        "indicator": pa.Column(str, pa.Check.isin(sorted(set(EDA_INDICATORS.values())))),
        "value_eur_m": pa.Column(float, pa.Check.ge(0), nullable=True),
    },
    strict=True,
    ordered=True,
    unique=["release", "indicator", "year"],
)

EXTRACTS = (
    Extract(
        name="sipri_milex_eu.csv",
        upstream=(SIPRI_FILE,),
        title="Military expenditure of the EU27 and the UK, 2005-2024 (SIPRI, April 2025 release)",
        source="SIPRI Military Expenditure Database 2025, https://www.sipri.org/databases/milex",
        licence="SIPRI fair use: non-commercial, cite SIPRI, at most 10% of the database",
        description=(
            "Per country and year: expenditure in US$ million at constant 2023 prices and exchange "
            "rates, and as % of GDP (SIPRI's fraction times 100)."
        ),
        schema=SIPRI_SCHEMA,
        build=build_sipri,
        caveats=(
            "1,120 data units of SIPRI's database (under the 3,500 fair-use limit). SIPRI revises "
            "whole series each release; estimates and uncertain figures (coloured cells) are not "
            "flagged in this extract."
        ),
    ),
    Extract(
        name="eda_collaborative_procurement.csv",
        upstream=(EDA_2005_FILE, EDA_2017_FILE),
        title="European collaborative defence equipment procurement, EDA aggregates 2005-2021",
        source=(
            "European Defence Agency, Defence Data (2005-2017e and 2017-2021 releases), copies "
            "kept in github.com/CSISdefense/Europe (Data_Raw)"
        ),
        licence="EDA publication; no reuse licence stated; attribute the European Defence Agency",
        description=(
            "Equipment procurement, collaborative and European collaborative procurement in EUR "
            "million (current prices) for the EDA-27 aggregate (EU28 without Denmark, 2005-2016 "
            "and 2017e) and the EDA 26 aggregate (EU27 without Denmark, 2017-2021)."
        ),
        schema=EDA_SCHEMA,
        build=build_eda,
        caveats=(
            "From 2012 collaborative expenditure data are partial, as some member states cannot "
            "provide them (EDA footnote). The aggregates change coverage between releases (with "
            "the UK until 2016/2017e, without it from the 2017-2021 release); levels are not "
            "comparable across the break, shares less affected but still not strictly comparable."
        ),
    ),
)
