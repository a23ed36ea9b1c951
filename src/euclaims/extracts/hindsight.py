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
VETOES_FILE = "defence_institutions/council_votes/ovadek_eu_vetoes.csv"
COUNCIL_VOTES_FILE = "defence_institutions/council_votes/swp_ceu_votes_full_dataset_2023-10-20.csv"
PARLGOV_FILE = "defence_institutions/parties/parlgov_view_election.csv"
POPULIST_FILE = "defence_institutions/parties/populist_3.0.csv"
PESCO_FILE = "reference_facts/pesco_membership.csv"
SUMMITS_FILE = "reference_facts/eu_russia_summits.csv"

ALLIANCES_CURATED = "hindsight_parlgov_alliances.csv"
PESCO_CURATED = "hindsight_pesco_events.csv"
SUMMITS_CURATED = "hindsight_eu_russia_summits.csv"

#: Roll calls on Ukraine since 2014, matched on the resolution title (the `descr` field also holds
#: meeting transcripts in which "Ukraine" appears as a co-sponsor of unrelated drafts).
UKRAINE_TITLE = re.compile(r"territorial integrity of Ukraine|Crimea|Sevastopol", re.IGNORECASE)
UKRAINE_SINCE = "2014-01-01"

#: Fixed keyword list for acts on asylum, migration, external borders and visas (draft ledger),
#: matched case-insensitively on the act's documents. "border" preceded by "cross-" is excluded:
#: cross-border road-safety, road-toll and e-justice acts would otherwise count as migration acts.
MIGRATION_KEYWORDS = {
    "asylum": r"asylum",
    "border": r"(?<!cross-)(?<!cross )border",
    "eurodac": r"eurodac",
    "frontex": r"frontex",
    "migra": r"migra",
    "return": r"\breturn",
    "schengen": r"schengen",
    "visa": r"\bvisa",
}
JHA = "Justice and Home Affairs"

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


# --- member-state vetoes (Ovadek) ---------------------------------------------------------------


def build_vetoes(upstream: Path) -> pd.DataFrame:
    """Vetoes by member states (hand-curated list, press sources)."""
    raw = pd.read_csv(
        upstream / VETOES_FILE, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    table = pd.DataFrame(
        {
            "date": raw["date_veto"],
            "country": raw["ms_veto"],
            "issue": raw["issue"],
            "issue_country": raw["issue_country"].replace("", None),
            "source": raw["source"],
        }
    )
    return table.sort_values(["date", "country", "issue"], ignore_index=True)


VETOES_SCHEMA = pa.DataFrameSchema(
    {
        "date": pa.Column(str, pa.Check.str_matches(DATE)),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "issue": pa.Column(str),
        "issue_country": pa.Column(
            str, pa.Check.str_matches(r"^[A-Z]{2}(;[A-Z]{2})*$"), nullable=True
        ),
        "source": pa.Column(str, pa.Check.str_startswith("http")),
    },
    strict=True,
    ordered=True,
    unique=["date", "country", "issue", "issue_country"],
)


# --- public Council votes (SWP) -----------------------------------------------------------------


def migration_keywords(documents: str) -> str | None:
    """The fixed migration keywords found in an act's documents, ';'-joined (None if none)."""
    found = [k for k, pattern in MIGRATION_KEYWORDS.items() if re.search(pattern, documents, re.I)]
    return ";".join(found) if found else None


def build_council_votes(upstream: Path) -> pd.DataFrame:
    """Every public Council vote (date, area, dissent) with migration keywords and JHA titles."""
    raw = pd.read_csv(upstream / COUNCIL_VOTES_FILE, dtype=str, keep_default_na=False)
    jha = raw["policy_area"] == JHA
    title = raw["documents"].str.split(", ").str[0].str.slice(0, 160).str.strip()
    table = pd.DataFrame(
        {
            "vote_procedure_id": raw["vote_procedure_id"].astype("int64"),
            "decision_date": raw["decision_date"],
            "policy_area": raw["policy_area"],
            "against": raw["against"].replace("", None),
            "abstained": raw["abstained"].replace("", None),
            "migration_keywords": raw["documents"].map(migration_keywords),
            "title": title.where(jha & (title != ""), None),
        }
    )
    return table.sort_values(["decision_date", "vote_procedure_id"], ignore_index=True)


CODES = r"^[A-Z]{2}(, [A-Z]{2})*$"
COUNCIL_SCHEMA = pa.DataFrameSchema(
    {
        "vote_procedure_id": pa.Column("int64", pa.Check.gt(0), unique=True),
        "decision_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "policy_area": pa.Column(str),
        "against": pa.Column(str, pa.Check.str_matches(CODES), nullable=True),
        "abstained": pa.Column(str, pa.Check.str_matches(CODES), nullable=True),
        "migration_keywords": pa.Column(
            str, pa.Check.str_matches(r"^[a-z]+(;[a-z]+)*$"), nullable=True
        ),
        "title": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
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


# --- PESCO events and EU-Russia summits (reference facts + curated rows) ------------------------

PESCO_EVENTS = (
    "pesco_joined",
    "pesco_non_participant",
    "csdp_opt_out_referendum",
    "csdp_opt_out_ended",
)


def build_pesco_events(upstream: Path) -> pd.DataFrame:
    """PESCO participation per member state, plus Denmark's opt-out events (curated)."""
    raw = pd.read_csv(upstream / PESCO_FILE, dtype=str, keep_default_na=False)
    base = pd.DataFrame(
        {
            "country": raw["iso2"],
            "event": ["pesco_joined" if d else "pesco_non_participant" for d in raw["joined_date"]],
            "date": raw["joined_date"].replace("", None),
            "origin": "reference_facts",
        }
    )
    curated = _read_curated(PESCO_CURATED)
    unknown = set(curated["event"]) - set(PESCO_EVENTS)
    if unknown:
        raise DataError(f"{CURATED_DIR / PESCO_CURATED}: unknown event(s) {sorted(unknown)}")
    extra = curated[["country", "event", "date"]].assign(origin="curated")
    keys = set(zip(extra["country"], extra["event"], strict=True))
    base = base[[(c, e) not in keys for c, e in zip(base["country"], base["event"], strict=True)]]
    table = pd.concat([base, extra], ignore_index=True)
    return table.sort_values(["country", "event"], ignore_index=True)


PESCO_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "event": pa.Column(str, pa.Check.isin(list(PESCO_EVENTS))),
        "date": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH), nullable=True),
        "origin": pa.Column(str, pa.Check.isin(["reference_facts", "curated"])),
    },
    strict=True,
    ordered=True,
    unique=["country", "event"],
)


def build_summits(upstream: Path) -> pd.DataFrame:
    """EU-Russia summits held, announced, cancelled (reference facts) and later proposals."""
    raw = pd.read_csv(upstream / SUMMITS_FILE, dtype=str, keep_default_na=False)
    raw = pd.concat(
        [
            raw.assign(origin="reference_facts"),
            _read_curated(SUMMITS_CURATED).assign(origin="curated"),
        ],
        ignore_index=True,
    )
    table = pd.DataFrame(
        {
            "date_start": raw["date_start"].replace("", None),
            "date_end": raw["date_end"].replace("", None),
            "place": raw["place"].replace("", None),
            "status": raw["status"],
            "source": raw["source"],
            "origin": raw["origin"],
        }
    )
    key = table["date_start"].fillna(table["date_end"]).fillna("9999")
    return (
        table.assign(_key=key)
        .sort_values(["_key", "status"])
        .drop(columns="_key")
        .reset_index(drop=True)
    )


SUMMITS_SCHEMA = pa.DataFrameSchema(
    {
        "date_start": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH), nullable=True),
        "date_end": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH), nullable=True),
        "place": pa.Column(str, nullable=True),
        "status": pa.Column(
            str,
            pa.Check.isin(
                ["held", "held (last summit)", "announced", "cancelled", "proposed (not agreed)"]
            ),
        ),
        "source": pa.Column(str, pa.Check.str_startswith("http")),
        "origin": pa.Column(str, pa.Check.isin(["reference_facts", "curated"])),
    },
    strict=True,
    ordered=True,
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
        name="hindsight_eu_vetoes.csv",
        upstream=(VETOES_FILE,),
        title="Member-state vetoes in the Council, 1963-2025 (EU veto tracker)",
        source=(
            "Michal Ovadek, eu-veto-tracker (github.com/michalovadek/eu-veto-tracker, "
            "commit 69b4dce)"
        ),
        licence="MIT",
        description=(
            "One row per veto episode: date, vetoing state, issue, target country, press source."
        ),
        schema=VETOES_SCHEMA,
        build=build_vetoes,
        caveats="Hand-curated from press reports; not a complete census. Last episode 2025-06-26.",
    ),
    Extract(
        name="hindsight_council_votes.csv",
        upstream=(COUNCIL_VOTES_FILE,),
        title="Public Council votes 2010-2023 with migration keywords",
        source=(
            "SWP EU Council Monitor refresh of 2023-10-20 (github.com/datapumpernickel/ceu_votes, "
            "commit f35dc3c); same data as von Ondarza & Bochtler, Public Voting Data of the "
            "Council of the EU, GESIS doi 10.7802/2560 (CC BY 4.0)"
        ),
        licence="CC BY 4.0 (GESIS release); cite the Council of the EU",
        description=(
            "One row per public vote: date, policy area, states against / abstaining, the fixed "
            "migration keywords found in the act's documents (asylum, border but not cross-border, "
            "eurodac, frontex, migra*, return, schengen, visa) and, for Justice and Home Affairs, "
            "the first 160 characters of the act title."
        ),
        schema=COUNCIL_SCHEMA,
        build=build_council_votes,
        caveats=(
            "Public (legislative) votes only; 2010-02-15 to 2023-09-18. 28 JHA votes have no "
            "document text and cannot match a keyword."
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
    Extract(
        name="hindsight_pesco_events.csv",
        upstream=(PESCO_FILE,),
        title="PESCO participation per member state and Denmark's defence opt-out",
        source=(
            "reference_facts/pesco_membership.csv (compiled from Council press releases and "
            "news); Denmark and Malta rows curated from EUR-Lex (Council Decision (CFSP) "
            "2023/1015) and news"
        ),
        licence="Facts compiled by the project; sources in the upstream and curated tables",
        description=(
            "Events per state: pesco_joined, pesco_non_participant, csdp_opt_out_referendum, "
            "csdp_opt_out_ended; dates YYYY-MM-DD (or YYYY-MM where only the month was found)."
        ),
        schema=PESCO_SCHEMA,
        build=build_pesco_events,
        caveats=(
            "Denmark's join date 2023-05 (upstream, month only) is replaced by the day of Council "
            "Decision (CFSP) 2023/1015 (23 May 2023). No source after May 2023 was read."
        ),
        curated=(PESCO_CURATED,),
    ),
    Extract(
        name="hindsight_eu_russia_summits.csv",
        upstream=(SUMMITS_FILE,),
        title="EU-Russia summits 2005-2014 and the 2021 proposal",
        source=(
            "reference_facts/eu_russia_summits.csv (Council, Kremlin, russiaeu.ru and news pages); "
            "June 2021 row curated from news reports of the European Council"
        ),
        licence="Facts compiled by the project; sources in the table",
        description="One row per summit held, announced, cancelled or proposed, with its sources.",
        schema=SUMMITS_SCHEMA,
        build=build_summits,
        caveats=(
            "Compiled from search: summits 1998-2004, Oct 2005 and Nov 2006 are missing; the "
            "absence of a row after 2014 is weaker evidence than a row."
        ),
        curated=(SUMMITS_CURATED,),
    ),
)
