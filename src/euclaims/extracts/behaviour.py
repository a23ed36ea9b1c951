"""Extracts for the small-states behaviour notebook: exposure, Council dissent, defence support
(PESCO participation and project roles are shared tables of `reference_facts`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import xlrd

from .base import EU_TO_ISO2, Extract

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
EUROBAROMETER_FILE = "defence_institutions/opinion/eurobarometer_84.3_volumeA_2015-11.xls"


def _require_columns(frame: pd.DataFrame, columns: list[str], where: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{where}: missing column(s) {', '.join(missing)}")


EB_SHEET = "QA15.4"
EB_HEADER_ROW = 8  # country codes (0-based row index in the sheet)
EB_ROWS = {"respondents_weighted": 9, "for_count": 10, "against_count": 12, "dont_know_count": 14}
EB_SHARE_ROW = 11  # 'For' as a published, rounded fraction


def build_eurobarometer(upstream: Path) -> pd.DataFrame:
    """Standard Eurobarometer 84.3 (Nov 2015), QA15.4: for/against a common defence policy."""
    path = upstream / EUROBAROMETER_FILE
    sheet = xlrd.open_workbook(path).sheet_by_name(EB_SHEET)
    label = str(sheet.cell_value(4, 11))
    if "common defence and security policy" not in label:
        raise ValueError(f"{path}: sheet {EB_SHEET} row 5 is {label!r}, not the expected item")
    expected_labels = {9: "TOTAL", 10: "Pour", 11: "For", 12: "Contre", 14: "NSP"}
    for row, text in expected_labels.items():
        if sheet.cell_value(row, 1) != text:
            raise ValueError(f"{path}: sheet {EB_SHEET} row {row + 1} is not '{text}'")
    records = []
    for column in range(2, sheet.ncols):
        code = str(sheet.cell_value(EB_HEADER_ROW, column)).strip()
        if code in ("D-W", "D-E") or not code:
            continue  # West and East Germany are sub-samples of DE
        geo = "EU28" if "EU28" in code else EU_TO_ISO2.get(code, code)
        record = {"geo": geo}
        for name, row in EB_ROWS.items():
            record[name] = int(round(float(sheet.cell_value(row, column))))
        record["for_share_published"] = float(sheet.cell_value(EB_SHARE_ROW, column))
        records.append(record)
    table = pd.DataFrame.from_records(records)
    return table.sort_values("geo", ignore_index=True)


EUROBAROMETER_SCHEMA = pa.DataFrameSchema(
    {
        "geo": pa.Column(str, pa.Check.isin([*sorted(EU28_ISO3), "EU28"]), unique=True),
        "respondents_weighted": pa.Column("int64", pa.Check.gt(0)),
        "for_count": pa.Column("int64", pa.Check.ge(0)),
        "against_count": pa.Column("int64", pa.Check.ge(0)),
        "dont_know_count": pa.Column("int64", pa.Check.ge(0)),
        "for_share_published": pa.Column("float64", pa.Check.in_range(0, 1)),
    },
    strict=True,
    ordered=True,
)


EXTRACTS = (
    Extract(
        name="eurobarometer_2015_common_defence.csv",
        upstream=(EUROBAROMETER_FILE,),
        title="Eurobarometer 84.3 (Nov 2015), QA15.4: a common defence and security policy",
        source=(
            "European Commission, Standard Eurobarometer 84.3, Volume A weighted tables "
            "(github.com/andybega/mireg-blogs, commit 63942aa, "
            "eu-army/VolumeAEB843COMMstandard20151119.xls), sheet QA15.4"
        ),
        licence="Commission reuse policy (Decision 2011/833/EU), attribution required",
        description=(
            "Weighted respondent counts for/against/don't know and the published (rounded) share "
            "'for', per EU28 state and the EU28."
        ),
        schema=EUROBAROMETER_SCHEMA,
        build=build_eurobarometer,
        caveats=(
            "Fieldwork 7-17 Nov 2015; a single wave. Weighted counts are rounded to whole "
            "respondents. West/East Germany sub-samples dropped (DE is kept)."
        ),
    ),
)
