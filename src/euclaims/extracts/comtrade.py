"""Extract of UN Comtrade: each EU27 + UK state's own reported goods exports to Russia and to
the world, one row per state and year (the years of the annual files below)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import (
    Extract,
    check_member_rows,
    map_member_names,
    read_member_states,
    state_year_schema,
)

#: The annual Comtrade files read (no 2013 file exists upstream).
FILES = {year: f"sanctions_trade/comtrade_all_exports_{year}A.csv" for year in range(2014, 2018)}
COLUMNS = ["date", "value", "reporter", "partner"]
PARTNERS = {"Russian Federation": "exports_to_russia_usd", "World": "exports_to_world_usd"}


def read_year(upstream: Path, year: int, members: pd.DataFrame) -> pd.DataFrame:
    """One annual file as country (ISO2), year and the two export columns (US$)."""
    path = upstream / FILES[year]
    raw = pd.read_csv(path)
    missing = [column for column in COLUMNS if column not in raw.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    dates = set(raw["date"].unique())
    if dates != {f"{year}-01-01"}:
        raise DataError(f"{path}: column 'date': expected only {year}-01-01, found {sorted(dates)}")
    countries = map_member_names(
        raw["reporter"], members, file=path, column="reporter", expect=list(members["country"])
    )
    eu = raw.assign(country=countries).dropna(subset=["country"])
    wide = eu.pivot_table(index="country", columns="partner", values="value", aggfunc="sum")
    for partner in PARTNERS:
        values = wide[partner] if partner in wide.columns else pd.Series(dtype=float)
        absent = sorted(set(members["country"]) - set(values.dropna().index))
        if absent:
            raise DataError(f"{path}: column 'partner': no exports to {partner} for {absent}")
    table = pd.DataFrame({column: wide[partner].astype("float64") for partner, column in
                          PARTNERS.items()})  # fmt: skip
    return table.reset_index().assign(year=year)[["country", "year", *PARTNERS.values()]]


def build_comtrade_exports(upstream: Path) -> pd.DataFrame:
    """Own reported exports to Russia and to the world (US$, FOB) per EU27 + UK state and year."""
    members = read_member_states(upstream)
    table = pd.concat([read_year(upstream, year, members) for year in FILES], ignore_index=True)
    table = table.astype({"year": "int64"}).sort_values(["country", "year"], ignore_index=True)
    check_member_rows(table, members, file=NAME)
    return table


NAME = "comtrade_exports.csv"
SCHEMA = state_year_schema(
    pa.Check.isin(list(FILES)),
    exports_to_russia_usd=pa.Column("float64", pa.Check.ge(0)),
    exports_to_world_usd=pa.Column("float64", pa.Check.gt(0)),
)

EXTRACTS = (
    Extract(
        name=NAME,
        upstream=tuple(FILES.values()),
        title="Goods exports of the EU27 + UK states to Russia and to the world (UN Comtrade)",
        source=(
            "UN Comtrade annual exports as reported by each state, via "
            "github.com/westonslayton/Economic-Sanctions-Research (commit b2e858a, "
            "data/comtrade_all_exports_{2014..2017}A.csv)"
        ),
        licence="UN Comtrade (cite 'UN Comtrade Database'); repository MIT",
        description=(
            "One row per state (ISO alpha-2; the 28 states that were EU members in 2014-2017, "
            "UK included) and year: the reporter's own export declarations to Russia and to the "
            "world, current US$, FOB."
        ),
        schema=SCHEMA,
        build=build_comtrade_exports,
        caveats=(
            "No 2013 file: 2014 is the earliest year and already partly affected by the 2014 "
            "sanctions and Russia's counter-sanctions. Exporter-reported values include "
            "re-exports (large for LT, LV, EE), unlike the Russia-side COW mirror values."
        ),
    ),
)
