"""Extracts for the `hindsight` notebook: the essay's forecasts checked against later data.

Every table is prefixed `hindsight_` (other notebooks extract overlapping upstream files for
other purposes). Curated rows (data/curated/hindsight_*.csv) close gaps of the upstream tables.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyreadr

from ..errors import DataError
from ..paths import CURATED_DIR
from .base import Extract

ISO2 = r"^[A-Z]{2}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATE_OR_MONTH = r"^\d{4}-\d{2}(-\d{2})?$"
MONTH = r"^\d{4}-\d{2}$"

MEMBERS_FILE = "defence_institutions/member_states/eums_member_states.csv"
UN_ROLL_CALLS_FILE = "sanctions_trade/unvotes_un_roll_calls.rda"
UN_VOTES_FILE = "sanctions_trade/unvotes_un_votes.rda"
PARLGOV_FILE = "defence_institutions/parties/parlgov_view_election.csv"
POPULIST_FILE = "defence_institutions/parties/populist_3.0.csv"

ALLIANCES_CURATED = "hindsight_parlgov_alliances.csv"

#: Roll calls on Ukraine since 2014, matched on the resolution title (the `descr` field also holds
#: meeting transcripts in which "Ukraine" appears as a co-sponsor of unrelated drafts).
UKRAINE_TITLE = re.compile(r"territorial integrity of Ukraine|Crimea|Sevastopol", re.IGNORECASE)
UKRAINE_SINCE = "2014-01-01"

POPULATION_YEARS = (2000, 2023)
ELECTIONS_UNTIL = "2023-12-31"


def _members(upstream: Path) -> pd.DataFrame:
    """EUMS member states (EU27 + UK) with ISO2/ISO3 codes and English names."""
    raw = pd.read_csv(upstream / MEMBERS_FILE, dtype=str, keep_default_na=False)
    return raw[["iso_alpha_2_code", "iso_alpha_3_code", "member_state"]].rename(
        columns={"iso_alpha_2_code": "iso2", "iso_alpha_3_code": "iso3", "member_state": "name"}
    )


def _read_curated(name: str) -> pd.DataFrame:
    path = CURATED_DIR / name
    if not path.exists():
        raise DataError(f"{path}: curated table missing")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# --- UN General Assembly votes on Ukraine --------------------------------------------------------


def ukraine_roll_calls(roll_calls: pd.DataFrame) -> pd.DataFrame:
    """Roll calls since 2014 whose title names Ukraine's territorial integrity or Crimea."""
    calls = roll_calls.assign(date=pd.to_datetime(roll_calls["date"]).dt.strftime("%Y-%m-%d"))
    short = calls["short"].fillna("")
    descr = calls["descr"].fillna("").str.slice(0, 300)
    in_descr = descr.str.contains(UKRAINE_TITLE)
    keep = (calls["date"] >= UKRAINE_SINCE) & (in_descr | short.str.contains(UKRAINE_TITLE))
    title = descr.where(in_descr, short).str.split(" : ").str[0].str.strip()
    return calls.loc[keep, ["rcid", "date", "unres"]].assign(title=title[keep])


def build_unga_votes(upstream: Path) -> pd.DataFrame:
    """EU28 and Russian votes on Ukraine-related UNGA roll calls, 2014 to the data's end."""
    roll_calls = pyreadr.read_r(upstream / UN_ROLL_CALLS_FILE)["un_roll_calls"]
    votes = pyreadr.read_r(upstream / UN_VOTES_FILE)["un_votes"]
    calls = ukraine_roll_calls(roll_calls)
    countries = set(_members(upstream)["iso2"]) | {"RU"}
    votes = votes.assign(rcid=votes["rcid"].astype("int64"), vote=votes["vote"].astype(str))
    votes = votes[votes["rcid"].isin(calls["rcid"]) & votes["country_code"].isin(countries)]
    table = calls.merge(votes[["rcid", "country_code", "vote"]], on="rcid")
    table = table.rename(columns={"country_code": "country"})
    table["rcid"] = table["rcid"].astype("int64")
    table["dataset_last_date"] = pd.to_datetime(roll_calls["date"]).max().strftime("%Y-%m-%d")
    columns = ["rcid", "date", "unres", "title", "country", "vote", "dataset_last_date"]
    return table[columns].sort_values(["date", "rcid", "country"], ignore_index=True)


UNGA_SCHEMA = pa.DataFrameSchema(
    {
        "rcid": pa.Column("int64", pa.Check.gt(0)),
        "date": pa.Column(str, pa.Check.str_matches(DATE)),
        "unres": pa.Column(str),
        "title": pa.Column(str),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "vote": pa.Column(str, pa.Check.isin(["yes", "no", "abstain"])),
        "dataset_last_date": pa.Column(str, pa.Check.str_matches(DATE)),
    },
    strict=True,
    ordered=True,
    unique=["rcid", "country"],
)


# --- national elections (ParlGov) with electoral alliances mapped ------------------------------


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


def build_elections(upstream: Path) -> pd.DataFrame:
    """EU28 national parliamentary elections in force 2000-2023, party rows, alliances mapped."""
    raw = pd.read_csv(upstream / PARLGOV_FILE)
    iso = _members(upstream).set_index("iso3")["iso2"]
    raw = raw[(raw["election_type"] == "parliament") & raw["country_name_short"].isin(iso.index)]
    elections = pd.DataFrame(
        {
            "country": raw["country_name_short"].map(iso),
            "election_date": raw["election_date"],
            "party_id": raw["party_id"].astype("int64"),
            "party_name_short": raw["party_name_short"],
            "vote_share": raw["vote_share"],
            "seats": raw["seats"],
        }
    )
    elections = in_force_elections(elections, POPULATION_YEARS[0], ELECTIONS_UNTIL)
    table = attach_alliances(elections, _read_curated(ALLIANCES_CURATED))
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


def build_populist(upstream: Path) -> pd.DataFrame:
    """PopuList 3.0 classifications of EU28 parties (parlgov_id empty where PopuList has none)."""
    raw = pd.read_csv(upstream / POPULIST_FILE, sep=";", encoding="utf-8-sig")
    iso = _members(upstream).set_index("name")["iso2"]
    raw = raw[raw["country_name"].isin(iso.index)]
    table = pd.DataFrame(
        {
            "country": raw["country_name"].map(iso),
            "parlgov_id": raw["parlgov_id"].astype("Int64"),
            "party_name": raw["party_name_english"],
            "populist_start": raw["populist_start"].astype("int64"),
            "populist_end": raw["populist_end"].astype("int64"),
            "populist_startnobl": raw["populist_startnobl"].astype("int64"),
            "populist_endnobl": raw["populist_endnobl"].astype("int64"),
            "populist_bl": raw["populist_bl"].astype("int64"),
        }
    )
    return table.sort_values(["country", "parlgov_id", "party_name"], ignore_index=True)


YEAR = pa.Check.in_range(1900, 2100)
POPULIST_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "parlgov_id": pa.Column(float, pa.Check.gt(0), nullable=True),
        "party_name": pa.Column(str),
        "populist_start": pa.Column("int64", YEAR),
        "populist_end": pa.Column("int64", YEAR),
        "populist_startnobl": pa.Column("int64", YEAR),
        "populist_endnobl": pa.Column("int64", YEAR),
        "populist_bl": pa.Column("int64", pa.Check.isin([0, 1])),
    },
    strict=True,
    ordered=True,
    unique=["country", "party_name"],
)


EXTRACTS = (
    Extract(
        name="hindsight_unga_ukraine_votes.csv",
        upstream=(UN_ROLL_CALLS_FILE, UN_VOTES_FILE, MEMBERS_FILE),
        title="Votes of EU28 states and Russia on Ukraine-related UNGA roll calls, 2014-2019",
        source=(
            "Erik Voeten, United Nations General Assembly Voting Data (Harvard Dataverse "
            "hdl:1902.1/12379), as packaged in the R package unvotes 0.3.0 (CRAN mirror, commit "
            "73ca68e), un_roll_calls.rda and un_votes.rda read with pyreadr"
        ),
        licence="Data CC0; package MIT",
        description=(
            "Roll calls since 2014-01-01 whose title names the territorial integrity of Ukraine, "
            "Crimea or Sevastopol; one row per roll call and voting state (EU28 + RU)."
        ),
        schema=UNGA_SCHEMA,
        build=build_unga_votes,
        caveats=(
            "The data end with session 74 (last roll call 2019-12-27): the 2022 votes on Russia's "
            "invasion (ES-11/1 etc.) are not covered. Absent states have no row."
        ),
    ),
    Extract(
        name="hindsight_parlgov_elections.csv",
        upstream=(PARLGOV_FILE, MEMBERS_FILE),
        title="National parliamentary elections in force 2000-2023, EU28, party results",
        source=(
            "ParlGov development version of 4 Nov 2023, view_election "
            "(github.com/hdigital/parlgov-snippets, commit f140fa7); Doring, Quaas, Hesse & Manow"
        ),
        licence="ParlGov data: no licence stated in the repository (cite ParlGov)",
        description=(
            "Party rows of every national parliamentary election in force in some year 2000-2023 "
            "(from the last one before 2000). vote_list_party_id: for a member of an electoral "
            "alliance, the ParlGov row that carries the alliance's vote share (curated)."
        ),
        schema=ELECTIONS_SCHEMA,
        build=build_elections,
        caveats=(
            "ParlGov records an alliance's vote share on one row and seats on the member rows; "
            "data/curated/hindsight_parlgov_alliances.csv maps the alliances with a populist "
            "member (and those where a populist list carried non-populist members). Elections "
            "after 2023-06-25 are not in the data."
        ),
        curated=(ALLIANCES_CURATED,),
    ),
    Extract(
        name="hindsight_populist_parties.csv",
        upstream=(POPULIST_FILE, MEMBERS_FILE),
        title="The PopuList 3.0: populist classification of EU28 parties",
        source=(
            "The PopuList 3.0 (Rooduijn et al., popu-list.org), CSV kept in "
            "github.com/varvarailyina/mds_thesis (commit 3323987)"
        ),
        licence="No licence stated in the repository; check popu-list.org terms",
        description=(
            "Years in which a party counts as populist, with (start/end) and without "
            "(startnobl/endnobl) borderline cases; 1900 and 2100 mean open-ended."
        ),
        schema=POPULIST_SCHEMA,
        build=build_populist,
        caveats=(
            "Malta is not covered. Parties without a parlgov_id cannot be joined to ParlGov "
            "results; their votes are missing from the populist shares."
        ),
    ),
    Extract(),
)
