"""Extracts for the `hindsight` notebook: the essay's forecasts checked against later data.

Every table is prefixed `hindsight_` (other notebooks extract overlapping upstream files for
other purposes). Curated rows (data/curated/hindsight_*.csv) close gaps of the upstream tables.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from ..paths import CURATED_DIR
from .base import Extract

ISO2 = r"^[A-Z]{2}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATE_OR_MONTH = r"^\d{4}-\d{2}(-\d{2})?$"
MONTH = r"^\d{4}-\d{2}$"

MEMBERS_FILE = "defence_institutions/member_states/eums_member_states.csv"
COMEXT_FILE = "sanctions_trade/eurostat_comext_eu27_exports_to_russia_monthly_2019_2024.csv"
VETOES_FILE = "defence_institutions/council_votes/ovadek_eu_vetoes.csv"
COUNCIL_VOTES_FILE = "defence_institutions/council_votes/swp_ceu_votes_full_dataset_2023-10-20.csv"
WB_POPULATION_FILE = "sanctions_trade/worldbank_population.csv"
PESCO_FILE = "reference_facts/pesco_membership.csv"
SUMMITS_FILE = "reference_facts/eu_russia_summits.csv"

PESCO_CURATED = "hindsight_pesco_events.csv"
SUMMITS_CURATED = "hindsight_eu_russia_summits.csv"

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


# --- EU composition (Eurostat Comext, to August 2024) -------------------------------------------

COMEXT_EU_LABEL = re.compile(r"^European Union \((?P<body>[A-Z]{2}-\d{2}/\d{4}.*)\)$")
COMEXT_MEMBER = re.compile(
    r"^(?P<c>[A-Z]{2})-(?P<m>\d{2})/(?P<y>\d{4})(->(?P<xm>\d{2})/(?P<xy>\d{4}))?$"
)


def parse_comext_eu_label(label: str) -> pd.DataFrame:
    """Members with accession (and exit) month from Comext's 'European Union (AT-01/1995, ...)'."""
    match = COMEXT_EU_LABEL.match(label.strip())
    if not match:
        raise DataError(f"Comext reporter {label!r} is not an 'European Union (...)' label")
    rows = []
    for item in match["body"].split(","):
        part = COMEXT_MEMBER.match(item.strip())
        if not part:
            raise DataError(f"Comext EU label: cannot read member entry {item.strip()!r}")
        rows.append(
            {
                "country": part["c"],
                "accession_month": f"{part['y']}-{part['m']}",
                "exit_month": f"{part['xy']}-{part['xm']}" if part["xy"] else None,
            }
        )
    return pd.DataFrame(rows)


def comext_month(period: str) -> str:
    """'Aug. 2024' -> '2024-08'."""
    stamp = pd.to_datetime(period.replace(".", ""), format="%b %Y")
    return stamp.strftime("%Y-%m")


def build_comext_membership(upstream: Path) -> pd.DataFrame:
    """EU composition history as labelled by Eurostat Comext, and who reported in the last month."""
    raw = pd.read_csv(upstream / COMEXT_FILE, dtype=str, keep_default_na=False)
    labels = sorted(
        {r for r in raw["REPORTER"] if COMEXT_EU_LABEL.match(r) and "27 countries" not in r}
    )
    if len(labels) != 1:
        raise DataError(f"{COMEXT_FILE}: expected one 'European Union (...)' label, got {labels}")
    table = parse_comext_eu_label(labels[0])
    months = raw["PERIOD"].map(comext_month)
    last = months.max()
    reporters = set(raw.loc[months == last, "REPORTER"])
    names = _members(upstream).set_index("iso2")["name"]
    reported = []
    for code in table["country"]:
        name = names.get(code, "")
        reported.append(any(r == name or r.startswith(f"{name} (") for r in reporters) or (
            code == "CZ" and "Czechia" in reporters
        ))  # fmt: skip
    table["reported_in_last_month"] = reported
    table["composition_as_of"] = last
    return table.sort_values("country", ignore_index=True)


COMEXT_MEMBERSHIP_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "accession_month": pa.Column(str, pa.Check.str_matches(MONTH)),
        "exit_month": pa.Column(str, pa.Check.str_matches(MONTH), nullable=True),
        "reported_in_last_month": pa.Column(bool),
        "composition_as_of": pa.Column(str, pa.Check.str_matches(MONTH)),
    },
    strict=True,
    ordered=True,
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


def build_wb_population(upstream: Path) -> pd.DataFrame:
    """World Bank population (SP.POP.TOTL) of the EU28 states, 2000-2023."""
    raw = pd.read_csv(upstream / WB_POPULATION_FILE)
    iso = _members(upstream).set_index("iso3")["iso2"]
    first, last = POPULATION_YEARS
    raw = raw[raw["Country Code"].isin(iso.index) & raw["Year"].between(first, last)]
    table = pd.DataFrame(
        {
            "country": raw["Country Code"].map(iso),
            "year": raw["Year"].astype("int64"),
            "population": raw["Value"].astype("int64"),
        }
    )
    return table.sort_values(["country", "year"], ignore_index=True)


WB_POPULATION_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "year": pa.Column("int64", pa.Check.in_range(*POPULATION_YEARS)),
        "population": pa.Column("int64", pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
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
        name="hindsight_eu_composition_comext.csv",
        upstream=(COMEXT_FILE, MEMBERS_FILE),
        title="EU composition history as labelled by Eurostat Comext (to August 2024)",
        source=(
            "Eurostat Comext, EU exports to Russia, monthly 2019-01 to 2024-08, 'relational view' "
            "downloads of 16 Nov 2024 (github.com/mary-lev/eu-export-sanctions, commit 4b6a5df); "
            "the reporter label 'European Union (AT-01/1995, ..., GB-01/1973->01/2020, ...)'"
        ),
        licence="Eurostat reuse policy (CC BY 4.0); repository Apache-2.0",
        description=(
            "One row per state that is or was an EU member per Eurostat's EU aggregate label: "
            "accession and exit month, whether it reported exports to Russia in the last month."
        ),
        schema=COMEXT_MEMBERSHIP_SCHEMA,
        build=build_comext_membership,
        caveats=(
            "The label describes the EU aggregate at download time (Nov 2024); composition_as_of "
            "is the last month of data (2024-08). A state that reports nothing in a month (Malta "
            "in some months) is still a member."
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
        name="hindsight_population_worldbank.csv",
        upstream=(WB_POPULATION_FILE, MEMBERS_FILE),
        title="Population of the EU28 states, 2000-2023 (World Bank)",
        source="World Bank WDI SP.POP.TOTL via github.com/datasets/population (commit 425fc44)",
        licence="ODC-PDDL-1.0 (upstream World Bank CC BY 4.0)",
        description="Total population per EU28 state and year, for population-weighted means.",
        schema=WB_POPULATION_SCHEMA,
        build=build_wb_population,
        caveats="Auto-updated mirror; values are a WDI vintage of early 2026.",
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
