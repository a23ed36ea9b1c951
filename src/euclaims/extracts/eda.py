"""European Defence Agency, Defence Data: three workbooks (2005-2017e, 2017-2021, 2018-2023).

Tables: collaborative procurement of the EDA aggregates 2005-2021 (two releases), the EU27
aggregates 2018-2023 and the member states in 2023 (2023-2024 release).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import (
    ISO2,
    MEMBER_STATES_FILE,
    Extract,
    map_member_names,
    read_member_states,
    read_sheet,
)

EDA_FILE = "defence_institutions/eda/eda_defence_data_2018-2023.xlsx"
EDA_2005_FILE = "defence_institutions/eda/eda_defence_data_2005-2017e.xlsx"
EDA_2017_FILE = "defence_institutions/eda/eda_defence_data_2017-2021.xlsx"
EU27_SHEET = "EU27"
STATES_SHEET = "Member States 2023 "  # the sheet name ends with a space upstream
NOT_AVAILABLE = "-"

#: Row label of the EU27 sheet -> (indicator, unit). Ratios are stored as fractions upstream.
EU27_INDICATORS = {
    "Total Defence Expenditure": ("total_defence_expenditure", "eur_m"),
    "Total Defence Expenditure as % of GDP": ("total_defence_expenditure_share_gdp", "fraction"),
    "Total Defence Expenditure as % of Government Expenditure": (
        "total_defence_expenditure_share_government", "fraction"),
    "Total Defence Expenditure per capita": ("total_defence_expenditure_per_capita", "eur"),
    "Defence Investment": ("defence_investment", "eur_m"),
    "Defence Equipment Procurement Expenditure": ("equipment_procurement", "eur_m"),
    "Defence R&D Expenditure": ("research_and_development", "eur_m"),
    "Defence R&T Expenditure": ("research_and_technology", "eur_m"),
    "Collaborative Defence Equipment Procurement Expenditure": (
        "collaborative_procurement", "eur_m"),
    "European Collaborative Defence Equipment Procurement Expenditure": (
        "european_collaborative_procurement", "eur_m"),
    "Collaborative Defence R&T Expenditure": ("collaborative_research_and_technology", "eur_m"),
    "European Collaborative Defence R&T Expenditure": (
        "european_collaborative_research_and_technology", "eur_m"),
}  # fmt: skip
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


def build_eda_procurement(upstream: Path) -> pd.DataFrame:
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


PROCUREMENT_SCHEMA = pa.DataFrameSchema(
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


def build_eda_eu27(upstream: Path) -> pd.DataFrame:
    """EU27 aggregates 2018-2023, long: year, indicator, value, unit; '-' cells are dropped."""
    path = upstream / EDA_FILE
    sheet = read_sheet(path, sheet_name=EU27_SHEET, header=None)
    years = sheet.iloc[0, 1:]
    if not all(str(year).replace(".0", "").isdigit() for year in years):
        raise DataError(
            f"{path}: sheet {EU27_SHEET} row 1 should hold the years, got {list(years)}"
        )
    labels = sheet[0].astype(str).str.strip()
    missing = sorted(set(EU27_INDICATORS) - set(labels))
    if missing:
        raise DataError(f"{path}: sheet {EU27_SHEET} lacks the rows {missing}")
    rows = []
    for position, label in labels.items():
        if label not in EU27_INDICATORS:
            continue
        indicator, unit = EU27_INDICATORS[label]
        for column, year in years.items():
            value = sheet.iloc[position, column]
            if value == NOT_AVAILABLE:
                continue
            rows.append({"year": int(year), "indicator": indicator, "value": float(value),
                         "unit": unit})  # fmt: skip
    return pd.DataFrame(rows).sort_values(["indicator", "year"], ignore_index=True)


def build_eda_states_2023(upstream: Path) -> pd.DataFrame:
    """Per EU27 state, 2023: total expenditure and investment (EUR m), share of GDP (%)."""
    path = upstream / EDA_FILE
    raw = read_sheet(path, sheet_name=STATES_SHEET)
    raw.columns = [str(column).strip() for column in raw.columns]
    members = read_member_states(upstream)
    names = raw["EU MS"].astype(str).str.strip()
    eu27 = members.loc[members["exit_date"].isna(), "country"].tolist()
    country = map_member_names(names, members, file=path, column="EU MS", expect=eu27)
    unmapped = sorted(set(names[country.isna()]))
    if unmapped:
        raise DataError(
            f"{path}: sheet {STATES_SHEET!r} column 'EU MS' has names of no member state "
            f"{unmapped}; add the spelling to euclaims.extracts.base.NAME_ALIASES"
        )
    table = pd.DataFrame(
        {
            "country": country,
            "year": raw["Year"].astype("int64"),
            "total_defence_expenditure_eur_m": raw["Total Defence Expenditure"].astype(float),
            "defence_investment_eur_m": pd.to_numeric(raw["Defence Investment"]),
            "share_of_gdp_pct": 100 * raw["Total Defence Expenditure as % of GDP"].astype(float),
        }
    )
    return table.sort_values("country", ignore_index=True)


EU27_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column("int64", pa.Check.in_range(2018, 2023)),
        "indicator": pa.Column(str, pa.Check.isin([i for i, _ in EU27_INDICATORS.values()])),
        "value": pa.Column(float, pa.Check.ge(0)),
        "unit": pa.Column(str, pa.Check.isin(["eur_m", "eur", "fraction"])),
    },
    strict=True,
    ordered=True,
    unique=["indicator", "year"],
)
STATES_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "year": pa.Column("int64", pa.Check.eq(2023)),
        "total_defence_expenditure_eur_m": pa.Column(float, pa.Check.gt(0)),
        "defence_investment_eur_m": pa.Column(float, pa.Check.ge(0), nullable=True),
        "share_of_gdp_pct": pa.Column(float, pa.Check.in_range(0, 10)),
    },
    strict=True,
    ordered=True,
)

SOURCE = (
    "European Defence Agency, Defence Data 2023-2024 (workbook dated 2024-12-05), in "
    "CSISdefense/Europe commit 27ea53c (Data_Raw/defence-data-2023.xlsx)"
)
LICENCE = (
    "EDA publication; no reuse licence stated (attribute 'European Defence Agency, Defence Data')"
)

EXTRACTS = (
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
        schema=PROCUREMENT_SCHEMA,
        build=build_eda_procurement,
        caveats=(
            "From 2012 collaborative expenditure data are partial, as some member states cannot "
            "provide them (EDA footnote). The aggregates change coverage between releases (with "
            "the UK until 2016/2017e, without it from the 2017-2021 release); levels are not "
            "comparable across the break, shares less affected but still not strictly comparable."
        ),
    ),
    Extract(
        name="eda_eu27_2018_2023.csv",
        upstream=(EDA_FILE,),
        title="EDA defence data, EU27 aggregates 2018-2023",
        source=SOURCE,
        licence=LICENCE,
        description=(
            "One row per indicator and year: total defence expenditure, investment, equipment "
            "procurement, R&D, R&T, collaborative procurement and R&T (EUR million, current "
            "prices), shares of GDP and of government expenditure (fractions), per capita (EUR)."
        ),
        schema=EU27_SCHEMA,
        build=build_eda_eu27,
        caveats=(
            "Collaborative procurement is not available after 2021 ('-' upstream, dropped); "
            "collaborative data are partial since 2012; Denmark is included from 2021, so "
            "2018-2020 cover 26 states. Current prices (no deflator)."
        ),
    ),
    Extract(
        name="eda_member_states_2023.csv",
        upstream=(EDA_FILE, MEMBER_STATES_FILE),
        title="EDA defence data per EU27 member state, 2023",
        source=SOURCE,
        licence=LICENCE,
        description=(
            "One row per member state: total defence expenditure and defence investment (EUR "
            "million) and total defence expenditure as % of GDP (upstream fraction x 100), 2023."
        ),
        schema=STATES_SCHEMA,
        build=build_eda_states_2023,
        caveats="France's 2023 defence investment is empty upstream.",
    ),
)
