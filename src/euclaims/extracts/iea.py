"""Extract of the IEA's crude-oil imports by origin: imports from Russia and in total per
EU27 + UK state and year."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import (
    Extract,
    check_member_rows,
    check_unique_keys,
    map_member_names,
    read_member_states,
    state_year_schema,
)

OIL_FILE = "trade_baseline/iea_oil_imports_by_origin_RUS_and_total_2000_2020.csv"
PRODUCT = "CRUDEOIL"
#: IEA origin code -> column of the table.
ORIGINS = {"RUS": "imports_from_russia_kt", "TOTIMPST": "imports_total_kt"}


def build_crude_oil_imports(upstream: Path) -> pd.DataFrame:
    """Crude-oil imports from Russia and from all origins (thousand tonnes) per state and year."""
    members = read_member_states(upstream)
    path = upstream / OIL_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("Country", "PRODUCT", "ORIGIN", "TIME", "Value") if c not in raw.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    raw = raw[(raw["PRODUCT"] == PRODUCT) & raw["ORIGIN"].isin(list(ORIGINS))]
    countries = map_member_names(
        raw["Country"], members, file=path, column="Country", expect=list(members["country"])
    )
    rows = raw.assign(
        country=countries,
        year=raw["TIME"].astype("int64"),
        value=pd.to_numeric(raw["Value"].replace("", None)).astype("float64"),
    ).dropna(subset="country")
    check_unique_keys(rows.reset_index(drop=True), ["country", "year", "ORIGIN"], file=str(path))
    table = rows.pivot(index=["country", "year"], columns="ORIGIN", values="value")
    table = table.reindex(columns=list(ORIGINS)).rename(columns=ORIGINS).reset_index()
    table.columns.name = None
    table = table.sort_values(["country", "year"], ignore_index=True)
    check_member_rows(table, members, file=NAME)
    return table


NAME = "iea_crude_oil_imports.csv"
SCHEMA = state_year_schema(
    pa.Check.in_range(1960, 2100),
    imports_from_russia_kt=pa.Column("float64", pa.Check.ge(0), nullable=True),
    imports_total_kt=pa.Column("float64", pa.Check.ge(0), nullable=True),
)

EXTRACTS = (
    Extract(
        name=NAME,
        upstream=(OIL_FILE,),
        title="Crude-oil imports from Russia and in total, EU27 + UK states (IEA)",
        source="IEA oil imports by origin (via julianhinz/sanctions-coalitions commit 08bea13)",
        licence="IEA terms of use (attribution 'IEA'), not an open licence",
        description=(
            "One row per state (ISO alpha-2) and year in the file: crude-oil imports from Russia "
            "(origin RUS) and from all origins (TOTIMPST), thousand tonnes."
        ),
        schema=SCHEMA,
        build=build_crude_oil_imports,
        caveats=(
            "IEA unit not stated in the file; magnitudes match thousand tonnes. States without "
            "refineries show 0 crude imports (CY, EE, LV, LU, MT, SI). Missing values are empty. "
            "Membership is not encoded: the UK has rows in every year."
        ),
    ),
)
