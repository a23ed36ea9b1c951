"""Standard Eurobarometer 84.3 (November 2015), QA15.4: for or against a common defence policy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import xlrd

from ..errors import DataError
from .base import MEMBER_STATES_FILE, Extract, eu_code_to_iso2, read_member_states

EUROBAROMETER_FILE = "defence_institutions/opinion/eurobarometer_84.3_volumeA_2015-11.xls"
EB_SHEET = "QA15.4"
EB_HEADER_ROW = 8  # country codes (0-based row index in the sheet)
EB_ROWS = {"respondents_weighted": 9, "for_count": 10, "against_count": 12, "dont_know_count": 14}
EB_SHARE_ROW = 11  # 'For' as a published, rounded fraction
EB_LABELS = {9: "TOTAL", 10: "Pour", 11: "For", 12: "Contre", 14: "NSP"}
#: West and East Germany are sub-samples of DE; the EU aggregate column is kept as "EU28".
SUBSAMPLES = ("D-W", "D-E")
AGGREGATE = "EU28"


def build_eurobarometer(upstream: Path) -> pd.DataFrame:
    """Weighted counts for/against/don't know and the published share 'for', per state and EU."""
    path = upstream / EUROBAROMETER_FILE
    book = xlrd.open_workbook(path, on_demand=True)  # parse only the sheet read
    try:
        sheet = book.sheet_by_name(EB_SHEET)
    finally:
        book.release_resources()
    label = str(sheet.cell_value(4, 11))
    if "common defence and security policy" not in label:
        raise DataError(f"{path}: sheet {EB_SHEET} row 5 is {label!r}, not the expected item")
    for row, text in EB_LABELS.items():
        if sheet.cell_value(row, 1) != text:
            raise DataError(f"{path}: sheet {EB_SHEET} row {row + 1} is not '{text}'")
    members = read_member_states(upstream)
    records = []
    for column in range(2, sheet.ncols):
        code = str(sheet.cell_value(EB_HEADER_ROW, column)).strip()
        if code in SUBSAMPLES or not code:
            continue
        record = {"geo": AGGREGATE if AGGREGATE in code else code}
        for name, row in EB_ROWS.items():
            record[name] = int(round(float(sheet.cell_value(row, column))))
        record["for_share_published"] = float(sheet.cell_value(EB_SHARE_ROW, column))
        records.append(record)
    table = pd.DataFrame.from_records(records)
    table["geo"] = eu_code_to_iso2(table["geo"], members)
    unknown = sorted(set(table["geo"]) - {*members["country"], AGGREGATE})
    if unknown:
        raise DataError(
            f"{path}: sheet {EB_SHEET} row {EB_HEADER_ROW + 1} has codes of no member state in "
            f"member_states.csv: {unknown}"
        )
    return table.sort_values("geo", ignore_index=True)


EUROBAROMETER_SCHEMA = pa.DataFrameSchema(
    {
        "geo": pa.Column(str, pa.Check.str_matches(rf"^([A-Z]{{2}}|{AGGREGATE})$"), unique=True),
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
        upstream=(EUROBAROMETER_FILE, MEMBER_STATES_FILE),
        title="Eurobarometer 84.3 (Nov 2015), QA15.4: a common defence and security policy",
        source=(
            "European Commission, Standard Eurobarometer 84.3, Volume A weighted tables "
            "(github.com/andybega/mireg-blogs, commit 63942aa, "
            "eu-army/VolumeAEB843COMMstandard20151119.xls), sheet QA15.4"
        ),
        licence="Commission reuse policy (Decision 2011/833/EU), attribution required",
        description=(
            "Weighted respondent counts for/against/don't know and the published (rounded) share "
            "'for', per EU28 state (ISO alpha-2 through member_states.csv) and the EU28."
        ),
        schema=EUROBAROMETER_SCHEMA,
        build=build_eurobarometer,
        caveats=(
            "Fieldwork 7-17 Nov 2015; a single wave. Weighted counts are rounded to whole "
            "respondents. West/East Germany sub-samples dropped (DE is kept)."
        ),
    ),
)
