"""Extract: EU27 member states' monthly goods exports to Russia, 2019-2024 (Eurostat Comext)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import EU28_NAME_TO_ISO2, Extract

COMEXT_FILE = "sanctions_trade/eurostat_comext_eu27_exports_to_russia_monthly_2019_2024.csv"
#: The Comext label of the EU27 aggregate row (checked against the sum of the members).
EU27_LABEL_PREFIX = "European Union - 27 countries"
#: Aggregate rows that are not member states (dropped after the check).
AGGREGATE_PREFIXES = ("European Union", "Euro area")
MONTH = r"^\d{4}-\d{2}$"


def reporter_iso2(label: str) -> str | None:
    """ISO alpha-2 of a Comext reporter label such as "Germany (incl. German Democratic ...)"."""
    name = label.split(" (")[0].strip()
    return EU28_NAME_TO_ISO2.get(name)


def read_comext(upstream: Path) -> pd.DataFrame:
    """The concatenated Comext relational-view files: reporter label, month, value in EUR."""
    path = upstream / COMEXT_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column, expected in (("PARTNER", "Russian Federation (Russia)"), ("FLOW", "EXPORT"),
                             ("PRODUCT", "Total"), ("STAT_PROCEDURE", "Total")):  # fmt: skip
        unexpected = sorted(set(raw[column]) - {expected})
        if unexpected:
            raise DataError(f"{path}: column {column} has unexpected values {unexpected}")
    month = pd.to_datetime(raw["PERIOD"].str.replace(".", "", regex=False), format="%b %Y")
    return pd.DataFrame(
        {
            "reporter": raw["REPORTER"],
            "month": month.dt.strftime("%Y-%m"),
            "exports_eur": raw["VALUE_IN_EUR"].astype("int64"),
        }
    )


def build_exports_monthly(upstream: Path) -> pd.DataFrame:
    """One row per EU27 member and month; a month with no row in Comext is recorded as 0.

    Comext's relational view omits nil cells. That a missing row is a nil value (not a missing
    one) is checked: in every month the EU27 aggregate row must equal the sum of the members.
    """
    comext = read_comext(upstream)
    aggregate = comext[comext["reporter"].str.startswith(EU27_LABEL_PREFIX)]
    aggregate = aggregate.set_index("month")["exports_eur"]
    members = comext[~comext["reporter"].str.startswith(AGGREGATE_PREFIXES)].copy()
    members["country"] = members["reporter"].map(reporter_iso2)
    unmapped = sorted(set(members.loc[members["country"].isna(), "reporter"]))
    if unmapped:
        raise DataError(f"{COMEXT_FILE}: reporter labels without an ISO code: {unmapped}")
    members = members[members["country"] != "GB"]  # not a member in the months covered
    sums = members.groupby("month")["exports_eur"].sum()
    differ = sorted(m for m in aggregate.index if sums.get(m, 0) != aggregate[m])
    if differ:
        raise DataError(
            f"{COMEXT_FILE}: the EU27 aggregate differs from the sum of the members in {differ}; "
            "missing rows cannot be read as nil values"
        )
    countries = sorted(set(members["country"]))
    grid = pd.MultiIndex.from_product([countries, sorted(aggregate.index)],
                                      names=["country", "month"])  # fmt: skip
    values = members.set_index(["country", "month"])["exports_eur"]
    table = values.reindex(grid).to_frame()
    table["row_in_source"] = table["exports_eur"].notna()
    table["exports_eur"] = table["exports_eur"].fillna(0).astype("int64")
    return table.reset_index()


SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}$")),
        "month": pa.Column(str, pa.Check.str_matches(MONTH)),
        "exports_eur": pa.Column("int64", pa.Check.ge(0)),
        "row_in_source": pa.Column(bool),
    },
    strict=True,
    ordered=True,
    unique=["country", "month"],
)

EXTRACTS = (
    Extract(
        name="eurostat_exports_russia_monthly.csv",
        upstream=(COMEXT_FILE,),
        title="Goods exports of the EU27 member states to Russia per month, 2019-2024 (Comext)",
        source=(
            "Eurostat Comext, relational view (reporter x partner Russia, all products, exports), "
            "68 monthly downloads of 16 Nov 2024 in mary-lev/eu-export-sanctions commit 4b6a5df "
            "(data/russia_export_eurostat/), concatenated"
        ),
        licence="Eurostat data CC BY 4.0; repository Apache-2.0",
        description=(
            "One row per EU27 member state and month, January 2019 to August 2024: exports to "
            "Russia in euros; row_in_source = false where Comext has no row (a nil value)."
        ),
        schema=SCHEMA,
        build=build_exports_monthly,
        caveats=(
            "2024 has only 8 months (January-August). Missing Comext rows (Cyprus 1 month, Malta "
            "19 months after June 2022) are recorded as 0: the EU27 aggregate equals the sum of "
            "the members in every month, which is checked at extraction. Exporter-side values "
            "include re-exports. The UK rows (2019 to January 2020) are dropped."
        ),
    ),
)
