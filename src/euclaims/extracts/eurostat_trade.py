"""Extracts of Eurostat trade data: monthly goods exports of the member states to Russia
(Comext), the EU composition as Comext labels it, and natural-gas imports (nrg_ti_gas)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import (
    ISO2,
    MEMBER_STATES_FILE,
    Extract,
    check_member_rows,
    check_months_in_membership,
    check_unique_keys,
    map_member_names,
    read_member_states,
    read_sheet,
    shared_read,
    state_year_schema,
)

COMEXT_FILE = "sanctions_trade/eurostat_comext_eu27_exports_to_russia_monthly_2019_2024.csv"
GAS_FILE = "sanctions_trade/eurostat_nrg_ti_gas_imports_by_partner_2011_2020.xlsx"
MONTH = r"^\d{4}-\d{2}$"

# --- Comext: monthly exports to Russia ------------------------------------------------------------

#: The Comext label of the EU27 aggregate row (checked against the sum of the members).
EU27_LABEL_PREFIX = "European Union - 27 countries"
#: Aggregate rows that are not member states (dropped after the check).
AGGREGATE_PREFIXES = ("European Union", "Euro area")
#: The one value each filter column of the download must hold.
COMEXT_FILTERS = {"PARTNER": "Russian Federation (Russia)", "FLOW": "EXPORT", "PRODUCT": "Total",
                  "STAT_PROCEDURE": "Total"}  # fmt: skip


def comext_month(period: str) -> str:
    """'Aug. 2024' -> '2024-08'."""
    return pd.to_datetime(period.replace(".", ""), format="%b %Y").strftime("%Y-%m")


def reporter_name(label: str) -> str:
    """The state's name in a Comext reporter label such as 'Germany (incl. German ...)'."""
    return label.split(" (")[0].strip()


@shared_read
def read_comext(upstream: Path) -> pd.DataFrame:
    """The concatenated Comext relational-view files: reporter label, month, value in EUR."""
    path = upstream / COMEXT_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column, expected in COMEXT_FILTERS.items():
        unexpected = sorted(set(raw[column]) - {expected})
        if unexpected:
            raise DataError(f"{path}: column {column} has unexpected values {unexpected}")
    return pd.DataFrame(
        {
            "reporter": raw["REPORTER"],
            "month": raw["PERIOD"].map({p: comext_month(p) for p in raw["PERIOD"].unique()}),
            "exports_eur": raw["VALUE_IN_EUR"].astype("int64"),
        }
    )


def build_exports_monthly(upstream: Path) -> pd.DataFrame:
    """One row per member state and month of its membership; a month with no row in Comext is
    recorded as 0.

    Comext's relational view omits nil cells. That a missing row is a nil value (not a missing
    one) is checked: in every month the EU27 aggregate row must equal the sum of the members.
    """
    members = read_member_states(upstream)
    comext = read_comext(upstream)
    aggregate = comext[comext["reporter"].str.startswith(EU27_LABEL_PREFIX)]
    aggregate = aggregate.set_index("month")["exports_eur"]
    states = comext[~comext["reporter"].str.startswith(AGGREGATE_PREFIXES)].copy()
    path = upstream / COMEXT_FILE
    states["country"] = map_member_names(
        states["reporter"].map(reporter_name), members, file=path, column="REPORTER", expect=[]
    )
    unmapped = sorted(set(states.loc[states["country"].isna(), "reporter"]))
    if unmapped:
        raise DataError(
            f"{path}: column 'REPORTER' has labels without a member state: {unmapped}; add the "
            "spelling to euclaims.extracts.base.NAME_ALIASES"
        )
    # States that have left (the UK, to January 2020) are dropped: the table is the EU27.
    exits = members.set_index("country")["exit_date"]
    in_eu27 = states[states["country"].map(exits).isna()]
    sums = in_eu27.groupby("month")["exports_eur"].sum()
    differ = sorted(m for m in aggregate.index if sums.get(m, 0) != aggregate[m])
    if differ:
        raise DataError(
            f"{path}: the EU27 aggregate differs from the sum of the members in {differ}; "
            "missing rows cannot be read as nil values"
        )
    grid = pd.MultiIndex.from_product([sorted(set(in_eu27["country"])), sorted(aggregate.index)],
                                      names=["country", "month"])  # fmt: skip
    values = in_eu27.set_index(["country", "month"])["exports_eur"]
    table = values.reindex(grid).to_frame()
    table["row_in_source"] = table["exports_eur"].notna()
    table["exports_eur"] = table["exports_eur"].fillna(0).astype("int64")
    table = table.reset_index()
    check_member_rows(table, members, file=MONTHLY_NAME)
    check_months_in_membership(table, members, file=MONTHLY_NAME)
    return table


# --- Comext: the EU composition of its aggregate label -------------------------------------------

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


def build_comext_composition(upstream: Path) -> pd.DataFrame:
    """EU composition history as labelled by Eurostat Comext, and who reported in the last month."""
    members = read_member_states(upstream)
    path = upstream / COMEXT_FILE
    comext = read_comext(upstream)
    labels = sorted(
        {r for r in comext["reporter"] if COMEXT_EU_LABEL.match(r) and "27 countries" not in r}
    )
    if len(labels) != 1:
        raise DataError(f"{path}: expected one 'European Union (...)' label, got {labels}")
    table = parse_comext_eu_label(labels[0])
    last = comext["month"].max()
    reporters = comext.loc[comext["month"] == last, "reporter"].map(reporter_name)
    reported = set(
        map_member_names(reporters, members, file=path, column="REPORTER", expect=[]).dropna()
    )
    table["reported_in_last_month"] = table["country"].isin(reported)
    table["composition_as_of"] = last
    table = table.sort_values("country", ignore_index=True)
    check_member_rows(table, members, file=COMPOSITION_NAME)
    return table


# --- natural-gas imports (nrg_ti_gas) ------------------------------------------------------------


def _gas_sheet(path: Path, sheet: str, members: pd.DataFrame) -> pd.Series:
    """One sheet of the Eurostat export as a (country, year) series in TJ (GCV)."""
    with warnings.catch_warnings():  # the Eurostat export has no default style
        warnings.simplefilter("ignore", UserWarning)
        raw = read_sheet(path, sheet_name=sheet, header=None)
    header_row = raw.index[raw[0] == "TIME"][0]
    years = [int(float(y)) for y in raw.iloc[header_row, 1:].tolist()]
    body = raw.iloc[header_row + 2 :, : len(years) + 1]
    body.columns = ["geo", *years]
    expect = list(members["country"])
    countries = map_member_names(body["geo"], members, file=path, column="GEO", expect=expect)
    body = body.assign(country=countries).dropna(subset="country").drop(columns="geo")
    long = body.melt(id_vars="country", var_name="year", value_name="value")
    long["value"] = pd.to_numeric(long["value"].replace(":", None), errors="raise")
    return long.set_index(["country", "year"])["value"].astype("float64")


def build_gas_imports(upstream: Path) -> pd.DataFrame:
    """Natural-gas imports from Russia (Sheet 1) and from all partners (Sheet 2), TJ (GCV), per
    EU27 + UK state and year."""
    members = read_member_states(upstream)
    path = upstream / GAS_FILE
    table = pd.DataFrame(
        {
            "imports_from_russia_tj_gcv": _gas_sheet(path, "Sheet 1", members),
            "imports_total_tj_gcv": _gas_sheet(path, "Sheet 2", members),
        }
    ).reset_index()
    table = table.astype({"year": "int64"}).sort_values(["country", "year"], ignore_index=True)
    check_member_rows(table, members, file=GAS_NAME)
    check_unique_keys(table, ["country", "year"], file=GAS_NAME)
    return table


MONTHLY_NAME = "eurostat_exports_russia_monthly.csv"
COMPOSITION_NAME = "comext_eu_composition.csv"
GAS_NAME = "eurostat_gas_imports.csv"

MONTHLY_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "month": pa.Column(str, pa.Check.str_matches(MONTH)),
        "exports_eur": pa.Column("int64", pa.Check.ge(0)),
        "row_in_source": pa.Column(bool),
    },
    strict=True,
    ordered=True,
    unique=["country", "month"],
)
COMPOSITION_SCHEMA = pa.DataFrameSchema(
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
GAS_SCHEMA = state_year_schema(
    pa.Check.in_range(1990, 2100),
    imports_from_russia_tj_gcv=pa.Column("float64", pa.Check.ge(0), nullable=True),
    imports_total_tj_gcv=pa.Column("float64", pa.Check.ge(0), nullable=True),
)

COMEXT_SOURCE = (
    "Eurostat Comext, relational view (reporter x partner Russia, all products, exports), "
    "68 monthly downloads of 16 Nov 2024 in mary-lev/eu-export-sanctions commit 4b6a5df "
    "(data/russia_export_eurostat/), concatenated"
)
COMEXT_LICENCE = "Eurostat data CC BY 4.0; repository Apache-2.0"

EXTRACTS = (
    Extract(
        name=MONTHLY_NAME,
        upstream=(COMEXT_FILE, MEMBER_STATES_FILE),
        title="Goods exports of the EU member states to Russia per month, 2019-2024 (Comext)",
        source=COMEXT_SOURCE,
        licence=COMEXT_LICENCE,
        description=(
            "One row per member state and month of its membership, January 2019 to August 2024: "
            "exports to Russia in euros; row_in_source = false where Comext has no row (a nil "
            "value)."
        ),
        schema=MONTHLY_SCHEMA,
        build=build_exports_monthly,
        caveats=(
            "2024 has only 8 months (January-August). Missing Comext rows (Cyprus 1 month, Malta "
            "19 months after June 2022) are recorded as 0: the EU27 aggregate equals the sum of "
            "the members in every month, which is checked at extraction. Exporter-side values "
            "include re-exports. The UK's rows (2019 to January 2020) are dropped: the table "
            "holds the EU27 in every month."
        ),
    ),
    Extract(
        name=COMPOSITION_NAME,
        upstream=(COMEXT_FILE, MEMBER_STATES_FILE),
        title="EU composition history as labelled by Eurostat Comext (to August 2024)",
        source=(
            COMEXT_SOURCE + "; the reporter label 'European Union (AT-01/1995, ..., "
            "GB-01/1973->01/2020, ...)'"
        ),
        licence=COMEXT_LICENCE,
        description=(
            "One row per state that is or was an EU member per Eurostat's EU aggregate label: "
            "accession and exit month, whether it reported exports to Russia in the last month."
        ),
        schema=COMPOSITION_SCHEMA,
        build=build_comext_composition,
        caveats=(
            "The label describes the EU aggregate at download time (Nov 2024); composition_as_of "
            "is the last month of data (2024-08). A state that reports nothing in a month (Malta "
            "in some months) is still a member."
        ),
    ),
    Extract(
        name=GAS_NAME,
        upstream=(GAS_FILE,),
        title="Natural-gas imports from Russia and in total, EU27 + UK states (Eurostat)",
        source=(
            "Eurostat nrg_ti_gas (custom extract NRG_TI_GAS__custom_2437435, via "
            "hblasum/stop-gas-imports commit 3fe5a04)"
        ),
        licence="Eurostat CC BY 4.0",
        description=(
            "One row per state (ISO alpha-2) and year in the download: imports of natural gas "
            "from Russia and from all partners, terajoule (gross calorific value)."
        ),
        schema=GAS_SCHEMA,
        build=build_gas_imports,
        caveats=(
            "Partner is the country of origin as reported, but some members report the country "
            "of entry (Austria reports 0 from Russia from 2014; Croatia 0 in every year). Missing "
            "values (':') are empty. Membership is not encoded: the UK has rows in every year."
        ),
    ),
)
