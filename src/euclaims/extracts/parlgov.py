"""ParlGov: national parliamentary elections of the EU28, party rows, electoral alliances mapped.

Curated rows (data/curated/parlgov_alliances.csv) say which ParlGov row carries the
vote share of an electoral alliance whose member parties hold the seats.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from ..paths import CURATED_DIR
from .base import DATE, ISO2, MEMBER_STATES_FILE, Extract, iso3_to_iso2, read_member_states

PARLGOV_FILE = "defence_institutions/parties/parlgov_view_election.csv"
ALLIANCES_CURATED = "parlgov_alliances.csv"
#: Scope (a choice): the elections in force in some year from FIRST_YEAR to UNTIL.
FIRST_YEAR = 2000
UNTIL = "2023-12-31"


def in_force_elections(elections: pd.DataFrame, first_year: int, until: str) -> pd.DataFrame:
    """Elections in force in some year first_year..: from the last one before it, up to `until`."""
    dates = elections[["country", "election_date"]].drop_duplicates()
    before = dates[dates["election_date"] < f"{first_year}-01-01"]
    start = before.groupby("country")["election_date"].max()
    floor = dates["country"].map(start).fillna("0000")
    keep = dates[(dates["election_date"] >= floor) & (dates["election_date"] <= until)]
    return elections.merge(keep, on=["country", "election_date"])


def attach_alliances(elections: pd.DataFrame, alliances: pd.DataFrame) -> pd.DataFrame:
    """Add `vote_list_party_id`: for a member of an electoral alliance, the row carrying its votes.

    Fails if a curated alliance names an election, list row or member that ParlGov lacks.
    """
    table = elections.copy()
    table["vote_list_party_id"] = pd.Series(pd.NA, index=table.index, dtype="Int64")
    for row in alliances.itertuples(index=False):
        where = f"{CURATED_DIR / ALLIANCES_CURATED}: {row.country} {row.election_date}"
        election = (table["country"] == row.country) & (table["election_date"] == row.election_date)
        listed = election & (table["party_id"] == int(row.list_party_id))
        member = election & (table["party_id"] == int(row.member_party_id))
        if not listed.any() or table.loc[listed, "vote_share"].isna().all():
            raise DataError(f"{where}: list party {row.list_party_id} has no vote share in ParlGov")
        if not member.any():
            raise DataError(f"{where}: member party {row.member_party_id} not in that election")
        table.loc[member, "vote_list_party_id"] = int(row.list_party_id)
    return table


def read_alliances() -> pd.DataFrame:
    """The curated alliance rows (country, election_date, list_party_id, member_party_id, ...)."""
    path = CURATED_DIR / ALLIANCES_CURATED
    if not path.exists():
        raise DataError(f"{path}: curated table missing")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def build_elections(upstream: Path) -> pd.DataFrame:
    """EU28 national parliamentary elections in force FIRST_YEAR-UNTIL, party rows, alliances."""
    raw = pd.read_csv(upstream / PARLGOV_FILE)
    raw = raw[raw["election_type"] == "parliament"]
    country = iso3_to_iso2(raw["country_name_short"], read_member_states(upstream))
    raw, country = raw[country.notna()], country[country.notna()]
    elections = pd.DataFrame(
        {
            "country": country,
            "election_date": raw["election_date"],
            "party_id": raw["party_id"].astype("int64"),
            "party_name_short": raw["party_name_short"],
            "vote_share": raw["vote_share"],
            "seats": raw["seats"],
        }
    )
    elections = in_force_elections(elections, FIRST_YEAR, UNTIL)
    table = attach_alliances(elections, read_alliances())
    return table.sort_values(["country", "election_date", "party_id"], ignore_index=True)


ELECTIONS_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "election_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "party_id": pa.Column("int64", pa.Check.gt(0)),
        "party_name_short": pa.Column(str),
        "vote_share": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "seats": pa.Column(float, pa.Check.ge(0), nullable=True),
        "vote_list_party_id": pa.Column(float, pa.Check.gt(0), nullable=True),
    },
    strict=True,
    ordered=True,
    unique=["country", "election_date", "party_id"],
)

EXTRACTS = (
    Extract(
        name="parlgov_elections.csv",
        upstream=(PARLGOV_FILE, MEMBER_STATES_FILE),
        title="National parliamentary elections in force 2000-2023, EU28, party results",
        source=(
            "ParlGov development version of 4 Nov 2023, view_election "
            "(github.com/hdigital/parlgov-snippets, commit f140fa7); Doring, Quaas, Hesse & Manow"
        ),
        licence="ParlGov data: no licence stated in the repository (cite ParlGov)",
        description=(
            "Party rows of every national parliamentary election of an EU28 state (all 28, "
            "members or not on the day) in force in some year 2000-2023 (from the last one "
            "before 2000). vote_list_party_id: for a member of an electoral alliance, the ParlGov "
            "row that carries the alliance's vote share (curated)."
        ),
        schema=ELECTIONS_SCHEMA,
        build=build_elections,
        caveats=(
            "ParlGov records an alliance's vote share on one row and seats on the member rows; "
            "data/curated/parlgov_alliances.csv maps the alliances with a populist "
            "member (and those where a populist list carried non-populist members). Elections "
            "after 2023-06-25 are not in the data."
        ),
        curated=(ALLIANCES_CURATED,),
    ),
)
