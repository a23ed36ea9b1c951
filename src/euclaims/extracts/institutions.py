"""Extracts about member states and EU institutions: membership, population, GDP, Council vote
weights and public votes, EP seats, presidencies and the Commission."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..paths import CURATED_DIR
from .base import EU_TO_ISO2, MEMBER_STATES_FILE, Extract
from .base import read_member_states as build_membership

ISO2 = r"^[A-Z]{2}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"


MEMBERSHIP_FILE = MEMBER_STATES_FILE
POPULATION_FILE = "defence_institutions/member_states/eurostat_tps00001_population_2010-2021.tsv"


def build_population(upstream: Path) -> pd.DataFrame:
    """Population on 1 January per EU/UK member state and year, with Eurostat's flags."""
    raw = pd.read_csv(upstream / POPULATION_FILE, sep="\t", dtype=str)
    raw.columns = [column.strip() for column in raw.columns]
    key = raw.columns[0]
    raw["geo"] = raw[key].str.split(",").str[1]
    long = raw.drop(columns=key).melt(id_vars="geo", var_name="year", value_name="cell")
    long["cell"] = long["cell"].str.strip()
    long = long[long["cell"] != ":"]
    parts = long["cell"].str.split(" ", n=1, expand=True)
    long["population"] = parts[0].astype("int64")
    long["flag"] = parts[1] if 1 in parts else None
    long["country"] = long["geo"].replace(EU_TO_ISO2)
    members = set(build_membership(upstream)["country"])
    table = long[long["country"].isin(members)]
    table = table.assign(year=table["year"].astype("int64"))
    return table[["country", "year", "population", "flag"]].sort_values(
        ["country", "year"], ignore_index=True
    )


POPULATION_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "year": pa.Column("int64", pa.Check.in_range(1950, 2100)),
        "population": pa.Column("int64", pa.Check.gt(0)),
        "flag": pa.Column(str, pa.Check.isin(["b", "p", "e", "bp", "be", "ep"]), nullable=True),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)

EXTRACTS = (
    Extract(
        name="population_eurostat.csv",
        upstream=(POPULATION_FILE, MEMBERSHIP_FILE),
        title="Population on 1 January, EU member states, 2010-2021",
        source=(
            "Eurostat table tps00001 'Population on 1 January' (unmodified TSV download kept in "
            "github.com/Eszti/lang-changes, data/tps00001.tsv, commit 339ecc8)"
        ),
        licence="Eurostat reuse policy (CC BY 4.0-compatible, attribution required)",
        description="Persons on 1 January per member state (EU27 + UK) and year, with flags.",
        schema=POPULATION_SCHEMA,
        build=build_population,
        caveats=(
            "Flags: b = break in series, p = provisional, e = estimated. 2021 values are partly "
            "provisional. Greece and the UK are recoded from Eurostat's EL/UK to GR/GB."
        ),
    ),
)


# --- Council vote weights, EP seats, population and GDP (World Bank), Council votes ------------

QMV_WEIGHTS_FILE = "defence_institutions/member_states/eums_qmv_weights.csv"
CORESIZE_FILE = "defence_institutions/member_states/coresize_eucouncil_weights.csv"
EP_SEATS_FILE = "defence_institutions/member_states/ep_seats_by_term.csv"
WB_POPULATION_FILE = "sanctions_trade/worldbank_population.csv"
COUNCIL_VOTES_FILE = "defence_institutions/council_votes/swp_ceu_votes_full_dataset_2023-10-20.csv"
PRESIDENCIES_FILE = "reference_facts/council_presidencies.csv"
PRESIDENTS_FILE = "reference_facts/commission_presidents.csv"
COLLEGE_CURATED = "commission_college.csv"

#: Years of World Bank GDP not already in sanctions_gdp_worldbank.csv (2010-2017).
RECENT_GDP_YEARS = range(2018, 2024)
#: Council vote positions in the roll-call matrix.
POSITION_CODES = {"in_favor": "Y", "against": "N", "abstained": "A", "not_participating": "X"}
NICE_MEMBER_COUNT = 28
DATE_OR_MONTH = r"^\d{4}-\d{2}(-\d{2})?$"


def _eu28_codes(upstream: Path) -> list[str]:
    return sorted(build_membership(upstream)["country"])


def _iso3_to_iso2() -> dict[str, str]:
    # Imported here: extracts.sanctions imports this module at load time.
    from .sanctions import ISO3_TO_ISO2

    return ISO3_TO_ISO2


def build_nice_weights(upstream: Path) -> pd.DataFrame:
    """Nice Treaty Council vote weights of the EU28 (2013-07-01 to 2014-11-01), checked twice.

    Taken from the EUMS qmv_weights table (period with 28 members) and compared with the `v25`
    column of the coresize table; any difference stops the extraction.
    """
    raw = pd.read_csv(upstream / QMV_WEIGHTS_FILE, dtype=str, keep_default_na=False)
    raw = raw[raw["count_member_states"].astype(float).astype(int) == NICE_MEMBER_COUNT]
    table = pd.DataFrame(
        {
            "country": raw["member_state_code"].replace(EU_TO_ISO2),
            "votes": raw["votes"].astype(float).astype("int64"),
            "total_votes": raw["total_votes"].astype(float).astype("int64"),
            "start_date": raw["start_date"],
            "end_date": raw["end_date"],
        }
    ).sort_values("country", ignore_index=True)
    coresize = pd.read_csv(upstream / CORESIZE_FILE)
    names = build_membership(upstream).set_index("name")["country"]
    check = coresize.assign(country=coresize["country"].map(names)).set_index("country")["v25"]
    differ = [c for c, v in zip(table["country"], table["votes"], strict=True) if check.get(c) != v]
    if differ or len(table) != NICE_MEMBER_COUNT:
        raise ValueError(
            f"{QMV_WEIGHTS_FILE}: Nice weights of {differ or 'the EU28'} disagree with "
            f"column v25 of {CORESIZE_FILE} (or not 28 rows: {len(table)})"
        )
    return table


NICE_WEIGHTS_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "votes": pa.Column("int64", pa.Check.in_range(1, 29)),
        "total_votes": pa.Column("int64", pa.Check.eq(352)),
        "start_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "end_date": pa.Column(str, pa.Check.str_matches(DATE)),
    },
    checks=pa.Check(lambda t: t["votes"].sum() == 352, error="votes must sum to 352"),
    strict=True,
    ordered=True,
)


def build_ep_seats(upstream: Path) -> pd.DataFrame:
    """European Parliament seats per member state and term (tYYYY columns), members only."""
    raw = pd.read_csv(upstream / EP_SEATS_FILE)
    long = raw.melt(id_vars="code", var_name="term", value_name="seats")
    long = long[long["seats"] > 0]
    table = pd.DataFrame(
        {
            "country": long["code"].replace(EU_TO_ISO2),
            "term": long["term"].str.removeprefix("t").astype("int64"),
            "seats": long["seats"].astype("int64"),
        }
    )
    return table.sort_values(["term", "country"], ignore_index=True)


EP_SEATS_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "term": pa.Column("int64", pa.Check.isin([1999, 2004, 2009, 2014, 2020, 2024])),
        "seats": pa.Column("int64", pa.Check.in_range(1, 99)),
    },
    strict=True,
    ordered=True,
    unique=["term", "country"],
)


def build_population_worldbank(upstream: Path) -> pd.DataFrame:
    """Total population (mid-year, WDI SP.POP.TOTL) of the EU27 + UK, every year from 1960."""
    raw = pd.read_csv(upstream / WB_POPULATION_FILE)
    mapping = _iso3_to_iso2()
    raw = raw[raw["Country Code"].isin(list(mapping))]
    table = pd.DataFrame(
        {
            "country": raw["Country Code"].map(mapping),
            "year": raw["Year"].astype("int64"),
            "population": raw["Value"].astype("int64"),
        }
    )
    missing = sorted(set(_eu28_codes(upstream)) - set(table["country"]))
    if missing:
        raise ValueError(f"{WB_POPULATION_FILE}: no rows for {', '.join(missing)}")
    return table.sort_values(["country", "year"], ignore_index=True)


WB_POPULATION_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "year": pa.Column("int64", pa.Check.in_range(1960, 2100)),
        "population": pa.Column("int64", pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


def build_gdp_recent(upstream: Path) -> pd.DataFrame:
    """GDP in current US$ of the EU27 + UK for the years after 2017 (WDI NY.GDP.MKTP.CD)."""
    from .sanctions import GDP_FILE

    raw = pd.read_csv(upstream / GDP_FILE)
    mapping = _iso3_to_iso2()
    raw = raw[raw["Country Code"].isin(list(mapping)) & raw["Year"].isin(list(RECENT_GDP_YEARS))]
    table = pd.DataFrame(
        {
            "country": raw["Country Code"].map(mapping),
            "year": raw["Year"].astype("int64"),
            "gdp_usd": raw["Value"].astype("float64").round(0),
        }
    )
    if len(table) != len(mapping) * len(RECENT_GDP_YEARS):
        raise ValueError(f"{GDP_FILE}: expected every EU28 state in {list(RECENT_GDP_YEARS)}")
    return table.sort_values(["country", "year"], ignore_index=True)


GDP_RECENT_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "year": pa.Column("int64", pa.Check.in_range(RECENT_GDP_YEARS[0], RECENT_GDP_YEARS[-1])),
        "gdp_usd": pa.Column(float, pa.Check.gt(1e9)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


def procedure_code(interinstitutional_code: str) -> str | None:
    """The procedure type of a code like '2014/0167 (COD)' or '2016/0357B COD' (None if absent)."""
    match = re.search(r"([A-Z]{3})\)?\s*$", interinstitutional_code.strip())
    return match.group(1) if match else None


def _codes(cell: str) -> list[str]:
    return [EU_TO_ISO2.get(c.strip(), c.strip()) for c in cell.split(",") if c.strip()]


def build_council_positions(upstream: Path) -> pd.DataFrame:
    """Roll-call matrix of the public Council votes: one row per vote, one column per state.

    Cells: Y in favour, N against, A abstained, X not participating, empty = not recorded.
    """
    raw = pd.read_csv(upstream / COUNCIL_VOTES_FILE, dtype=str, keep_default_na=False)
    states = _eu28_codes(upstream)
    rows = []
    for record in raw.itertuples(index=False):
        row = {
            "vote_procedure_id": int(record.vote_procedure_id),
            "decision_date": record.decision_date,
            "voting_rule": record.voting_rule,
            "procedure": procedure_code(record.interinstitutional_code),
        }
        for column, code in POSITION_CODES.items():
            for state in _codes(getattr(record, column)):
                if state not in states:
                    raise ValueError(
                        f"{COUNCIL_VOTES_FILE}: vote {record.vote_procedure_id}, column "
                        f"{column}: unknown member code {state!r}"
                    )
                if state in row:
                    raise ValueError(
                        f"{COUNCIL_VOTES_FILE}: vote {record.vote_procedure_id} lists {state} twice"
                    )
                row[state] = code
        rows.append(row)
    columns = ["vote_procedure_id", "decision_date", "voting_rule", "procedure", *states]
    table = pd.DataFrame(rows).reindex(columns=columns)
    return table.sort_values(["decision_date", "vote_procedure_id"], ignore_index=True)


def _council_positions_schema() -> pa.DataFrameSchema:
    position = pa.Check.isin(list(POSITION_CODES.values()))
    states = sorted(
        ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR"]
        + ["HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]
    )
    return pa.DataFrameSchema(
        {
            "vote_procedure_id": pa.Column("int64", unique=True),
            "decision_date": pa.Column(str, pa.Check.str_matches(DATE)),
            "voting_rule": pa.Column(
                str, pa.Check.isin(["qualified majority", "unanimity", "Reinforced QM - No COM"])
            ),
            "procedure": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=True),
            **{state: pa.Column(str, position, nullable=True) for state in states},
        },
        strict=True,
        ordered=True,
    )


COUNCIL_POSITIONS_SCHEMA = _council_positions_schema()


def build_presidencies(upstream: Path) -> pd.DataFrame:
    """Rotating presidencies of the Council of the EU, half-year slots, with sources."""
    raw = pd.read_csv(upstream / PRESIDENCIES_FILE, dtype=str, keep_default_na=False)
    table = pd.DataFrame(
        {
            "start": raw["start"],
            "end": raw["end"],
            "country": raw["iso2"],
            "member_state": raw["member_state"],
            "source": raw["source"],
        }
    )
    return table.sort_values("start", ignore_index=True)


PRESIDENCIES_SCHEMA = pa.DataFrameSchema(
    {
        "start": pa.Column(str, pa.Check.str_matches(DATE), unique=True),
        "end": pa.Column(str, pa.Check.str_matches(DATE), unique=True),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "member_state": pa.Column(str),
        "source": pa.Column(str, pa.Check.str_contains("http")),
    },
    checks=pa.Check(lambda t: (t["start"] <= t["end"]).all(), error="start after end"),
    strict=True,
    ordered=True,
)


def build_commission_presidents(upstream: Path) -> pd.DataFrame:
    """Commission presidents with nationality and term dates; acting presidents flagged."""
    raw = pd.read_csv(upstream / PRESIDENTS_FILE, dtype=str, keep_default_na=False)
    table = pd.DataFrame(
        {
            "president": raw["president"].str.replace(" (acting)", "", regex=False),
            "country": raw["nationality_iso2"],
            "term_start": raw["term_start"],
            "term_end": raw["term_end"].replace("", None),
            "acting": raw["president"].str.contains("(acting)", regex=False),
            "source": raw["source"],
        }
    )
    return table.sort_values("term_start", ignore_index=True)


PRESIDENTS_SCHEMA = pa.DataFrameSchema(
    {
        "president": pa.Column(str, unique=True),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "term_start": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH)),
        "term_end": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH), nullable=True),
        "acting": pa.Column(bool),
        "source": pa.Column(str, pa.Check.str_contains("http")),
    },
    strict=True,
    ordered=True,
)


def build_commission_college(upstream: Path) -> pd.DataFrame:
    """Curated composition of the Commission around the essay's date (data/curated)."""
    path = CURATED_DIR / COLLEGE_CURATED
    table = pd.read_csv(path, dtype={"members": "int64", "one_per_member_state": bool})
    unsourced = table.index[table["source"].fillna("").str.strip() == ""].tolist()
    if unsourced:
        raise ValueError(f"{path}: rows {[i + 2 for i in unsourced]} have no source")
    return table.sort_values("start_date", ignore_index=True)


COLLEGE_SCHEMA = pa.DataFrameSchema(
    {
        "college": pa.Column(str, unique=True),
        "start_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "end_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "members": pa.Column("int64", pa.Check.in_range(1, 40)),
        "one_per_member_state": pa.Column(bool),
        "source": pa.Column(str, pa.Check.str_contains("http")),
        "notes": pa.Column(str),
    },
    strict=True,
    ordered=True,
)

EUMS_SOURCE = (
    "EUMS database by Joshua C. Fjelstul (github.com/jfjelstul/eums, commit 20fd6ff, "
    "data/qmv_weights.RData, converted to CSV with pyreadr)"
)
WORLD_BANK_SOURCE = "World Bank WDI via github.com/datasets ({}), snapshot of early 2026"
REFERENCE_SOURCE = "Project reference fact tables (reference_facts/, each row with its source page)"

INSTITUTION_EXTRACTS = (
    Extract(
        name="council_nice_weights.csv",
        upstream=(QMV_WEIGHTS_FILE, CORESIZE_FILE, MEMBERSHIP_FILE),
        title="Council vote weights under the Nice Treaty, EU28 (2013-2014)",
        source=EUMS_SOURCE + "; checked against github.com/sumtxt/coresize eucouncil_weights.csv",
        licence="MIT (EUMS); coresize: no licence stated (used only as a check)",
        description="Nice QMV weight per EU28 state (total 352, quota 260) and its period.",
        schema=NICE_WEIGHTS_SCHEMA,
        build=build_nice_weights,
        caveats=(
            "The Nice weights applied to the EU28 from 1 July 2013 to 31 October 2014 and, on a "
            "member's request, until 31 March 2017 (Protocol No 36); they are used here to model "
            "the Nice rule with 2017 populations."
        ),
    ),
    Extract(
        name="ep_seats.csv",
        upstream=(EP_SEATS_FILE,),
        title="European Parliament seats per member state and term, 1999-2024",
        source=(
            "github.com/jindrabernard-code/eu-teziste-matlab data/ep_seats.csv (commit e3448cb), "
            "hand-compiled; 1999-2014 terms match ParlGov's EP seats_total"
        ),
        licence="No licence stated upstream (seat counts are facts of EU law)",
        description="Seats per state for the terms starting 1999, 2004, 2009, 2014, 2020, 2024.",
        schema=EP_SEATS_SCHEMA,
        build=build_ep_seats,
        caveats=(
            "Term 2004 includes BG and RO (joined 2007) and term 2009 HR (2013); the 2011 Lisbon "
            "top-up seats are not included. Term 2014 (751 seats) applied until 31 January 2020, "
            "also after the 2019 election; term 2020 is the post-Brexit allocation (705). "
            "Terms 2020 and 2024 were not cross-checked against a second file."
        ),
    ),
    Extract(
        name="population_worldbank.csv",
        upstream=(WB_POPULATION_FILE, MEMBERSHIP_FILE),
        title="Population (World Bank), EU27 + UK, 1960-2024",
        source=WORLD_BANK_SOURCE.format("datasets/population commit 425fc44, data/population.csv"),
        licence="ODC-PDDL-1.0 (datapackage); upstream World Bank (CC BY 4.0)",
        description="Total population per state and year (WDI SP.POP.TOTL, mid-year estimates).",
        schema=WB_POPULATION_SCHEMA,
        build=build_population_worldbank,
        caveats=(
            "Mid-year estimates, not 1 January counts. Germany is the present territory in all "
            "years (1960 includes the GDR)."
        ),
    ),
    Extract(
        name="gdp_worldbank_2018_2023.csv",
        upstream=("sanctions_trade/worldbank_gdp_current_usd.csv",),
        title="GDP in current US$, EU27 + UK, 2018-2023 (World Bank)",
        source=WORLD_BANK_SOURCE.format("datasets/gdp commit 822019c, data/gdp.csv"),
        licence="ODC-PDDL-1.0 (datapackage); upstream World Bank / OECD (CC BY 4.0)",
        description=(
            "GDP (WDI NY.GDP.MKTP.CD) per state, 2018-2023; 2010-2017 are in "
            "sanctions_gdp_worldbank.csv."
        ),
        schema=GDP_RECENT_SCHEMA,
        build=build_gdp_recent,
        caveats="WDI vintage of early 2026; current US$, so exchange-rate swings move shares.",
    ),
    Extract(
        name="council_vote_positions.csv",
        upstream=(COUNCIL_VOTES_FILE, MEMBERSHIP_FILE),
        title="Public votes of the Council of the EU 2010-2023: position of every member state",
        source=(
            "SWP EU Council Monitor refresh of 2023-10-20 (github.com/datapumpernickel/ceu_votes, "
            "commit f35dc3c; RDS converted to CSV); published as 'Public Voting Data of the "
            "Council of the EU', von Ondarza & Bochtler, SWP, doi 10.7802/2560"
        ),
        licence="CC BY 4.0 (GESIS release); cite the DOI and the Council of the EU",
        description=(
            "One row per public vote (1,440): date, voting rule, procedure type from the "
            "interinstitutional code (COD, CNS, APP, NLE, BUD, ...; empty if none) and one "
            "column per state: Y in favour, N against, A abstained, X not participating, "
            "empty = no record."
        ),
        schema=COUNCIL_POSITIONS_SCHEMA,
        build=build_council_positions,
        caveats=(
            "Only public (legislative) votes; most Council decisions are never put to a recorded "
            "vote. Five votes list fewer states than were members (e.g. 2017-10-12, vote 4179, "
            "lists only 20 in favour), and HR appears in a vote of 2012-12-18 before its "
            "accession; analyses count positions of members only. Denmark and Ireland often do not "
            "participate because of opt-outs. Single records are fallible."
        ),
    ),
    Extract(
        name="council_presidencies.csv",
        upstream=(PRESIDENCIES_FILE,),
        title="Rotating presidencies of the Council of the EU, 2004-2027",
        source=REFERENCE_SOURCE,
        licence="Project-authored facts; cited pages keep their own terms",
        description="Half-year presidency slots with holder (ISO alpha-2) and the pages read.",
        schema=PRESIDENCIES_SCHEMA,
        build=build_presidencies,
        caveats=(
            "2007-2017 H1 follow the planned order of Decision 2007/5/EC; Estonia replaced the UK "
            "in 2017 H2 and later slots moved up one (Decision 2016/1316)."
        ),
    ),
    Extract(
        name="commission_presidents.csv",
        upstream=(PRESIDENTS_FILE,),
        title="Presidents of the European Commission, 1958 to date",
        source=REFERENCE_SOURCE,
        licence="Project-authored facts; cited pages keep their own terms",
        description="President, nationality (ISO alpha-2), term dates, acting flag and sources.",
        schema=PRESIDENTS_SCHEMA,
        build=build_commission_presidents,
        caveats=(
            "Malfatti and Marin have month precision; Barroso's dates are derived from his "
            "neighbours'; Santer's end date differs between sources. Hallstein was from West "
            "Germany."
        ),
    ),
    Extract(
        name="commission_college.csv",
        upstream=(),
        curated=(COLLEGE_CURATED,),
        title="Composition of the Commission at the essay's date",
        source="data/curated/commission_college.csv (pages read with the search tool)",
        licence="Project-authored facts; cited pages keep their own terms",
        description="College, term dates, number of members and whether it has one per state.",
        schema=COLLEGE_SCHEMA,
        build=build_commission_college,
        caveats="One row per College; only the College in office at the essay's date is listed.",
    ),
)

EXTRACTS = EXTRACTS + INSTITUTION_EXTRACTS
